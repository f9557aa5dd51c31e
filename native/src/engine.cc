// engine.cc: the MPI thread itself: MPI start-up, the polling loop, the queues shared with JS,
// and the orderly close. Its operations live in operations.cc. See engine.h for the whole.

#include "engine.h"
#include "direct-read.h"
#include "op.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <future>

namespace graft {

namespace {

// Poll without sleeping this long after the last activity: a ping-pong never waits on a sleep.
constexpr auto kHotWindow = std::chrono::microseconds(2000);
constexpr auto kMinSleep = std::chrono::microseconds(50);
// The longest idle sleep: ~1,000 wake-ups a second. Each costs this VM 30–45 µs of CPU (the
// wake-up itself and two MPI probes), 3–4.5% of a core in all; so after a second of silence
// the thread sleeps up to 4 ms (~1%). Only a message arriving then waits for it: what JS
// posts wakes it at once.
constexpr auto kMaxSleep = std::chrono::microseconds(1000);
constexpr auto kDeepIdleAfter = std::chrono::seconds(1);
constexpr auto kDeepMaxSleep = std::chrono::microseconds(4000);

const char* ThreadLevelName(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE: return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED: return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED: return "MPI_THREAD_SERIALIZED";
    default: return "MPI_THREAD_MULTIPLE";
  }
}

// Pins the calling (MPI) thread to one of the process's cores, picked by local rank so the
// progress threads of ranks sharing a node spread over its cores instead of stacking up. Left
// to roam, a progress thread sometimes shared a core with the other rank's, and an 8-byte
// round trip took 25 µs instead of 8. Threads started later by JS are not affected: they
// inherit from the JS thread. Returns the core, or -1 (one core only, or GRAFT_PIN_PROGRESS=0).
int PinProgressThread(int localRank) {
  const char* pin = std::getenv("GRAFT_PIN_PROGRESS");
  if (pin != nullptr && (std::strcmp(pin, "0") == 0 || std::strcmp(pin, "off") == 0)) return -1;
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) <= 1) return -1;
  int skip = localRank % CPU_COUNT(&allowed);
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, &allowed) || skip-- > 0) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0 ? cpu : -1;
  }
  return -1;
}

std::string ErrorText(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  return std::string(text, length);
}

}  // namespace

Engine::Engine(std::function<void()> notify, std::function<void()> onFinished)
    : notify_(std::move(notify)), onFinished_(std::move(onFinished)) {}

Engine::~Engine() {
  if (thread_.joinable()) thread_.join();
}

InitResult Engine::Start() {
  std::promise<InitResult> ready;
  auto future = ready.get_future();
  thread_ = std::thread([this, &ready] {
    InitResult result;
    bool ok = InitMpi(result);
    if (ok) result.progressCore = PinProgressThread(result.localRank);
    ready.set_value(result);
    if (ok) Run();
  });
  InitResult result = future.get();
  if (!result.error.empty()) thread_.join();
  return result;
}

bool Engine::InitMpi(InitResult& result) {
  // Node loads addons privately (RTLD_LOCAL), but Open MPI's plugins expect libmpi's symbols
  // to be global: promote the already-loaded library before MPI_Init opens them.
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&MPI_Init_thread), &info) != 0 && info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  }
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) {
    result.error = "MPI is already initialised in this process";
    return false;
  }
  // This thread is MPI's "main thread", so FUNNELED is enough for every call it makes.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &threadLevel_) != MPI_SUCCESS) {
    result.error = "MPI_Init_thread failed";
    return false;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  if (threadLevel_ < MPI_THREAD_FUNNELED) {
    result.error = std::string("MPI granted only ") + ThreadLevelName(threadLevel_) + "; graft needs MPI_THREAD_FUNNELED or higher";
    MPI_Finalize();
    return false;
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &user_);
  MPI_Comm_dup(MPI_COMM_WORLD, &ctl_);
  MPI_Comm_dup(MPI_COMM_WORLD, &posted_);
  MPI_Comm_rank(MPI_COMM_WORLD, &result.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &result.size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &result.localRank);
  MPI_Comm_size(node, &result.localSize);
  const char* direct = std::getenv("GRAFT_DIRECT_READS");
  bool wanted = direct == nullptr || (std::strcmp(direct, "0") != 0 && std::strcmp(direct, "off") != 0);
  DirectReads::Instance().Setup(MPI_COMM_WORLD, node, wanted);
  result.directPeers = DirectReads::Instance().readablePeers();
  MPI_Comm_free(&node);
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  MPI_Get_processor_name(name, &length);
  result.processor.assign(name, length);
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  MPI_Get_library_version(version, &length);
  result.library.assign(version, length);
  result.library.resize(strnlen(result.library.c_str(), result.library.size()));
  while (!result.library.empty() && (result.library.back() == '\n' || result.library.back() == ' ')) result.library.pop_back();
  result.threadLevel = ThreadLevelName(threadLevel_);
  int* tagUb = nullptr;
  int flag = 0;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tagUb, &flag);
  if (flag && tagUb != nullptr) maxReplyTag_ = std::min(*tagUb, 1 << 30);
  return true;
}

