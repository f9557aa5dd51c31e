// direct-read.cc: same-node one-sided reads by cross-memory attach. See direct-read.h.

#include "direct-read.h"

#include <sys/prctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <random>

#include "crc32c.h"

namespace graft {

static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t), "directory slots are copied as plain words");

DirectReads& DirectReads::Instance() {
  static DirectReads* reads = new DirectReads();  // never destroyed: peers may read it until exit
  return *reads;
}

void DirectReads::Setup(MPI_Comm world, MPI_Comm node, bool wanted) {
  int rank = 0, size = 0;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  // Which node a rank is on: the world rank of its node's first rank.
  int leader = rank;
  MPI_Bcast(&leader, 1, MPI_INT, 0, node);
  struct Card {
    int64_t pid;
    uint64_t directory;
    uint64_t tokenAddress;
    uint64_t token;
    int64_t leader;
    int64_t wanted;
  };
  token_ = std::random_device{}() ^ (static_cast<uint64_t>(getpid()) << 32) ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  if (wanted) {
    // Where the kernel restricts cross-process reads to a process's ancestors (Yama ptrace
    // scope 1), allow them from this user's other processes, as MPI's own shared-memory
    // transport does; elsewhere this changes nothing.
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
  }
  Card mine{static_cast<int64_t>(getpid()), reinterpret_cast<uint64_t>(&slots_[0]), reinterpret_cast<uint64_t>(&token_), token_,
            leader, wanted ? 1 : 0};
  std::vector<Card> cards(size);
  MPI_Allgather(&mine, sizeof(Card), MPI_BYTE, cards.data(), sizeof(Card), MPI_BYTE, world);
  // Every peer's prctl is done before anyone probes.
  MPI_Barrier(world);
  peers_.assign(size, Peer{});
  on_.store(wanted);
  for (int r = 0; r < size && on_.load(); r++) {
    const Card& card = cards[r];
    if (card.leader != leader || !card.wanted) continue;
    peers_[r].pid = card.pid;
    peers_[r].directory = card.directory;
    // A probe: may this process read that one's memory at all, and is it the right process?
    uint64_t token = 0;
    peers_[r].readable = Copy(card.pid, card.tokenAddress, reinterpret_cast<uint8_t*>(&token), sizeof token) && token == card.token;
  }
  if (!on_.load()) {
    for (auto& peer : peers_) peer.readable = false;
  }
}

int DirectReads::readablePeers() const {
  int count = 0;
  for (const auto& peer : peers_) count += peer.readable ? 1 : 0;
  return on_.load() ? count : 0;
}

void DirectReads::Publish(uint64_t region, const uint8_t* data, size_t size) {
  Slot& slot = SlotOf(region);
  // A slot still held by a live region stays as it is: reads of this one go over MPI.
  if (slot.region.load() != 0) return;
  slot.version.fetch_add(1);
  slot.region.store(region);
  slot.address.store(reinterpret_cast<uint64_t>(data));
  slot.length.store(size);
  slot.version.fetch_add(1);
}

void DirectReads::Withdraw(uint64_t region) {
  Slot& slot = SlotOf(region);
  if (slot.region.load() != region) return;
  slot.version.fetch_add(1);
  slot.region.store(0);
  slot.address.store(0);
  slot.length.store(0);
  slot.version.fetch_add(1);
}

