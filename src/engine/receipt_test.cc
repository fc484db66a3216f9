#include "engine/receipt.h"

#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace spool::engine {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void ExpectSameFields(const ReceiptFields& a, const ReceiptFields& b) {
  EXPECT_EQ(a.queue_id, b.queue_id);
  EXPECT_EQ(a.message_seq, b.message_seq);
  EXPECT_EQ(a.nonce, b.nonce);
}

TEST(ReceiptTest, EncodedFieldsDecodeToTheSameFields) {
  ReceiptCodec codec("secret");
  for (ReceiptFields f :
       {ReceiptFields{0, 0, 0}, ReceiptFields{1, 2, 3},
        ReceiptFields{0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x89abcdefU},
        ReceiptFields{std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint64_t>::max(),
                      std::numeric_limits<uint32_t>::max()}}) {
    std::string handle = codec.Encode(f);
    auto decoded = codec.Decode(handle);
    ASSERT_TRUE(decoded.has_value()) << handle;
    ExpectSameFields(*decoded, f);
  }
}

TEST(ReceiptTest, HandlesAreShortBase64Text) {
  ReceiptCodec codec("secret");
  std::string handle = codec.Encode({42, 7, 1});
  EXPECT_EQ(handle.size(), 44u);
  EXPECT_LE(handle.size(), 1024u);
  for (char c : handle) EXPECT_NE(kBase64Alphabet.find(c), std::string_view::npos) << c;
}

TEST(ReceiptTest, EveryFieldChangesTheHandle) {
  ReceiptCodec codec("secret");
  std::set<std::string> handles = {codec.Encode({1, 1, 1}), codec.Encode({2, 1, 1}),
                                   codec.Encode({1, 2, 1}), codec.Encode({1, 1, 2})};
  EXPECT_EQ(handles.size(), 4u);
  EXPECT_EQ(codec.Encode({1, 1, 1}), codec.Encode({1, 1, 1}));  // deterministic
}

TEST(ReceiptTest, ChangingAnyCharacterOfTheHandleFailsToDecode) {
  ReceiptCodec codec("secret");
  const std::string handle = codec.Encode({0x1122334455667788ULL, 99, 5});
  for (size_t i = 0; i < handle.size(); ++i) {
    for (char c : kBase64Alphabet) {
      if (c == handle[i]) continue;
      std::string tampered = handle;
      tampered[i] = c;
      EXPECT_FALSE(codec.Decode(tampered).has_value()) << "position " << i << " -> " << c;
    }
  }
}

TEST(ReceiptTest, FlippingAnyBitOfTheDecodedBytesFailsToDecode) {
  ReceiptCodec codec("secret");
  const std::string raw = *common::Base64Decode(codec.Encode({3, 4, 5}));
  ASSERT_EQ(raw.size(), 33u);
  for (size_t i = 0; i < raw.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string tampered = raw;
      tampered[i] = static_cast<char>(tampered[i] ^ (1 << bit));
      EXPECT_FALSE(codec.Decode(common::Base64Encode(tampered)).has_value())
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST(ReceiptTest, HandleFromAnotherSecretFailsToDecode) {
  ReceiptCodec ours("secret-one");
  ReceiptCodec theirs("secret-two");
  std::string handle = theirs.Encode({1, 2, 3});
  EXPECT_FALSE(ours.Decode(handle).has_value());
  EXPECT_TRUE(theirs.Decode(handle).has_value());
  EXPECT_NE(ours.Encode({1, 2, 3}), handle);
}

TEST(ReceiptTest, GarbageFailsToDecode) {
  ReceiptCodec codec("secret");
  std::string good = codec.Encode({1, 2, 3});
  for (const std::string& bad : {
           std::string(),
           std::string("x"),
           std::string("not a receipt handle"),
           std::string(44, 'A'),
           std::string(44, '='),
           std::string(43, 'A') + "!",
           good.substr(0, 43),
           good + "A",
           good + "====",
           good.substr(0, 40) + "\n" + good.substr(41),
           // A well-formed handle of another length and version.
           common::Base64Encode(std::string(33, '\x02')),
           common::Base64Encode(std::string(30, '\x01')),
       }) {
    EXPECT_FALSE(codec.Decode(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace spool::engine
