#include "auth/match.h"

#include <string>

#include <gtest/gtest.h>

namespace spool::auth {
namespace {

TEST(MatchTest, WildcardStarAndQuestionMark) {
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*", "anything"));
  EXPECT_TRUE(WildcardMatch("sqs:Send*", "sqs:SendMessage"));
  EXPECT_TRUE(WildcardMatch("sqs:*Message", "sqs:SendMessage"));
  EXPECT_TRUE(WildcardMatch("sqs:*Message*", "sqs:ReceiveMessage"));
  EXPECT_FALSE(WildcardMatch("sqs:Send*", "sqs:ReceiveMessage"));
  EXPECT_TRUE(WildcardMatch("a?c", "abc"));
  EXPECT_FALSE(WildcardMatch("a?c", "ac"));
  EXPECT_FALSE(WildcardMatch("a?c", "abbc"));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXXbYYbZc"));
  EXPECT_FALSE(WildcardMatch("a*b*c", "aXXbYYbZ"));
  EXPECT_TRUE(WildcardMatch("", ""));
  EXPECT_FALSE(WildcardMatch("", "a"));
  EXPECT_TRUE(WildcardMatch("**", "a"));
}

TEST(MatchTest, WildcardCase) {
  EXPECT_FALSE(WildcardMatch("SQS:sendmessage", "sqs:SendMessage"));
  EXPECT_TRUE(WildcardMatch("SQS:sendmessage", "sqs:SendMessage", /*ignore_case=*/true));
  EXPECT_TRUE(WildcardMatch("sqs:SEND*", "sqs:SendMessage", true));
}

TEST(MatchTest, QuestionMarkIsOneUtf8Character) {
  EXPECT_TRUE(WildcardMatch("caf?", "caf\xc3\xa9"));
  EXPECT_TRUE(WildcardMatch("?", "\xe1\x88\xb4"));
  EXPECT_FALSE(WildcardMatch("??", "\xe1\x88\xb4"));
  EXPECT_TRUE(WildcardMatch("*?", "\xc3\xa9"));
}

TEST(MatchTest, WildcardIsNotExponential) {
  const std::string text(20000, 'a');
  const std::string pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
  EXPECT_FALSE(WildcardMatch(pattern, text));  // would take forever with naive recursion
}

TEST(MatchTest, LiteralMarksDisableWildcards) {
  Pattern p{"a*c", {false, true, false}};
  EXPECT_TRUE(WildcardMatch(p, "a*c"));
  EXPECT_FALSE(WildcardMatch(p, "abc"));
}

TEST(MatchTest, PolicyVariables) {
  ContextKeys keys;
  keys.Set("aws:username", "alice");
  auto p = ExpandPolicyVariables("arn:aws:sqs:*:123456789012:${aws:username}-*", keys);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->text, "arn:aws:sqs:*:123456789012:alice-*");
  EXPECT_TRUE(ResourceMatch(*p, "arn:aws:sqs:us-east-1:123456789012:alice-orders"));
  EXPECT_FALSE(ResourceMatch(*p, "arn:aws:sqs:us-east-1:123456789012:bob-orders"));
  // Key names are case-insensitive; defaults; literal specials.
  p = ExpandPolicyVariables("${AWS:UserName}", keys);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->text, "alice");
  p = ExpandPolicyVariables("${aws:PrincipalTag/team, 'none'}", keys);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->text, "none");
  p = ExpandPolicyVariables("a${*}b${?}${$}", keys);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->text, "a*b?$");
  EXPECT_TRUE(WildcardMatch(*p, "a*b?$"));
  EXPECT_FALSE(WildcardMatch(*p, "aXb?$"));
  // Unresolvable.
  EXPECT_FALSE(ExpandPolicyVariables("${aws:missing}", keys).has_value());
  EXPECT_FALSE(ExpandPolicyVariables("${aws:username", keys).has_value());
  EXPECT_FALSE(ExpandPolicyVariables("${aws:x, nope}", keys).has_value());
}

