#include "client/sqs_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "client/secrets_json.h"

namespace spool::client {
namespace {

// JSON texts compared as values (member order does not matter).
void ExpectJson(const std::string& got, const std::string& expected) {
  EXPECT_EQ(boost::json::parse(got), boost::json::parse(expected)) << got;
}

TEST(SqsJsonRequestTest, SendMessageOmitsWhatIsNotSet) {
  ExpectJson(SendMessageJson({.queue_url = "http://h/000000000000/q", .body = "hi"}),
             R"({"QueueUrl":"http://h/000000000000/q","MessageBody":"hi"})");
  ExpectJson(
      SendMessageJson(
          {.queue_url = "u",
           .body = "b",
           .delay_seconds = 5,
           .message_attributes = {{"n", MessageAttributeValue::Number("1")},
                                  {"bin", MessageAttributeValue::Binary(std::string("\0\1\2", 3))}},
           .message_group_id = "g",
           .message_deduplication_id = "d"}),
      R"({"QueueUrl":"u","MessageBody":"b","DelaySeconds":5,
                 "MessageAttributes":{"n":{"DataType":"Number","StringValue":"1"},
                                      "bin":{"DataType":"Binary","BinaryValue":"AAEC"}},
                 "MessageGroupId":"g","MessageDeduplicationId":"d"})");
}

TEST(SqsJsonRequestTest, BatchesAndReceive) {
  ExpectJson(SendMessageBatchJson("u", {{.id = "a", .body = "1"}, {.id = "b", .body = "2"}}),
             R"({"QueueUrl":"u","Entries":[{"Id":"a","MessageBody":"1"},
                                           {"Id":"b","MessageBody":"2"}]})");
  ExpectJson(ReceiveMessageJson({.queue_url = "u",
                                 .max_number_of_messages = 10,
                                 .wait_time_seconds = 20,
                                 .visibility_timeout = 30,
                                 .attribute_names = {"All"},
                                 .message_attribute_names = {"a.*"}}),
             R"({"QueueUrl":"u","MaxNumberOfMessages":10,"WaitTimeSeconds":20,
                 "VisibilityTimeout":30,"AttributeNames":["All"],
                 "MessageSystemAttributeNames":["All"],"MessageAttributeNames":["a.*"]})");
  ExpectJson(ReceiveMessageJson({.queue_url = "u"}), R"({"QueueUrl":"u","MaxNumberOfMessages":1})");
  ExpectJson(DeleteMessageBatchJson("u", {{"0", "h0"}}),
             R"({"QueueUrl":"u","Entries":[{"Id":"0","ReceiptHandle":"h0"}]})");
  ExpectJson(ChangeMessageVisibilityBatchJson("u", {{"0", "h0", 60}}),
             R"({"QueueUrl":"u","Entries":[{"Id":"0","ReceiptHandle":"h0",
                                            "VisibilityTimeout":60}]})");
  ExpectJson(ChangeMessageVisibilityJson("u", "h", 0),
             R"({"QueueUrl":"u","ReceiptHandle":"h","VisibilityTimeout":0})");
  ExpectJson(DeleteMessageJson("u", "h"), R"({"QueueUrl":"u","ReceiptHandle":"h"})");
}

TEST(SqsJsonRequestTest, QueueAdministration) {
  ExpectJson(CreateQueueJson({.queue_name = "q.fifo",
                              .attributes = {{"FifoQueue", "true"}},
                              .tags = {{"team", "web"}}}),
             R"({"QueueName":"q.fifo","Attributes":{"FifoQueue":"true"},
                 "tags":{"team":"web"}})");
  ExpectJson(CreateQueueJson({.queue_name = "q"}), R"({"QueueName":"q"})");
  ExpectJson(GetQueueUrlJson("q"), R"({"QueueName":"q"})");
  ExpectJson(QueueUrlJson("u"), R"({"QueueUrl":"u"})");
  ExpectJson(ListQueuesJson({}), "{}");
  ExpectJson(ListQueuesJson({.queue_name_prefix = "p", .max_results = 2, .next_token = "t"}),
             R"({"QueueNamePrefix":"p","MaxResults":2,"NextToken":"t"})");
  ExpectJson(GetQueueAttributesJson("u", {"All"}), R"({"QueueUrl":"u","AttributeNames":["All"]})");
  ExpectJson(SetQueueAttributesJson("u", {{"VisibilityTimeout", "5"}}),
             R"({"QueueUrl":"u","Attributes":{"VisibilityTimeout":"5"}})");
  ExpectJson(GetSecretValueJson({.secret_id = "s"}), R"({"SecretId":"s"})");
  ExpectJson(
      GetSecretValueJson({.secret_id = "s", .version_id = "v", .version_stage = "AWSPREVIOUS"}),
      R"({"SecretId":"s","VersionId":"v","VersionStage":"AWSPREVIOUS"})");
}

