// buffer.cc: the receive-buffer pool. See buffer.h for why it exists.

#include "buffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <iterator>

namespace graft {

namespace {
constexpr size_t kPooledFrom = 64 * 1024;    // smaller blocks are cheap from malloc
constexpr size_t kMaxIdle = 256u << 20;      // idle memory the pool may keep mapped
constexpr size_t kPage = 4096;
// Blocks from this size up sit on transparent huge pages where the kernel allows them (on
// request, "madvise" mode, is the common default): a fresh 32 MiB block then costs 16 page
// faults instead of 8,192, and measured here a receive into fresh memory ran 2x faster
// (4.4 against 2.1 GiB/s at 32 MiB; into memory already mapped, 5-7 GiB/s).
constexpr size_t kHugePage = 2u << 20;
constexpr size_t kHugeFrom = kHugePage;

size_t CapacityFor(size_t size) {
  size_t unit = size >= kHugeFrom ? kHugePage : kPage;
  return (size + unit - 1) / unit * unit;
}
}  // namespace

BufferPool& BufferPool::Instance() {
  static BufferPool* pool = new BufferPool();  // never destroyed: JS may free blocks at exit
  return *pool;
}

uint8_t* BufferPool::Take(size_t size) {
  if (size < kPooledFrom) return static_cast<uint8_t*>(std::malloc(size));
  size_t capacity = CapacityFor(size);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The smallest idle block that fits, if it wastes at most a quarter of itself; of blocks
    // of that exact size, the one returned last, whose pages are likeliest still in cache.
    auto exact = bySize_.equal_range(capacity);
    auto it = exact.first != exact.second ? std::prev(exact.second) : bySize_.lower_bound(capacity);
    if (it != bySize_.end() && it->first <= capacity + capacity / 4) {
      uint8_t* data = it->second->data;
      idleBytes_ -= it->first;
      idle_.erase(it->second);
      bySize_.erase(it);
      return data;
    }
  }
  void* data = nullptr;
  // Page-aligned: one-sided reads and single-copy transfers run far slower into unaligned memory.
  bool huge = capacity >= kHugeFrom;
  if (posix_memalign(&data, huge ? kHugePage : kPage, capacity) != 0) return nullptr;
  // Only a hint: where huge pages are off, the block simply stays on small pages.
  if (huge) madvise(data, capacity, MADV_HUGEPAGE);
  std::lock_guard<std::mutex> lock(mutex_);
  capacities_[static_cast<uint8_t*>(data)] = capacity;
  return static_cast<uint8_t*>(data);
}

void BufferPool::Give(uint8_t* data) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = capacities_.find(data);
  if (it == capacities_.end()) {
    std::free(data);
    return;
  }
  size_t capacity = it->second;
  if (capacity > kMaxIdle) {
    capacities_.erase(it);
    std::free(data);
    return;
  }
  // Make room by dropping the blocks idle longest, so a run of one size never starves the next
  // size of the pool (64 KiB messages filling it, then every 1 MiB message faulting in pages).
  while (idleBytes_ + capacity > kMaxIdle) Evict(idle_.begin());
  idle_.push_back(Idle{data, capacity});
  bySize_.emplace(capacity, std::prev(idle_.end()));
  idleBytes_ += capacity;
}

void BufferPool::Evict(std::list<Idle>::iterator block) {
  auto range = bySize_.equal_range(block->capacity);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == block) {
      bySize_.erase(it);
      break;
    }
  }
  idleBytes_ -= block->capacity;
  capacities_.erase(block->data);
  std::free(block->data);
  idle_.erase(block);
}

}  // namespace graft
