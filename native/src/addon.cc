// addon.cc: the JS face of the MPI engine. Each function checks its arguments, turns them into
// a command for the MPI thread and returns; completions come back through one thread-safe
// function as (kind, id, a, b) calls. MPI exists once per process, so the engine does too.

#include <napi.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "crc32c.h"
#include "direct-read.h"
#include "engine.h"

namespace graft {
namespace {

#define THROW_TYPE(env, text)                                   \
  do {                                                          \
    Napi::TypeError::New(env, text).ThrowAsJavaScriptException(); \
    return env.Undefined();                                     \
  } while (0)
#define ARG_NUMBER(index, name)                                                  \
  if (!info[index].IsNumber()) THROW_TYPE(info.Env(), #name " must be a number"); \
  double name = info[index].As<Napi::Number>().DoubleValue();
#define ARG_BYTES(index, name)                                                        \
  if (!info[index].IsTypedArray()) THROW_TYPE(info.Env(), #name " must be a Uint8Array"); \
  Napi::Uint8Array name = info[index].As<Napi::Uint8Array>();
#define REQUIRE_ENGINE(env)                                                                          \
  if (gEngine == nullptr || gEngine->finished()) {                                                   \
    Napi::Error::New(env, "MPI is not running in this process").ThrowAsJavaScriptException();        \
    return env.Undefined();                                                                          \
  }

Engine* gEngine = nullptr;

struct State {
  Napi::ThreadSafeFunction events;
  bool eventsAlive = false;
  Napi::FunctionReference errorClass;
};

State& StateOf(Napi::Env env) { return *env.GetInstanceData<State>(); }

Napi::Value AdoptBytes(Napi::Env env, Buffer& bytes) {
  size_t size = bytes.size();
  if (size == 0) return Napi::ArrayBuffer::New(env, 0);
  // The MPI thread's block becomes JS's, and goes back to the pool when the ArrayBuffer is
  // collected. V8 counts external backing stores itself when it plans collections; reporting
  // them again (AdjustExternalMemory) made it collect so often that 1 MiB messages ran at a
  // third of the speed.
  return Napi::ArrayBuffer::New(env, bytes.release(), size,
                                [](Napi::Env, void* data) { BufferPool::Instance().Give(static_cast<uint8_t*>(data)); });
}

Napi::Value MakeError(Napi::Env env, const std::string& message, int mpiClass) {
  return StateOf(env).errorClass.Value().New({Napi::String::New(env, message), Napi::Number::New(env, mpiClass)});
}

// Runs on the JS thread: hands every queued event to the JS handler.
void Deliver(Napi::Env env, Napi::Function handler) {
  if (gEngine == nullptr) return;
  std::deque<Event> events = gEngine->TakeEvents();
  while (!events.empty()) {
    Napi::HandleScope scope(env);
    Event& e = events.front();
    Napi::Value kind = Napi::Number::New(env, static_cast<int>(e.kind));
    switch (e.kind) {
      case EventKind::kMessage:
        handler.Call({kind, Napi::Number::New(env, e.source), Napi::Number::New(env, e.tag), AdoptBytes(env, e.bytes)});
        break;
      case EventKind::kDone:
      case EventKind::kReleased:
        handler.Call({kind, Napi::Number::New(env, e.id)});
        break;
      case EventKind::kReceived:
        handler.Call({kind, Napi::Number::New(env, e.id), Napi::Number::New(env, e.source)});
        break;
      case EventKind::kBytes:
        handler.Call({kind, Napi::Number::New(env, e.id), AdoptBytes(env, e.bytes)});
        break;
      case EventKind::kGathered: {
        Napi::Array counts = Napi::Array::New(env, e.counts.size());
        for (size_t i = 0; i < e.counts.size(); i++) counts.Set(i, Napi::Number::New(env, e.counts[i]));
        handler.Call({kind, Napi::Number::New(env, e.id), AdoptBytes(env, e.bytes), counts});
        break;
      }
      case EventKind::kFailed: {
        Napi::Value error = e.reason == FailReason::kMpi ? MakeError(env, e.message, e.mpiClass) : env.Undefined();
        handler.Call({kind, Napi::Number::New(env, e.id), Napi::Number::New(env, static_cast<int>(e.reason)), error});
        break;
      }
    }
    events.pop_front();
    // The handler threw: Node reports it as uncaught; the rest are delivered on the next call.
    if (env.IsExceptionPending()) {
      if (!events.empty()) gEngine->Requeue(std::move(events));
      return;
    }
  }
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction() || !info[1].IsFunction()) THROW_TYPE(env, "init(onEvent, errorClass) takes two functions");
  if (gEngine != nullptr) {
    Napi::Error::New(env, "MPI was started in this process already").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  State& state = StateOf(env);
  state.errorClass = Napi::Persistent(info[1].As<Napi::Function>());
  state.events = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "graft-mpi", 0, 1,
                                               [](Napi::Env env) { StateOf(env).eventsAlive = false; });
  state.eventsAlive = true;
  // Only pending work or subscribers keep the process alive (JS says when, via keepAlive).
  state.events.Unref(env);
  Napi::ThreadSafeFunction events = state.events;
  auto engine = std::make_unique<Engine>(
      [events]() mutable { events.NonBlockingCall([](Napi::Env env, Napi::Function fn) { Deliver(env, fn); }); },
      [events]() mutable { events.Release(); });
  InitResult result = engine->Start();
  if (!result.error.empty()) {
    state.events.Release();
    Napi::Value error = MakeError(env, result.error, 0);
    error.As<Napi::Object>().Set("message", Napi::String::New(env, result.error));
    Napi::Error(env, error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  gEngine = engine.release();
  // A worker thread that started MPI and ends without closing it still finalizes.
  env.AddCleanupHook([]() {
    if (gEngine != nullptr) gEngine->FinalizeAndJoin();
  });
  Napi::Object out = Napi::Object::New(env);
  out.Set("rank", result.rank);
  out.Set("size", result.size);
  out.Set("localRank", result.localRank);
  out.Set("localSize", result.localSize);
  out.Set("processor", result.processor);
  out.Set("library", result.library);
  out.Set("threadLevel", result.threadLevel);
  out.Set("directPeers", result.directPeers);
  out.Set("progressCore", result.progressCore);
  return out;
}

Napi::Value Post(const Napi::CallbackInfo& info, Command&& command) {
  REQUIRE_ENGINE(info.Env());
  gEngine->Post(std::move(command));
  return info.Env().Undefined();
}

// Small payloads are copied: a memcpy of a few KiB costs less than waking JS again to say the
// buffer is free. Larger ones are sent from the caller's memory, zero-copy.
constexpr size_t kCopySendLimit = 16 * 1024;

Napi::Value Send(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, id);
  ARG_NUMBER(1, dest);
  ARG_NUMBER(2, tag);
  ARG_BYTES(3, bytes);
  Command command{Command::Kind::kSend, id, static_cast<int>(dest), static_cast<int>(tag), bytes.Data(), bytes.ByteLength()};
  bool copied = bytes.ByteLength() > 0 && bytes.ByteLength() <= kCopySendLimit;
  if (copied) {
    command.copy = Buffer(bytes.ByteLength());
    std::memcpy(command.copy.data(), bytes.Data(), bytes.ByteLength());
  }
  Napi::Value posted = Post(info, std::move(command));
  if (info.Env().IsExceptionPending()) return posted;
  // true: the buffer is free already, and no completion will be reported.
  return Napi::Boolean::New(info.Env(), copied || bytes.ByteLength() == 0);
}

// sendInto (id, dest, tag, bytes) and receiveInto (id, source, tag, into): the caller's memory
// is read or written in place, and JS holds it until the completion event.
Napi::Value PostedTransfer(const Napi::CallbackInfo& info, Command::Kind kind) {
  ARG_NUMBER(0, id);
  ARG_NUMBER(1, peer);
  ARG_NUMBER(2, tag);
  ARG_BYTES(3, bytes);
  return Post(info, Command{kind, id, static_cast<int>(peer), static_cast<int>(tag), bytes.Data(), bytes.ByteLength()});
}

Napi::Value SendInto(const Napi::CallbackInfo& info) { return PostedTransfer(info, Command::Kind::kSendInto); }
Napi::Value ReceiveInto(const Napi::CallbackInfo& info) { return PostedTransfer(info, Command::Kind::kReceiveInto); }

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, id);
  return Post(info, Command{Command::Kind::kBarrier, id});
}

Napi::Value Allgather(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, id);
  ARG_BYTES(1, bytes);
  return Post(info, Command{Command::Kind::kAllgather, id, 0, 0, bytes.Data(), bytes.ByteLength()});
}

Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, id);
  ARG_NUMBER(1, root);
  Command command{Command::Kind::kBroadcast, id, static_cast<int>(root)};
  if (!info[2].IsUndefined()) {
    ARG_BYTES(2, bytes);
    command.data = bytes.Data();
    command.size = bytes.ByteLength();
  }
  return Post(info, std::move(command));
}

