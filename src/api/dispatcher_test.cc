// In-process end-to-end tests: real requests through the Dispatcher, the codecs and a real
// MemoryEngine on a fake clock.

#include "api/dispatcher.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>

#include "common/fake_clock.h"
#include "engine/memory_engine.h"

namespace spool::api {
namespace {

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : engine_(engine::EngineOptions{}, &clock_, &clock_), api_({}, &engine_) {}

  // Sends a request and returns the response if it completed synchronously.
  std::optional<http::Response> Send(http::Request req) {
    std::optional<http::Response> out;
    req.headers.push_back({"Host", "127.0.0.1:9324"});
    api_.Handle(std::move(req), [&out](http::Response r) { out = std::move(r); });
    return out;
  }

  http::Response Query(const std::string& body, const std::string& target = "/") {
    http::Request req;
    req.method = "POST";
    req.target = target;
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
    req.body = body;
    auto r = Send(std::move(req));
    EXPECT_TRUE(r.has_value());
    return r.value_or(http::Response{});
  }

  http::Response Json(const std::string& action, const std::string& body) {
    http::Request req;
    req.method = "POST";
    req.target = "/";
    req.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
    req.headers.push_back({"X-Amz-Target", "AmazonSQS." + action});
    req.body = body;
    auto r = Send(std::move(req));
    EXPECT_TRUE(r.has_value());
    return r.value_or(http::Response{});
  }

  static std::string Header(const http::Response& r, const std::string& name) {
    for (const auto& h : r.headers) {
      if (h.name == name) return h.value;
    }
    return "";
  }

  static std::string Extract(const std::string& text, const std::string& pattern) {
    std::smatch m;
    if (std::regex_search(text, m, std::regex(pattern))) return m[1];
    return "";
  }

  common::FakeClock clock_;
  engine::MemoryEngine engine_;
  Dispatcher api_;
};

TEST_F(DispatcherTest, QueryCreateQueueAnswersXmlWithQueueUrl) {
  auto r = Query("Action=CreateQueue&Version=2012-11-05&QueueName=orders");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "Content-Type"), "text/xml");
  EXPECT_FALSE(Header(r, "x-amzn-RequestId").empty());
  EXPECT_NE(r.body.find("<CreateQueueResponse"), std::string::npos);
  EXPECT_NE(r.body.find("<QueueUrl>http://127.0.0.1:9324/000000000000/orders</QueueUrl>"),
            std::string::npos)
      << r.body;
}

TEST_F(DispatcherTest, JsonRoundTripSendReceiveDelete) {
  auto c = Json("CreateQueue", R"({"QueueName":"q1"})");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.body, R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1"})");
  auto s = Json("SendMessage",
                R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1","MessageBody":"hello"})");
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_NE(s.body.find(R"("MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592")"),
            std::string::npos)
      << s.body;
  auto rcv =
      Json("ReceiveMessage",
           R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1","AttributeNames":["All"]})");
  ASSERT_EQ(rcv.status, 200) << rcv.body;
  EXPECT_NE(rcv.body.find(R"("Body":"hello")"), std::string::npos) << rcv.body;
  EXPECT_NE(rcv.body.find(R"("ApproximateReceiveCount":"1")"), std::string::npos) << rcv.body;
  std::string handle = Extract(rcv.body, R"re("ReceiptHandle":"([^"]+)")re");
  ASSERT_FALSE(handle.empty());
  auto d = Json("DeleteMessage", R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1",)"
                                 R"("ReceiptHandle":")" +
                                     handle + R"("})");
  EXPECT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.body, "{}");
}

