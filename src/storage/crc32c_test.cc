#include "storage/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace spool::storage::crc32c {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v));
  return s;
}

TEST(Crc32c, StandardCheckValue) { EXPECT_EQ(Value("123456789"), 0xe3069283u); }

TEST(Crc32c, EmptyInputIsZero) { EXPECT_EQ(Value("", 0), 0u); }

// RFC 3720, appendix B.4.
TEST(Crc32c, Rfc3720Vectors) {
  std::string buf(32, '\0');
  EXPECT_EQ(Value(buf), 0x8a9136aau);
  buf.assign(32, '\xff');
  EXPECT_EQ(Value(buf), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(i);
  EXPECT_EQ(Value(buf), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(31 - i);
  EXPECT_EQ(Value(buf), 0x113fdb5cu);
  const std::string read_pdu =
      Bytes({0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
             0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  EXPECT_EQ(Value(read_pdu), 0xd9963a56u);
}

TEST(Crc32c, ExtendEqualsValueOfConcatenation) {
  const std::string a = "hello ", b = "world, this crosses an eight-byte boundary";
  EXPECT_EQ(Extend(Value(a), b.data(), b.size()), Value(a + b));
}

TEST(Crc32c, PortableAndHardwareAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(42);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  const bool hardware = internal::HardwareAvailable();
  for (size_t start = 0; start < 9; ++start) {
    for (size_t len = 0; start + len <= data.size(); len += 1 + len / 8) {
      const char* p = data.data() + start;
      const uint32_t portable = internal::ExtendPortable(0, p, len);
      EXPECT_EQ(Value(p, len), portable) << start << "+" << len;
      if (hardware) {
        EXPECT_EQ(internal::ExtendHardware(0, p, len), portable) << start << "+" << len;
      }
      // Splitting anywhere gives the same result.
      EXPECT_EQ(internal::ExtendPortable(internal::ExtendPortable(0, p, len / 3), p + len / 3,
                                         len - len / 3),
                portable);
    }
  }
}

TEST(Crc32c, MaskRoundTripsAndDiffers) {
  for (uint32_t crc : {0u, 1u, 0xe3069283u, 0xffffffffu}) {
    EXPECT_NE(Mask(crc), crc);
    EXPECT_NE(Mask(Mask(crc)), crc);
    EXPECT_EQ(Unmask(Mask(crc)), crc);
    EXPECT_EQ(Unmask(Unmask(Mask(Mask(crc)))), crc);
  }
}

}  // namespace
}  // namespace spool::storage::crc32c
