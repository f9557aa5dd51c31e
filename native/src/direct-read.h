// direct-read.h: one-sided reads between ranks on the same node without MPI. The reader copies
// the bytes straight out of the owner's memory with process_vm_readv (cross-memory attach, the
// single copy MPI's own shared-memory transport makes), so neither of the owner's threads does
// any work and no request travels. Each process keeps a directory of its exposed regions at a
// fixed address, which its node peers learn at start-up. A reader copies the region's directory
// slot before and after the bytes, and keeps the bytes only if the slot did not change: the
// region stayed exposed throughout. Any doubt (another node, a slot held by another region, a
// read past the slot's length, a changed slot, a kernel that refuses) answers kNotDirect, and
// the caller asks the owner over MPI instead, which gives the authoritative answer.
#pragma once

#include <mpi.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace graft {

enum class DirectStatus { kDone, kNotDirect };

/** A byte range of a read, from the read's start, whose CRC-32C the read computes. */
struct ChecksumRange {
  uint64_t offset;
  uint64_t length;
  uint32_t crc32c;
};

class DirectReads {
 public:
  static DirectReads& Instance();

  /**
   * Collective over `world`, run once on the MPI thread at start-up: learns which ranks share
   * this node, their process ids and directory addresses, and whether the kernel lets this
   * process read each of them. `wanted` false (GRAFT_DIRECT_READS=0) turns the path off here.
   */
  void Setup(MPI_Comm world, MPI_Comm node, bool wanted);
  /** How many ranks (this one included) this rank reads directly. */
  int readablePeers() const;

  /** Called on the JS thread only (one writer): enters or withdraws an exposed region. */
  void Publish(uint64_t region, const uint8_t* data, size_t size);
  void Withdraw(uint64_t region);

  /**
   * Copies `length` bytes at `offset` of `rank`'s `region` into `into`. Any thread. With
   * `ranges` (within the read; needs HasCrc32c()), also their CRC-32C, each piece checked right
   * after it is copied, while it is still in this core's cache.
   */
  DirectStatus Read(int rank, uint64_t region, uint64_t offset, uint64_t length, uint8_t* into,
                    std::vector<ChecksumRange>* ranges = nullptr);

 private:
  /** A directory slot: the region it holds (0: none), where, how long, and a version that is
   * odd while the slot is being written. Peers copy it whole and compare. */
  struct Slot {
    std::atomic<uint64_t> version;
    std::atomic<uint64_t> region;
    std::atomic<uint64_t> address;
    std::atomic<uint64_t> length;
  };
  struct SlotCopy {
    uint64_t version, region, address, length;
    bool operator==(const SlotCopy& o) const {
      return version == o.version && region == o.region && address == o.address && length == o.length;
    }
  };
  struct Peer {
    int64_t pid = 0;
    uint64_t directory = 0;
    bool readable = false;
  };
  /** Random, published at start-up: a peer reads it back before trusting a process id (in
   * another PID namespace the same number may name another process). */
  uint64_t token_ = 0;
  static constexpr size_t kSlots = 1 << 16;

  Slot& SlotOf(uint64_t region) { return slots_[region % kSlots]; }
  /** process_vm_readv of the whole range; false on any failure (and, if the kernel refuses
   * such reads at all, the path is turned off for good). */
  bool Copy(int64_t pid, uint64_t from, uint8_t* into, uint64_t length);
  /** One system call for a region whose slot was seen before: the slot, the bytes, the slot
   * again. False when the slot is not the one remembered (then the careful path runs). */
  bool CopyRemembered(const Peer& peer, uint64_t at, const SlotCopy& known, uint64_t offset, uint64_t length, uint8_t* into);
  bool Recall(int rank, uint64_t region, SlotCopy& slot);
  void Remember(int rank, uint64_t region, const SlotCopy& slot);
  bool CopyChecked(int64_t pid, uint64_t from, uint8_t* into, uint64_t length, std::vector<ChecksumRange>& ranges);

  Slot slots_[kSlots] = {};
  std::vector<Peer> peers_;
  /** Slots seen in peers' directories, by (rank, region): shared by the reading threads. */
  std::mutex seenMutex_;
  std::unordered_map<uint64_t, SlotCopy> seen_;
  std::atomic<bool> on_{false};
};

}  // namespace graft
