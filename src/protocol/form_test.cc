#include "protocol/form.h"

#include <gtest/gtest.h>

namespace spool::protocol {
namespace {

using Pair = std::pair<std::string, std::string>;

FormParams Parse(std::string_view text) {
  FormParams params;
  EXPECT_TRUE(ParseForm(text, &params)) << text;
  return params;
}

TEST(ParseForm, SplitsPairsOnAmpersandAndFirstEquals) {
  EXPECT_EQ(Parse("Action=SendMessage&Version=2012-11-05&x=a=b"),
            (FormParams{{"Action", "SendMessage"}, {"Version", "2012-11-05"}, {"x", "a=b"}}));
}

TEST(ParseForm, DecodesPercentEscapesInKeysAndValues) {
  // botocore's encoding: '*' arrives as %2A, a receipt handle's +/= as %2B%2F%3D.
  EXPECT_EQ(Parse("MessageAttributeName.2=foo.%2A&ReceiptHandle=ab%2Bc%2Fd%3D%3D&k%2Ey=1"),
            (FormParams{
                {"MessageAttributeName.2", "foo.*"}, {"ReceiptHandle", "ab+c/d=="}, {"k.y", "1"}}));
}

TEST(ParseForm, DecodesLowerCaseHexAndArbitraryBytes) {
  EXPECT_EQ(Parse("b=%00%ff%C3%A9"), (FormParams{{"b", std::string("\0\xff\xc3\xa9", 4)}}));
}

TEST(ParseForm, PlusIsSpaceButEncodedPlusIsPlus) {
  EXPECT_EQ(Parse("v=x+y%26z&w=1%2B1"), (FormParams{{"v", "x y&z"}, {"w", "1+1"}}));
}

TEST(ParseForm, SkipsEmptyPieces) {
  EXPECT_EQ(Parse("&&a=1&&b=2&"), (FormParams{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(Parse(""), FormParams{});
  EXPECT_EQ(Parse("&"), FormParams{});
}

TEST(ParseForm, KeyWithoutEqualsHasEmptyValue) {
  EXPECT_EQ(Parse("Entries&a=1&b="), (FormParams{{"Entries", ""}, {"a", "1"}, {"b", ""}}));
}

TEST(ParseForm, EmptyKeyIsKept) { EXPECT_EQ(Parse("=v"), (FormParams{{"", "v"}})); }

TEST(ParseForm, AppendsToExistingParams) {
  FormParams params{{"QueueUrl", "from-url"}};
  ASSERT_TRUE(ParseForm("Action=X", &params));
  EXPECT_EQ(params, (FormParams{{"QueueUrl", "from-url"}, {"Action", "X"}}));
}

TEST(ParseForm, RejectsMalformedEscapesKeepingEarlierPairs) {
  for (std::string_view bad :
       {"a=1&b=%", "a=1&b=%4", "a=1&b=%G1", "a=1&b=%1G", "a=1&%zz=1", "a=1&b=x%"}) {
    FormParams params;
    EXPECT_FALSE(ParseForm(bad, &params)) << bad;
    EXPECT_EQ(params, (FormParams{{"a", "1"}})) << bad;
  }
}

TEST(ParseForm, EscapeAtEndOfPieceIsCompleteWhenTwoDigitsFollow) {
  EXPECT_EQ(Parse("a=%41&b=c"), (FormParams{{"a", "A"}, {"b", "c"}}));
}

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRestUpperCase) {
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode("a b*+/=&\xff"), "a%20b%2A%2B%2F%3D%26%FF");
  EXPECT_EQ(PercentEncode(""), "");
  EXPECT_EQ(PercentEncode(std::string_view("\0", 1)), "%00");
}

TEST(PercentEncode, RoundTripsThroughParseForm) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  FormParams params;
  ASSERT_TRUE(ParseForm(PercentEncode(all) + "=" + PercentEncode(all), &params));
  EXPECT_EQ(params, (FormParams{{all, all}}));
}

}  // namespace
}  // namespace spool::protocol
