#include "logs/logs_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/fake_clock.h"

namespace spool::logs {
namespace {

namespace json = boost::json;

constexpr const char* kStreamA = "2026/01/31/[$LATEST]aaaa";
constexpr const char* kStreamB = "2026/01/31/[$LATEST]bbbb";

class LogsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogStoreOptions o;
    o.clock = &clock_;
    std::string error;
    store_ = LogStore::Open(o, &error);
    ASSERT_TRUE(store_) << error;
    api_ = std::make_unique<LogsApi>(store_.get(), LogsApiOptions{},
                                     [this](const api::Principal& p, const std::string& action,
                                            const std::string& resource, std::string_view) {
                                       asked_.push_back(action + " " + resource);
                                       return p.root() ? std::nullopt
                                                       : std::optional<std::string>("denied");
                                     });
  }

  // (status, body) of one call.
  std::pair<int, json::object> Call(const std::string& action, const std::string& body,
                                    bool root = true) {
    http::Request r;
    r.method = "POST";
    r.target = "/";
    r.headers = {{"X-Amz-Target", "Logs_20140328." + action},
                 {"Content-Type", "application/x-amz-json-1.1"}};
    r.body = body;
    api::Principal p;
    if (!root) p.user = "alice";
    http::Response resp = api_->Answer(p, r);
    EXPECT_EQ(resp.headers[0].value, "application/x-amz-json-1.1");
    return {resp.status, json::parse(resp.body).as_object()};
  }
  std::string ErrorType(const std::string& action, const std::string& body) {
    auto [status, out] = Call(action, body);
    EXPECT_EQ(status, 400);
    return std::string(out["__type"].as_string());
  }

  common::FakeClock clock_{common::FromEpochMillis(1'800'000'000'000)};
  std::unique_ptr<LogStore> store_;
  std::unique_ptr<LogsApi> api_;
  std::vector<std::string> asked_;
};

TEST_F(LogsApiTest, DescribeLogGroupsWithPrefixAndPaging) {
  for (std::string fn : {"alpha", "beta", "gamma"}) store_->Append(fn, kStreamA, 1, "x");
  auto [status, out] = Call("DescribeLogGroups", R"({"limit": 2})");
  ASSERT_EQ(status, 200);
  auto groups = out["logGroups"].as_array();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].at("logGroupName"), "/aws/lambda/alpha");
  EXPECT_EQ(groups[0].at("arn"),
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/alpha:*");
  EXPECT_EQ(groups[0].at("creationTime"), 1'800'000'000'000);
  EXPECT_GT(groups[0].at("storedBytes").as_int64(), 0);
  std::string token(out["nextToken"].as_string());
  auto [s2, page2] = Call("DescribeLogGroups", R"({"limit": 2, "nextToken": ")" + token + "\"}");
  ASSERT_EQ(page2["logGroups"].as_array().size(), 1u);
  EXPECT_EQ(page2["logGroups"].as_array()[0].at("logGroupName"), "/aws/lambda/gamma");
  EXPECT_FALSE(page2.contains("nextToken"));
  auto [s3, pre] = Call("DescribeLogGroups", R"({"logGroupNamePrefix": "/aws/lambda/b"})");
  ASSERT_EQ(pre["logGroups"].as_array().size(), 1u);
  EXPECT_EQ(asked_[0], "logs:DescribeLogGroups arn:aws:logs:us-east-1:000000000000:log-group:*");
}

TEST_F(LogsApiTest, DescribeLogStreamsOrders) {
  store_->Append("fn", kStreamB, 100, "old");
  store_->Append("fn", kStreamA, 200, "new");
  auto [status, out] = Call("DescribeLogStreams", R"({"logGroupName": "/aws/lambda/fn"})");
  ASSERT_EQ(status, 200);
  auto streams = out["logStreams"].as_array();
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].at("logStreamName"), kStreamA);
  EXPECT_EQ(streams[0].at("lastEventTimestamp"), 200);
  auto [s2, by_time] = Call("DescribeLogStreams",
                            R"({"logGroupName": "/aws/lambda/fn", "orderBy": "LastEventTime",
                                "descending": true, "limit": 1})");
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(by_time["logStreams"].as_array()[0].at("logStreamName"), kStreamA);
  std::string token(by_time["nextToken"].as_string());
  auto [s3, rest] = Call("DescribeLogStreams",
                         R"({"logGroupName": "/aws/lambda/fn", "orderBy": "LastEventTime",
                             "descending": true, "limit": 1, "nextToken": ")" +
                             token + "\"}");
  EXPECT_EQ(rest["logStreams"].as_array()[0].at("logStreamName"), kStreamB);
  EXPECT_EQ(ErrorType("DescribeLogStreams",
                      R"({"logGroupName": "/aws/lambda/fn", "orderBy": "LastEventTime",
                          "logStreamNamePrefix": "x"})"),
            "InvalidParameterException");
  // By ARN too.
  auto [s4, by_arn] = Call(
      "DescribeLogStreams",
      R"({"logGroupIdentifier": "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn"})");
  EXPECT_EQ(s4, 200);
}

