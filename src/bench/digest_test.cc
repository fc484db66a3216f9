#include "bench/digest.h"

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::bench {
namespace {

TEST(DigestTest, KnownValues) {
  EXPECT_EQ(Md5Hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(Md5Hex("hello world"), "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("hello world"),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
}

TEST(DigestTest, SameAsCommonCryptoOnManyInputs) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data.push_back(static_cast<char>(i * 7));
    EXPECT_EQ(Md5Hex(data), common::ToHex(common::Md5(data)));
    EXPECT_EQ(Sha256Hex(data), common::ToHex(common::Sha256(data)));
    const std::string key = data.substr(0, i % 80);
    EXPECT_EQ(common::ToHex(HmacSha256(key, data)), common::ToHex(common::HmacSha256(key, data)));
  }
}

TEST(DigestTest, WorksOnOtherThreads) {
  std::string a, b;
  std::thread t([&] { a = Md5Hex("hello"); });
  b = Md5Hex("hello");
  t.join();
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace spool::bench
