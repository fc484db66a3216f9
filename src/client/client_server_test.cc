// spool::Client against the real `spool serve` (SPOOL_BIN, set by the build for ctest): round
// trips, batches, long polls, visibility, queue administration, typed errors, secrets, many
// threads on one client, and a server restart in the middle of a run.

#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "client/spool_process.h"
#include "client/transport.h"
#include "spool/client.h"
#include "spool/secret_credentials.h"

namespace spool {
namespace {

namespace fs = std::filesystem;
using client::testing::SpoolProcess;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Credentials kRoot{"test", "test", ""};

std::string SpoolBinary() {
  const char* bin = std::getenv("SPOOL_BIN");
  return bin ? bin : "";
}

fs::path MakeTempDir(const std::string& name) {
  std::string pattern = (fs::temp_directory_path() / ("spool-client-" + name + "-XXXXXX")).string();
  char* made = ::mkdtemp(pattern.data());
  return made ? fs::path(made) : fs::path();
}

ClientOptions OptionsFor(const std::string& endpoint) {
  ClientOptions o;
  o.endpoint = endpoint;
  o.region = "us-east-1";
  o.credentials = StaticCredentials(kRoot);
  return o;
}

// One server for the suite (the restart test starts its own).
class ClientServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SpoolBinary().empty()) return;
    dir_ = new fs::path(MakeTempDir("suite"));
    server_ = new SpoolProcess(SpoolBinary(), dir_->string());
    std::string error;
    if (!server_->Start(0, &error)) {
      ADD_FAILURE() << error;
      delete server_;
      server_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      EXPECT_EQ(server_->Stop(), 0) << server_->Log();
      delete server_;
      server_ = nullptr;
    }
    if (dir_ != nullptr) {
      fs::remove_all(*dir_);
      delete dir_;
      dir_ = nullptr;
    }
  }
  void SetUp() override {
    if (SpoolBinary().empty()) GTEST_SKIP() << "SPOOL_BIN is not set (ctest sets it)";
    ASSERT_NE(server_, nullptr);
    auto created = Client::Create(OptionsFor(server_->endpoint()));
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    client_.emplace(std::move(*created));
  }

  // A fresh queue named after the test.
  std::string NewQueue(const std::string& suffix = "", QueueAttributes attributes = {}) {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix;
    auto url = client_->CreateQueue({.queue_name = name, .attributes = std::move(attributes)});
    EXPECT_TRUE(url.ok()) << url.error().ToString();
    return url.ok() ? *url : "";
  }

  // Receives until `count` messages came or `deadline` passed.
  std::vector<Message> ReceiveAll(const std::string& url, size_t count,
                                  seconds deadline = seconds(10)) {
    std::vector<Message> out;
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (out.size() < count && std::chrono::steady_clock::now() < until) {
      auto got = client_->ReceiveMessage({.queue_url = url,
                                          .max_number_of_messages = 10,
                                          .wait_time_seconds = 1,
                                          .visibility_timeout = 60});
      EXPECT_TRUE(got.ok()) << got.error().ToString();
      if (!got.ok()) break;
      for (auto& m : *got) out.push_back(std::move(m));
    }
    return out;
  }

  static SpoolProcess* server_;
  static fs::path* dir_;
  std::optional<Client> client_;
};

SpoolProcess* ClientServerTest::server_ = nullptr;
fs::path* ClientServerTest::dir_ = nullptr;

