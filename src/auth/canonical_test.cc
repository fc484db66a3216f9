#include "auth/canonical.h"

#include <vector>

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace spool::auth {
namespace {

TEST(CanonicalTest, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(UriEncode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a b+c/d=e&f%", false), "a%20b%2Bc%2Fd%3De%26f%25");
  EXPECT_EQ(UriEncode("/a b/", true), "/a%20b/");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", false), "%E1%88%B4");
  EXPECT_EQ(UriEncode(std::string_view("\0", 1), false), "%00");
}

TEST(CanonicalTest, PercentDecodeLeavesInvalidEscapesAndPlus) {
  EXPECT_EQ(PercentDecode("a%20b%2fc"), "a b/c");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("%zz%41"), "%zzA");
}

TEST(CanonicalTest, CanonicalUriNormalizesAndEncodesOnceMore) {
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/"), "/");
  EXPECT_EQ(CanonicalUri("/000000000000/orders"), "/000000000000/orders");
  EXPECT_EQ(CanonicalUri("/example/.."), "/");
  EXPECT_EQ(CanonicalUri("/a/b/../../c"), "/c");
  EXPECT_EQ(CanonicalUri("/../.."), "/");
  EXPECT_EQ(CanonicalUri("/./example"), "/example");
  EXPECT_EQ(CanonicalUri("//example//"), "/example/");
  EXPECT_EQ(CanonicalUri("/example space/"), "/example%20space/");
  // Non-S3 services encode the wire form once more: %20 becomes %2520.
  EXPECT_EQ(CanonicalUri("/example%20space"), "/example%2520space");
  EXPECT_EQ(CanonicalUri("/a%2Fb"), "/a%252Fb");
}

TEST(CanonicalTest, CanonicalUriWithoutNormalizing) {
  const UriOptions s3{.normalize = false, .encode = true};
  EXPECT_EQ(CanonicalUri("//example//", s3), "//example//");
  EXPECT_EQ(CanonicalUri("/./example", s3), "/./example");
  EXPECT_EQ(CanonicalUri("/a b", s3), "/a%20b");
  const UriOptions raw{.normalize = false, .encode = false};
  EXPECT_EQ(CanonicalUri("/a%20b", raw), "/a%20b");
}

TEST(CanonicalTest, CanonicalQuerySortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQuery(""), "");
  EXPECT_EQ(CanonicalQuery("Param2=value2&Param1=value1"), "Param1=value1&Param2=value2");
  EXPECT_EQ(CanonicalQuery("foo=Zoo&foo=aha"), "foo=Zoo&foo=aha");
  EXPECT_EQ(CanonicalQuery("b=2&a&&c="), "a=&b=2&c=");
  EXPECT_EQ(CanonicalQuery("k=a%20b&j=a+b"), "j=a%2Bb&k=a%20b");
  EXPECT_EQ(CanonicalQuery("%E1%88%B4=Value1&Param=Value2&Param-3=Value3"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
  EXPECT_EQ(CanonicalQuery("a=1&X-Amz-Signature=abc&b=2", "X-Amz-Signature"), "a=1&b=2");
  // A decoded '=' in a value is re-encoded; names compare after encoding.
  EXPECT_EQ(CanonicalQuery("x=a%3Db"), "x=a%3Db");
  EXPECT_EQ(CanonicalQuery("x=a=b"), "x=a%3Db");
}

TEST(CanonicalTest, HeaderValuesAreTrimmedAndCollapsed) {
  EXPECT_EQ(CanonicalHeaderValue("  value1  "), "value1");
  EXPECT_EQ(CanonicalHeaderValue("\"a   b   c\""), "\"a b c\"");
  EXPECT_EQ(CanonicalHeaderValue("value1\r\n  value2\n     value3"), "value1 value2 value3");
  EXPECT_EQ(CanonicalHeaderValue("a\t\tb"), "a b");
  EXPECT_EQ(CanonicalHeaderValue(""), "");
  EXPECT_EQ(CanonicalHeaderValue("   "), "");
}

TEST(CanonicalTest, CanonicalHeadersJoinRepeatsInArrivalOrder) {
  const std::vector<Header> headers = {{"Host", "example.amazonaws.com"},
                                       {"My-Header1", "value4"},
                                       {"my-header1", " value1 "},
                                       {"X-Amz-Date", "20150830T123600Z"},
                                       {"Unsigned", "x"}};
  EXPECT_EQ(CanonicalHeaders(headers, "host;my-header1;x-amz-date"),
            "host:example.amazonaws.com\nmy-header1:value4,value1\nx-amz-date:20150830T123600Z\n");
  EXPECT_EQ(CanonicalHeaders(headers, "host;absent"), "host:example.amazonaws.com\nabsent:\n");
}

TEST(CanonicalTest, StringToSignAndScope) {
  EXPECT_EQ(CredentialScope("20150830", "us-east-1", "sqs"), "20150830/us-east-1/sqs/aws4_request");
  EXPECT_EQ(StringToSign("20150830T123600Z", "20150830/us-east-1/sqs/aws4_request", ""),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sqs/aws4_request\n" +
                std::string(kEmptyPayloadSha256));
}

TEST(CanonicalTest, AmzDateRoundTrip) {
  const auto t = ParseAmzDate("20150830T123600Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(common::ToEpochMillis(*t), 1440938160000);
  EXPECT_EQ(FormatAmzDate(*t), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(*t + common::Millis(999)), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(common::FromEpochMillis(0)), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(*ParseAmzDate("20240229T235959Z")), "20240229T235959Z");
}

TEST(CanonicalTest, AmzDateRejectsMalformed) {
  for (std::string_view bad :
       {"", "20150830T123600", "20150830 123600Z", "2015-08-30T12:36:00Z", "20151330T123600Z",
        "20150230T123600Z", "20230229T000000Z", "20150830T243600Z", "20150830T126000Z",
        "20150830T123660Z", "2015083OT123600Z", "+0150830T123600Z", "20150830T123600Z "}) {
    EXPECT_FALSE(ParseAmzDate(bad).has_value()) << bad;
  }
}

TEST(CanonicalTest, HttpDate) {
  const auto t = ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatAmzDate(*t), "20150830T123600Z");
  EXPECT_FALSE(ParseHttpDate("Sun, 30 Aug 2015 12:36:00 UTC").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 2015 12:36:00 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 30 Foo 2015 12:36:00 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Sunday, 30-Aug-15 12:36:00 GMT").has_value());
}

TEST(CanonicalTest, SigningKeyDerivation) {
  // AWS General Reference example (IAM, us-east-1, 20150830).
  EXPECT_EQ(common::ToHex(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                           "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

}  // namespace
}  // namespace spool::auth