TEST_F(LogsApiTest, GetLogEventsTailAndTokens) {
  for (int i = 0; i < 25; ++i) store_->Append("fn", kStreamA, 1000 + i, "m" + std::to_string(i));
  store_->Append("fn", kStreamB, 5000, "other stream");
  std::string base = R"("logGroupName": "/aws/lambda/fn", "logStreamName": ")" +
                     std::string(kStreamA) + R"(", "limit": 10)";
  auto [status, tail] = Call("GetLogEvents", "{" + base + "}");
  ASSERT_EQ(status, 200);
  auto events = tail["events"].as_array();
  ASSERT_EQ(events.size(), 10u);
  EXPECT_EQ(events[0].at("message"), "m15");
  EXPECT_EQ(events[9].at("message"), "m24");
  EXPECT_EQ(events[9].at("timestamp"), 1024);
  EXPECT_EQ(events[9].at("ingestionTime"), 1'800'000'000'000);
  std::string back(tail["nextBackwardToken"].as_string());
  std::string fwd(tail["nextForwardToken"].as_string());
  EXPECT_EQ(back.substr(0, 2), "b/");
  EXPECT_EQ(fwd.size(), 58u);
  auto [s2, older] = Call("GetLogEvents", "{" + base + R"(, "nextToken": ")" + back + "\"}");
  EXPECT_EQ(older["events"].as_array()[0].at("message"), "m5");
  // Forward from the tail: nothing new yet, and the same token back (clients stop there).
  auto [s3, none] = Call("GetLogEvents", "{" + base + R"(, "nextToken": ")" + fwd + "\"}");
  EXPECT_TRUE(none["events"].as_array().empty());
  EXPECT_EQ(std::string(none["nextForwardToken"].as_string()), fwd);
  store_->Append("fn", kStreamA, 2000, "later");
  auto [s4, later] = Call("GetLogEvents", "{" + base + R"(, "nextToken": ")" + fwd + "\"}");
  ASSERT_EQ(later["events"].as_array().size(), 1u);
  EXPECT_EQ(later["events"].as_array()[0].at("message"), "later");
  auto [s5, head] = Call("GetLogEvents", "{" + base + R"(, "startFromHead": true})");
  EXPECT_EQ(head["events"].as_array()[0].at("message"), "m0");
  EXPECT_EQ(ErrorType("GetLogEvents", R"({"logGroupName": "/aws/lambda/fn",
                                          "logStreamName": "nope"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorType("GetLogEvents", "{" + base + R"(, "nextToken": "x"})"),
            "InvalidParameterException");
}

TEST_F(LogsApiTest, FilterLogEventsPatternsStreamsAndPaging) {
  for (int i = 0; i < 30; ++i) {
    store_->Append("fn", i % 3 ? kStreamA : kStreamB, 1000 + i,
                   i % 5 ? "INFO fine " + std::to_string(i) : "ERROR bad " + std::to_string(i));
  }
  store_->Append("fn", kStreamA, 3000, R"({"level":"ERROR","code":7})");
  auto [status, out] = Call("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn",
                                                  "filterPattern": "ERROR -bad"})");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(out["events"].as_array().size(), 1u);
  EXPECT_EQ(out["events"].as_array()[0].at("logStreamName"), kStreamA);
  EXPECT_EQ(out["events"].as_array()[0].at("eventId"), "31");
  EXPECT_EQ(out["searchedLogStreams"].as_array().size(), 2u);
  auto [s2, json_match] = Call("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn",
                                "filterPattern": "{ $.level = \"ERROR\" && $.code >= 7 }"})");
  EXPECT_EQ(json_match["events"].as_array().size(), 1u);
  auto [s3, windowed] =
      Call("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn",
      "startTime": 1010, "endTime": 1019, "logStreamNames": [")" +
                                  std::string(kStreamB) + R"("], "interleaved": true})");
  EXPECT_EQ(windowed["events"].as_array().size(), 3u);  // 1012, 1015, 1018
  // Paging with limit: every event once, then no token.
  std::string token;
  size_t total = 0;
  for (int pages = 0; pages < 20; ++pages) {
    std::string body = R"({"logGroupName": "/aws/lambda/fn", "limit": 7)";
    if (!token.empty()) body += R"(, "nextToken": ")" + token + "\"";
    auto [s, page] = Call("FilterLogEvents", body + "}");
    ASSERT_EQ(s, 200);
    total += page["events"].as_array().size();
    if (!page.contains("nextToken")) break;
    token = std::string(page["nextToken"].as_string());
  }
  EXPECT_EQ(total, 31u);
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn",
                                             "filterPattern": "[a, b]"})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn",
                      "logStreamNames": ["a"], "logStreamNamePrefix": "b"})"),
            "InvalidParameterException");
}

TEST_F(LogsApiTest, Errors) {
  store_->Append("fn", kStreamA, 1, "x");
  auto [status, out] = Call("FilterLogEvents", R"({"logGroupName": "/aws/lambda/none"})");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(out["__type"], "ResourceNotFoundException");
  EXPECT_EQ(out["message"], "The specified log group does not exist.");
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({"logGroupName": "fn"})"), "ResourceNotFoundException");
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({"logGroupName": "bad name!"})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({})"), "InvalidParameterException");
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn", "limit": 0})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorType("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn", "limit": "5"})"),
            "SerializationException");
  EXPECT_EQ(ErrorType("FilterLogEvents", "not json"), "SerializationException");
  EXPECT_EQ(ErrorType("PutLogEvents", "{}"), "UnknownOperationException");
  EXPECT_EQ(ErrorType("DescribeLogGroups", R"({"limit": 51})"), "InvalidParameterException");

  auto [denied_status, denied] =
      Call("FilterLogEvents", R"({"logGroupName": "/aws/lambda/fn"})", /*root=*/false);
  EXPECT_EQ(denied_status, 400);
  EXPECT_EQ(denied["__type"], "AccessDeniedException");
  EXPECT_EQ(denied["message"], "denied");
  EXPECT_EQ(asked_.back(),
            "logs:FilterLogEvents arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/fn:*");
}

}  // namespace
}  // namespace spool::logs
