// engine.h: the one thread that owns MPI in this process. JS posts commands to it; it runs
// them with non-blocking MPI calls, polls for completions and incoming messages (hard while
// traffic flows, backing off to sleeps when idle), serves one-sided reads of exposed regions
// itself, and reports completions as events. It never touches a JS value.
#pragma once

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "buffer.h"
#include "events.h"

namespace graft {

struct Command {
  enum class Kind { kSend, kSendInto, kReceiveInto, kBarrier, kAllgather, kBroadcast, kExpose, kRelease, kGet, kFinalize };
  Kind kind;
  double id = 0;
  int peer = 0;  // dest, source, root or get target
  int tag = 0;
  const uint8_t* data = nullptr;  // caller's bytes, kept alive by JS until the op ends
  size_t size = 0;
  uint64_t region = 0;
  uint64_t offset = 0;
  Buffer copy;  // kSend of a small payload: the engine's own copy, so JS need not wait
};

struct Event {
  EventKind kind;
  double id = 0;
  int source = 0;
  int tag = 0;
  Buffer bytes;
  std::vector<double> counts;
  FailReason reason = FailReason::kMpi;
  int mpiClass = 0;
  std::string message;
};

struct InitResult {
  int rank = 0, size = 0, localRank = 0, localSize = 0;
  int directPeers = 0;    // ranks read by cross-memory attach (direct-read.h)
  int progressCore = -1;  // the core the MPI thread is pinned to, or -1
  std::string processor, library, threadLevel, error;
};

struct Op;

class Engine {
 public:
  /** `notify` is called (from the MPI thread) when events wait to be taken. */
  explicit Engine(std::function<void()> notify, std::function<void()> onFinished);
  ~Engine();

  /** Starts the thread, which initialises MPI; blocks until it has. */
  InitResult Start();
  void Post(Command&& command);
  std::deque<Event> TakeEvents();
  /** Puts events JS could not take (its callback threw) back at the front, in order. */
  void Requeue(std::deque<Event> rest);
  /** Starts the orderly finalize; reports Done(id) when MPI is finalized. */
  void RequestClose(double id);
  /** Orderly finalize (if not begun) and wait for the thread to end. */
  void FinalizeAndJoin();
  [[noreturn]] void Abort(int code);
  bool finished() const { return finished_.load(); }

 private:
  void Run();
  bool InitMpi(InitResult& result);
  bool TakeCommands();
  void Execute(Command& command);
  bool Progress();
  /** Matches one message waiting on `comm` with `tag` (any source): handle, status, byte count. */
  bool Probe(MPI_Comm comm, int tag, MPI_Message& message, MPI_Status& status, int& size);
  bool ProbeMessages();
  /** While closing: takes sendInto messages nobody will post a receive for off the wire. */
  bool DropUnclaimed();
  bool ServeReads();
  void FlushInbox();
  /** Finishes one step of `op`; returns the request of its next step, if it has one. */
  MPI_Request Complete(Op& op, int error, const MPI_Status& status);
  void CompletePostedReceive(Op& op, int error, const MPI_Status& status);
  void ReleaseReader(uint64_t region);
  void CancelReceive(MPI_Request& request);
  void StepClosing();
  void AddOp(std::unique_ptr<Op> op, MPI_Request request);
  void Emit(Event event);
  void Fail(double id, FailReason reason, int code);
  void Idle(std::chrono::microseconds sleep);

  std::function<void()> notify_;
  std::function<void()> onFinished_;
  std::thread thread_;

  // Shared with the JS thread.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;
  std::atomic<bool> hasCommands_{false};
  std::deque<Event> events_;
  bool notified_ = false;
  bool closeRequested_ = false;
  std::atomic<bool> finished_{false};
  int threadLevel_ = MPI_THREAD_SINGLE;

  // The MPI thread's own state.
  MPI_Comm user_ = MPI_COMM_NULL;  // messages and collectives of the Transport
  MPI_Comm ctl_ = MPI_COMM_NULL;   // one-sided read requests and replies, the closing barrier
  MPI_Comm posted_ = MPI_COMM_NULL;  // sendInto/receiveInto: matched only by receives posted from JS
  std::vector<std::unique_ptr<Op>> ops_;
  std::vector<MPI_Request> requests_;
  std::vector<int> indices_;            // scratch for MPI_Testsome, kept to avoid allocations
  std::vector<MPI_Status> statuses_;
  std::deque<Op*> inbox_;  // received messages in match order, delivered only from the front
  struct Region {
    const uint8_t* data;
    size_t size;
    int readers;
    bool released;
  };
  std::unordered_map<uint64_t, Region> regions_;
  int nextReplyTag_ = 1;
  int maxReplyTag_ = 32767;
  bool transferring_ = false;  // some op that moves bytes is in flight
  bool closing_ = false;
  bool drainPosted_ = false;
  bool drained_ = false;
  double finalizeId_ = -1;
};

}  // namespace graft
