#include "stack/record.h"

#include <gtest/gtest.h>

namespace spool::stack {
namespace {

TEST(RecordTest, RoundTrips) {
  Record r;
  r.stack = "orders";
  r.queues = {"orders-dlq", "orders"};
  r.functions = {"handle-order"};
  r.mappings = {{"handle-order", "orders", "6f1c"}};
  r.users = {{"orders-web", "AKIA123", "orders/web-key"}};
  r.secrets = {"orders/api-token"};
  std::string error;
  auto back = ParseRecord(SerializeRecord(r), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->stack, "orders");
  EXPECT_EQ(back->queues, r.queues);
  EXPECT_EQ(back->functions, r.functions);
  ASSERT_EQ(back->mappings.size(), 1u);
  EXPECT_EQ(back->mappings[0].uuid, "6f1c");
  ASSERT_EQ(back->users.size(), 1u);
  EXPECT_EQ(back->users[0].access_key_id, "AKIA123");
  EXPECT_EQ(back->users[0].key_secret, "orders/web-key");
  EXPECT_EQ(back->secrets, r.secrets);
  EXPECT_FALSE(back->Empty());
  EXPECT_EQ(RecordSecretName("orders"), "spool-stack/orders");
}

TEST(RecordTest, DamageIsReported) {
  std::string error;
  for (const char* text : {"", "[]", R"({"version": 2})",
                           R"({"version": 1, "stack": "s", "queues": [1], "functions": [],
                               "mappings": [], "users": [], "secrets": []})",
                           R"({"version": 1, "stack": "s", "queues": [], "functions": [],
                               "mappings": [{"function": "f"}], "users": [], "secrets": []})"}) {
    error.clear();
    EXPECT_FALSE(ParseRecord(text, &error)) << text;
    EXPECT_NE(error.find("damaged"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace spool::stack
