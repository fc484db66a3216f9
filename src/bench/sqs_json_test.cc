#include "bench/sqs_json.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace spool::bench {
namespace {

namespace json = boost::json;

TEST(SqsJsonTest, StringsAreEscaped) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01z", &out);
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001z")");
  EXPECT_EQ(json::parse(out).as_string(), "a\"b\\c\n\x01z");
}

TEST(SqsJsonTest, SendBatchRequestHasIndexIdsAndFifoFields) {
  OutgoingMessage entries[2] = {{"one", "", ""}, {"two", "g1", "d1"}};
  json::value v = json::parse(SendMessageBatchRequest("http://h/000000000000/q", entries));
  EXPECT_EQ(v.at("QueueUrl").as_string(), "http://h/000000000000/q");
  const json::array& e = v.at("Entries").as_array();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].at("Id").as_string(), "0");
  EXPECT_EQ(e[0].at("MessageBody").as_string(), "one");
  EXPECT_FALSE(e[0].as_object().contains("MessageGroupId"));
  EXPECT_EQ(e[1].at("Id").as_string(), "1");
  EXPECT_EQ(e[1].at("MessageGroupId").as_string(), "g1");
  EXPECT_EQ(e[1].at("MessageDeduplicationId").as_string(), "d1");
}

TEST(SqsJsonTest, OtherRequestsAreValidJson) {
  json::value r = json::parse(ReceiveMessageRequest("u", 10, 2));
  EXPECT_EQ(r.at("MaxNumberOfMessages").as_int64(), 10);
  EXPECT_EQ(r.at("WaitTimeSeconds").as_int64(), 2);
  std::string handles[] = {"h+/=1", "h2"};
  json::value d = json::parse(DeleteMessageBatchRequest("u", handles));
  EXPECT_EQ(d.at("Entries").at(0).at("ReceiptHandle").as_string(), "h+/=1");
  json::value c = json::parse(CreateQueueRequest("q.fifo", true));
  EXPECT_EQ(c.at("Attributes").at("FifoQueue").as_string(), "true");
  json::value s = json::parse(SendMessageRequest("u", {"b", "", ""}));
  EXPECT_EQ(s.at("MessageBody").as_string(), "b");
  json::value a = json::parse(QueueDepthRequest("u"));
  EXPECT_EQ(a.at("AttributeNames").at(0).as_string(), "ApproximateNumberOfMessages");
}

TEST(SqsJsonTest, ParsesReceiveResponse) {
  std::vector<ReceivedMessage> m;
  std::string error;
  ASSERT_TRUE(ParseReceiveMessage(
      R"({"Messages":[{"MessageId":"m1","ReceiptHandle":"rh1","MD5OfBody":"abc","Body":"hi"}]})",
      &m, &error))
      << error;
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].receipt_handle, "rh1");
  EXPECT_EQ(m[0].body, "hi");
  EXPECT_EQ(m[0].md5, "abc");
  ASSERT_TRUE(ParseReceiveMessage("{}", &m, &error));
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(ParseReceiveMessage("[", &m, &error));
  EXPECT_FALSE(ParseReceiveMessage(R"({"Messages":[{"Body":"x"}]})", &m, &error));
}

TEST(SqsJsonTest, ParsesBatchResults) {
  BatchResult r;
  std::string error;
  ASSERT_TRUE(ParseBatchResult(
      R"({"Successful":[{"Id":"0","MessageId":"m","MD5OfMessageBody":"d"}],)"
      R"("Failed":[{"Id":"1","SenderFault":true,"Code":"InvalidParameterValue","Message":"bad"}]})",
      &r, &error));
  ASSERT_EQ(r.successful.size(), 1u);
  EXPECT_EQ(r.successful[0].index, 0);
  EXPECT_EQ(r.successful[0].md5, "d");
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].index, 1);
  EXPECT_EQ(r.failed[0].code, "InvalidParameterValue");
  ASSERT_TRUE(ParseBatchResult(R"({"Successful":[{"Id":"x"}]})", &r, &error));
  EXPECT_EQ(r.successful[0].index, -1);
}

TEST(SqsJsonTest, ParsesErrorsAndQueueReplies) {
  ApiError e = ParseApiError(
      400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The queue is gone."})");
  EXPECT_EQ(e.code, "QueueDoesNotExist");
  EXPECT_EQ(e.message, "The queue is gone.");
  e = ParseApiError(502, "Bad Gateway");
  EXPECT_EQ(e.code, "HTTP 502");
  EXPECT_EQ(e.message, "Bad Gateway");

  std::string url, error;
  ASSERT_TRUE(ParseCreateQueue(R"({"QueueUrl":"http://h/0/q"})", &url, &error));
  EXPECT_EQ(url, "http://h/0/q");
  EXPECT_FALSE(ParseCreateQueue("{}", &url, &error));
  uint64_t depth = 0;
  ASSERT_TRUE(
      ParseQueueDepth(R"({"Attributes":{"ApproximateNumberOfMessages":"12"}})", &depth, &error));
  EXPECT_EQ(depth, 12u);
  EXPECT_FALSE(ParseQueueDepth(R"({"Attributes":{}})", &depth, &error));
}

}  // namespace
}  // namespace spool::bench
