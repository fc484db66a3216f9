#include "lambda/shapes.h"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace spool::lambda {
namespace {

const Scope kScope{"eu-west-1", "123456789012"};

std::optional<std::string> Resolve(std::string_view text, bool* not_found = nullptr) {
  std::string error;
  bool nf = false;
  auto r = ResolveFunctionName(kScope, text, &error, &nf);
  if (not_found != nullptr) *not_found = nf;
  if (!r) {
    EXPECT_FALSE(error.empty());
  }
  return r;
}

TEST(ShapesTest, FunctionNamesAndArns) {
  EXPECT_EQ(Resolve("orders"), "orders");
  EXPECT_EQ(Resolve("orders:$LATEST"), "orders");
  EXPECT_EQ(Resolve("123456789012:function:orders"), "orders");
  EXPECT_EQ(Resolve("arn:aws:lambda:eu-west-1:123456789012:function:orders"), "orders");
  EXPECT_EQ(Resolve("arn:aws:lambda:us-east-1:123456789012:function:orders"), std::nullopt);
  EXPECT_EQ(Resolve("arn:aws:lambda:eu-west-1:123456789012:layer:orders"), std::nullopt);
  EXPECT_EQ(Resolve("bad name"), std::nullopt);
  bool not_found = false;
  EXPECT_EQ(Resolve("orders:prod", &not_found), std::nullopt);
  EXPECT_TRUE(not_found);
  EXPECT_EQ(FunctionArn(kScope, "orders"), "arn:aws:lambda:eu-west-1:123456789012:function:orders");
  EXPECT_EQ(MappingArn(kScope, "u"),
            "arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:u");
}

TEST(ShapesTest, QueueArns) {
  EXPECT_EQ(QueueOfArn(kScope, "arn:aws:sqs:eu-west-1:123456789012:jobs"), "jobs");
  EXPECT_EQ(QueueOfArn(kScope, "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo"), "jobs.fifo");
  EXPECT_EQ(QueueOfArn(kScope, "arn:aws:sqs:eu-west-1:999999999999:jobs"), std::nullopt);
  EXPECT_EQ(QueueOfArn(kScope, "arn:aws:sqs:eu-west-1:123456789012:"), std::nullopt);
  EXPECT_EQ(QueueArn(kScope, "jobs"), "arn:aws:sqs:eu-west-1:123456789012:jobs");
}

TEST(ShapesTest, LambdaTime) {
  EXPECT_EQ(LambdaTime(0), "1970-01-01T00:00:00.000+0000");
  EXPECT_EQ(LambdaTime(1795514400123), "2026-11-24T10:00:00.123+0000");
}

TEST(ShapesTest, FunctionConfiguration) {
  workers::FunctionConfig f;
  f.name = "orders";
  f.runtime = workers::Runtime::kPython;
  f.handler = "app.handler";
  f.code_dir = "/srv/orders";
  f.revision_id = "r1";
  auto o = FunctionConfigurationJson(kScope, f);
  EXPECT_EQ(o.at("FunctionArn"), "arn:aws:lambda:eu-west-1:123456789012:function:orders");
  EXPECT_EQ(o.at("Runtime"), "python");
  EXPECT_EQ(o.at("Version"), "$LATEST");
  EXPECT_EQ(o.at("State"), "Active");
  EXPECT_EQ(o.at("Timeout"), 3);
  EXPECT_FALSE(o.contains("Environment"));
  f.environment = {{"A", "1"}};
  EXPECT_EQ(FunctionConfigurationJson(kScope, f).at("Environment").at("Variables").at("A"), "1");
}

TEST(ShapesTest, Mapping) {
  workers::MappingConfig m;
  m.uuid = "u";
  m.function_name = "orders";
  m.queue_name = "jobs";
  m.last_modified_ms = 1500;
  auto o = MappingJson(kScope, m, "Enabled");
  EXPECT_EQ(o.at("EventSourceArn"), "arn:aws:sqs:eu-west-1:123456789012:jobs");
  EXPECT_EQ(o.at("LastModified").as_double(), 1.5);
  EXPECT_EQ(o.at("BatchSize"), 10);
  EXPECT_TRUE(o.at("FunctionResponseTypes").as_array().empty());
  EXPECT_FALSE(o.contains("FilterCriteria"));
  EXPECT_FALSE(o.contains("ScalingConfig"));
  m.report_batch_item_failures = true;
  m.filter_patterns = {"{}"};
  m.maximum_concurrency = 4;
  m.retry_backoff = workers::RetryBackoff{2, 20};
  o = MappingJson(kScope, m, "Deleting");
  EXPECT_EQ(o.at("State"), "Deleting");
  EXPECT_EQ(o.at("FunctionResponseTypes").as_array().at(0), "ReportBatchItemFailures");
  EXPECT_EQ(o.at("FilterCriteria").at("Filters").as_array().at(0).at("Pattern"), "{}");
  EXPECT_EQ(o.at("ScalingConfig").at("MaximumConcurrency"), 4);
  EXPECT_EQ(o.at("SpoolRetryBackoff").at("MaxSeconds"), 20);
}

}  // namespace
}  // namespace spool::lambda