TEST_F(ClientServerTest, SendReceiveDeleteRoundTripWithAttributes) {
  const std::string url = NewQueue();
  const MessageAttributes attributes = {
      {"City", MessageAttributeValue::String("Any City")},
      {"Population", MessageAttributeValue::Number("1250800")},
      {"Blob", {"Binary.gif", "", std::string("\x00\x01\x02\xff", 4)}}};
  auto sent = client_->SendMessage(
      {.queue_url = url, .body = "héllo wörld", .message_attributes = attributes});
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();  // digests checked inside
  EXPECT_FALSE(sent->message_id.empty());
  EXPECT_EQ(sent->md5_of_message_attributes, "be82f2459e3d22b68a4de6786fdc1c27");

  auto got = client_->ReceiveMessage({.queue_url = url,
                                      .max_number_of_messages = 10,
                                      .wait_time_seconds = 2,
                                      .attribute_names = {"All"},
                                      .message_attribute_names = {"All"}});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_EQ(got->size(), 1u);
  const Message& m = got->front();
  EXPECT_EQ(m.message_id, sent->message_id);
  EXPECT_EQ(m.body, "héllo wörld");
  EXPECT_EQ(m.message_attributes, attributes);
  EXPECT_EQ(m.attributes.at("ApproximateReceiveCount"), "1");
  EXPECT_TRUE(m.attributes.contains("SentTimestamp"));

  ASSERT_TRUE(client_->DeleteMessage(url, m.receipt_handle).ok());
  auto again = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 0});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  auto attrs = client_->GetQueueAttributes(
      url, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
  ASSERT_TRUE(attrs.ok());
  EXPECT_EQ(attrs->at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attrs->at("ApproximateNumberOfMessagesNotVisible"), "0");
}

TEST_F(ClientServerTest, BatchesSplitAndReportPerEntryFailures) {
  const std::string url = NewQueue();
  std::vector<SendMessageBatchEntry> entries;
  for (int i = 0; i < 25; ++i) entries.push_back({.body = "message " + std::to_string(i)});
  auto sent = client_->SendMessages(url, entries);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(sent->successful.size(), 25u);
  EXPECT_TRUE(sent->failed.empty());

  std::vector<Message> received = ReceiveAll(url, 25);
  ASSERT_EQ(received.size(), 25u);
  std::vector<std::string> handles;
  for (const auto& m : received) handles.push_back(m.receipt_handle);
  auto deleted = client_->DeleteMessages(url, handles);
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  EXPECT_EQ(deleted->successful.size(), 25u);

  auto mixed = client_->SendMessageBatch(
      url, {{.id = "good", .body = "fine"}, {.id = "bad", .body = "late", .delay_seconds = 1000}});
  ASSERT_TRUE(mixed.ok()) << mixed.error().ToString();
  ASSERT_EQ(mixed->successful.size(), 1u);
  EXPECT_EQ(mixed->successful[0].id, "good");
  ASSERT_EQ(mixed->failed.size(), 1u);
  EXPECT_EQ(mixed->failed[0].id, "bad");
  EXPECT_EQ(mixed->failed[0].code, "InvalidParameterValue");
  EXPECT_TRUE(mixed->failed[0].sender_fault);

  auto bad_delete = client_->DeleteMessageBatch(url, {{"x", "not-a-receipt-handle"}});
  ASSERT_TRUE(bad_delete.ok()) << bad_delete.error().ToString();
  ASSERT_EQ(bad_delete->failed.size(), 1u);
  EXPECT_EQ(bad_delete->failed[0].code, "ReceiptHandleIsInvalid");

  auto too_many =
      client_->SendMessageBatch(url, std::vector<SendMessageBatchEntry>(11, {.body = "x"}));
  ASSERT_FALSE(too_many.ok());
  EXPECT_TRUE(too_many.error().Is("TooManyEntriesInBatchRequest"));
}

TEST_F(ClientServerTest, LongPollWakesWhenAMessageArrives) {
  const std::string url = NewQueue();
  auto empty_start = std::chrono::steady_clock::now();
  auto empty = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 1});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - empty_start, milliseconds(900));

  std::thread sender([&] {
    std::this_thread::sleep_for(milliseconds(500));
    auto other = Client::Create(OptionsFor(server_->endpoint()));
    EXPECT_TRUE(other->SendMessage({.queue_url = url, .body = "wake up"}).ok());
  });
  const auto start = std::chrono::steady_clock::now();
  auto got = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 10});
  const auto waited = std::chrono::steady_clock::now() - start;
  sender.join();
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().body, "wake up");
  EXPECT_GE(waited, milliseconds(400));
  EXPECT_LT(waited, seconds(5));
}

