#include "order.h"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace orders {
namespace {

std::string Problem(std::string_view body) {
  std::string problem;
  EXPECT_FALSE(ParseOrder(body, &problem)) << body;
  return problem;
}

TEST(OrderTest, AcceptsAGoodOrderAndTrims) {
  std::string problem;
  auto o = ParseOrder(R"({"name": "  Ann Lee ", "address": "1 Main St", "quantity": 3})", &problem);
  ASSERT_TRUE(o) << problem;
  EXPECT_EQ(o->name, "Ann Lee");
  EXPECT_EQ(o->address, "1 Main St");
  EXPECT_EQ(o->quantity, 3);
  auto v = boost::json::parse(OrderMessage(*o, "id-1", "2026-11-29T10:00:00Z")).as_object();
  EXPECT_EQ(v["productId"].as_string(), kProductId);
  EXPECT_EQ(v["quantity"].as_int64(), 3);
  EXPECT_EQ(v["id"].as_string(), "id-1");
  // 2.0 is a whole number; names are counted in characters.
  EXPECT_TRUE(ParseOrder(R"({"name": "Zoë", "address": "x", "quantity": 2.0})", &problem));
  EXPECT_TRUE(ParseOrder(
      R"({"name": ")" + std::string(100, 'n') + R"(", "address": "x", "quantity": 1000})",
      &problem));
}

TEST(OrderTest, RefusesWithAClearMessage) {
  EXPECT_EQ(Problem("not json"), "The order must be a JSON object.");
  EXPECT_EQ(Problem("[1]"), "The order must be a JSON object.");
  EXPECT_EQ(Problem(R"({"address": "x", "quantity": 1})"), "A required field is missing: name.");
  EXPECT_EQ(Problem(R"({"name": "   ", "address": "x", "quantity": 1})"),
            "A required field is missing: name.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "", "quantity": 1})"),
            "A required field is missing: address.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b"})"), "A required field is missing: quantity.");
  EXPECT_EQ(Problem(R"({"name": 5, "address": "b", "quantity": 1})"), "The name must be text.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b", "quantity": "3"})"),
            "The quantity must be a whole number.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b", "quantity": 2.5})"),
            "The quantity must be a whole number.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b", "quantity": 0})"),
            "The quantity must be from 1 to 1000.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b", "quantity": 1001})"),
            "The quantity must be from 1 to 1000.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b", "quantity": 1e300})"),
            "The quantity must be from 1 to 1000.");
  EXPECT_EQ(Problem(R"({"name": "a", "address": "b", "quantity": -1e300})"),
            "The quantity must be from 1 to 1000.");
  EXPECT_EQ(
      Problem(R"({"name": ")" + std::string(101, 'n') + R"(", "address": "b", "quantity": 1})"),
      "The name must be at most 100 characters.");
  EXPECT_EQ(Problem(R"({"name": "a\u0007", "address": "b", "quantity": 1})"),
            "The name contains characters that are not allowed.");
}

}  // namespace
}  // namespace orders
