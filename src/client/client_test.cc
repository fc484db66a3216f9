// spool::Client against FakeHttpServer: digests, batching, timeouts, secrets-backed keys.

#include "spool/client.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "client/fake_http_server.h"
#include "common/crypto.h"
#include "spool/secret_credentials.h"

namespace spool {
namespace {

using client::testing::FakeHttpServer;
using client::testing::FakeReply;
using client::testing::FakeRequest;
using std::chrono::milliseconds;

ClientOptions Options(const FakeHttpServer& server) {
  ClientOptions o;
  o.endpoint = server.endpoint();
  o.region = "us-east-1";
  o.credentials = StaticCredentials({"AKID", "secret", ""});
  o.retry_base_delay = milliseconds(1);
  o.retry_max_delay = milliseconds(5);
  return o;
}

Client Make(const ClientOptions& o) {
  auto c = Client::Create(o);
  EXPECT_TRUE(c.ok()) << c.error().ToString();
  return std::move(*c);
}

// Answers SendMessageBatch as SQS does: every entry successful with its body's MD5.
FakeReply BatchAnswer(const FakeRequest& r) {
  auto request = boost::json::parse(r.body).as_object();
  boost::json::array ok;
  for (const auto& e : request["Entries"].as_array()) {
    const auto& entry = e.as_object();
    ok.push_back(boost::json::object{
        {"Id", entry.at("Id")},
        {"MessageId", "m-" + std::string(entry.at("Id").as_string())},
        {"MD5OfMessageBody", common::Md5Hex(std::string(entry.at("MessageBody").as_string()))}});
  }
  return FakeReply::Json(boost::json::serialize(boost::json::object{{"Successful", ok}}));
}

TEST(ClientOptionsTest, CreateRefusesBadOptions) {
  ClientOptions o;
  o.endpoint = "https://sqs.us-east-1.amazonaws.com";
  EXPECT_EQ(Client::Create(o).error().code(), "InvalidEndpoint");
  o.endpoint = "http://127.0.0.1:1";
  o.max_attempts = 0;
  EXPECT_EQ(Client::Create(o).error().kind(), ErrorKind::kInvalidArgument);
  o.max_attempts = 1;
  o.retry_max_delay = milliseconds(1);
  EXPECT_EQ(Client::Create(o).error().kind(), ErrorKind::kInvalidArgument);
  o.retry_max_delay = milliseconds(1000);
  o.region = "eu-north-1";
  auto c = Client::Create(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint(), "http://127.0.0.1:1");
  EXPECT_EQ(c->secrets_endpoint(), "http://127.0.0.1:1");
  EXPECT_EQ(c->region(), "eu-north-1");
}

TEST(ClientResultTest, ValueOfAnErrorThrowsAndErrorOfAValueIsEmpty) {
  Result<int> bad = Error(ErrorKind::kNetwork, "NetworkError", "down");
  EXPECT_FALSE(bad);
  EXPECT_THROW(bad.value(), BadResultAccess);
  Result<int> good = 3;
  EXPECT_EQ(*good, 3);
  EXPECT_EQ(good.error().code(), "");
  Result<void> v;
  EXPECT_TRUE(v.ok());
  EXPECT_NO_THROW(v.value());
}

TEST(ClientDigestTest, SendMessageChecksTheBodyDigest) {
  std::string md5 = common::Md5Hex("hello");
  FakeHttpServer server([&](const FakeRequest&, int i) {
    return FakeReply::Json(R"({"MessageId":"m1","MD5OfMessageBody":")" +
                           (i == 0 ? md5 : std::string(32, '0')) + R"("})");
  });
  Client client = Make(Options(server));
  auto ok = client.SendMessage({.queue_url = "u", .body = "hello"});
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->message_id, "m1");
  auto bad = client.SendMessage({.queue_url = "u", .body = "hello"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind(), ErrorKind::kChecksum);
  EXPECT_EQ(server.requests().size(), 2u);  // not retried

  ClientOptions unchecked = Options(server);
  unchecked.check_md5 = false;
  EXPECT_TRUE(Make(unchecked).SendMessage({.queue_url = "u", .body = "hello"}).ok());
}

TEST(ClientDigestTest, ReceiveMessageChecksEveryMessage) {
  FakeHttpServer server([](const FakeRequest&, int) {
    return FakeReply::Json(R"({"Messages":[
      {"MessageId":"a","ReceiptHandle":"ra","Body":"hello",
       "MD5OfBody":"5d41402abc4b2a76b9719d911017c592"},
      {"MessageId":"b","ReceiptHandle":"rb","Body":"hello",
       "MD5OfBody":"5d41402abc4b2a76b9719d911017c593"}]})");
  });
  Client client = Make(Options(server));
  auto got = client.ReceiveMessage({.queue_url = "u", .max_number_of_messages = 2});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind(), ErrorKind::kChecksum);
  EXPECT_NE(got.error().message().find("message b"), std::string::npos);
}

TEST(ClientTimeoutTest, ALongPollGetsItsWaitOnTopOfTheRequestTimeout) {
  FakeHttpServer server([](const FakeRequest&, int) {
    FakeReply r = FakeReply::Json("{}");
    r.delay = milliseconds(700);
    return r;
  });
  ClientOptions o = Options(server);
  o.request_timeout = milliseconds(300);
  o.max_attempts = 1;
  Client client = Make(o);
  auto waited = client.ReceiveMessage({.queue_url = "u", .wait_time_seconds = 1});
  ASSERT_TRUE(waited.ok()) << waited.error().ToString();
  EXPECT_TRUE(waited->empty());
  auto short_poll = client.ReceiveMessage({.queue_url = "u", .wait_time_seconds = 0});
  ASSERT_FALSE(short_poll.ok());
  EXPECT_EQ(short_poll.error().kind(), ErrorKind::kTimeout);
}

