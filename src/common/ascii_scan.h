#pragma once
// Fast scans over text that is mostly plain ASCII (message bodies, ids, handles), eight bytes at
// a time: each function returns the index of the first byte at or after `i` that needs a closer
// look, or text.size() when there is none. Callers handle that byte and continue from there.
//
// Eight bytes are tested at once with the usual word tricks ("does any byte of x equal zero",
// "is any byte below n"); a word that fails the test is scanned byte by byte, so the result is
// exact whatever the input. Pure functions, thread-safe.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace spool::common {
namespace ascii_scan_detail {

inline constexpr uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr uint64_t kHigh = 0x8080808080808080ULL;

inline uint64_t Load(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
// Nonzero when some byte of x is zero.
inline constexpr uint64_t AnyZero(uint64_t x) { return (x - kOnes) & ~x & kHigh; }
// Nonzero when some byte of x is below n (n <= 128).
inline constexpr uint64_t AnyBelow(uint64_t x, uint8_t n) { return (x - kOnes * n) & ~x & kHigh; }
// Nonzero when some byte of x equals c.
inline constexpr uint64_t AnyEqual(uint64_t x, uint8_t c) { return AnyZero(x ^ (kOnes * c)); }

inline constexpr bool IsPlainAscii(uint8_t c) { return c >= 0x20 && c < 0x80; }
inline constexpr bool IsJsonSafe(uint8_t c) { return IsPlainAscii(c) && c != '"' && c != '\\'; }

}  // namespace ascii_scan_detail

// First byte at or after i that is not printable ASCII (0x20..0x7F).
inline size_t SkipPlainAscii(std::string_view text, size_t i) {
  using namespace ascii_scan_detail;
  const char* p = text.data();
  const size_t n = text.size();
  while (i + 8 <= n) {
    const uint64_t x = Load(p + i);
    if (((x & kHigh) | AnyBelow(x, 0x20)) != 0) break;
    i += 8;
  }
  while (i < n && IsPlainAscii(static_cast<uint8_t>(p[i]))) ++i;
  return i;
}

// First byte at or after i that a JSON string cannot hold as it is: a control character, '"',
// '\\', or a byte >= 0x80 (which the caller checks for valid UTF-8).
inline size_t SkipJsonSafe(std::string_view text, size_t i) {
  using namespace ascii_scan_detail;
  const char* p = text.data();
  const size_t n = text.size();
  while (i + 8 <= n) {
    const uint64_t x = Load(p + i);
    if (((x & kHigh) | AnyBelow(x, 0x20) | AnyEqual(x, '"') | AnyEqual(x, '\\')) != 0) break;
    i += 8;
  }
  while (i < n && IsJsonSafe(static_cast<uint8_t>(p[i]))) ++i;
  return i;
}

}  // namespace spool::common