TEST_F(ClientServerTest, VisibilityChanges) {
  const std::string url = NewQueue();
  ASSERT_TRUE(client_->SendMessages(url, {{.body = "a"}, {.body = "b"}, {.body = "c"}}).ok());
  std::vector<Message> first = ReceiveAll(url, 3);
  ASSERT_EQ(first.size(), 3u);  // all invisible for 60 s now
  auto none = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 0});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(client_->ChangeMessageVisibility(url, first[0].receipt_handle, 0).ok());
  auto batch = client_->ChangeMessageVisibilityBatch(
      url, {{"1", first[1].receipt_handle, 0}, {"2", first[2].receipt_handle, 0}});
  ASSERT_TRUE(batch.ok()) << batch.error().ToString();
  EXPECT_EQ(batch->successful.size(), 2u);

  std::vector<Message> again = ReceiveAll(url, 3);
  ASSERT_EQ(again.size(), 3u);  // visible at once, and invisible again for 60 s
  auto after = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 0});
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  auto bad = client_->ChangeMessageVisibility(url, "garbage", 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().Is("ReceiptHandleIsInvalid"));
}

TEST_F(ClientServerTest, QueueAdministration) {
  const std::string url = NewQueue("", {{"VisibilityTimeout", "45"}, {"DelaySeconds", "0"}});
  ASSERT_FALSE(url.empty());
  EXPECT_TRUE(url.ends_with("/QueueAdministration")) << url;
  // Same attributes: the same queue; different ones: QueueAlreadyExists.
  auto same =
      client_->CreateQueue({.queue_name = "QueueAdministration",
                            .attributes = {{"VisibilityTimeout", "45"}, {"DelaySeconds", "0"}}});
  ASSERT_TRUE(same.ok()) << same.error().ToString();
  EXPECT_EQ(*same, url);
  auto differs = client_->CreateQueue(
      {.queue_name = "QueueAdministration", .attributes = {{"VisibilityTimeout", "46"}}});
  ASSERT_FALSE(differs.ok());
  EXPECT_TRUE(differs.error().Is("QueueAlreadyExists"));
  EXPECT_TRUE(differs.error().Is("QueueNameExists"));

  EXPECT_EQ(*client_->GetQueueUrl("QueueAdministration"), url);
  auto attrs = client_->GetQueueAttributes(url);
  ASSERT_TRUE(attrs.ok());
  EXPECT_EQ(attrs->at("VisibilityTimeout"), "45");
  EXPECT_TRUE(attrs->contains("QueueArn"));
  ASSERT_TRUE(client_->SetQueueAttributes(url, {{"VisibilityTimeout", "7"}}).ok());
  EXPECT_EQ(client_->GetQueueAttributes(url, {"VisibilityTimeout"})->at("VisibilityTimeout"), "7");
  auto bad_attr = client_->SetQueueAttributes(url, {{"VisibilityTimeout", "-1"}});
  ASSERT_FALSE(bad_attr.ok());
  EXPECT_EQ(bad_attr.error().code(), "InvalidAttributeValue");

  for (const char* name : {"QueueAdminListA", "QueueAdminListB", "QueueAdminListC"}) {
    ASSERT_TRUE(client_->CreateQueue({.queue_name = name}).ok());
  }
  auto page1 = client_->ListQueues({.queue_name_prefix = "QueueAdminList", .max_results = 2});
  ASSERT_TRUE(page1.ok()) << page1.error().ToString();
  EXPECT_EQ(page1->queue_urls.size(), 2u);
  ASSERT_FALSE(page1->next_token.empty());
  auto page2 = client_->ListQueues(
      {.queue_name_prefix = "QueueAdminList", .max_results = 2, .next_token = page1->next_token});
  ASSERT_TRUE(page2.ok());
  EXPECT_EQ(page2->queue_urls.size(), 1u);
  EXPECT_TRUE(page2->next_token.empty());

  ASSERT_TRUE(client_->SendMessage({.queue_url = url, .body = "to purge"}).ok());
  ASSERT_TRUE(client_->PurgeQueue(url).ok());
  auto purged = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 0});
  ASSERT_TRUE(purged.ok());
  EXPECT_TRUE(purged->empty());
  auto again = client_->PurgeQueue(url);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().Is("PurgeQueueInProgress"));

  ASSERT_TRUE(client_->DeleteQueue(url).ok());
  auto gone = client_->GetQueueUrl("QueueAdministration");
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.error().IsQueueDoesNotExist());
}