TEST(SqsJsonResponseTest, ReceiveMessage) {
  auto got = ParseReceiveMessage(R"({"Messages":[{
      "MessageId":"m1","ReceiptHandle":"r1","MD5OfBody":"x","Body":"hello",
      "Attributes":{"ApproximateReceiveCount":"1"},
      "MD5OfMessageAttributes":"y",
      "MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"AAEC"},
                           "s":{"DataType":"String","StringValue":"v"}},
      "Unknown": 1}]})");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_EQ(got->size(), 1u);
  const Message& m = got->front();
  EXPECT_EQ(m.message_id, "m1");
  EXPECT_EQ(m.receipt_handle, "r1");
  EXPECT_EQ(m.body, "hello");
  EXPECT_EQ(m.md5_of_body, "x");
  EXPECT_EQ(m.md5_of_message_attributes, "y");
  EXPECT_EQ(m.attributes.at("ApproximateReceiveCount"), "1");
  EXPECT_EQ(m.message_attributes.at("b").binary_value, std::string("\0\1\2", 3));
  EXPECT_EQ(m.message_attributes.at("s"), MessageAttributeValue::String("v"));

  auto none = ParseReceiveMessage("{}");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(SqsJsonResponseTest, BatchResults) {
  auto sent = ParseSendMessageBatch(R"({"Successful":[{"Id":"a","MessageId":"m",
      "MD5OfMessageBody":"d"}],"Failed":[{"Id":"b","SenderFault":true,
      "Code":"InvalidParameterValue","Message":"too long"}]})");
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  ASSERT_EQ(sent->successful.size(), 1u);
  EXPECT_EQ(sent->successful[0].message_id, "m");
  ASSERT_EQ(sent->failed.size(), 1u);
  EXPECT_EQ(sent->failed[0].code, "InvalidParameterValue");
  EXPECT_TRUE(sent->failed[0].sender_fault);

  auto deleted = ParseBatchResult(R"({"Successful":[{"Id":"0"},{"Id":"1"}]})");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->successful, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(deleted->failed.empty());
}

TEST(SqsJsonResponseTest, QueuesAndSecrets) {
  EXPECT_EQ(*ParseQueueUrl(R"({"QueueUrl":"http://h/1/q"})"), "http://h/1/q");
  auto list = ParseListQueues(R"({"QueueUrls":["a","b"],"NextToken":"t"})");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->queue_urls, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(list->next_token, "t");
  EXPECT_TRUE(ParseListQueues("{}")->queue_urls.empty());
  auto attrs = ParseQueueAttributes(R"({"Attributes":{"VisibilityTimeout":"30"}})");
  ASSERT_TRUE(attrs.ok());
  EXPECT_EQ(attrs->at("VisibilityTimeout"), "30");
  EXPECT_TRUE(ParseEmpty("{}").ok());
  EXPECT_TRUE(ParseEmpty("").ok());

  auto secret = ParseSecretValue(R"({"ARN":"arn:x","Name":"n","VersionId":"v",
      "SecretString":"{\"a\":1}","VersionStages":["AWSCURRENT"],"CreatedDate":1.5e9})");
  ASSERT_TRUE(secret.ok()) << secret.error().ToString();
  EXPECT_EQ(secret->name, "n");
  EXPECT_EQ(secret->secret_string, R"({"a":1})");
  EXPECT_FALSE(secret->secret_binary);
  EXPECT_EQ(secret->version_stages, std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(secret->created_date, 1.5e9);
  auto binary = ParseSecretValue(R"({"SecretBinary":"AAEC"})");
  ASSERT_TRUE(binary.ok());
  EXPECT_EQ(binary->secret_binary, std::string("\0\1\2", 3));
  EXPECT_FALSE(binary->secret_string);
}

TEST(SqsJsonResponseTest, MalformedAnswersAreResponseErrors) {
  for (auto result : {ParseQueueUrl("not json").error(), ParseQueueUrl("[]").error(),
                      ParseQueueUrl("{}").error(), ParseQueueUrl(R"({"QueueUrl":5})").error(),
                      ParseReceiveMessage(R"({"Messages":{}})").error(),
                      ParseReceiveMessage(R"({"Messages":[{"MessageId":"m"}]})").error(),
                      ParseReceiveMessage(R"({"Messages":[{"MessageId":"m","ReceiptHandle":"r",
                          "MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"!"}}}]})")
                          .error(),
                      ParseBatchResult(R"({"Successful":[{}]})").error(),
                      ParseSecretValue(R"({"SecretBinary":"%%"})").error()}) {
    EXPECT_EQ(result.kind(), ErrorKind::kResponse) << result.ToString();
    EXPECT_EQ(result.code(), "MalformedResponse");
  }
}

}  // namespace
}  // namespace spool::client
