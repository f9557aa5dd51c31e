// buffer.cc: the receive-buffer pool. See buffer.h for why it exists.

#include "buffer.h"

#include <cstdlib>

namespace graft {

namespace {
constexpr size_t kPooledFrom = 64 * 1024;    // smaller blocks are cheap from malloc
constexpr size_t kMaxIdle = 256u << 20;      // idle memory the pool may keep mapped
constexpr size_t kPage = 4096;
}  // namespace

BufferPool& BufferPool::Instance() {
  static BufferPool* pool = new BufferPool();  // never destroyed: JS may free blocks at exit
  return *pool;
}

uint8_t* BufferPool::Take(size_t size) {
  if (size < kPooledFrom) return static_cast<uint8_t*>(std::malloc(size));
  size_t capacity = (size + kPage - 1) / kPage * kPage;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The smallest idle block that fits, if it wastes at most a quarter of itself.
    auto it = free_.lower_bound(capacity);
    if (it != free_.end() && it->first <= capacity + capacity / 4) {
      uint8_t* data = it->second;
      idleBytes_ -= it->first;
      free_.erase(it);
      return data;
    }
  }
  void* data = nullptr;
  // Page-aligned: one-sided reads and single-copy transfers run far slower into unaligned memory.
  if (posix_memalign(&data, kPage, capacity) != 0) return nullptr;
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
  if (idleBytes_ + it->second > kMaxIdle) {
    capacities_.erase(it);
    std::free(data);
    return;
  }
  idleBytes_ += it->second;
  free_.emplace(it->second, data);
}

}  // namespace graft
