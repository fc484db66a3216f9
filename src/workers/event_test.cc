#include "workers/event.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace spool::workers {
namespace {

namespace json = boost::json;

QueueMessage Message() {
  QueueMessage m;
  m.message_id = "m1";
  m.receipt_handle = "h1";
  m.body = "{\"orderId\":42}";
  m.md5_of_body = "fedcba9876543210fedcba9876543210";
  m.md5_of_message_attributes = "0123456789abcdef0123456789abcdef";
  m.attributes = json::parse(R"({"ApproximateReceiveCount":"1","SentTimestamp":"1767225600123"})");
  m.message_attributes = json::parse(
      R"({"tenant":{"DataType":"String","StringValue":"acme"},"blob":{"DataType":"Binary","BinaryValue":"AAEC"}})");
  return m;
}

TEST(EventTest, RecordHasLambdasFieldsInLambdasShape) {
  json::value r =
      json::parse(EventRecord(Message(), "arn:aws:sqs:us-east-1:000000000000:orders", "us-east-1"));
  const auto& o = r.as_object();
  EXPECT_EQ(o.at("messageId"), "m1");
  EXPECT_EQ(o.at("receiptHandle"), "h1");
  EXPECT_EQ(o.at("body"), "{\"orderId\":42}");
  EXPECT_EQ(o.at("attributes").at("SentTimestamp"), "1767225600123");
  const auto& tenant = o.at("messageAttributes").at("tenant").as_object();
  EXPECT_EQ(tenant.at("dataType"), "String");
  EXPECT_EQ(tenant.at("stringValue"), "acme");
  EXPECT_TRUE(tenant.at("stringListValues").as_array().empty());
  EXPECT_TRUE(tenant.at("binaryListValues").as_array().empty());
  EXPECT_FALSE(tenant.contains("binaryValue"));
  EXPECT_EQ(o.at("messageAttributes").at("blob").at("binaryValue"), "AAEC");
  EXPECT_EQ(o.at("md5OfMessageAttributes"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(o.at("md5OfBody"), "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(o.at("eventSource"), "aws:sqs");
  EXPECT_EQ(o.at("eventSourceARN"), "arn:aws:sqs:us-east-1:000000000000:orders");
  EXPECT_EQ(o.at("awsRegion"), "us-east-1");
}

TEST(EventTest, NoAttributeDigestWithoutAttributes) {
  QueueMessage m = Message();
  m.md5_of_message_attributes.clear();
  m.message_attributes = json::object();
  json::value r = json::parse(EventRecord(m, "arn", "us-east-1"));
  EXPECT_FALSE(r.as_object().contains("md5OfMessageAttributes"));
  EXPECT_TRUE(r.at("messageAttributes").as_object().empty());
}

TEST(EventTest, EventWrapsRecordsInOrder) {
  json::value e = json::parse(EventOf({R"({"a":1})", R"({"b":2})"}));
  ASSERT_EQ(e.at("Records").as_array().size(), 2u);
  EXPECT_EQ(e.at("Records").at(1).at("b"), 2);
  EXPECT_EQ(EventOf({}), R"({"Records":[]})");
}

TEST(JudgeBatchResponseTest, SuccessShapes) {
  std::set<std::string> ids{"a", "b"};
  for (const char* body : {"", "null", "{}", R"({"batchItemFailures":[]})",
                           R"({"batchItemFailures":null})", R"({"statusCode":200})"}) {
    auto v = JudgeBatchResponse(body, ids);
    EXPECT_FALSE(v.whole_batch_failed) << body;
    EXPECT_TRUE(v.failed_ids.empty()) << body;
  }
}

TEST(JudgeBatchResponseTest, PartialFailureListsIds) {
  auto v = JudgeBatchResponse(
      R"({"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"b"}]})", {"a", "b"});
  EXPECT_FALSE(v.whole_batch_failed);
  EXPECT_EQ(v.failed_ids, std::set<std::string>{"b"});
}

TEST(JudgeBatchResponseTest, MalformedResponsesFailTheWholeBatch) {
  std::set<std::string> ids{"a", "b"};
  for (const char* body :
       {"not json", "\"text\"", "42", "[]", "true", R"({"batchItemFailures":{}})",
        R"({"batchItemFailures":[{"itemIdentifier":""}]})",
        R"({"batchItemFailures":[{"itemIdentifier":null}]})",
        R"({"batchItemFailures":[{"id":"a"}]})", R"({"batchItemFailures":["a"]})",
        R"({"batchItemFailures":[{"itemIdentifier":"zzz"}]})"}) {
    auto v = JudgeBatchResponse(body, ids);
    EXPECT_TRUE(v.whole_batch_failed) << body;
    EXPECT_FALSE(v.reason.empty()) << body;
  }
}

}  // namespace
}  // namespace spool::workers
