#include "common/crypto.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace spool::common {
namespace {

TEST(CryptoTest, Md5KnownVectors) {
  EXPECT_EQ(ToHex(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(ToHex(Md5("hello")), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(ToHex(Md5("hello world")), "5eb63bbbe01eeed093cb22bb8f5acdc3");
}

TEST(CryptoTest, Sha256KnownVectors) {
  EXPECT_EQ(ToHex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256("hello world")),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
}

TEST(CryptoTest, HmacSha256Rfc4231) {
  // Test case 1.
  EXPECT_EQ(ToHex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2.
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, HexForms) {
  EXPECT_EQ(Md5Hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, HmacSha256KeyRfc4231) {
  // Test case 1, and test case 6 (a key longer than the block is hashed first).
  EXPECT_EQ(ToHex(HmacSha256Key(std::string(20, '\x0b')).Sign("Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(ToHex(HmacSha256Key(std::string(131, '\xaa'))
                      .Sign("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(ToHex(HmacSha256(std::string(131, '\xaa'),
                             "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, HmacSha256KeyIsReusableAndMatchesOneShot) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data.push_back(static_cast<char>(i * 7));
    const std::string key = data.substr(0, i % 80);
    HmacSha256Key k(key);
    EXPECT_EQ(k.Sign(data), HmacSha256(key, data)) << i;
    EXPECT_EQ(k.Sign(data), k.Sign(data)) << i;
    EXPECT_EQ(k.Sign(""), HmacSha256(key, "")) << i;
  }
}

TEST(CryptoTest, WorksOnManyThreadsAtOnce) {
  const HmacSha256Key key("shared key");
  const Sha256Digest want_mac = key.Sign("message");
  const Md5Digest want_md5 = Md5("message");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (key.Sign("message") != want_mac || Md5("message") != want_md5) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(CryptoTest, HashesAreBinarySafe) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Md5(with_nul), Md5("a"));
  EXPECT_NE(Sha256(with_nul), Sha256("a"));
}

TEST(CryptoTest, Md5BuilderIncrementalEqualsOneShot) {
  const std::string text = "The quick brown fox jumps over the lazy dog";
  for (size_t split = 0; split <= text.size(); ++split) {
    Md5Builder b;
    b.Update(std::string_view(text).substr(0, split));
    b.Update(std::string_view(text).substr(split));
    EXPECT_EQ(b.Finish(), Md5(text)) << split;
  }
  Md5Builder bytewise;
  for (char c : text) bytewise.Update(std::string_view(&c, 1));
  EXPECT_EQ(ToHex(bytewise.Finish()), "9e107d9d372bb6826bd81d3542a419d6");
  Md5Builder empty;
  EXPECT_EQ(empty.Finish(), Md5(""));
}

TEST(CryptoTest, Md5BuilderU32IsBigEndian) {
  Md5Builder b;
  b.Update("len");
  b.UpdateU32BigEndian(0x01020304);
  b.UpdateU32BigEndian(0);
  EXPECT_EQ(b.Finish(), Md5(std::string("len\x01\x02\x03\x04\0\0\0\0", 11)));
}

TEST(CryptoTest, RandomBytesDiffer) {
  std::string a(32, '\0');
  std::string b(32, '\0');
  RandomBytes(a.data(), a.size());
  RandomBytes(b.data(), b.size());
  EXPECT_NE(a, b);
  RandomBytes(nullptr, 0);  // allowed, does nothing
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret!"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace spool::common