TEST_F(DispatcherTest, JsonUnknownQueueCarriesShapeAndQueryErrorHeader) {
  auto r = Json("GetQueueUrl", R"({"QueueName":"missing"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Header(r, "x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_NE(r.body.find("com.amazonaws.sqs#QueueDoesNotExist"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, QueryUnknownActionIsInvalidAction) {
  auto r = Query("Action=Frobnicate&Version=2012-11-05");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>InvalidAction</Code>"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, QueryWithoutActionIsMissingAction) {
  auto r = Query("Version=2012-11-05");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>MissingAction</Code>"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, MalformedJsonIsAnErrorNotACrash) {
  auto r = Json("SendMessage", R"({"QueueUrl": )");
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(Header(r, "x-amzn-query-error").empty());
}

TEST_F(DispatcherTest, WrongJsonTypeIsInvalidParameterValue) {
  Json("CreateQueue", R"({"QueueName":"q2"})");
  auto r =
      Json("ReceiveMessage",
           R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q2","MaxNumberOfMessages":"x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Header(r, "x-amzn-query-error"), "InvalidParameterValue;Sender") << r.body;
}

TEST_F(DispatcherTest, QueryRequestToQueuePathNeedsNoQueueUrl) {
  Query("Action=CreateQueue&QueueName=pathq");
  auto r = Query("Action=SendMessage&MessageBody=hi", "/000000000000/pathq");
  EXPECT_EQ(r.status, 200) << r.body;
  auto g = Query("Action=GetQueueAttributes&AttributeName.1=ApproximateNumberOfMessages",
                 "/000000000000/pathq");
  EXPECT_NE(g.body.find("<Value>1</Value>"), std::string::npos) << g.body;
}

TEST_F(DispatcherTest, QueryGetWithParametersInUrl) {
  http::Request req;
  req.method = "GET";
  req.target = "/?Action=CreateQueue&QueueName=viaget";
  auto r = Send(std::move(req));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("/000000000000/viaget"), std::string::npos);
}

TEST_F(DispatcherTest, QueueUrlWithoutAccountAndNameIsInvalidAddress) {
  auto r = Query("Action=DeleteQueue&QueueUrl=http%3A%2F%2F127.0.0.1%3A9324%2F");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<Code>InvalidAddress</Code>"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, BatchReportsPerEntryFailures) {
  Query("Action=CreateQueue&QueueName=b");
  auto r = Query(
      "Action=SendMessageBatch&QueueUrl=%2F000000000000%2Fb"
      "&SendMessageBatchRequestEntry.1.Id=ok&SendMessageBatchRequestEntry.1.MessageBody=x"
      "&SendMessageBatchRequestEntry.2.Id=bad&SendMessageBatchRequestEntry.2.MessageBody=y"
      "&SendMessageBatchRequestEntry.2.DelaySeconds=901");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<SendMessageBatchResultEntry><Id>ok</Id>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<BatchResultErrorEntry><Id>bad</Id><SenderFault>true</SenderFault>"
                        "<Code>InvalidParameterValue</Code>"),
            std::string::npos)
      << r.body;
}

TEST_F(DispatcherTest, EmptyBatchIsEmptyBatchRequest) {
  Query("Action=CreateQueue&QueueName=e");
  auto r = Query("Action=DeleteMessageBatch&QueueUrl=%2F000000000000%2Fe&Entries=");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("AWS.SimpleQueueService.EmptyBatchRequest"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, ReceiveFiltersMessageAttributesAndDigestsTheSubset) {
  Json("CreateQueue", R"({"QueueName":"attrs"})");
  auto s = Json("SendMessage",
                R"({"QueueUrl":"/000000000000/attrs","MessageBody":"b",)"
                R"("MessageAttributes":{"City":{"DataType":"String","StringValue":"Any City"},)"
                R"("Population":{"DataType":"Number","StringValue":"1250800"}}})");
  ASSERT_EQ(s.status, 200) << s.body;
  auto r = Json("ReceiveMessage",
                R"({"QueueUrl":"/000000000000/attrs","MessageAttributeNames":["City"]})");
  EXPECT_NE(r.body.find(R"("MD5OfMessageAttributes":"0c32cb5c844c01fbd5b6b434b52cf670")"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("Population"), std::string::npos) << r.body;
}

TEST_F(DispatcherTest, LongPollCompletesWhenMessageArrives) {
  Json("CreateQueue", R"({"QueueName":"lp"})");
  http::Request req;
  req.method = "POST";
  req.target = "/";
  req.headers.push_back({"X-Amz-Target", "AmazonSQS.ReceiveMessage"});
  req.headers.push_back({"Host", "127.0.0.1:9324"});
  req.body = R"({"QueueUrl":"/000000000000/lp","WaitTimeSeconds":20})";
  std::optional<http::Response> pending;
  api_.Handle(std::move(req), [&](http::Response r) { pending = std::move(r); });
  EXPECT_FALSE(pending);
  clock_.Advance(common::Millis(5000));
  EXPECT_FALSE(pending);
  Json("SendMessage", R"({"QueueUrl":"/000000000000/lp","MessageBody":"wake"})");
  ASSERT_TRUE(pending);
  EXPECT_NE(pending->body.find(R"("Body":"wake")"), std::string::npos) << pending->body;
}

}  // namespace
}  // namespace spool::api
