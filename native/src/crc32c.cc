// crc32c.cc: CRC-32C by the SSE4.2 crc32 instruction on x86-64; elsewhere none (callers then
// leave checking to JS). See crc32c.h.
//
// One chain of crc32 instructions waits on itself (3 cycles each), so long inputs run three
// independent chains over three lanes of a block and join them: the CRC register is linear,
// so continuing a state over n more bytes equals the state "shifted" by n zero bytes (a
// multiplication by x^(8n) modulo the polynomial) XOR the CRC of those bytes from zero.

#include "crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace graft {

#if defined(__x86_64__)

namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // CRC-32C, bit-reflected
constexpr size_t kLane = 16 * 1024;            // bytes per chain in a three-lane block

/** a(x)·b(x) modulo the polynomial, in the reflected bit order (bit 31 is x^0). */
uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

/** x^(8·bytes) modulo the polynomial: what shifts a CRC register over `bytes` zero bytes. */
uint32_t ShiftFactor(size_t bytes) {
  uint32_t factor = 1u << 31;  // x^0
  uint32_t power = 1u << 23;   // x^8: one byte
  for (size_t n = bytes; n != 0; n >>= 1) {
    if (n & 1) factor = MultiplyModP(power, factor);
    power = MultiplyModP(power, power);
  }
  return factor;
}

__attribute__((target("sse4.2"))) uint64_t Chain(uint64_t crc, const uint8_t* data, size_t words) {
  for (size_t i = 0; i < words; i++) {
    uint64_t word;
    std::memcpy(&word, data + 8 * i, sizeof word);
    crc = _mm_crc32_u64(crc, word);
  }
  return crc;
}

}  // namespace

bool HasCrc32c() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}

__attribute__((target("sse4.2"))) uint32_t Crc32cUpdate(uint32_t state, const uint8_t* data, size_t length) {
  static const uint32_t kShiftLane = ShiftFactor(kLane);
  static const uint32_t kShiftTwoLanes = ShiftFactor(2 * kLane);
  uint64_t crc = state;
  while (length >= 3 * kLane) {
    uint64_t a = crc, b = 0, c = 0;
    for (size_t i = 0; i < kLane; i += 8) {
      uint64_t words[3];
      std::memcpy(&words[0], data + i, 8);
      std::memcpy(&words[1], data + kLane + i, 8);
      std::memcpy(&words[2], data + 2 * kLane + i, 8);
      a = _mm_crc32_u64(a, words[0]);
      b = _mm_crc32_u64(b, words[1]);
      c = _mm_crc32_u64(c, words[2]);
    }
    crc = MultiplyModP(kShiftTwoLanes, static_cast<uint32_t>(a)) ^ MultiplyModP(kShiftLane, static_cast<uint32_t>(b)) ^
          static_cast<uint32_t>(c);
    data += 3 * kLane;
    length -= 3 * kLane;
  }
  crc = Chain(crc, data, length / 8);
  data += length / 8 * 8;
  length %= 8;
  uint32_t crc32 = static_cast<uint32_t>(crc);
  while (length-- > 0) crc32 = _mm_crc32_u8(crc32, *data++);
  return crc32;
}

#else

bool HasCrc32c() { return false; }
uint32_t Crc32cUpdate(uint32_t state, const uint8_t*, size_t) { return state; }

#endif

}  // namespace graft