void Engine::Run() {
  auto lastActive = std::chrono::steady_clock::now();
  auto sleep = kMinSleep;
  bool wasActive = false;
  while (!finished_.load()) {
    bool active = TakeCommands();
    active |= Progress();
    active |= ProbeMessages();
    active |= ServeReads();
    FlushInbox();
    if (closing_) active |= DropUnclaimed();
    if (closing_) StepClosing();
    // A transfer in flight needs MPI's progress engine turning on both sides, and the next
    // message of a conversation is likely microseconds away: poll without sleeping, but yield
    // the core between polls. Ranks often outnumber cores, and this rank's own JS thread must
    // run to use what arrived; a yield costs little when nobody else wants the core. The clock
    // is read only once activity stops (reading it every pass cost 4% of a streaming rank).
    if (active || transferring_) {
      wasActive = true;
      sleep = kMinSleep;
      std::this_thread::yield();
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (wasActive) {
      lastActive = now;
      wasActive = false;
    }
    if (now - lastActive < kHotWindow) {
      std::this_thread::yield();
    } else {
      Idle(sleep);
      sleep = std::min(sleep * 2, now - lastActive < kDeepIdleAfter ? kMaxSleep : kDeepMaxSleep);
    }
  }
  onFinished_();
}

void Engine::Idle(std::chrono::microseconds sleep) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, sleep, [this] { return !commands_.empty(); });
}

void Engine::Post(Command&& command) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    commands_.push_back(std::move(command));
    hasCommands_.store(true);
  }
  wake_.notify_one();
}

bool Engine::TakeCommands() {
  if (!hasCommands_.load()) return false;
  std::deque<Command> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(commands_);
    hasCommands_.store(false);
  }
  for (auto& command : batch) Execute(command);
  return true;
}

// Closing: a rank keeps receiving and serving reads until every rank has closed and finished
// its own operations, which the closing barrier on ctl_ tells; only then is MPI finalized, so
// no peer is left waiting on a send or a read this rank would never answer.
void Engine::StepClosing() {
  if (!drainPosted_) {
    for (auto& op : ops_) {
      if (op->finished || (op->silent && op->kind != Op::Kind::kSend)) continue;
      switch (op->kind) {
        case Op::Kind::kSend: case Op::Kind::kReadHeader: case Op::Kind::kReadData: case Op::Kind::kReadRequest:
          return;
        default:
          break;
      }
    }
    drainPosted_ = true;
    auto op = std::make_unique<Op>();
    op->kind = Op::Kind::kDrain;
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Ibarrier(ctl_, &request);
    AddOp(std::move(op), request);
    return;
  }
  if (!drained_) return;
  for (auto& op : ops_) {
    if (op->finished || op->silent) continue;
    bool replying = op->kind == Op::Kind::kReply || op->kind == Op::Kind::kReplyData;
    if (replying || (op->kind == Op::Kind::kMessage && !op->received)) return;
  }
  // Whatever is left is a collective some rank never joined: abandon it with MPI.
  for (auto& request : requests_) {
    if (request != MPI_REQUEST_NULL) MPI_Request_free(&request);
  }
  ops_.clear();
  requests_.clear();
  inbox_.clear();
  MPI_Comm_free(&user_);
  MPI_Comm_free(&ctl_);
  MPI_Comm_free(&posted_);
  MPI_Finalize();
  if (finalizeId_ >= 0) Emit(Event{EventKind::kDone, finalizeId_});
  finished_.store(true);
}

void Engine::Emit(Event event) {
  bool call = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
    // One call into JS drains every event queued so far; a storm costs one wake-up, not many.
    call = !notified_;
    notified_ = true;
  }
  if (call) notify_();
}

void Engine::Fail(double id, FailReason reason, int code) {
  Event event{EventKind::kFailed, id};
  event.reason = reason;
  if (reason == FailReason::kMpi) {
    MPI_Error_class(code, &event.mpiClass);
    event.message = ErrorText(code);
  }
  Emit(std::move(event));
}

std::deque<Event> Engine::TakeEvents() {
  std::deque<Event> taken;
  std::lock_guard<std::mutex> lock(mutex_);
  taken.swap(events_);
  notified_ = false;
  return taken;
}

void Engine::Requeue(std::deque<Event> rest) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& event : events_) rest.push_back(std::move(event));
    events_.swap(rest);
    notified_ = true;
  }
  notify_();
}

void Engine::FinalizeAndJoin() {
  if (!finished_.load()) {
    bool closing;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing = closeRequested_;
      closeRequested_ = true;
    }
    if (!closing) Post(Command{Command::Kind::kFinalize, -1});
  }
  if (thread_.joinable()) thread_.join();
}

void Engine::RequestClose(double id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closeRequested_) return;
    closeRequested_ = true;
  }
  Post(Command{Command::Kind::kFinalize, id});
}

void Engine::Abort(int code) {
  // MPI_Abort from this (JS) thread is allowed at MPI_THREAD_MULTIPLE, which Open MPI and MPICH
  // grant; it must not wait for the MPI thread, which may be the one that is stuck.
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace graft