TEST(MatchTest, VariableValuesAreLiteral) {
  ContextKeys keys;
  keys.Set("aws:username", "*");
  auto p = ExpandPolicyVariables("queue-${aws:username}", keys);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(WildcardMatch(*p, "queue-*"));
  EXPECT_FALSE(WildcardMatch(*p, "queue-anything"));
}

TEST(MatchTest, SplitArn) {
  auto parts = SplitArn("arn:aws:sqs:us-east-1:123456789012:orders");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->partition, "aws");
  EXPECT_EQ(parts->service, "sqs");
  EXPECT_EQ(parts->region, "us-east-1");
  EXPECT_EQ(parts->account, "123456789012");
  EXPECT_EQ(parts->resource, "orders");
  parts = SplitArn("arn:aws:iam::123456789012:user/path/alice");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->region, "");
  EXPECT_EQ(parts->resource, "user/path/alice");
  EXPECT_EQ(SplitArn("arn:aws:s3:::bucket:with:colons")->resource, "bucket:with:colons");
  EXPECT_FALSE(SplitArn("arn:aws:sqs:us-east-1").has_value());
  EXPECT_FALSE(SplitArn("urn:aws:sqs:us-east-1:1:q").has_value());
  EXPECT_EQ(ArnAccount("arn:aws:sqs:us-east-1:123456789012:orders"), "123456789012");
  EXPECT_EQ(ArnAccount("*"), "");
}

