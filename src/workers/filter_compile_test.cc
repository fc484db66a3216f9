// Filter pattern validation: what Compile refuses, and the message it gives.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "workers/filter.h"

namespace spool::workers {
namespace {

// The error Compile gives for `pattern` ("" if it compiles).
std::string ErrorOf(std::string_view pattern) {
  std::string error;
  const std::optional<Filter> filter = Filter::Compile(pattern, &error);
  if (filter) return "";
  EXPECT_FALSE(error.empty()) << pattern;
  return error;
}

using ::testing::HasSubstr;

TEST(FilterCompileTest, AcceptsTheDocumentedExamples) {
  for (const char* pattern : {
           R"({"body":{"type":["order"],"priority":[{"numeric":[">=",5]}]}})",
           R"({"body":{"type":[{"prefix":"refund-"}]}})",
           R"({"body":[{"prefix":"PRIORITY:"}]})",
           R"({"body":{"c-count":[{"numeric":[">",0,"<=",5]}],"x":[{"numeric":["=",3.018e2]}]}})",
           R"({"body":{"state":[{"anything-but":{"prefix":"init"}}],"u":[null],"e":[""]}})",
           R"({"body":{"s":[{"anything-but":[100,200,300]}],"t":[{"exists":false}]}})",
           R"({"body":{"$or":[{"a":["x"]},{"b":[{"wildcard":"*.png"}]}]}})",
           R"({"$or":[{"body":{"a":["x"]}},{"body":["y"]}]})",
           "{}",
           " {\n\"body\" : [ \"x\" ] }\n",
       }) {
    EXPECT_EQ(ErrorOf(pattern), "") << pattern;
  }
}

TEST(FilterCompileTest, LengthIsCountedInCharacters) {
  const std::string head = R"({"body":[")";
  const std::string tail = R"("]})";
  const std::string fits = head + std::string(4096 - head.size() - tail.size(), 'x') + tail;
  ASSERT_EQ(fits.size(), 4096u);
  EXPECT_EQ(ErrorOf(fits), "");
  EXPECT_THAT(ErrorOf(head + std::string(4097 - head.size() - tail.size(), 'x') + tail),
              HasSubstr("the pattern is 4097 characters long; the limit is 4096"));
  // 2000 two-byte characters: 4000 bytes over the limit of bytes, within the limit of characters.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(ErrorOf(head + accents + tail), "");
}

TEST(FilterCompileTest, RejectsMalformedJson) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("the pattern is not valid JSON"));
  EXPECT_THAT(ErrorOf(R"({"body":["x"])"), HasSubstr("the pattern is not valid JSON"));
  EXPECT_THAT(ErrorOf(R"({"body":["x"]} x)"), HasSubstr("the pattern is not valid JSON"));
  EXPECT_THAT(ErrorOf(R"({"body":["x",]})"), HasSubstr("the pattern is not valid JSON"));
  EXPECT_THAT(ErrorOf("{\"body\":[\"\xff\"]}"), HasSubstr("the pattern is not valid JSON"));
  std::string deep = R"({"body":)";
  for (int i = 0; i < 40; ++i) deep += R"({"a":)";
  deep += R"(["x"])" + std::string(41, '}');
  EXPECT_THAT(ErrorOf(deep), HasSubstr("nests deeper than 32"));
}

TEST(FilterCompileTest, OnlyBodyAtTheTop) {
  EXPECT_THAT(ErrorOf(R"(["body"])"), HasSubstr("the pattern must be a JSON object, not an array"));
  EXPECT_THAT(
      ErrorOf(R"({"attributes":{"ApproximateReceiveCount":["1"]}})"),
      HasSubstr(R"(an SQS event source filters on "body" only; the pattern names "attributes")"));
  EXPECT_THAT(ErrorOf(R"({"body":["x"],"messageId":["1"]})"), HasSubstr(R"(names "messageId")"));
  EXPECT_THAT(ErrorOf(R"({"$or":[{"body":["x"]},{"eventSource":["aws:sqs"]}]})"),
              HasSubstr(R"(names "eventSource")"));
  // Below the top, any name is a field of the body.
  EXPECT_EQ(ErrorOf(R"({"body":{"attributes":["x"]}})"), "");
}

TEST(FilterCompileTest, RuleShapes) {
  EXPECT_THAT(ErrorOf(R"({"body":"x"})"),
              HasSubstr("body: must be an array of values to match or an object of fields, not a "
                        "string"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":"x"}})"), HasSubstr("body.a: must be an array"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":{"b":5}}})"), HasSubstr("body.a.b: must be an array"));
  EXPECT_THAT(ErrorOf(R"({"body":[]})"), HasSubstr("body: an empty array matches nothing"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[]}})"), HasSubstr("body.a: an empty array"));
  EXPECT_THAT(ErrorOf(R"({"body":{}})"), HasSubstr("body: an empty object is not allowed"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":{}}})"), HasSubstr("body.a: an empty object is not allowed"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[["x"]]}})"),
              HasSubstr("body.a: arrays cannot be nested in a value list"));
}

