// buffer.h: a block of bytes the MPI thread allocates for incoming data and hands to JS, which
// adopts it as an external ArrayBuffer (no copy) and frees it with free() when collected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace graft {

class Buffer {
 public:
  Buffer() = default;
  // Page-aligned from one page up: one-sided reads into unaligned memory run far slower.
  explicit Buffer(size_t size) : size_(size) {
    if (size == 0) return;
    void* p = nullptr;
    size_t align = size >= 4096 ? 4096 : 64;
    if (posix_memalign(&p, align, size) != 0) p = nullptr;
    data_ = static_cast<uint8_t*>(p);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~Buffer() { std::free(data_); }

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool ok() const { return size_ == 0 || data_ != nullptr; }
  /** Gives up ownership; the caller frees with free(). */
  uint8_t* release() {
    size_ = 0;
    return std::exchange(data_, nullptr);
  }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace graft
