// op.h: one MPI operation in flight on the MPI thread, and the wire format of one-sided reads
// (a request to the region's owner, answered by a header and then the bytes).
#pragma once

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "buffer.h"

namespace graft {

constexpr int kReadRequestTag = 0;  // on the control communicator: a peer asks for bytes

struct ReadRequest {
  uint64_t region;
  uint64_t offset;
  uint64_t length;
  int64_t replyTag;
};

struct ReadHeader {
  int64_t status;  // a FailReason, kMpi meaning success
  int64_t length;
};

struct Op {
  enum class Kind {
    kSend, kMessage, kPostedReceive, kBarrier, kGatherCounts, kGatherData, kBcastSize, kBcastData,
    kReadHeader, kReadData, kReadRequest,  // this rank reads a peer's region
    kReply, kReplyData,                    // this rank answers a peer's read
    kDrain,
  };
  Kind kind;
  double id = 0;
  bool finished = false;
  bool received = false;  // kMessage: bytes are in `buffer`
  bool silent = false;    // nobody waits for its completion (failed at close, or a copied send)
  int source = 0;
  int tag = 0;
  int root = 0;
  Buffer buffer;
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t region = 0;
  uint64_t count = 0;  // kBcastSize: the broadcast length
  std::vector<uint64_t> sizes;
  std::vector<int> counts, displacements;
  ReadRequest request{};
  ReadHeader header{};
  MPI_Request second = MPI_REQUEST_NULL;  // kReadHeader: the data receive, posted with it
  std::chrono::steady_clock::time_point posted;  // kPostedReceive: when JS posted it
};

/** A posted receive keeps the thread polling this long: its message is likely close behind (a
 * stream of them), and polling is what moves a large one in. Past that it may wait for long,
 * and the thread backs off as when idle. */
constexpr auto kPostedPollWindow = std::chrono::milliseconds(10);

/** Operations that move bytes: while one is in flight the thread polls without sleeping. */
inline bool IsTransfer(const Op& op, std::chrono::steady_clock::time_point now) {
  switch (op.kind) {
    case Op::Kind::kPostedReceive:
      return now - op.posted < kPostedPollWindow;
    case Op::Kind::kBarrier: case Op::Kind::kGatherCounts: case Op::Kind::kBcastSize: case Op::Kind::kDrain:
      return false;
    default:
      return true;
  }
}

}  // namespace graft
