// events.h: what the MPI thread reports to JS. The numbers are shared with
// src/transport/native-binding.ts (NativeEvent, FailReason); change both together.
#pragma once

namespace graft {

enum class EventKind : int {
  kMessage = 1,   // (source, tag, bytes)
  kDone = 2,      // (id)
  kBytes = 3,     // (id, bytes)
  kGathered = 4,  // (id, bytes, counts)
  kFailed = 5,    // (id, reason, MPI error class and text)
  kReleased = 6,  // (region id)
  kReceived = 7,  // (id, byte count) a posted receive filled the caller's memory
};

enum class FailReason : int {
  kMpi = 0,
  kUnknownRegion = 1,
  kOutOfBounds = 2,
  kClosed = 3,
  kTruncated = 4,  // a posted receive's memory was smaller than the message
};

}  // namespace graft
