#include "common/encoding.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace spool::common {
namespace {

TEST(EncodingTest, HexIsLowerCaseTwoDigitsPerByte) {
  const std::vector<uint8_t> bytes = {0x00, 0x01, 0x0f, 0x10, 0xab, 0xff};
  EXPECT_EQ(ToHex(bytes), "00010f10abff");
  EXPECT_EQ(ToHex(std::string_view("\x7f\x80", 2)), "7f80");
  EXPECT_EQ(ToHex(std::string_view()), "");
}

TEST(EncodingTest, Base64Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(EncodingTest, Base64UsesTheStandardAlphabet) {
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff", 2)), "+/8=");
  EXPECT_EQ(Base64Decode("+/8="), std::string("\xfb\xff", 2));
}

TEST(EncodingTest, Base64RoundTripsRandomBytesOfEveryLength) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 20; ++trial) {
    for (size_t len = 0; len <= 64; ++len) {
      std::string bytes(len, '\0');
      for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
      std::string encoded = Base64Encode(bytes);
      EXPECT_EQ(encoded.size(), (len + 2) / 3 * 4);
      auto decoded = Base64Decode(encoded);
      ASSERT_TRUE(decoded) << encoded;
      EXPECT_EQ(*decoded, bytes);
    }
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Decode(Base64Encode(all)), all);
}

TEST(EncodingTest, Base64RejectsBadLength) {
  for (const char* bad : {"Z", "Zg", "Zg=", "Zm9vY", "Zm9vYg=", "Zm9vYmFy="}) {
    EXPECT_FALSE(Base64Decode(bad)) << bad;
  }
}

TEST(EncodingTest, Base64RejectsBadCharacters) {
  for (const char* bad : {"Zm9v!A==", "Zm 9", "Zm9v\nYmFy", "-_8=", "Zm9\x80", "Zm9v\tA=="}) {
    EXPECT_FALSE(Base64Decode(bad)) << bad;
  }
  EXPECT_FALSE(Base64Decode(std::string("Zm\0v", 4)));
}

TEST(EncodingTest, Base64RejectsBadPadding) {
  for (const char* bad : {"====", "Z===", "Zg=A", "Zm=v", "=Zm9", "Zg==Zg==", "Zm8=Zm9v"}) {
    EXPECT_FALSE(Base64Decode(bad)) << bad;
  }
  EXPECT_FALSE(Base64Decode("Zg"));  // padding is required
}

}  // namespace
}  // namespace spool::common
