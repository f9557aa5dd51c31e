// operations.cc: the MPI thread's operations: starting each command with non-blocking MPI,
// advancing and completing them, receiving messages in match order, and answering peers'
// one-sided reads. Runs only on the MPI thread (see engine.h).

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine.h"
#include "op.h"

namespace graft {

namespace {
// Messages up to this size are received at once (they sit in MPI's eager buffers already).
constexpr int kReceiveNowLimit = 64 * 1024;
// Messages taken per pass and communicator, so commands and completions are never starved by a flood.
constexpr int kProbeBatch = 64;
}  // namespace

void Engine::AddOp(std::unique_ptr<Op> op, MPI_Request request) {
  ops_.push_back(std::move(op));
  requests_.push_back(request);
}

void Engine::Execute(Command& c) {
  auto op = std::make_unique<Op>();
  op->id = c.id;
  MPI_Request request = MPI_REQUEST_NULL;
  int rc = MPI_SUCCESS;
  switch (c.kind) {
    case Command::Kind::kSend:
      op->kind = Op::Kind::kSend;
      // A copied or empty payload was free the moment it was posted: JS does not wait for it.
      op->silent = c.copy.data() != nullptr || c.size == 0;
      if (c.copy.data() != nullptr) {
        op->buffer = std::move(c.copy);
        c.data = op->buffer.data();
      }
      rc = MPI_Isend(c.data, static_cast<int>(c.size), MPI_BYTE, c.peer, c.tag, user_, &request);
      break;
    case Command::Kind::kSendInto:
      // Zero-copy from the caller's memory, to a receive the peer posts on its own.
      op->kind = Op::Kind::kSend;
      rc = MPI_Isend(c.data, static_cast<int>(c.size), MPI_BYTE, c.peer, c.tag, posted_, &request);
      break;
    case Command::Kind::kReceiveInto:
      // Straight into the caller's memory, as soon as the message arrives.
      op->kind = Op::Kind::kPostedReceive;
      op->size = c.size;
      op->posted = std::chrono::steady_clock::now();
      rc = MPI_Irecv(const_cast<uint8_t*>(c.data), static_cast<int>(c.size), MPI_BYTE, c.peer, c.tag, posted_, &request);
      break;
    case Command::Kind::kBarrier:
      op->kind = Op::Kind::kBarrier;
      rc = MPI_Ibarrier(user_, &request);
      break;
    case Command::Kind::kAllgather: {
      // Sizes first, so every rank can place every contribution; then the bytes themselves.
      int size = 0;
      MPI_Comm_size(user_, &size);
      op->kind = Op::Kind::kGatherCounts;
      op->data = c.data;
      op->size = c.size;
      op->sizes.assign(size, 0);
      op->count = c.size;
      rc = MPI_Iallgather(&op->count, 1, MPI_UINT64_T, op->sizes.data(), 1, MPI_UINT64_T, user_, &request);
      break;
    }
    case Command::Kind::kBroadcast:
      op->kind = Op::Kind::kBcastSize;
      op->root = c.peer;
      op->data = c.data;
      op->count = c.size;
      rc = MPI_Ibcast(&op->count, 1, MPI_UINT64_T, c.peer, user_, &request);
      break;
    case Command::Kind::kExpose:
      regions_[c.region] = Region{c.data, c.size, 0, false};
      return;
    case Command::Kind::kRelease: {
      auto it = regions_.find(c.region);
      if (it == regions_.end()) return;
      if (it->second.readers == 0) {
        regions_.erase(it);
        Emit(Event{EventKind::kReleased, static_cast<double>(c.region)});
      } else {
        it->second.released = true;  // reported when its last reply has gone
      }
      return;
    }
    case Command::Kind::kGet: {
      op->kind = Op::Kind::kReadHeader;
      uint8_t* into = const_cast<uint8_t*>(c.data);  // the caller's destination, if it gave one
      if (into == nullptr) {
        op->buffer = Buffer(c.size);
        if (!op->buffer.ok()) return Fail(c.id, FailReason::kMpi, MPI_ERR_NO_MEM);
        into = op->buffer.data();
      }
      int replyTag = nextReplyTag_;
      nextReplyTag_ = nextReplyTag_ >= maxReplyTag_ ? 1 : nextReplyTag_ + 1;
      // The reply is a header, then the bytes (empty after a refusal), on one tag: MPI keeps
      // their order, so each lands in its own receive, and the bytes travel contiguous, which
      // lets MPI copy them once, straight from the owner's memory. Both receives are posted
      // before the request leaves, so the reply can never arrive unmatched.
      rc = MPI_Irecv(&op->header, sizeof(ReadHeader), MPI_BYTE, c.peer, replyTag, ctl_, &request);
      if (rc != MPI_SUCCESS) break;
      rc = MPI_Irecv(into, static_cast<int>(c.size), MPI_BYTE, c.peer, replyTag, ctl_, &op->second);
      auto ask = std::make_unique<Op>();
      ask->kind = Op::Kind::kReadRequest;
      ask->request = ReadRequest{c.region, c.offset, c.size, replyTag};
      MPI_Request askRequest = MPI_REQUEST_NULL;
      if (rc == MPI_SUCCESS) {
        rc = MPI_Isend(&ask->request, sizeof(ReadRequest), MPI_BYTE, c.peer, kReadRequestTag, ctl_, &askRequest);
      }
      if (rc != MPI_SUCCESS) {
        CancelReceive(request);
        CancelReceive(op->second);
        break;
      }
      AddOp(std::move(ask), askRequest);
      break;
    }
    case Command::Kind::kFinalize:
      closing_ = true;
      finalizeId_ = c.id;
      // Collectives can only finish if every rank joins them; at close they fail at once.
      for (auto& pending : ops_) {
        if (pending->finished || pending->silent) continue;
        switch (pending->kind) {
          case Op::Kind::kBarrier: case Op::Kind::kGatherCounts: case Op::Kind::kGatherData:
          case Op::Kind::kBcastSize: case Op::Kind::kBcastData:
            pending->silent = true;
            Fail(pending->id, FailReason::kClosed, MPI_SUCCESS);
            break;
          case Op::Kind::kPostedReceive: {
            // Nothing more will be sent for it: cancel it (Progress then retires it quietly).
            size_t at = static_cast<size_t>(&pending - ops_.data());
            MPI_Cancel(&requests_[at]);
            pending->silent = true;
            Fail(pending->id, FailReason::kClosed, MPI_SUCCESS);
            break;
          }
          default:
            break;
        }
      }
      return;
  }
  if (rc != MPI_SUCCESS) return Fail(c.id, FailReason::kMpi, rc);
  AddOp(std::move(op), request);
}

void Engine::CancelReceive(MPI_Request& request) {
  if (request == MPI_REQUEST_NULL) return;
  MPI_Cancel(&request);
  MPI_Wait(&request, MPI_STATUS_IGNORE);
}

bool Engine::Progress() {
  transferring_ = false;
  if (ops_.empty()) return false;
  int count = static_cast<int>(requests_.size());
  indices_.resize(count);
  statuses_.resize(count);
  int done = 0;
  int rc = MPI_Testsome(count, requests_.data(), &done, indices_.data(), statuses_.data());
  if (done == MPI_UNDEFINED) done = 0;
  for (int i = 0; i < done; i++) {
    int at = indices_[i];
    // Per-request error codes are set only when Testsome reports MPI_ERR_IN_STATUS.
    int error = rc == MPI_ERR_IN_STATUS ? statuses_[i].MPI_ERROR : MPI_SUCCESS;
    requests_[at] = Complete(*ops_[at], error, statuses_[i]);
  }
  // Drop finished ops (including messages FlushInbox delivered), keeping the order of the rest.
  size_t keep = 0;
  transferring_ = false;
  std::chrono::steady_clock::time_point now{};  // read only if a posted receive asks
  for (size_t i = 0; i < ops_.size(); i++) {
    if (ops_[i]->finished) continue;
    if (ops_[i]->kind == Op::Kind::kPostedReceive && now == std::chrono::steady_clock::time_point{}) now = std::chrono::steady_clock::now();
    transferring_ |= (!ops_[i]->silent || ops_[i]->kind == Op::Kind::kSend) && IsTransfer(*ops_[i], now);
    if (keep != i) {
      ops_[keep] = std::move(ops_[i]);
      requests_[keep] = requests_[i];
    }
    keep++;
  }
  ops_.resize(keep);
  requests_.resize(keep);
  return done > 0;
}

MPI_Request Engine::Complete(Op& op, int error, const MPI_Status& status) {
  MPI_Request next = MPI_REQUEST_NULL;
  if (op.kind == Op::Kind::kPostedReceive) {
    CompletePostedReceive(op, error, status);
    return next;
  }
  if (error != MPI_SUCCESS) {
    if (op.kind == Op::Kind::kReplyData) ReleaseReader(op.region);
    if (op.kind == Op::Kind::kReadHeader) CancelReceive(op.second);
    if (op.kind == Op::Kind::kMessage) {
      // A failed receive cannot be tied to a caller: drop it without stalling the inbox.
      op.received = true;
      op.silent = true;
      return next;
    }
    op.finished = true;
    bool reported = op.kind != Op::Kind::kReadRequest && op.kind != Op::Kind::kReply && op.kind != Op::Kind::kReplyData;
    if (!op.silent && reported) Fail(op.id, FailReason::kMpi, error);
    return next;
  }
  int rc = MPI_SUCCESS;
  switch (op.kind) {
    case Op::Kind::kMessage:
      op.received = true;  // delivered by FlushInbox, in match order
      return next;
    case Op::Kind::kPostedReceive:  // finished above
      return next;
    case Op::Kind::kSend:
    case Op::Kind::kBarrier:
      op.finished = true;
      if (!op.silent) Emit(Event{EventKind::kDone, op.id});
      return next;
    case Op::Kind::kReadRequest:
    case Op::Kind::kReply:
      op.finished = true;
      return next;
    case Op::Kind::kReplyData:
      op.finished = true;
      ReleaseReader(op.region);
      return next;
    case Op::Kind::kReadHeader:
      op.kind = Op::Kind::kReadData;
      return std::exchange(op.second, MPI_REQUEST_NULL);
    case Op::Kind::kDrain:
      op.finished = true;
      drained_ = true;
      return next;
    case Op::Kind::kReadData:
      op.finished = true;
      if (op.header.status != static_cast<int64_t>(FailReason::kMpi)) {
        Fail(op.id, static_cast<FailReason>(op.header.status), MPI_SUCCESS);
      } else {
        Event event{EventKind::kBytes, op.id};
        event.bytes = std::move(op.buffer);
        Emit(std::move(event));
      }
      return next;
    case Op::Kind::kGatherCounts: {
      uint64_t total = 0;
      op.counts.resize(op.sizes.size());
      op.displacements.resize(op.sizes.size());
      for (size_t r = 0; r < op.sizes.size(); r++) {
        op.displacements[r] = static_cast<int>(total);
        op.counts[r] = static_cast<int>(op.sizes[r]);
        total += op.sizes[r];
      }
      if (total > static_cast<uint64_t>(INT32_MAX)) {
        rc = MPI_ERR_COUNT;
        break;
      }
      op.buffer = Buffer(total);
      if (!op.buffer.ok()) {
        rc = MPI_ERR_NO_MEM;
        break;
      }
      op.kind = Op::Kind::kGatherData;
      rc = MPI_Iallgatherv(op.data, static_cast<int>(op.size), MPI_BYTE, op.buffer.data(), op.counts.data(),
                           op.displacements.data(), MPI_BYTE, user_, &next);
      break;
    }
    case Op::Kind::kGatherData: {
      op.finished = true;
      if (op.silent) return next;
      Event event{EventKind::kGathered, op.id};
      event.bytes = std::move(op.buffer);
      event.counts.assign(op.sizes.begin(), op.sizes.end());
      Emit(std::move(event));
      return next;
    }
    case Op::Kind::kBcastSize: {
      int rank = 0;
      MPI_Comm_rank(user_, &rank);
      if (op.count == 0) {
        op.finished = true;
        if (!op.silent) Emit(Event{EventKind::kBytes, op.id});
        return next;
      }
      if (op.count > static_cast<uint64_t>(INT32_MAX)) {
        rc = MPI_ERR_COUNT;
        break;
      }
      void* target = const_cast<uint8_t*>(op.data);
      if (rank != op.root) {
        op.buffer = Buffer(op.count);
        if (!op.buffer.ok()) {
          rc = MPI_ERR_NO_MEM;
          break;
        }
        target = op.buffer.data();
      }
      op.kind = Op::Kind::kBcastData;
      rc = MPI_Ibcast(target, static_cast<int>(op.count), MPI_BYTE, op.root, user_, &next);
      break;
    }
    case Op::Kind::kBcastData: {
      op.finished = true;
      if (op.silent) return next;
      // The root's promise resolves with its own bytes (JS keeps them); others get the buffer.
      Event event{EventKind::kBytes, op.id};
      event.bytes = std::move(op.buffer);
      Emit(std::move(event));
      return next;
    }
  }
  if (rc != MPI_SUCCESS) {
    op.finished = true;
    if (!op.silent) Fail(op.id, FailReason::kMpi, rc);
    return MPI_REQUEST_NULL;
  }
  return next;
}

void Engine::CompletePostedReceive(Op& op, int error, const MPI_Status& status) {
  op.finished = true;
  if (op.silent) return;  // cancelled at close, and failed then
  if (error != MPI_SUCCESS) {
    int errorClass = MPI_SUCCESS;
    MPI_Error_class(error, &errorClass);
    Fail(op.id, errorClass == MPI_ERR_TRUNCATE ? FailReason::kTruncated : FailReason::kMpi, error);
    return;
  }
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Event event{EventKind::kReceived, op.id};
  event.source = count;  // the byte count rides in the source field
  Emit(std::move(event));
}

void Engine::ReleaseReader(uint64_t region) {
  auto it = regions_.find(region);
  if (it == regions_.end()) return;
  if (--it->second.readers == 0 && it->second.released) {
    regions_.erase(it);
    Emit(Event{EventKind::kReleased, static_cast<double>(region)});
  }
}

bool Engine::Probe(MPI_Comm comm, int tag, MPI_Message& message, MPI_Status& status, int& size) {
  int flag = 0;
  if (MPI_Improbe(MPI_ANY_SOURCE, tag, comm, &flag, &message, &status) != MPI_SUCCESS || !flag) return false;
  MPI_Get_count(&status, MPI_BYTE, &size);
  return true;
}

bool Engine::ProbeMessages() {
  bool any = false;
  MPI_Message message;
  MPI_Status status;
  int size = 0;
  for (int i = 0; i < kProbeBatch && Probe(user_, MPI_ANY_TAG, message, status, size); i++) {
    any = true;
    auto op = std::make_unique<Op>();
    op->kind = Op::Kind::kMessage;
    op->source = status.MPI_SOURCE;
    op->tag = status.MPI_TAG;
    op->buffer = Buffer(static_cast<size_t>(size));
    MPI_Request request = MPI_REQUEST_NULL;
    if (!op->buffer.ok()) {
      // Out of memory: take the message off the wire so MPI does not stall, and drop it.
      MPI_Mrecv(nullptr, 0, MPI_BYTE, &message, MPI_STATUS_IGNORE);
      continue;
    }
    if (size <= kReceiveNowLimit) {
      MPI_Mrecv(op->buffer.data(), size, MPI_BYTE, &message, MPI_STATUS_IGNORE);
      op->received = true;
    } else {
      MPI_Imrecv(op->buffer.data(), size, MPI_BYTE, &message, &request);
    }
    inbox_.push_back(op.get());
    AddOp(std::move(op), request);
  }
  return any;
}

void Engine::FlushInbox() {
  while (!inbox_.empty() && inbox_.front()->received) {
    Op* op = inbox_.front();
    inbox_.pop_front();
    op->finished = true;
    if (op->silent) continue;
    Event event{EventKind::kMessage};
    event.source = op->source;
    event.tag = op->tag;
    event.bytes = std::move(op->buffer);
    Emit(std::move(event));
  }
}

bool Engine::DropUnclaimed() {
  bool any = false;
  MPI_Message message;
  MPI_Status status;
  int size = 0;
  for (int i = 0; i < kProbeBatch && Probe(posted_, MPI_ANY_TAG, message, status, size); i++) {
    any = true;
    Buffer sink(static_cast<size_t>(size));
    MPI_Mrecv(sink.data(), size, MPI_BYTE, &message, MPI_STATUS_IGNORE);
  }
  return any;
}

bool Engine::ServeReads() {
  bool any = false;
  MPI_Message message;
  MPI_Status status;
  int size = 0;
  for (int i = 0; i < kProbeBatch && Probe(ctl_, kReadRequestTag, message, status, size); i++) {
    any = true;
    auto header = std::make_unique<Op>();
    header->kind = Op::Kind::kReply;
    MPI_Mrecv(&header->request, sizeof(ReadRequest), MPI_BYTE, &message, MPI_STATUS_IGNORE);
    const ReadRequest ask = header->request;
    int dest = status.MPI_SOURCE;
    int tag = static_cast<int>(ask.replyTag);
    auto data = std::make_unique<Op>();
    data->kind = Op::Kind::kReply;
    const uint8_t* from = nullptr;
    size_t length = 0;
    auto it = regions_.find(ask.region);
    if (it == regions_.end() || it->second.released) {
      header->header.status = static_cast<int64_t>(FailReason::kUnknownRegion);
    } else if (ask.offset > it->second.size || ask.length > it->second.size - ask.offset) {
      header->header.status = static_cast<int64_t>(FailReason::kOutOfBounds);
    } else {
      // Straight from the exposed memory: no copy, no work on this rank's JS thread.
      header->header.status = static_cast<int64_t>(FailReason::kMpi);
      header->header.length = static_cast<int64_t>(ask.length);
      from = it->second.data + ask.offset;
      length = ask.length;
      data->kind = Op::Kind::kReplyData;
      data->region = ask.region;
      it->second.readers++;
    }
    MPI_Request headerRequest = MPI_REQUEST_NULL, dataRequest = MPI_REQUEST_NULL;
    MPI_Isend(&header->header, sizeof(ReadHeader), MPI_BYTE, dest, tag, ctl_, &headerRequest);
    MPI_Isend(from, static_cast<int>(length), MPI_BYTE, dest, tag, ctl_, &dataRequest);
    AddOp(std::move(header), headerRequest);
    AddOp(std::move(data), dataRequest);
  }
  return any;
}

}  // namespace graft