Napi::Value Expose(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, region);
  ARG_BYTES(1, bytes);
  Command command{Command::Kind::kExpose, 0, 0, 0, bytes.Data(), bytes.ByteLength()};
  command.region = static_cast<uint64_t>(region);
  Napi::Value posted = Post(info, std::move(command));
  if (!info.Env().IsExceptionPending()) DirectReads::Instance().Publish(command.region, bytes.Data(), bytes.ByteLength());
  return posted;
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, region);
  Command command{Command::Kind::kRelease};
  command.region = static_cast<uint64_t>(region);
  // Withdrawn from the directory first: a direct read that overlaps this is then discarded.
  DirectReads::Instance().Withdraw(command.region);
  return Post(info, std::move(command));
}

Napi::Value Get(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, id);
  ARG_NUMBER(1, rank);
  ARG_NUMBER(2, region);
  ARG_NUMBER(3, offset);
  ARG_NUMBER(4, length);
  Command command{Command::Kind::kGet, id, static_cast<int>(rank), 0, nullptr, static_cast<size_t>(length)};
  if (!info[5].IsUndefined()) {
    ARG_BYTES(5, into);
    command.data = into.Data();  // JS checked it holds `length` bytes and keeps it alive
  }
  command.region = static_cast<uint64_t>(region);
  command.offset = static_cast<uint64_t>(offset);
  return Post(info, std::move(command));
}

