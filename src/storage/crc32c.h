#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every log frame and
// file header. Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time)
// and a table-driven slicing-by-8 loop otherwise; both give identical results.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace spool::storage::crc32c {

// The CRC of `data` appended to a stream whose CRC so far is `crc` (0 for an empty stream):
// Extend(Value(a), b) == Value(a + b).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

// Stored CRCs are masked: a CRC computed over bytes that themselves contain CRCs is weak, and a
// masked value of 0 is not the CRC of an empty or all-zero stretch. Rotate right by 15 bits and
// add a constant; Unmask undoes it.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rotated = masked - kMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

namespace internal {
// The two implementations behind Extend, exposed so tests can compare them.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
// Only callable when HardwareAvailable().
uint32_t ExtendHardware(uint32_t crc, const char* data, size_t n);
bool HardwareAvailable();
}  // namespace internal

}  // namespace spool::storage::crc32c
