#include "api/queue_url.h"

#include <gtest/gtest.h>

namespace spool::api {
namespace {

TEST(QueueUrlTest, ParsesHostPortAccountAndName) {
  auto p = ParseQueueUrl("http://127.0.0.1:9324/000000000000/orders");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->account_id, "000000000000");
  EXPECT_EQ(p->name, "orders");
}

TEST(QueueUrlTest, IgnoresHostAndTrailingSlash) {
  auto p = ParseQueueUrl("https://sqs.us-east-1.amazonaws.com/123456789012/q-1/");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->account_id, "123456789012");
  EXPECT_EQ(p->name, "q-1");
}

TEST(QueueUrlTest, AcceptsBarePath) {
  auto p = ParseQueueUrl("/000000000000/jobs.fifo");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "jobs.fifo");
}

TEST(QueueUrlTest, RejectsUrlsWithoutAccountAndName) {
  EXPECT_FALSE(ParseQueueUrl("http://127.0.0.1:9324"));
  EXPECT_FALSE(ParseQueueUrl("http://127.0.0.1:9324/"));
  EXPECT_FALSE(ParseQueueUrl("http://127.0.0.1:9324/orders"));
  EXPECT_FALSE(ParseQueueUrl(""));
  EXPECT_FALSE(ParseQueuePath("/"));
}

}  // namespace
}  // namespace spool::api