TEST(FilterCompileTest, Operators) {
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"contains":"x"}]}})"),
              HasSubstr(R"(body.a: unknown operator "contains")"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"cidr":"10.0.0.0/8"}]}})"), HasSubstr("unknown operator"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"prefix":"x","suffix":"y"}]}})"),
              HasSubstr("exactly one operator, found 2"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{}]}})"), HasSubstr("exactly one operator, found 0"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"prefix":5}]}})"),
              HasSubstr(R"(body.a prefix: takes a string or {"equals-ignore-case": string})"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"suffix":{"equals-ignore-case":1}}]}})"),
              HasSubstr("body.a suffix: takes a string"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"equals-ignore-case":["x"]}]}})"),
              HasSubstr("body.a equals-ignore-case: takes a string, not an array"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"exists":"true"}]}})"),
              HasSubstr("body.a exists: takes true or false"));
  // The last of duplicate keys counts, in operators too.
  EXPECT_EQ(ErrorOf(R"({"body":{"a":[{"prefix":5,"prefix":"x"}]}})"), "");
}

TEST(FilterCompileTest, Numeric) {
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[">","5"]}]}})"),
              HasSubstr(R"(body.n numeric: expects a number after ">", not a string)"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":["=>",5]}]}})"),
              HasSubstr(R"(expects a comparison (=, <, <=, >, >=) at position 0, not "=>")"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[5,">"]}]}})"), HasSubstr("not a number"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[">",1,"<"]}]}})"),
              HasSubstr("takes [op, number] or [op, number, op, number]"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[]}]}})"), HasSubstr("takes [op, number]"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":5}]}})"), HasSubstr("takes [op, number]"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":["=",1,"<",2]}]}})"),
              HasSubstr(R"("=" cannot be combined)"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[">",1,">=",2]}]}})"),
              HasSubstr("has two lower bounds"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":["<",1,"<=",2]}]}})"),
              HasSubstr("has two upper bounds"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[">",5,"<",1]}]}})"),
              HasSubstr("the range is empty"));
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":[">",5,"<=",5]}]}})"),
              HasSubstr("the range is empty"));
  EXPECT_EQ(ErrorOf(R"({"body":{"n":[{"numeric":[">=",5,"<=",5]}]}})"), "");
  EXPECT_THAT(ErrorOf(R"({"body":{"n":[{"numeric":["<",6e9]}]}})"),
              HasSubstr("6e9 is outside the range -5e9 to 5e9"));
  EXPECT_EQ(ErrorOf(R"({"body":{"n":[{"numeric":[">=",-5e9,"<=",5e9]}]}})"), "");
}

TEST(FilterCompileTest, AnythingBut) {
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":["x",1]}]}})"),
              HasSubstr("a list must hold only strings or only numbers"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":[null]}]}})"),
              HasSubstr("a list must hold only strings or only numbers"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":[]}]}})"),
              HasSubstr("body.a anything-but: an empty list is not allowed"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":true}]}})"), HasSubstr("not a boolean"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":null}]}})"), HasSubstr("not null"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":{"numeric":[">",1]}}]}})"),
              HasSubstr(R"(anything-but: unknown operator "numeric")"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":{"prefix":1}}]}})"),
              HasSubstr("body.a anything-but prefix: takes a string"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":{"equals-ignore-case":[]}}]}})"),
              HasSubstr("an empty list is not allowed"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"anything-but":{"wildcard":"a**"}}]}})"),
              HasSubstr("consecutive wildcard characters"));
}

TEST(FilterCompileTest, Wildcard) {
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"wildcard":"a**b"}]}})"),
              HasSubstr("body.a wildcard: consecutive wildcard characters at position 2"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"wildcard":"a\\b"}]}})"),
              HasSubstr(R"(a backslash may only escape)"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"wildcard":"a\\"}]}})"), HasSubstr("a backslash may only"));
  EXPECT_THAT(ErrorOf(R"({"body":{"a":[{"wildcard":5}]}})"),
              HasSubstr("takes a string, not a number"));
  EXPECT_EQ(ErrorOf(R"({"body":{"a":[{"wildcard":"a\\**"}]}})"), "");  // a literal star, a wildcard
}

TEST(FilterCompileTest, Or) {
  EXPECT_THAT(ErrorOf(R"({"body":{"$or":[{"a":["x"]}]}})"),
              HasSubstr("body.$or: must be an array of at least two objects"));
  EXPECT_THAT(ErrorOf(R"({"body":{"$or":{"a":["x"]}}})"), HasSubstr("body.$or: must be an array"));
  EXPECT_THAT(ErrorOf(R"({"body":{"$or":[{"a":["x"]},["y"]]}})"),
              HasSubstr("body.$or[1]: must be an object of fields, not an array"));
  EXPECT_THAT(ErrorOf(R"({"body":{"$or":[{"a":["x"]},{}]}})"),
              HasSubstr("body.$or[1]: an empty object is not allowed"));
  EXPECT_THAT(ErrorOf(R"({"body":{"$or":[{"a":["x"]},{"b":[{"numeric":[1]}]}]}})"),
              HasSubstr("body.$or[1].b numeric"));
}

TEST(FilterCompileTest, FilterSetLimitsAndNamesTheBadPattern) {
  std::string error;
  EXPECT_FALSE(FilterSet::Compile(std::vector<std::string>(11, "{}"), &error));
  EXPECT_EQ(error, "Filters: at most 10 filters are allowed, got 11");
  EXPECT_TRUE(FilterSet::Compile(std::vector<std::string>(10, "{}"), &error));
  EXPECT_FALSE(FilterSet::Compile({R"({"body":["x"]})", R"({"body":[]})"}, &error));
  EXPECT_EQ(error, "Filters[1].Pattern: body: an empty array matches nothing and is not allowed");
  EXPECT_FALSE(FilterSet::Compile({"{"}, nullptr));  // no error wanted: still refused
}

}  // namespace
}  // namespace spool::workers
