// crc32c.h: CRC-32C (Castagnoli), the checksum graft keeps beside every tensor, computed with the
// processor's crc32 instruction where it has one, so a read can be checked by the thread that
// copies it while the bytes are still in cache. Gives the same values as src/util/checksum.ts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace graft {

/** Whether this build and this processor compute CRC-32C in hardware. */
bool HasCrc32c();
/** Continues a CRC-32C: start from kCrc32cStart, finish with Crc32cFinish. Needs HasCrc32c(). */
uint32_t Crc32cUpdate(uint32_t state, const uint8_t* data, size_t length);

constexpr uint32_t kCrc32cStart = 0xFFFFFFFFu;
inline uint32_t Crc32cFinish(uint32_t state) { return state ^ 0xFFFFFFFFu; }

}  // namespace graft
