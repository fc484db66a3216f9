#include "engine/message_rules.h"

#include <string>

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace spool::engine {
namespace {

using std::string_literals::operator""s;

AttributeValue Str(std::string type, std::string value) {
  AttributeValue v;
  v.data_type = std::move(type);
  v.string_value = std::move(value);
  return v;
}

AttributeValue Bin(std::string type, std::string bytes) {
  AttributeValue v;
  v.data_type = std::move(type);
  v.binary_value = std::move(bytes);
  return v;
}

std::string Hex(const Md5Digest& d) { return common::ToHex(d); }

// A single attribute, validated; returns the error code or nullopt when valid.
std::optional<Errc> ErrorOf(std::string name, AttributeValue value) {
  MessageAttributes attrs{{std::move(name), std::move(value)}};
  auto r = ValidateMessageAttributes(&attrs);
  if (r.ok()) return std::nullopt;
  return r.error().code;
}

// ---- digests (sqs-api.md 8.2, 8.3) ----

MessageAttributes WorkedExample() {
  MessageAttributes attrs = {{"Population", Str("Number", "1250800")},
                             {"City", Str("String", "Any City")},
                             {"Blob", Bin("Binary.gif", "\x00\x01\x02\xff"s)}};
  EXPECT_TRUE(ValidateMessageAttributes(&attrs).ok());
  return attrs;
}

TEST(MessageRulesTest, AttributesMd5MatchesTheWorkedExample) {
  EXPECT_EQ(Hex(AttributesMd5(WorkedExample())), "be82f2459e3d22b68a4de6786fdc1c27");
}

TEST(MessageRulesTest, AttributesMd5OfASingleStringAttribute) {
  EXPECT_EQ(Hex(AttributesMd5({{"City", Str("String", "Any City")}})),
            "0c32cb5c844c01fbd5b6b434b52cf670");
}

TEST(MessageRulesTest, SystemAttributesMd5MatchesTheTraceHeaderExample) {
  MessageAttributes sys = {
      {"AWSTraceHeader",
       Str("String",
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")}};
  ASSERT_TRUE(ValidateSystemAttributes(&sys).ok());
  EXPECT_EQ(Hex(AttributesMd5(sys)), "5ae4d5d7636402d80f4eb6d213245a88");
}

TEST(MessageRulesTest, AttributesMd5IfDigestsOnlyTheKeptSubset) {
  MessageAttributes attrs = WorkedExample();
  auto city = AttributesMd5If(attrs, [](const std::string& n) { return n == "City"; });
  ASSERT_TRUE(city.has_value());
  EXPECT_EQ(Hex(*city), "0c32cb5c844c01fbd5b6b434b52cf670");
  auto all = AttributesMd5If(attrs, [](const std::string&) { return true; });
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(Hex(*all), "be82f2459e3d22b68a4de6786fdc1c27");
  EXPECT_FALSE(AttributesMd5If(attrs, [](const std::string&) { return false; }).has_value());
}

TEST(MessageRulesTest, AttributesMd5CountsTheCustomTypeLabelAndTheValueKind) {
  auto plain = AttributesMd5({{"n", Str("Number", "1")}});
  auto labelled = AttributesMd5({{"n", Str("Number.int", "1")}});
  auto as_string = AttributesMd5({{"n", Str("String", "1")}});
  EXPECT_NE(plain, labelled);
  EXPECT_NE(plain, as_string);
}

// ---- message text ----

TEST(MessageRulesTest, AllowedTextIncludesTabsNewlinesAndEveryPlane) {
  EXPECT_TRUE(IsAllowedMessageText(""));
  EXPECT_TRUE(IsAllowedMessageText("hello world ~\x7f"));
  EXPECT_TRUE(IsAllowedMessageText("\t\n\r"));
  EXPECT_TRUE(IsAllowedMessageText("caf\xc3\xa9"));             // U+00E9
  EXPECT_TRUE(IsAllowedMessageText("\xed\x9f\xbf"));            // U+D7FF
  EXPECT_TRUE(IsAllowedMessageText("\xee\x80\x80"));            // U+E000
  EXPECT_TRUE(IsAllowedMessageText("\xef\xbf\xbd"));            // U+FFFD
  EXPECT_TRUE(IsAllowedMessageText("\xf0\x90\x80\x80"));        // U+10000
  EXPECT_TRUE(IsAllowedMessageText("\xf0\x9f\x98\x80 smile"));  // U+1F600
  EXPECT_TRUE(IsAllowedMessageText("\xf4\x8f\xbf\xbf"));        // U+10FFFF
}

TEST(MessageRulesTest, DisallowedTextIsRejected) {
  EXPECT_FALSE(IsAllowedMessageText("nul\0here"s));
  EXPECT_FALSE(IsAllowedMessageText("\x01"));
  EXPECT_FALSE(IsAllowedMessageText("\x08"));
  EXPECT_FALSE(IsAllowedMessageText("\x0b"));
  EXPECT_FALSE(IsAllowedMessageText("\x1f"));
  EXPECT_FALSE(IsAllowedMessageText("ok\xef\xbf\xbe"));  // U+FFFE
  EXPECT_FALSE(IsAllowedMessageText("\xef\xbf\xbf"));    // U+FFFF
}

TEST(MessageRulesTest, InvalidUtf8IsRejected) {
  EXPECT_FALSE(IsAllowedMessageText("\x80"));                  // lone continuation byte
  EXPECT_FALSE(IsAllowedMessageText("\xc3"));                  // truncated 2-byte form
  EXPECT_FALSE(IsAllowedMessageText("\xe2\x82"));              // truncated 3-byte form
  EXPECT_FALSE(IsAllowedMessageText("\xf0\x9f\x98"));          // truncated 4-byte form
  EXPECT_FALSE(IsAllowedMessageText("\xc3(x"));                // bad continuation
  EXPECT_FALSE(IsAllowedMessageText("\xc0\x80"));              // overlong NUL
  EXPECT_FALSE(IsAllowedMessageText("\xc1\xbf"));              // overlong
  EXPECT_FALSE(IsAllowedMessageText("\xe0\x80\xaf"));          // overlong '/'
  EXPECT_FALSE(IsAllowedMessageText("\xf0\x80\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(IsAllowedMessageText("\xf4\x90\x80\x80"));      // U+110000
  EXPECT_FALSE(IsAllowedMessageText("\xf8\x88\x80\x80\x80"));  // 5-byte form
  EXPECT_FALSE(IsAllowedMessageText("\xff"));
  EXPECT_FALSE(IsAllowedMessageText("\xfe"));
}

TEST(MessageRulesTest, SurrogatesAreRejectedInAnyEncoding) {
  EXPECT_FALSE(IsAllowedMessageText("\xed\xa0\x80"));              // U+D800
  EXPECT_FALSE(IsAllowedMessageText("\xed\xbf\xbf"));              // U+DFFF
  EXPECT_FALSE(IsAllowedMessageText("\xed\xa0\xbd\xed\xb8\x80"));  // CESU-8 pair
}

// ---- message attributes ----

TEST(MessageRulesTest, ValidAttributesAreSortedAndSized) {
  MessageAttributes attrs = {{"b", Str("String", "xy")},
                             {"a", Bin("Binary", "\x00\x01"s)},
                             {"c.d", Str("Number.float", "-1.5e3")}};
  auto size = ValidateMessageAttributes(&attrs);
  ASSERT_TRUE(size.ok());
  // name + type + value bytes.
  EXPECT_EQ(size.value(), (1 + 6 + 2) + (1 + 6 + 2) + (3 + 12 + 6));
  ASSERT_EQ(attrs.size(), 3u);
  EXPECT_EQ(attrs[0].first, "a");
  EXPECT_EQ(attrs[1].first, "b");
  EXPECT_EQ(attrs[2].first, "c.d");
}

TEST(MessageRulesTest, NoAttributesIsValidAndEmpty) {
  MessageAttributes none;
  auto r = ValidateMessageAttributes(&none);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 0);
}

TEST(MessageRulesTest, TenAttributesAreAllowedButNotEleven) {
  MessageAttributes attrs;
  for (int i = 0; i < 10; ++i) attrs.emplace_back("a" + std::to_string(i), Str("String", "v"));
  EXPECT_TRUE(ValidateMessageAttributes(&attrs).ok());
  attrs.emplace_back("a10", Str("String", "v"));
  auto r = ValidateMessageAttributes(&attrs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidParameterValue);
}

TEST(MessageRulesTest, RepeatedAttributeNameIsRejected) {
  MessageAttributes attrs = {{"dup", Str("String", "1")}, {"dup", Str("String", "2")}};
  auto r = ValidateMessageAttributes(&attrs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidParameterValue);
}

TEST(MessageRulesTest, AttributeNameRules) {
  EXPECT_FALSE(ErrorOf("Name_with-every.kind9", Str("String", "v")));
  EXPECT_FALSE(ErrorOf(std::string(256, 'n'), Str("String", "v")));
  EXPECT_FALSE(ErrorOf("AWSish", Str("String", "v")));  // only "AWS." is reserved
  for (const std::string& bad :
       {""s, std::string(257, 'n'), ".lead"s, "trail."s, "two..dots"s, "AWS.x"s, "aws.x"s,
        "Amazon.x"s, "AMAZON.x"s, "sp ace"s, "sl/ash"s, "caf\xc3\xa9"s}) {
    EXPECT_EQ(ErrorOf(bad, Str("String", "v")), Errc::kInvalidParameterValue) << bad;
  }
}

TEST(MessageRulesTest, AttributeTypeRules) {
  for (const char* ok :
       {"String", "Number", "Binary", "String.json", "Number.int", "Binary.gif", "String.a.b"}) {
    AttributeValue v = std::string(ok).starts_with("Binary") ? Bin(ok, "x") : Str(ok, "1");
    EXPECT_FALSE(ErrorOf("n", v)) << ok;
  }
  EXPECT_FALSE(ErrorOf("n", Str("String." + std::string(249, 'x'), "1")));  // 256 long
  for (const std::string& bad : {""s, "string"s, "Str"s, "Strings"s, "String."s, "Integer"s,
                                 "String." + std::string(250, 'x')}) {
    EXPECT_EQ(ErrorOf("n", Str(bad, "1")), Errc::kInvalidParameterValue) << bad;
  }
}

TEST(MessageRulesTest, AttributeValueMustMatchItsType) {
  // Empty values.
  EXPECT_EQ(ErrorOf("n", Str("String", "")), Errc::kInvalidParameterValue);
  EXPECT_EQ(ErrorOf("n", Str("Number", "")), Errc::kInvalidParameterValue);
  EXPECT_EQ(ErrorOf("n", Bin("Binary", "")), Errc::kInvalidParameterValue);
  // Wrong field for the type.
  AttributeValue binary_with_string = Bin("Binary", "x");
  binary_with_string.string_value = "s";
  EXPECT_EQ(ErrorOf("n", binary_with_string), Errc::kInvalidParameterValue);
  EXPECT_EQ(ErrorOf("n", Str("Binary", "s")), Errc::kInvalidParameterValue);
  AttributeValue string_with_binary = Str("String", "s");
  string_with_binary.binary_value = "x";
  EXPECT_EQ(ErrorOf("n", string_with_binary), Errc::kInvalidParameterValue);
  // Binary values are raw bytes: anything goes.
  EXPECT_FALSE(ErrorOf("n", Bin("Binary", "\x00\xff\xfe"s)));
}

TEST(MessageRulesTest, StringAttributeValuesObeyTheBodyCharacterRules) {
  EXPECT_EQ(ErrorOf("n", Str("String", "bad\x01")), Errc::kInvalidMessageContents);
  EXPECT_EQ(ErrorOf("n", Str("String", "\xef\xbf\xbe")), Errc::kInvalidMessageContents);
  EXPECT_EQ(ErrorOf("n", Str("String", "\xed\xa0\x80")), Errc::kInvalidMessageContents);
  EXPECT_FALSE(ErrorOf("n", Str("String", "tab\tok \xf0\x9f\x98\x80")));
}

TEST(MessageRulesTest, NumberAttributesMustBeDecimalNumbers) {
  for (const char* ok :
       {"0", "-1", "+7", "1250800", "3.14", "-.5", "1.", "1e10", "1E-5", "2.5e+3", "00012"}) {
    EXPECT_FALSE(ErrorOf("n", Str("Number", ok))) << ok;
  }
  EXPECT_FALSE(ErrorOf("n", Str("Number", std::string(38, '9'))));
  for (const std::string& bad : {"abc"s, "."s, "-"s, "1e"s, "e5"s, "1.2.3"s, " 1"s, "1 "s, "0x10"s,
                                 "NaN"s, "Infinity"s, "1,000"s, std::string(39, '9')}) {
    EXPECT_EQ(ErrorOf("n", Str("Number", bad)), Errc::kInvalidParameterValue) << bad;
  }
}

TEST(MessageRulesTest, SystemAttributesAllowOnlyAStringTraceHeader) {
  MessageAttributes none;
  EXPECT_TRUE(ValidateSystemAttributes(&none).ok());
  MessageAttributes trace = {{"AWSTraceHeader", Str("String", "Root=1-abc")}};
  EXPECT_TRUE(ValidateSystemAttributes(&trace).ok());
  for (MessageAttributes bad : {
           MessageAttributes{{"Other", Str("String", "x")}},
           MessageAttributes{{"AWSTraceHeader", Str("Number", "1")}},
           MessageAttributes{{"AWSTraceHeader", Str("String.x", "a")}},
           MessageAttributes{{"AWSTraceHeader", Str("String", "")}},
           MessageAttributes{{"AWSTraceHeader", Bin("Binary", "x")}},
           MessageAttributes{{"AWSTraceHeader", Str("String", "a")},
                             {"AWSTraceHeader", Str("String", "b")}},
       }) {
    auto r = ValidateSystemAttributes(&bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kInvalidParameterValue);
  }
}

// ---- ids ----

TEST(MessageRulesTest, BatchEntryIdsAreOneToEightyWordCharactersOrHyphens) {
  EXPECT_TRUE(IsValidBatchEntryId("a"));
  EXPECT_TRUE(IsValidBatchEntryId("msg_1-A"));
  EXPECT_TRUE(IsValidBatchEntryId(std::string(80, 'x')));
  EXPECT_FALSE(IsValidBatchEntryId(""));
  EXPECT_FALSE(IsValidBatchEntryId(std::string(81, 'x')));
  for (const char* bad : {"a b", "a.b", "a/b", "a:b", "caf\xc3\xa9", "a\n"}) {
    EXPECT_FALSE(IsValidBatchEntryId(bad)) << bad;
  }
}

TEST(MessageRulesTest, TokenIdsAreOneToOneHundredTwentyEightPrintableAscii) {
  EXPECT_TRUE(IsValidTokenId("!"));
  EXPECT_TRUE(IsValidTokenId("~group-1_{}[]:;'\"<>?/.,|\\"));
  EXPECT_TRUE(IsValidTokenId(std::string(128, 'g')));
  EXPECT_FALSE(IsValidTokenId(""));
  EXPECT_FALSE(IsValidTokenId(std::string(129, 'g')));
  for (const std::string& bad : {"a b"s, "tab\t"s, "del\x7f"s, "nul\0"s, "caf\xc3\xa9"s}) {
    EXPECT_FALSE(IsValidTokenId(bad)) << bad;
  }
}

}  // namespace
}  // namespace spool::engine