TEST_F(ClientServerTest, TypedErrorsForAMissingQueue) {
  auto missing = client_->GetQueueUrl("no-such-queue");
  ASSERT_FALSE(missing.ok());
  const Error& e = missing.error();
  EXPECT_EQ(e.kind(), ErrorKind::kService);
  EXPECT_EQ(e.code(), "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.type(), "QueueDoesNotExist");
  EXPECT_TRUE(e.IsQueueDoesNotExist());
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_FALSE(e.request_id().empty());
  EXPECT_FALSE(e.retryable());
  EXPECT_EQ(e.attempts(), 1);

  const std::string url = server_->endpoint() + "/000000000000/no-such-queue";
  auto send = client_->SendMessage({.queue_url = url, .body = "x"});
  ASSERT_FALSE(send.ok());
  EXPECT_TRUE(send.error().IsQueueDoesNotExist());
  auto receive = client_->ReceiveMessage({.queue_url = url, .wait_time_seconds = 0});
  ASSERT_FALSE(receive.ok());
  EXPECT_TRUE(receive.error().IsQueueDoesNotExist());
  auto invalid = client_->ReceiveMessage({.queue_url = NewQueue(), .max_number_of_messages = 11});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code(), "InvalidParameterValue");
}

TEST_F(ClientServerTest, AnUnknownKeyIsRefused) {
  ClientOptions o = OptionsFor(server_->endpoint());
  o.credentials = StaticCredentials({"AKIDUNKNOWN", "wrong", ""});
  auto refused = Client::Create(o)->ListQueues();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "InvalidClientTokenId");
  EXPECT_EQ(refused.error().http_status(), 403);
}

