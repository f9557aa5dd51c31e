// buffer.h: blocks of bytes the MPI thread receives into and hands to JS, which adopts them as
// external ArrayBuffers (no copy) and gives them back when collected. Large blocks come from a
// small pool of page-aligned memory (on huge pages from 2 MiB up): a fresh 64 MiB block costs
// 16,384 page faults and zeroing on small pages, more than the transfer itself, while a reused
// one is already mapped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace graft {

class BufferPool {
 public:
  static BufferPool& Instance();
  /** A block of at least `size` bytes (page-aligned from 64 KiB up), or nullptr. */
  uint8_t* Take(size_t size);
  /** Returns a block from Take (to the pool if it has room, else to the system). */
  void Give(uint8_t* data);

 private:
  struct Idle {
    uint8_t* data;
    size_t capacity;
  };
  void Evict(std::list<Idle>::iterator block);

  std::mutex mutex_;
  std::list<Idle> idle_;                                          // oldest first
  std::multimap<size_t, std::list<Idle>::iterator> bySize_;        // capacity -> idle block
  std::unordered_map<uint8_t*, size_t> capacities_;               // every pooled block
  size_t idleBytes_ = 0;
};

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t size) : size_(size) {
    if (size > 0) data_ = BufferPool::Instance().Take(size);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~Buffer() {
    if (data_ != nullptr) BufferPool::Instance().Give(data_);
  }

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool ok() const { return size_ == 0 || data_ != nullptr; }
  /** Gives up ownership; the new owner hands the block to BufferPool::Give. */
  uint8_t* release() {
    size_ = 0;
    return std::exchange(data_, nullptr);
  }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace graft
