#include "common/json_members.h"

#include <boost/json.hpp>

#include <stdexcept>

#include <gtest/gtest.h>

namespace spool::common {
namespace {

[[noreturn]] void Throw(std::string_view name, std::string_view expected) {
  throw std::invalid_argument(std::string(name) + " must be " + std::string(expected));
}

TEST(JsonMembersTest, ReadsTypedMembersAndRefusesOtherTypes) {
  auto body = boost::json::parse(
                  R"({"s": "x", "n": 42, "big": 18446744073709551615, "b": true, "l": ["a", "b"],
                      "null": null, "bad": [1]})")
                  .as_object();
  JsonMembers m(body, &Throw);
  EXPECT_EQ(m.String("s"), "x");
  EXPECT_EQ(m.Long("n"), 42);
  EXPECT_EQ(m.Bool("b"), true);
  EXPECT_EQ(m.StringList("l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(m.Has("null"));
  EXPECT_EQ(m.String("null"), std::nullopt);
  EXPECT_EQ(m.Long("absent"), std::nullopt);
  EXPECT_THROW(m.String("n"), std::invalid_argument);
  EXPECT_THROW(m.Long("s"), std::invalid_argument);
  EXPECT_THROW(m.Long("big"), std::invalid_argument);  // beyond int64
  EXPECT_THROW(m.Bool("s"), std::invalid_argument);
  EXPECT_THROW(m.StringList("bad"), std::invalid_argument);
  try {
    m.StringList("s");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "s must be a list of strings");
  }
}

}  // namespace
}  // namespace spool::common