TEST(ClientBatchingTest, SendMessagesSplitsIntoRequestsOfTenAndNamesEntries) {
  FakeHttpServer server([](const FakeRequest& r, int) { return BatchAnswer(r); });
  Client client = Make(Options(server));
  std::vector<SendMessageBatchEntry> entries;
  for (int i = 0; i < 25; ++i) entries.push_back({.body = "body " + std::to_string(i)});
  entries[3].id = "custom";
  auto sent = client.SendMessages("u", entries);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(sent->successful.size(), 25u);
  EXPECT_TRUE(sent->failed.empty());
  EXPECT_EQ(sent->successful[0].id, "0");
  EXPECT_EQ(sent->successful[3].id, "custom");
  EXPECT_EQ(sent->successful[24].id, "24");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(requests[i].Action(), "SendMessageBatch");
    EXPECT_EQ(boost::json::parse(requests[i].body).at("Entries").as_array().size(),
              i < 2 ? 10u : 5u);
  }
}

TEST(ClientBatchingTest, ARequestThatFailsAsAWholeFailsItsEntriesAndTheRest) {
  FakeHttpServer server([](const FakeRequest& r, int i) {
    if (i == 1) {
      return FakeReply::SqsError(400, "AWS.SimpleQueueService.BatchRequestTooLong",
                                 "BatchRequestTooLong", "too long");
    }
    return BatchAnswer(r);
  });
  Client client = Make(Options(server));
  std::vector<SendMessageBatchEntry> entries(25, {.body = "x"});
  auto sent = client.SendMessages("u", entries);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->successful.size(), 10u);
  ASSERT_EQ(sent->failed.size(), 15u);
  EXPECT_EQ(sent->failed[0].id, "10");
  EXPECT_EQ(sent->failed[0].code, "AWS.SimpleQueueService.BatchRequestTooLong");
  EXPECT_TRUE(sent->failed[0].sender_fault);
  EXPECT_EQ(server.requests().size(), 2u);

  // When the first request fails, nothing was sent: the call fails.
  FakeHttpServer missing([](const FakeRequest&, int) {
    return FakeReply::SqsError(400, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
                               "The specified queue does not exist.");
  });
  auto none = Make(Options(missing)).SendMessages("u", entries);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.error().IsQueueDoesNotExist());
}

TEST(ClientBatchingTest, DeleteMessagesSplitsAndNumbersHandles) {
  FakeHttpServer server([](const FakeRequest& r, int) {
    boost::json::array ok;
    const boost::json::value request = boost::json::parse(r.body);
    for (const auto& e : request.at("Entries").as_array()) {
      ok.push_back(boost::json::object{{"Id", e.at("Id")}});
    }
    return FakeReply::Json(boost::json::serialize(boost::json::object{{"Successful", ok}}));
  });
  Client client = Make(Options(server));
  std::vector<std::string> handles;
  for (int i = 0; i < 12; ++i) handles.push_back("h" + std::to_string(i));
  auto deleted = client.DeleteMessages("u", handles);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->successful.size(), 12u);
  EXPECT_EQ(deleted->successful[11], "11");
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_TRUE(client.DeleteMessages("u", {}).ok());
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(SecretCredentialsTest, TheKeyComesFromTheSecretIsCachedAndFollowsRotation) {
  std::string current_key = "APP1";
  FakeHttpServer server([&](const FakeRequest& r, int) {
    const std::string auth = r.Header("Authorization");
    if (r.Action() == "GetSecretValue") {
      if (auth.find("Credential=BOOT/") == std::string::npos ||
          auth.find("/secretsmanager/aws4_request") == std::string::npos) {
        return FakeReply::SqsError(403, "AccessDeniedException", "AccessDeniedException", "no");
      }
      boost::json::object secret{{"AccessKeyId", current_key}, {"SecretAccessKey", "s"}};
      return FakeReply::Json(boost::json::serialize(boost::json::object{
          {"Name", "app-key"}, {"SecretString", boost::json::serialize(secret)}}));
    }
    if (auth.find("Credential=" + current_key + "/") == std::string::npos) {
      return FakeReply::SqsError(403, "InvalidClientTokenId", "InvalidClientTokenId", "unknown");
    }
    return FakeReply::Json(R"({"QueueUrls":["u"]})");
  });
  ClientOptions bootstrap = Options(server);
  bootstrap.credentials = StaticCredentials({"BOOT", "boot-secret", ""});
  ClientOptions o = Options(server);
  o.credentials = SecretCredentials("app-key", bootstrap);
  Client client = Make(o);

  ASSERT_TRUE(client.ListQueues().ok());
  ASSERT_TRUE(client.ListQueues().ok());
  auto actions = [&] {
    std::vector<std::string> out;
    for (const auto& r : server.requests()) out.push_back(r.Action());
    return out;
  };
  EXPECT_EQ(actions(), (std::vector<std::string>{"GetSecretValue", "ListQueues", "ListQueues"}));

  current_key = "APP2";  // rotated: the server now refuses APP1
  auto after = client.ListQueues();
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(actions(), (std::vector<std::string>{"GetSecretValue", "ListQueues", "ListQueues",
                                                 "ListQueues", "GetSecretValue", "ListQueues"}));
}

TEST(SecretCredentialsTest, ASecretWithoutAKeyIsACredentialsError) {
  FakeHttpServer server([](const FakeRequest&, int) {
    return FakeReply::Json(R"({"Name":"s","SecretString":"not json"})");
  });
  ClientOptions o = Options(server);
  o.credentials = SecretCredentials("s", Options(server));
  auto listed = Make(o).ListQueues();
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().kind(), ErrorKind::kCredentials);
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace spool
