// Filters on hostile or large input: no crash, no runaway time, the same answer on any thread.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "workers/filter.h"

namespace spool::workers {
namespace {

Filter Compiled(std::string_view pattern) {
  std::string error;
  std::optional<Filter> filter = Filter::Compile(pattern, &error);
  EXPECT_TRUE(filter) << error;
  return filter ? *filter : Filter();
}

// Past 256 levels the parser stops: such a body matches no pattern (but {}), even one that
// would turn out not to be JSON; finding out would take parsing deeper.
TEST(FilterLimitsTest, DeepBodiesMatchNoPattern) {
  const Filter exists = Compiled(R"({"body":[{"exists":false}]})");
  const Filter prefix = Compiled(R"({"body":[{"prefix":"["}]})");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(exists.Matches(deep));
  EXPECT_FALSE(prefix.Matches(deep));
  EXPECT_FALSE(prefix.Matches(std::string(100000, '[')));
  EXPECT_TRUE(Compiled("{}").Matches(deep));
  // Within the limit, the body is JSON; unbalanced, it is text.
  const std::string nested = std::string(200, '[') + "1" + std::string(200, ']');
  EXPECT_TRUE(Compiled(R"({"body":[1]})").Matches(nested));
  EXPECT_TRUE(prefix.Matches(std::string(200, '[')));
}

TEST(FilterLimitsTest, MegabyteBodies) {
  std::string body = R"({"items":[)";
  while (body.size() < 1024 * 1024) body += R"({"sku":"a","n":1},)";
  body += R"({"sku":"needle","n":2}],"type":"bulk"})";
  EXPECT_TRUE(Compiled(R"({"body":{"items":{"sku":["needle"],"n":[2]}}})").Matches(body));
  EXPECT_FALSE(Compiled(R"({"body":{"items":{"sku":["needle"],"n":[1]}}})").Matches(body));
  EXPECT_TRUE(Compiled(R"({"body":{"type":["bulk"]}})").Matches(body));
  const std::string text(1024 * 1024, 'x');
  EXPECT_TRUE(Compiled(R"({"body":[{"wildcard":"x*x*x"}]})").Matches(text));
}

// Backtracking wildcard matchers take time in the product of the lengths here; this one reads
// the string a bounded number of times.
TEST(FilterLimitsTest, WildcardTimeIsLinear) {
  std::string pattern = R"({"body":[{"wildcard":"*)";
  for (int i = 0; i < 400; ++i) pattern += "aaaaaaab*";
  pattern += R"("}]})";
  ASSERT_LT(pattern.size(), 4096u);
  const Filter filter = Compiled(pattern);
  std::string body(1024 * 1024, 'a');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(filter.Matches(body));
  for (size_t i = 0; i < 400; ++i) body[1000 + i * 2000] = 'b';
  EXPECT_TRUE(filter.Matches(body));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(FilterLimitsTest, WideObjectsAndManyRules) {
  std::string pattern = R"({"body":{)";
  for (int i = 0; i < 300; ++i) pattern += "\"k" + std::to_string(i * 150) + "\":[1],";
  pattern += R"("z":[1]}})";
  const Filter filter = Compiled(pattern);
  std::string body = "{";
  for (int i = 0; i < 60000; ++i) body += "\"k" + std::to_string(i) + "\":1,";
  ASSERT_LT(pattern.size(), 4096u);
  body += R"("z":1})";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(filter.Matches(body));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(FilterLimitsTest, OddBodies) {
  const Filter any_text = Compiled(R"({"body":[{"wildcard":"*"}]})");
  for (const std::string& body :
       {std::string(), std::string("\0\0", 2), std::string("\"unterminated"), std::string("-"),
        std::string("1e99999"), std::string("nul"), std::string("{\"a\":\"\\ud800\"}"),
        std::string("\xef\xbb\xbf{}")}) {
    (void)any_text.Matches(body);  // whatever the answer, no crash (sanitizer builds)
  }
  EXPECT_TRUE(any_text.Matches(""));
  EXPECT_TRUE(any_text.Matches(std::string("a\0b", 3)));
}

TEST(FilterLimitsTest, SameAnswersFromManyThreads) {
  std::string error;
  const auto set = FilterSet::Compile(
      {R"({"body":{"n":[{"numeric":[">",10]}]}})", R"({"body":[{"prefix":"go"}]})"}, &error);
  ASSERT_TRUE(set) << error;
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const bool big = i % 2 == 0;
        const std::string body = "{\"n\":" + std::to_string(big ? 11 + i : 10 - i % 10) + "}";
        wrong[t] += set->Matches(body) != big;
        wrong[t] += !set->Matches("go " + std::to_string(i));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace spool::workers
