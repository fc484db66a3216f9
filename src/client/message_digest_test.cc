#include "client/message_digest.h"

#include <gtest/gtest.h>

namespace spool::client {
namespace {

// The worked example of the SQS reference, section 8.2.
MessageAttributes ReferenceAttributes() {
  return {{"Population", MessageAttributeValue::Number("1250800")},
          {"City", MessageAttributeValue::String("Any City")},
          {"Blob", {"Binary.gif", "", std::string("\x00\x01\x02\xff", 4)}}};
}

TEST(MessageDigestTest, AttributesDigestMatchesTheReferenceVectors) {
  EXPECT_EQ(MessageAttributesMd5(ReferenceAttributes()), "be82f2459e3d22b68a4de6786fdc1c27");
  EXPECT_EQ(MessageAttributesMd5({{"City", MessageAttributeValue::String("Any City")}}),
            "0c32cb5c844c01fbd5b6b434b52cf670");
}

TEST(MessageDigestTest, SentDigestsAreChecked) {
  EXPECT_FALSE(CheckSentDigests("hello", {}, "5d41402abc4b2a76b9719d911017c592", "", "m1"));
  auto bad = CheckSentDigests("hello", {}, "00000000000000000000000000000000", "", "m1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->kind(), ErrorKind::kChecksum);
  EXPECT_EQ(bad->code(), "ChecksumMismatch");
  EXPECT_NE(bad->message().find("m1"), std::string::npos);
  // A missing digest fails too, as in the JS SDK.
  EXPECT_TRUE(CheckSentDigests("hello", {}, "", "", "m1"));
  EXPECT_FALSE(CheckSentDigests("hello", ReferenceAttributes(), "5d41402abc4b2a76b9719d911017c592",
                                "be82f2459e3d22b68a4de6786fdc1c27", "m1"));
  EXPECT_TRUE(CheckSentDigests("hello", ReferenceAttributes(), "5d41402abc4b2a76b9719d911017c592",
                               "", "m1"));
}

TEST(MessageDigestTest, ReceivedDigestsAreChecked) {
  Message m;
  m.message_id = "m2";
  m.body = "hello world";
  m.md5_of_body = "5eb63bbbe01eeed093cb22bb8f5acdc3";
  EXPECT_FALSE(CheckReceivedDigests(m));
  m.message_attributes = {{"City", MessageAttributeValue::String("Any City")}};
  EXPECT_TRUE(CheckReceivedDigests(m));
  m.md5_of_message_attributes = "0c32cb5c844c01fbd5b6b434b52cf670";
  EXPECT_FALSE(CheckReceivedDigests(m));
  m.body = "hello World";
  EXPECT_TRUE(CheckReceivedDigests(m));
}

}  // namespace
}  // namespace spool::client
