#include "logs/filter_pattern.h"

#include <gtest/gtest.h>

namespace spool::logs {
namespace {

bool M(std::string_view pattern, std::string_view message) {
  std::string error;
  auto p = FilterPattern::Parse(pattern, &error);
  EXPECT_TRUE(p) << pattern << ": " << error;
  return p && p->Matches(message);
}

std::string ErrorOf(std::string_view pattern) {
  std::string error;
  auto p = FilterPattern::Parse(pattern, &error);
  EXPECT_FALSE(p) << pattern;
  return error;
}

TEST(FilterPattern, EmptyMatchesEverything) {
  std::string error;
  auto p = FilterPattern::Parse("  ", &error);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->matches_everything());
  EXPECT_TRUE(p->Matches(""));
}

TEST(FilterPattern, TermsAreCaseSensitiveAndAllRequired) {
  EXPECT_TRUE(M("ERROR", "2026 req ERROR boom"));
  EXPECT_FALSE(M("ERROR", "error: boom"));
  EXPECT_TRUE(M("ERROR boom", "boom! ERROR"));
  EXPECT_FALSE(M("ERROR boom", "ERROR bang"));
}

TEST(FilterPattern, QuotedPhrases) {
  EXPECT_TRUE(M("\"Task timed out\"", "x Task timed out after 3.00 seconds"));
  EXPECT_FALSE(M("\"Task timed out\"", "Task out timed"));
  EXPECT_TRUE(M("\"say \\\"hi\\\"\"", "they say \"hi\" here"));
}

TEST(FilterPattern, OptionalTermsNeedOne) {
  EXPECT_TRUE(M("?ERROR ?WARN", "WARN disk"));
  EXPECT_TRUE(M("?ERROR ?WARN", "ERROR disk"));
  EXPECT_FALSE(M("?ERROR ?WARN", "INFO disk"));
  EXPECT_TRUE(M("disk ?ERROR ?WARN", "WARN disk"));
  EXPECT_FALSE(M("disk ?ERROR ?WARN", "WARN net"));
}

TEST(FilterPattern, Exclusions) {
  EXPECT_TRUE(M("ERROR -healthcheck", "ERROR in handler"));
  EXPECT_FALSE(M("ERROR -healthcheck", "ERROR in healthcheck"));
  EXPECT_FALSE(M("-\"GET /health\"", "GET /health 200"));
  EXPECT_TRUE(M("-\"GET /health\"", "GET /orders 200"));
}

TEST(FilterPattern, JsonStringsAndNumbers) {
  const char* line =
      R"({"level":"ERROR","status":500,"ms":12.5,"user":{"name":"ann","tags":["a","b"]},"ok":true,"gone":null})";
  EXPECT_TRUE(M(R"({ $.level = "ERROR" })", line));
  EXPECT_FALSE(M(R"({ $.level = "WARN" })", line));
  EXPECT_TRUE(M(R"({ $.level != "WARN" })", line));
  EXPECT_FALSE(M(R"({ $.missing != "WARN" })", line));
  EXPECT_TRUE(M(R"({ $.level = ERR* })", line));
  EXPECT_TRUE(M("{ $.status = 500 }", line));
  EXPECT_TRUE(M("{ $.status >= 500 && $.ms < 13 }", line));
  EXPECT_FALSE(M("{ $.status > 500 }", line));
  EXPECT_TRUE(M("{ $.status != 404 }", line));
  EXPECT_TRUE(M(R"({ $.user.name = "ann" && $.user.tags[1] = "b" })", line));
  EXPECT_FALSE(M(R"({ $.user.tags[2] = "b" })", line));
  EXPECT_TRUE(M("{ $.ok = true }", line));
  EXPECT_TRUE(M("{ $.gone = null }", line));
  EXPECT_FALSE(M(R"({ $.status = "500" })", line));  // a string is not a number
}

TEST(FilterPattern, JsonAndOrPrecedence) {
  const char* line = R"({"a":1,"b":2,"c":3})";
  EXPECT_TRUE(M("{ $.a = 9 || $.b = 2 && $.c = 3 }", line));
  EXPECT_FALSE(M("{ ($.a = 9 || $.b = 2) && $.c = 4 }", line));
  EXPECT_TRUE(M("{ ($.a = 9 || $.b = 2) && ($.c = 3) }", line));
}

TEST(FilterPattern, JsonPatternsNeedJsonMessages) {
  EXPECT_FALSE(M(R"({ $.level = "ERROR" })", "level ERROR"));
  EXPECT_FALSE(M(R"({ $.level = "ERROR" })", "{not json"));
  EXPECT_TRUE(M(R"({ $.level = "ERROR" })", R"(  {"level":"ERROR"}  )"));
}

TEST(FilterPattern, Errors) {
  EXPECT_NE(ErrorOf("[ip, user]").find("not supported"), std::string::npos);
  EXPECT_NE(ErrorOf("%ERR.R%").find("not supported"), std::string::npos);
  ErrorOf("\"unterminated");
  ErrorOf("? x");
  ErrorOf("{ $.a = 1");
  ErrorOf("{ level = 1 }");
  ErrorOf("{ $.a ~ 1 }");
  ErrorOf("{ $.a = }");
  ErrorOf("{ $.a > \"x\" }");
  ErrorOf("{ ($.a = 1 }");
  ErrorOf("{ $.a = 1 && }");
  ErrorOf("{ $.a[x] = 1 }");
  ErrorOf(std::string(1025, 'a'));
  ErrorOf("{" + std::string(100, '(') + "$.a = 1" + std::string(100, ')') + "}");
}

}  // namespace
}  // namespace spool::logs
