// crc32c.cc: CRC-32C by the SSE4.2 crc32 instruction on x86-64; elsewhere none (callers then
// leave checking to JS). See crc32c.h.

#include "crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace graft {

#if defined(__x86_64__)

bool HasCrc32c() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}

__attribute__((target("sse4.2"))) uint32_t Crc32cUpdate(uint32_t state, const uint8_t* data, size_t length) {
  uint64_t crc = state;
  while (length >= 8) {
    uint64_t word;
    std::memcpy(&word, data, sizeof word);
    crc = _mm_crc32_u64(crc, word);
    data += 8;
    length -= 8;
  }
  uint32_t crc32 = static_cast<uint32_t>(crc);
  while (length-- > 0) crc32 = _mm_crc32_u8(crc32, *data++);
  return crc32;
}

#else

bool HasCrc32c() { return false; }
uint32_t Crc32cUpdate(uint32_t state, const uint8_t*, size_t) { return state; }

#endif

}  // namespace graft
