#include "common/ascii_scan.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace spool::common {
namespace {

size_t SlowSkip(std::string_view t, size_t i, bool json) {
  for (; i < t.size(); ++i) {
    const auto c = static_cast<uint8_t>(t[i]);
    const bool ok = c >= 0x20 && c < 0x80 && (!json || (c != '"' && c != '\\'));
    if (!ok) return i;
  }
  return t.size();
}

TEST(AsciiScanTest, CleanTextIsSkippedWhole) {
  const std::string t = "The quick brown fox jumps over the lazy dog 0123456789 ~{}[]";
  EXPECT_EQ(SkipPlainAscii(t, 0), t.size());
  EXPECT_EQ(SkipJsonSafe(t, 0), t.size());
  EXPECT_EQ(SkipJsonSafe("", 0), 0u);
  EXPECT_EQ(SkipJsonSafe(t, t.size()), t.size());
}

TEST(AsciiScanTest, StopsAtEveryKindOfByteInEveryPosition) {
  // Each special byte at each offset of a 40-byte clean text, scanned from each start.
  const std::string special = std::string("\"\\\x7f\x80\xff\x1f\t\n\r", 9) + std::string(1, '\0');
  for (char s : special) {
    for (size_t pos = 0; pos < 40; ++pos) {
      std::string t(40, 'a');
      t[pos] = s;
      for (size_t from = 0; from <= pos; from += 3) {
        EXPECT_EQ(SkipJsonSafe(t, from), SlowSkip(t, from, true)) << int(s) << " " << pos;
        EXPECT_EQ(SkipPlainAscii(t, from), SlowSkip(t, from, false)) << int(s) << " " << pos;
      }
    }
  }
}

TEST(AsciiScanTest, AgreesWithByteByByteOnRandomText) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string t(rng() % 70, '\0');
    for (char& c : t) {
      // Mostly printable, sometimes anything: exercises borrows between adjacent bytes.
      c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : 0x20 + rng() % 95);
    }
    const size_t from = t.empty() ? 0 : rng() % (t.size() + 1);
    ASSERT_EQ(SkipJsonSafe(t, from), SlowSkip(t, from, true)) << round;
    ASSERT_EQ(SkipPlainAscii(t, from), SlowSkip(t, from, false)) << round;
  }
}

}  // namespace
}  // namespace spool::common