DirectStatus DirectReads::Read(int rank, uint64_t region, uint64_t offset, uint64_t length, uint8_t* into,
                               std::vector<ChecksumRange>* ranges) {
  if (!on_.load() || rank < 0 || static_cast<size_t>(rank) >= peers_.size() || !peers_[rank].readable) {
    return DirectStatus::kNotDirect;
  }
  const Peer& peer = peers_[rank];
  uint64_t at = peer.directory + (region % kSlots) * sizeof(Slot);
  bool plain = ranges == nullptr || ranges->empty();
  SlotCopy known{};
  if (plain && length > 0 && Recall(rank, region, known) && CopyRemembered(peer, at, known, offset, length, into)) {
    return DirectStatus::kDone;
  }
  SlotCopy before{}, after{};
  if (!Copy(peer.pid, at, reinterpret_cast<uint8_t*>(&before), sizeof before)) return DirectStatus::kNotDirect;
  if (before.version % 2 != 0 || before.region != region || offset > before.length || length > before.length - offset) {
    return DirectStatus::kNotDirect;
  }
  bool copied = ranges != nullptr && !ranges->empty() ? CopyChecked(peer.pid, before.address + offset, into, length, *ranges)
                                                     : length == 0 || Copy(peer.pid, before.address + offset, into, length);
  if (!copied) return DirectStatus::kNotDirect;
  if (!Copy(peer.pid, at, reinterpret_cast<uint8_t*>(&after), sizeof after) || !(after == before)) {
    return DirectStatus::kNotDirect;
  }
  Remember(rank, region, before);
  return DirectStatus::kDone;
}

bool DirectReads::CopyRemembered(const Peer& peer, uint64_t at, const SlotCopy& known, uint64_t offset, uint64_t length,
                                 uint8_t* into) {
  if (offset > known.length || length > known.length - offset) return false;
  SlotCopy before{}, after{};
  struct iovec local[3] = {{&before, sizeof before}, {into, length}, {&after, sizeof after}};
  struct iovec remote[3] = {{reinterpret_cast<void*>(at), sizeof before},
                            {reinterpret_cast<void*>(known.address + offset), length},
                            {reinterpret_cast<void*>(at), sizeof after}};
  // The kernel copies the three pieces in order: slot, bytes, slot.
  ssize_t got = process_vm_readv(static_cast<pid_t>(peer.pid), local, 3, remote, 3, 0);
  return got == static_cast<ssize_t>(2 * sizeof(SlotCopy) + length) && before == known && after == known;
}

bool DirectReads::Recall(int rank, uint64_t region, SlotCopy& slot) {
  std::lock_guard<std::mutex> lock(seenMutex_);
  auto it = seen_.find(static_cast<uint64_t>(rank) << 48 | region);
  if (it == seen_.end()) return false;
  slot = it->second;
  return true;
}

void DirectReads::Remember(int rank, uint64_t region, const SlotCopy& slot) {
  std::lock_guard<std::mutex> lock(seenMutex_);
  // Bounded: past this many, start over rather than grow without end.
  if (seen_.size() >= 4096) seen_.clear();
  seen_[static_cast<uint64_t>(rank) << 48 | region] = slot;
}

// Pieces small enough to stay in this core's cache between their copy and their checksum.
constexpr uint64_t kCheckedPiece = 256 * 1024;

bool DirectReads::CopyChecked(int64_t pid, uint64_t from, uint8_t* into, uint64_t length, std::vector<ChecksumRange>& ranges) {
  for (auto& range : ranges) range.crc32c = kCrc32cStart;
  for (uint64_t at = 0; at < length; at += kCheckedPiece) {
    uint64_t piece = std::min(kCheckedPiece, length - at);
    if (!Copy(pid, from + at, into + at, piece)) return false;
    for (auto& range : ranges) {
      uint64_t start = std::max(range.offset, at);
      uint64_t end = std::min(range.offset + range.length, at + piece);
      if (start < end) range.crc32c = Crc32cUpdate(range.crc32c, into + start, end - start);
    }
  }
  for (auto& range : ranges) range.crc32c = Crc32cFinish(range.crc32c);
  return true;
}

bool DirectReads::Copy(int64_t pid, uint64_t from, uint8_t* into, uint64_t length) {
  while (length > 0) {
    struct iovec local {into, length};
    struct iovec remote {reinterpret_cast<void*>(from), length};
    ssize_t got = process_vm_readv(static_cast<pid_t>(pid), &local, 1, &remote, 1, 0);
    if (got <= 0) {
      // Refused by policy or unsupported: no read will ever work, so stop trying.
      if (got < 0 && (errno == EPERM || errno == ENOSYS || errno == EACCES)) on_.store(false);
      return false;
    }
    into += got;
    from += static_cast<uint64_t>(got);
    length -= static_cast<uint64_t>(got);
  }
  return true;
}

}  // namespace graft