// Direct reads up to this size run at once on the JS thread (a few tens of microseconds of
// copying costs less than a hand-off to another thread and back); larger ones on libuv's pool.
constexpr uint64_t kDirectNowLimit = 1u << 20;

struct DirectRequest {
  int rank;
  uint64_t region, offset, length;
  uint8_t* into;  // the caller's memory, or nullptr: then `block` receives the bytes
  Buffer block;
  std::vector<ChecksumRange> ranges;  // whose CRC-32C the read computes (may be empty)
  uint32_t* crcs;                     // where they go, one per range (JS memory)
};

/** The promise's value: the bytes (a new ArrayBuffer), true (they are in the caller's
 * memory), or null (not directly readable: ask the owner over MPI). */
Napi::Value DirectResult(Napi::Env env, DirectRequest& r, DirectStatus status) {
  if (status != DirectStatus::kDone) return env.Null();
  for (size_t i = 0; i < r.ranges.size(); i++) r.crcs[i] = r.ranges[i].crc32c;
  if (r.into != nullptr) return Napi::Boolean::New(env, true);
  return AdoptBytes(env, r.block);
}

DirectStatus RunDirect(DirectRequest& r) {
  uint8_t* into = r.into != nullptr ? r.into : r.block.data();
  return DirectReads::Instance().Read(r.rank, r.region, r.offset, r.length, into, &r.ranges);
}

class DirectGetWorker : public Napi::AsyncWorker {
 public:
  DirectGetWorker(Napi::Env env, DirectRequest&& request, Napi::Value into, Napi::Value crcs)
      : Napi::AsyncWorker(env, "graft-direct-get"), deferred_(Napi::Promise::Deferred::New(env)), request_(std::move(request)) {
    // The caller's arrays stay alive until the read is done.
    if (into.IsObject()) into_ = Napi::Persistent(into.As<Napi::Object>());
    if (crcs.IsObject()) crcs_ = Napi::Persistent(crcs.As<Napi::Object>());
  }
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { status_ = RunDirect(request_); }
  void OnOK() override { deferred_.Resolve(DirectResult(Env(), request_, status_)); }

 private:
  Napi::Promise::Deferred deferred_;
  DirectRequest request_;
  Napi::ObjectReference into_;
  Napi::ObjectReference crcs_;
  DirectStatus status_ = DirectStatus::kNotDirect;
};

