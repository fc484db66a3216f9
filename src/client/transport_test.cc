#include "client/transport.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "auth/sigv4.h"
#include "client/fake_http_server.h"
#include "common/fake_clock.h"

namespace spool::client {
namespace {

using std::chrono::milliseconds;
using testing::FakeHttpServer;
using testing::FakeReply;
using testing::FakeRequest;

std::string RealHttpDate() {
  char buf[64];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

common::TimePoint RealNow() {
  return std::chrono::time_point_cast<common::Millis>(std::chrono::system_clock::now());
}

class TransportTest : public ::testing::Test {
 protected:
  // A transport to `server` whose sleeps are recorded, not slept.
  std::unique_ptr<Transport> MakeTransport(
      const FakeHttpServer& server, int max_attempts = 4,
      std::shared_ptr<CredentialsProvider> credentials = nullptr) {
    TransportOptions o;
    o.region = "eu-west-1";
    o.retry = {max_attempts, milliseconds(100), milliseconds(1000)};
    o.request_timeout = milliseconds(2000);
    o.connect_timeout = milliseconds(2000);
    o.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
    o.seed = 7;
    o.clock = clock_;
    if (!credentials) credentials = StaticCredentials({"AKID", "secret", ""});
    service_ = SqsService(*ParseEndpoint(server.endpoint()));
    return std::make_unique<Transport>(std::move(o), std::move(credentials));
  }

  std::shared_ptr<const common::Clock> clock_ = std::make_shared<common::SystemClock>();
  Service service_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(TransportTest, SignsWithSigV4ForTheServiceAndRegion) {
  FakeHttpServer server([](const FakeRequest&, int) { return FakeReply::Json(R"({"ok":1})"); });
  auto transport = MakeTransport(server);
  auto body = transport->Call(service_, "GetQueueUrl", R"({"QueueName":"q"})");
  ASSERT_TRUE(body.ok()) << body.error().ToString();
  EXPECT_EQ(*body, R"({"ok":1})");

  Service secrets = SecretsManagerService(service_.endpoint);
  ASSERT_TRUE(transport->Call(secrets, "GetSecretValue", R"({"SecretId":"s"})").ok());

  auth::VerifierOptions verifier_options;
  verifier_options.services = {"sqs", "secretsmanager"};
  auth::Verifier verifier(verifier_options,
                          [](std::string_view id) -> std::optional<auth::KeySecret> {
                            if (id != "AKID") return std::nullopt;
                            return auth::KeySecret{"secret", "root"};
                          });
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  const char* expected_service[] = {"sqs", "secretsmanager"};
  for (size_t i = 0; i < requests.size(); ++i) {
    const FakeRequest& r = requests[i];
    std::vector<auth::Header> headers;
    for (const auto& [k, v] : r.headers) headers.push_back({k, v});
    auth::HttpRequestView view{"POST", "/", "", headers, r.body, ""};
    auth::VerifyResult verified = verifier.Verify(view, RealNow());
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(verified.identity().service, expected_service[i]);
    EXPECT_EQ(verified.identity().region, "eu-west-1");
  }
  EXPECT_EQ(requests[0].Header("X-Amz-Target"), "AmazonSQS.GetQueueUrl");
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(requests[0].Header("x-amzn-query-mode"), "true");
  EXPECT_EQ(requests[1].Header("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(requests[1].Header("Content-Type"), "application/x-amz-json-1.1");
}

TEST_F(TransportTest, SessionTokenIsSent) {
  FakeHttpServer server([](const FakeRequest&, int) { return FakeReply::Json("{}"); });
  auto transport = MakeTransport(server, 1, StaticCredentials({"AKID", "secret", "TOKEN"}));
  ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  EXPECT_EQ(server.requests()[0].Header("X-Amz-Security-Token"), "TOKEN");
}

TEST_F(TransportTest, KeepAliveConnectionIsReused) {
  FakeHttpServer server([](const FakeRequest&, int) { return FakeReply::Json("{}"); });
  auto transport = MakeTransport(server);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(transport->pool().idle_count(server.endpoint()), 1u);
}

TEST_F(TransportTest, ThrottlingIsRetriedWithBackoffThenSucceeds) {
  FakeHttpServer server([](const FakeRequest&, int i) {
    if (i < 2) return FakeReply::SqsError(403, "RequestThrottled", "RequestThrottled", "slow down");
    return FakeReply::Json(R"({"QueueUrl":"u"})");
  });
  auto transport = MakeTransport(server);
  auto body = transport->Call(service_, "GetQueueUrl", "{}");
  ASSERT_TRUE(body.ok()) << body.error().ToString();
  EXPECT_EQ(server.requests().size(), 3u);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_LE(sleeps_[0], milliseconds(100));
  EXPECT_LE(sleeps_[1], milliseconds(200));
  EXPECT_EQ(server.connections(), 1);  // error answers keep the connection
}

TEST_F(TransportTest, ServerErrorsGiveUpAfterMaxAttempts) {
  FakeHttpServer server([](const FakeRequest&, int) {
    return FakeReply::SqsError(503, "ServiceUnavailable", "ServiceUnavailable", "busy");
  });
  auto transport = MakeTransport(server, 3);
  auto body = transport->Call(service_, "SendMessage", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().code(), "ServiceUnavailable");
  EXPECT_EQ(body.error().http_status(), 503);
  EXPECT_TRUE(body.error().retryable());
  EXPECT_EQ(body.error().attempts(), 3);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(TransportTest, ClientErrorsAreNotRetried) {
  FakeHttpServer server([](const FakeRequest&, int) {
    return FakeReply::SqsError(400, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
                               "The specified queue does not exist.");
  });
  auto transport = MakeTransport(server);
  auto body = transport->Call(service_, "GetQueueUrl", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_TRUE(body.error().IsQueueDoesNotExist());
  EXPECT_EQ(body.error().type(), "QueueDoesNotExist");
  EXPECT_EQ(body.error().request_id(), "req-QueueDoesNotExist");
  EXPECT_FALSE(body.error().retryable());
  EXPECT_EQ(body.error().attempts(), 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(TransportTest, AConnectionTheServerDroppedWhileIdleIsResentAtOnceWithoutCounting) {
  // Request 1 is answered; request 2 arrives on the reused connection, which the server closes
  // without answering (as a server whose idle timeout fired at that moment); the client sends
  // it again on a new connection, even with a single attempt allowed.
  FakeHttpServer server([](const FakeRequest&, int i) {
    FakeReply r = FakeReply::Json("{}");
    r.drop = (i == 1);
    return r;
  });
  auto transport = MakeTransport(server, 1);
  ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  auto second = transport->Call(service_, "ListQueues", "{}");
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(TransportTest, AnIdleConnectionClosedByTheServerIsNotReused) {
  FakeHttpServer server([](const FakeRequest&, int) { return FakeReply::Json("{}"); });
  auto transport = MakeTransport(server, 1);
  ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  server.CloseConnections();
  std::this_thread::sleep_for(milliseconds(50));  // the FIN reaches the client's socket
  ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  EXPECT_EQ(server.requests().size(), 2u);  // noticed at checkout: nothing was resent
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(TransportTest, AnAnswerCutShortOnAFreshConnectionIsANetworkErrorAndRetried) {
  FakeHttpServer server([](const FakeRequest&, int i) {
    FakeReply r = FakeReply::Json("{}");
    r.drop = (i == 0);
    return r;
  });
  auto transport = MakeTransport(server, 3);
  ASSERT_TRUE(transport->Call(service_, "SendMessage", "{}").ok());
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(TransportTest, ConnectionRefusedIsANetworkErrorAfterEveryAttempt) {
  int port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  TransportOptions o;
  o.retry = {3, milliseconds(10), milliseconds(10)};
  o.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
  Transport transport(o, StaticCredentials({"AKID", "secret", ""}));
  auto body = transport.Call(SqsService(*ParseEndpoint("http://127.0.0.1:" + std::to_string(port))),
                             "ListQueues", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().kind(), ErrorKind::kNetwork);
  EXPECT_EQ(body.error().code(), "NetworkError");
  EXPECT_TRUE(body.error().retryable());
  EXPECT_EQ(body.error().attempts(), 3);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(TransportTest, ASlowAnswerTimesOutAndTheLongPollAllowanceExtendsIt) {
  FakeHttpServer server([](const FakeRequest&, int) {
    FakeReply r = FakeReply::Json("{}");
    r.delay = milliseconds(300);
    return r;
  });
  TransportOptions o;
  o.retry = {2, milliseconds(1), milliseconds(1)};
  o.request_timeout = milliseconds(100);
  o.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
  Transport transport(o, StaticCredentials({"AKID", "secret", ""}));
  Service sqs = SqsService(*ParseEndpoint(server.endpoint()));
  auto body = transport.Call(sqs, "ReceiveMessage", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().kind(), ErrorKind::kTimeout);
  EXPECT_EQ(body.error().attempts(), 2);
  EXPECT_TRUE(transport.Call(sqs, "ReceiveMessage", "{}", milliseconds(1000)).ok());
}

TEST_F(TransportTest, ClockSkewIsCorrectedFromTheDateHeader) {
  auto fake = std::make_shared<common::FakeClock>(RealNow() - std::chrono::hours(1));
  clock_ = fake;
  FakeHttpServer server([](const FakeRequest& r, int) {
    // The server's own check: X-Amz-Date within 5 minutes of its time.
    const std::string date = r.Header("X-Amz-Date");
    std::tm tm{};
    strptime(date.c_str(), "%Y%m%dT%H%M%SZ", &tm);
    if (std::abs(timegm(&tm) - std::time(nullptr)) > 300) {
      FakeReply e = FakeReply::SqsError(400, "RequestExpired", "RequestExpired", "expired");
      e.headers.emplace_back("Date", RealHttpDate());
      return e;
    }
    return FakeReply::Json("{}");
  });
  auto transport = MakeTransport(server, 1);
  auto body = transport->Call(service_, "ListQueues", "{}");
  ASSERT_TRUE(body.ok()) << body.error().ToString();
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_NEAR(std::chrono::duration<double>(transport->clock_offset()).count(), 3600, 5);
  ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  EXPECT_EQ(server.requests().size(), 3u);  // the offset stays learnt
}

// Gives key A until told A was refused, then key B.
class RotatingCredentials : public CredentialsProvider {
 public:
  Result<Credentials> Get() override {
    return rotated_ ? Credentials{"B", "sb", ""} : Credentials{"A", "sa", ""};
  }
  void Invalidate(const Credentials& rejected) override {
    if (rejected.access_key_id == "A") rotated_ = true;
  }

 private:
  bool rotated_ = false;
};

TEST_F(TransportTest, RefusedCredentialsAreRefreshedOnce) {
  FakeHttpServer server([](const FakeRequest& r, int) {
    if (r.Header("Authorization").find("Credential=B/") == std::string::npos) {
      return FakeReply::SqsError(403, "InvalidClientTokenId", "InvalidClientTokenId",
                                 "The security token included in the request is invalid.");
    }
    return FakeReply::Json("{}");
  });
  auto transport = MakeTransport(server, 1, std::make_shared<RotatingCredentials>());
  ASSERT_TRUE(transport->Call(service_, "ListQueues", "{}").ok());
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(TransportTest, RefusedCredentialsThatDoNotChangeFailAtOnce) {
  FakeHttpServer server([](const FakeRequest&, int) {
    return FakeReply::SqsError(403, "InvalidClientTokenId", "InvalidClientTokenId", "no");
  });
  auto transport = MakeTransport(server, 5);
  auto body = transport->Call(service_, "ListQueues", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().code(), "InvalidClientTokenId");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(TransportTest, MissingCredentialsStopTheCallBeforeSending) {
  FakeHttpServer server([](const FakeRequest&, int) { return FakeReply::Json("{}"); });
  auto transport = MakeTransport(server, 3, StaticCredentials({}));
  auto body = transport->Call(service_, "ListQueues", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().kind(), ErrorKind::kCredentials);
  EXPECT_EQ(body.error().attempts(), 0);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpDateTest, Parses) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_FALSE(ParseHttpDate("yesterday"));
}

}  // namespace
}  // namespace spool::client