TEST_F(ClientServerTest, ManyThreadsShareOneClient) {
  const std::string url = NewQueue();
  constexpr int kThreads = 8, kEach = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto sent = client_->SendMessage(
            {.queue_url = url, .body = std::to_string(t) + "/" + std::to_string(i)});
        if (!sent.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto attrs = client_->GetQueueAttributes(url, {"ApproximateNumberOfMessages"});
  ASSERT_TRUE(attrs.ok());
  EXPECT_EQ(attrs->at("ApproximateNumberOfMessages"), std::to_string(kThreads * kEach));
}

TEST_F(ClientServerTest, TheStandardEnvironmentIsEnough) {
  ::setenv("AWS_ENDPOINT_URL_SQS", server_->endpoint().c_str(), 1);
  ::setenv("AWS_ACCESS_KEY_ID", "test", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "test", 1);
  ::setenv("AWS_REGION", "us-east-1", 1);
  auto from_env = Client::Create();
  ::unsetenv("AWS_ENDPOINT_URL_SQS");
  ASSERT_TRUE(from_env.ok()) << from_env.error().ToString();
  EXPECT_EQ(from_env->endpoint(), server_->endpoint());
  auto listed = from_env->ListQueues();
  EXPECT_TRUE(listed.ok()) << listed.error().ToString();
}

// Secrets Manager's CreateSecret, which the client does not offer, through its transport.
void CreateSecret(const std::string& endpoint, const std::string& name, const std::string& value) {
  client::Transport transport({}, StaticCredentials(kRoot));
  std::string body = R"({"Name":")" + name + R"(","SecretString":")" + value + R"("})";
  auto created = transport.Call(client::SecretsManagerService(*client::ParseEndpoint(endpoint)),
                                "CreateSecret", body);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
}

TEST_F(ClientServerTest, SecretsAndKeysKeptInThem) {
  CreateSecret(server_->endpoint(), "app/queue-key",
               R"({\"AccessKeyId\":\"test\",\"SecretAccessKey\":\"test\"})");
  CreateSecret(server_->endpoint(), "app/stale-key",
               R"({\"AccessKeyId\":\"AKIDGONE\",\"SecretAccessKey\":\"x\"})");

  auto value = client_->GetSecretValue({.secret_id = "app/queue-key"});
  ASSERT_TRUE(value.ok()) << value.error().ToString();
  EXPECT_EQ(value->name, "app/queue-key");
  ASSERT_TRUE(value->secret_string.has_value());
  EXPECT_NE(value->secret_string->find("AccessKeyId"), std::string::npos);
  EXPECT_EQ(value->version_stages, std::vector<std::string>{"AWSCURRENT"});
  EXPECT_TRUE(value->arn.starts_with("arn:aws:secretsmanager:"));

  auto missing = client_->GetSecretValue({.secret_id = "app/none"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ResourceNotFoundException");

  ClientOptions bootstrap = OptionsFor(server_->endpoint());
  ClientOptions app = OptionsFor(server_->endpoint());
  app.credentials = SecretCredentials("app/queue-key", bootstrap);
  auto with_secret_key = Client::Create(app);
  ASSERT_TRUE(with_secret_key.ok());
  auto url = with_secret_key->CreateQueue({.queue_name = "SecretKeyQueue"});
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  EXPECT_TRUE(with_secret_key->SendMessage({.queue_url = *url, .body = "from the app"}).ok());

  app.credentials = SecretCredentials("app/stale-key", bootstrap);
  auto stale = Client::Create(app)->ListQueues();
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), "InvalidClientTokenId");

  app.credentials = SecretCredentials("app/none", bootstrap);
  auto no_secret = Client::Create(app)->ListQueues();
  ASSERT_FALSE(no_secret.ok());
  EXPECT_EQ(no_secret.error().kind(), ErrorKind::kCredentials);
  EXPECT_EQ(no_secret.error().code(), "ResourceNotFoundException");
}

// The broker restarts (a crash, then a start on the same port and data directory) while the
// application keeps calling: calls made while it is down succeed once it is back, through the
// client's own retries, and nothing acknowledged is lost.
TEST(ClientServerRestartTest, CallsSucceedAcrossAServerRestart) {
  if (SpoolBinary().empty()) GTEST_SKIP() << "SPOOL_BIN is not set (ctest sets it)";
  const fs::path dir = MakeTempDir("restart");
  SpoolProcess server(SpoolBinary(), dir.string());
  std::string error;
  ASSERT_TRUE(server.Start(0, &error)) << error;

  ClientOptions o = OptionsFor(server.endpoint());
  o.max_attempts = 12;
  o.retry_base_delay = milliseconds(100);
  o.retry_max_delay = milliseconds(1000);
  o.connect_timeout = milliseconds(1000);
  auto client = Client::Create(o);
  ASSERT_TRUE(client.ok());
  auto url = client->CreateQueue({.queue_name = "restart"});
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        client->SendMessage({.queue_url = *url, .body = "before " + std::to_string(i)}).ok());
  }

  const int port = server.port();
  server.Kill();  // the pooled keep-alive connection is now dead too
  std::atomic<bool> restarted{false};
  std::thread restarter([&] {
    std::this_thread::sleep_for(milliseconds(700));
    std::string start_error;
    restarted = server.Start(port, &start_error);
    EXPECT_TRUE(restarted) << start_error;
  });
  const auto start = std::chrono::steady_clock::now();
  auto during = client->SendMessage({.queue_url = *url, .body = "while down"});
  const auto took = std::chrono::steady_clock::now() - start;
  restarter.join();
  ASSERT_TRUE(restarted);
  ASSERT_TRUE(during.ok()) << during.error().ToString();
  EXPECT_GE(took, milliseconds(500));  // it really waited for the server to come back

  std::set<std::string> bodies;
  const auto until = std::chrono::steady_clock::now() + seconds(10);
  while (bodies.size() < 4 && std::chrono::steady_clock::now() < until) {
    auto got = client->ReceiveMessage(
        {.queue_url = *url, .max_number_of_messages = 10, .wait_time_seconds = 1});
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    for (const auto& m : *got) {
      bodies.insert(m.body);
      ASSERT_TRUE(client->DeleteMessage(*url, m.receipt_handle).ok());
    }
  }
  EXPECT_EQ(bodies, (std::set<std::string>{"before 0", "before 1", "before 2", "while down"}));

  // A graceful restart in the middle of a long poll: the poll ends, the next one works.
  std::thread graceful([&] {
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_EQ(server.Stop(), 0);
    std::string start_error;
    EXPECT_TRUE(server.Start(port, &start_error)) << start_error;
  });
  auto polled = client->ReceiveMessage({.queue_url = *url, .wait_time_seconds = 3});
  graceful.join();
  EXPECT_TRUE(polled.ok()) << polled.error().ToString();
  auto after = client->SendMessage({.queue_url = *url, .body = "after"});
  EXPECT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(server.Stop(), 0) << server.Log();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spool