Napi::Value DirectGet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ARG_NUMBER(0, rank);
  ARG_NUMBER(1, region);
  ARG_NUMBER(2, offset);
  ARG_NUMBER(3, length);
  DirectRequest request{static_cast<int>(rank), static_cast<uint64_t>(region), static_cast<uint64_t>(offset),
                        static_cast<uint64_t>(length), nullptr, Buffer(), {}, nullptr};
  // Checksums of ranges: (offset, length) pairs in a Float64Array, CRCs out in a Uint32Array.
  // JS passes them only when HasCrc32c(), and has checked they lie within the read.
  if (!info[5].IsUndefined()) {
    if (!info[5].IsTypedArray() || !info[6].IsTypedArray()) THROW_TYPE(env, "ranges and crcs must be typed arrays");
    Napi::Float64Array pairs = info[5].As<Napi::Float64Array>();
    Napi::Uint32Array crcs = info[6].As<Napi::Uint32Array>();
    if (crcs.ElementLength() * 2 != pairs.ElementLength()) THROW_TYPE(env, "crcs needs one entry per range");
    for (size_t i = 0; i + 1 < pairs.ElementLength(); i += 2) {
      request.ranges.push_back(ChecksumRange{static_cast<uint64_t>(pairs[i]), static_cast<uint64_t>(pairs[i + 1]), 0});
    }
    request.crcs = crcs.Data();
  }
  if (!info[4].IsUndefined()) {
    ARG_BYTES(4, into);
    request.into = into.Data();  // JS checked it holds `length` bytes
  } else {
    request.block = Buffer(request.length);
    if (!request.block.ok()) return Napi::Promise::Deferred::New(env).Promise();
  }
  if (request.length <= kDirectNowLimit) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(DirectResult(env, request, RunDirect(request)));
    return deferred.Promise();
  }
  auto* worker = new DirectGetWorker(env, std::move(request), info[4], info[6]);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // deletes itself when done
  return promise;
}

// A message its handler only borrowed: detaching the ArrayBuffer drops V8's hold on the block,
// whose finalizer gives it back to the pool now rather than at some later collection.
Napi::Value Recycle(const Napi::CallbackInfo& info) {
  if (!info[0].IsArrayBuffer()) THROW_TYPE(info.Env(), "recycle takes an ArrayBuffer");
  Napi::ArrayBuffer bytes = info[0].As<Napi::ArrayBuffer>();
  if (!bytes.IsDetached()) bytes.Detach();
  return info.Env().Undefined();
}

Napi::Value KeepAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& state = StateOf(env);
  if (!state.eventsAlive) return env.Undefined();
  if (info[0].ToBoolean().Value()) state.events.Ref(env);
  else state.events.Unref(env);
  return env.Undefined();
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, id);
  REQUIRE_ENGINE(info.Env());
  gEngine->RequestClose(id);
  return info.Env().Undefined();
}

Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, code);
  if (gEngine == nullptr || gEngine->finished()) return info.Env().Undefined();
  if (code != 0) gEngine->Abort(static_cast<int>(code));
  gEngine->FinalizeAndJoin();
  return info.Env().Undefined();
}

Napi::Value Abort(const Napi::CallbackInfo& info) {
  ARG_NUMBER(0, code);
  if (gEngine == nullptr || gEngine->finished()) std::_Exit(static_cast<int>(code));
  gEngine->Abort(static_cast<int>(code));
}

Napi::Object Register(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new State());
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("send", Napi::Function::New(env, Send, "send"));
  exports.Set("sendInto", Napi::Function::New(env, SendInto, "sendInto"));
  exports.Set("receiveInto", Napi::Function::New(env, ReceiveInto, "receiveInto"));
  exports.Set("barrier", Napi::Function::New(env, Barrier, "barrier"));
  exports.Set("allgather", Napi::Function::New(env, Allgather, "allgather"));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast, "broadcast"));
  exports.Set("expose", Napi::Function::New(env, Expose, "expose"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));
  exports.Set("get", Napi::Function::New(env, Get, "get"));
  exports.Set("directGet", Napi::Function::New(env, DirectGet, "directGet"));
  exports.Set("crc32c", Napi::Boolean::New(env, HasCrc32c()));
  exports.Set("recycle", Napi::Function::New(env, Recycle, "recycle"));
  exports.Set("keepAlive", Napi::Function::New(env, KeepAlive, "keepAlive"));
  exports.Set("finalize", Napi::Function::New(env, Finalize, "finalize"));
  exports.Set("shutdown", Napi::Function::New(env, Shutdown, "shutdown"));
  exports.Set("abort", Napi::Function::New(env, Abort, "abort"));
  return exports;
}

}  // namespace
}  // namespace graft

static Napi::Object RegisterAddon(Napi::Env env, Napi::Object exports) { return graft::Register(env, exports); }

NODE_API_MODULE(graft_mpi, RegisterAddon)
