#include "storage/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace spool::storage::crc32c {
namespace {

static_assert(std::endian::native == std::endian::little, "the slicing loop assumes little endian");

constexpr uint32_t kPolynomial = 0x82f63b78u;  // reflected Castagnoli polynomial

// kTables[0] is the classic byte-at-a-time table; kTables[k][b] is the CRC contribution of byte
// b followed by k zero bytes, so eight bytes are folded with eight independent look-ups.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
    t[0][b] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      const uint32_t prev = t[k - 1][b];
      t[k][b] = (prev >> 8) ^ t[0][prev & 0xffu];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();

inline uint32_t StepByte(uint32_t crc, uint8_t byte) {
  return (crc >> 8) ^ kTables[0][(crc ^ byte) & 0xffu];
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  uint64_t state = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    state = _mm_crc32_u64(state, word);
  }
  auto state32 = static_cast<uint32_t>(state);
  for (; n > 0; --n, ++p) state32 = _mm_crc32_u8(state32, *p);
  return ~state32;
}
#endif

using ExtendFn = uint32_t (*)(uint32_t, const char*, size_t);

ExtendFn Choose() {
  return internal::HardwareAvailable() ? internal::ExtendHardware : internal::ExtendPortable;
}

}  // namespace

namespace internal {

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  uint32_t state = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    word ^= state;
    state = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^
            kTables[5][(word >> 16) & 0xff] ^ kTables[4][(word >> 24) & 0xff] ^
            kTables[3][(word >> 32) & 0xff] ^ kTables[2][(word >> 40) & 0xff] ^
            kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
  }
  for (; n > 0; --n, ++p) state = StepByte(state, *p);
  return ~state;
}

uint32_t ExtendHardware(uint32_t crc, const char* data, size_t n) {
#if defined(__x86_64__)
  return ExtendSse42(crc, data, n);
#else
  return ExtendPortable(crc, data, n);
#endif
}

bool HardwareAvailable() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

}  // namespace internal

uint32_t Extend(uint32_t crc, const char* data, size_t n) {
  static const ExtendFn extend = Choose();
  return extend(crc, data, n);
}

}  // namespace spool::storage::crc32c