TEST(MatchTest, ArnMatchIsPerField) {
  EXPECT_TRUE(
      ArnMatch("arn:aws:sqs:*:123456789012:orders", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_TRUE(
      ArnMatch("arn:aws:sqs:us-?ast-1:*:ord*", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_FALSE(
      ArnMatch("arn:aws:sqs:*:123456789012:orders", "arn:aws:sqs:us-east-1:999999999999:orders"));
  // '*' does not cross a field boundary.
  EXPECT_FALSE(ArnMatch("arn:aws:sqs:*:orders", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_FALSE(
      ArnMatch("arn:aws:sqs:*:123456789012:Orders", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_TRUE(ArnMatch("*", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_FALSE(ArnMatch("*", "not-an-arn"));
  EXPECT_FALSE(ArnMatch("arn:aws:sqs:*:*:*", "not-an-arn"));
}

TEST(MatchTest, ResourceMatch) {
  EXPECT_TRUE(ResourceMatch("*", "*"));
  EXPECT_TRUE(ResourceMatch("*", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_TRUE(ResourceMatch("arn:aws:sqs:*", "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_TRUE(ResourceMatch("arn:aws:sqs:us-east-1:123456789012:*",
                            "arn:aws:sqs:us-east-1:123456789012:orders"));
  EXPECT_FALSE(ResourceMatch("arn:aws:sqs:us-east-1:123456789012:orders", "*"));
  EXPECT_FALSE(ResourceMatch("arn:aws:sqs:us-east-1:123456789012:orders",
                             "arn:aws:sqs:us-east-1:123456789012:orders-dlq"));
}

TEST(MatchTest, IpRanges) {
  auto r = ParseIpRange("10.0.0.0/8");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("10.1.2.3", *r));
  EXPECT_FALSE(IpInRange("11.1.2.3", *r));
  EXPECT_TRUE(IpInRange("::ffff:10.1.2.3", *r));  // dual-stack socket form
  EXPECT_FALSE(IpInRange("10.1.2.3/32", *r));
  EXPECT_FALSE(IpInRange("not-an-ip", *r));
  r = ParseIpRange("203.0.113.7/24");  // host bits are ignored
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("203.0.113.200", *r));
  r = ParseIpRange("192.0.2.1");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("192.0.2.1", *r));
  EXPECT_FALSE(IpInRange("192.0.2.2", *r));
  r = ParseIpRange("0.0.0.0/0");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("8.8.8.8", *r));
  EXPECT_FALSE(IpInRange("2001:db8::1", *r));
  r = ParseIpRange("2001:db8::/32");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("2001:db8:1234::1", *r));
  EXPECT_TRUE(IpInRange("2001:DB8::abcd", *r));
  EXPECT_FALSE(IpInRange("2001:db9::1", *r));
  EXPECT_FALSE(IpInRange("10.0.0.1", *r));
  r = ParseIpRange("2001:db8::7/127");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("2001:db8::6", *r));
  EXPECT_FALSE(IpInRange("2001:db8::8", *r));
  r = ParseIpRange("::1");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(IpInRange("::1", *r));
  for (std::string_view bad :
       {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "2001:db8::/129", "256.0.0.1",
        "1.2.3.4/8x", "fe80::1%eth0", "10.0.0.0/0008"}) {
    EXPECT_FALSE(ParseIpRange(bad).has_value()) << bad;
  }
}

TEST(MatchTest, IamTimes) {
  EXPECT_EQ(ParseIamTime("2015-08-30T12:36:00Z"), 1440938160000);
  EXPECT_EQ(ParseIamTime("2015-08-30T12:36Z"), 1440938160000);
  EXPECT_EQ(ParseIamTime("2015-08-30T12:36:00.250Z"), 1440938160250);
  EXPECT_EQ(ParseIamTime("2015-08-30T14:36:00+02:00"), 1440938160000);
  EXPECT_EQ(ParseIamTime("2015-08-30T07:36:00-0500"), 1440938160000);
  EXPECT_EQ(ParseIamTime("2015-08-30"), 1440892800000);
  EXPECT_EQ(ParseIamTime("1440938160"), 1440938160000);
  for (std::string_view bad :
       {"", "2015-08-30T12:36:00", "2015-13-01", "2015-02-30", "2015-08-30T25:00:00Z",
        "2015-08-30 12:36:00Z", "yesterday", "2015-08-30T12:36:00.Z", "1440938160000000", "-5"}) {
    EXPECT_FALSE(ParseIamTime(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatIsoTime(common::FromEpochMillis(1440938160999)), "2015-08-30T12:36:00Z");
}

TEST(MatchTest, IamNumbers) {
  EXPECT_EQ(ParseIamNumber("10"), 10.0);
  EXPECT_EQ(ParseIamNumber("-2.5"), -2.5);
  EXPECT_EQ(ParseIamNumber("1e3"), 1000.0);
  for (std::string_view bad : {"", "ten", "1,5", "inf", "nan", "1e999", " 1", "0x10"}) {
    EXPECT_FALSE(ParseIamNumber(bad).has_value()) << bad;
  }
}

TEST(MatchTest, ContextKeysAreCaseInsensitiveAndMultiValued) {
  ContextKeys keys;
  keys.Set("aws:SourceIp", "10.0.0.1");
  ASSERT_NE(keys.Find("AWS:SOURCEIP"), nullptr);
  EXPECT_EQ(keys.Find("aws:sourceip")->front(), "10.0.0.1");
  keys.Add("aws:TagKeys", "a");
  keys.Add("aws:tagkeys", "b");
  EXPECT_EQ(keys.Find("aws:TagKeys")->size(), 2u);
  keys.Set("aws:TagKeys", "c");
  EXPECT_EQ(keys.Find("aws:TagKeys")->size(), 1u);
  keys.Erase("AWS:TAGKEYS");
  EXPECT_EQ(keys.Find("aws:TagKeys"), nullptr);
  keys.SetTime(common::FromEpochMillis(1440938160000));
  EXPECT_EQ(keys.Find("aws:CurrentTime")->front(), "2015-08-30T12:36:00Z");
  EXPECT_EQ(keys.Find("aws:EpochTime")->front(), "1440938160");
}

}  // namespace
}  // namespace spool::auth
