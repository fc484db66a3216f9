// The HTTP server: Start and Stop, draining, many connections.

#include <gtest/gtest.h>

#include "http/server_test_support.h"

namespace spool::http {
namespace {

using namespace test_support;  // NOLINT: the fixture and the test client
using namespace std::chrono_literals;

// --- Start and Stop. ---

TEST_F(ServerTest, SecondServerOnTheSamePortFailsToStart) {
  StartServer();
  ServerOptions o = TestOptions();
  o.port = port();
  Server second(o, &handler_);
  std::string error;
  EXPECT_FALSE(second.Start(&error));
  EXPECT_NE(error.find(std::to_string(port())), std::string::npos) << error;
  second.Stop();
  second.Wait();
  // The first server is unaffected.
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/")));
  EXPECT_TRUE(c.Read());
}

TEST_F(ServerTest, StartTwiceFails) {
  StartServer();
  std::string error;
  EXPECT_FALSE(server_->Start(&error));
  EXPECT_FALSE(error.empty());
}

TEST_F(ServerTest, StopWaitsForARequestInProgress) {
  std::promise<void> received;
  handler_.Set([this, &received](Request, Respond done) {
    Later(300ms, [done] { done(Text(200, "finished")); });
    received.set_value();
  });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/long-poll")));
  received.get_future().wait();
  auto start = Clock::now();
  server_->Stop();
  auto took = Clock::now() - start;
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 5s);
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnectionsPromptly) {
  StartServer();  // default drain_timeout: 25 s
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(port()));
    ASSERT_TRUE(clients.back()->Send(Get("/")));
    ASSERT_TRUE(clients.back()->Read());
  }
  Client never_sent(port());
  auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - start, 1s);
  for (auto& c : clients) EXPECT_TRUE(c->ReadsEof());
  EXPECT_TRUE(never_sent.ReadsEof());
  // New connections are refused.
  Client late(port());
  EXPECT_FALSE(late.connected() && late.Send(Get("/")) && late.Read());
}

TEST_F(ServerTest, StopForceClosesAfterDrainTimeoutAndLateDoneIsHarmless) {
  std::promise<Respond> parked;
  handler_.Set([&parked](Request, Respond done) { parked.set_value(std::move(done)); });
  ServerOptions o = TestOptions();
  o.drain_timeout = 1s;
  StartServer(o);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/forever")));
  Respond done = parked.get_future().get();
  auto start = Clock::now();
  server_->Stop();
  auto took = Clock::now() - start;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 4s);
  EXPECT_TRUE(c.ReadsEof());
  server_.reset();
  // The handler completes after the server is gone: nothing happens, nothing crashes.
  done(Text(200, "too late"));
}

TEST_F(ServerTest, StopIsIdempotentAndReleasesWaiters) {
  StartServer();
  std::thread waiter([this] { server_->Wait(); });
  std::thread stopper([this] { server_->Stop(); });
  server_->Stop();
  stopper.join();
  waiter.join();
  server_->Stop();
  server_->Wait();
}

TEST_F(ServerTest, ManyConcurrentConnectionsAllSucceed) {
  StartServer();
  constexpr int kThreads = 50;
  constexpr int kRequests = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &ok] {
      // Even threads keep one connection; odd ones open a connection per request.
      std::unique_ptr<Client> c;
      for (int i = 0; i < kRequests; ++i) {
        if (!c || t % 2 == 1) c = std::make_unique<Client>(port());
        std::string body = std::to_string(t) + "-" + std::to_string(i);
        if (!c->Send(Post("/m", body))) continue;
        auto r = c->Read();
        if (r && r->status == 200 && r->body == "POST /m\n" + body) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, kThreads * kRequests);
}

}  // namespace
}  // namespace spool::http
