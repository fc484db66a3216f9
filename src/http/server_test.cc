#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace spool::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// --- A minimal blocking HTTP/1.1 client over a loopback TCP socket. ---

struct ParsedResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;

  std::string header(std::string_view name) const {
    for (const Header& h : headers) {
      if (strcasecmp(h.name.c_str(), std::string(name).c_str()) == 0) return h.value;
    }
    return "";
  }
  bool has_header(std::string_view name) const {
    for (const Header& h : headers) {
      if (strcasecmp(h.name.c_str(), std::string(name).c_str()) == 0) return true;
    }
    return false;
  }
};

class Client {
 public:
  // Every read gives up after `timeout`, so a broken server fails a test instead of hanging it.
  explicit Client(uint16_t port, std::chrono::milliseconds timeout = 5000ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  bool SendBytewise(std::string_view data) {
    for (char c : data) {
      if (!Send(std::string_view(&c, 1))) return false;
    }
    return true;
  }

  // One response, or nullopt when the connection ends (or times out) before a whole one.
  // `to_head`: the response to a HEAD request, which has no body whatever its Content-Length.
  std::optional<ParsedResponse> Read(bool to_head = false) {
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    ParsedResponse r;
    std::string_view head(buf_.data(), header_end);
    size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return std::nullopt;
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    while (line_end != std::string_view::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string_view line = head.substr(
          start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
    size_t length =
        !to_head && r.has_header("Content-Length") ? std::stoul(r.header("Content-Length")) : 0;
    size_t body_start = header_end + 4;
    while (buf_.size() < body_start + length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buf_.substr(body_start, length);
    buf_.erase(0, body_start + length);
    return r;
  }

  // True when the server closed the connection (orderly or by reset) with no further bytes.
  bool ReadsEof() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool Fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

// --- Test handler and fixture. ---

class FunctionHandler : public Handler {
 public:
  void Handle(Request request, Respond done) override {
    ++calls;
    std::function<void(Request, Respond)> fn;
    {
      std::lock_guard lock(mu);
      fn = fn_;
    }
    fn(std::move(request), std::move(done));
  }
  void Set(std::function<void(Request, Respond)> fn) {
    std::lock_guard lock(mu);
    fn_ = std::move(fn);
  }
  std::atomic<int> calls{0};

 private:
  std::mutex mu;
  std::function<void(Request, Respond)> fn_;
};

Response Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.body = std::move(body);
  return r;
}

// Answers "<method> <target>\n<body>" at once.
void Echo(Request req, Respond done) {
  done(Text(200, req.method + " " + req.target + "\n" + req.body));
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { handler_.Set(Echo); }

  void TearDown() override {
    JoinBackground();
    if (server_) server_->Stop();
  }

  ServerOptions TestOptions() {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    return o;
  }

  void StartServer(ServerOptions options) {
    server_ = std::make_unique<Server>(options, &handler_);
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
    ASSERT_NE(server_->port(), 0);
  }
  void StartServer() { StartServer(TestOptions()); }

  // Runs `fn` on a background thread after `delay` (joined before the server stops).
  void Later(std::chrono::milliseconds delay, std::function<void()> fn) {
    std::lock_guard lock(background_mu_);
    background_.emplace_back([delay, fn = std::move(fn)] {
      std::this_thread::sleep_for(delay);
      fn();
    });
  }

  void JoinBackground() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(background_mu_);
      threads.swap(background_);
    }
    for (std::thread& t : threads) t.join();
  }

  uint16_t port() const { return server_->port(); }

  FunctionHandler handler_;
  std::unique_ptr<Server> server_;
  std::mutex background_mu_;
  std::vector<std::thread> background_;
};

// --- Request accessors. ---

TEST(RequestTest, HeaderLookupIsCaseInsensitiveAndReturnsTheFirst) {
  Request r;
  r.headers = {{"Content-Type", "text/plain"}, {"X-Empty", ""}, {"x-dup", "1"}, {"X-Dup", "2"}};
  EXPECT_EQ(r.header("content-type"), "text/plain");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(r.header("X-DUP"), "1");
  EXPECT_EQ(r.header("Missing"), "");
  EXPECT_TRUE(r.has_header("x-empty"));
  EXPECT_EQ(r.header("x-empty"), "");
  EXPECT_FALSE(r.has_header("Missing"));
  EXPECT_FALSE(r.has_header("Content-Typ"));
}

TEST(RequestTest, PathAndQuerySplitAtTheFirstQuestionMark) {
  Request r;
  r.target = "/000000000000/q?Action=X&b=?c";
  EXPECT_EQ(r.path(), "/000000000000/q");
  EXPECT_EQ(r.query(), "Action=X&b=?c");
  r.target = "/plain";
  EXPECT_EQ(r.path(), "/plain");
  EXPECT_EQ(r.query(), "");
  r.target = "/?";
  EXPECT_EQ(r.path(), "/");
  EXPECT_EQ(r.query(), "");
}

// --- Serving requests. ---

TEST_F(ServerTest, SimpleRequestGetsTheHandlersResponseAndServerHeaders) {
  std::promise<Request> seen;
  handler_.Set([&seen](Request req, Respond done) {
    seen.set_value(req);
    Response r = Text(201, "created\n");
    r.headers.push_back({"X-Custom", "yes"});
    done(std::move(r));
  });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.Send("POST /000000000000/q?Action=Send HTTP/1.1\r\nHost: test\r\nX-Amz-Target: A.B\r\n"
             "Content-Length: 5\r\n\r\nhello"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "created\n");
  EXPECT_EQ(r->header("Content-Length"), "8");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("X-Custom"), "yes");
  EXPECT_EQ(r->header("Server"), "Spool");
  EXPECT_FALSE(r->has_header("Connection"));
  static const std::regex kDate(
      R"(^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )"
      R"(\d{4} \d\d:\d\d:\d\d GMT$)");
  EXPECT_TRUE(std::regex_match(r->header("Date"), kDate)) << r->header("Date");

  Request req = seen.get_future().get();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/000000000000/q?Action=Send");
  EXPECT_EQ(req.path(), "/000000000000/q");
  EXPECT_EQ(req.query(), "Action=Send");
  EXPECT_EQ(req.body, "hello");
  EXPECT_EQ(req.remote_address, "127.0.0.1");
  ASSERT_EQ(req.headers.size(), 3u);
  EXPECT_EQ(req.headers[1].name, "X-Amz-Target");
  EXPECT_EQ(req.headers[1].value, "A.B");
  EXPECT_EQ(req.header("x-amz-target"), "A.B");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  Client c(port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.Send(Post("/k" + std::to_string(i), "body" + std::to_string(i))));
    auto r = c.Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "POST /k" + std::to_string(i) + "\nbody" + std::to_string(i));
  }
  EXPECT_EQ(handler_.calls, 5);
}

TEST_F(ServerTest, RequestSplitIntoOneByteWritesIsServed) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.SendBytewise(Post("/split?x=1", "split body")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /split?x=1\nsplit body");
  // The connection is still usable afterwards.
  ASSERT_TRUE(c.SendBytewise(Get("/again")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /again\n");
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  handler_.Set([this](Request req, Respond done) {
    if (req.target == "/slow") {
      Later(100ms, [done] { done(Text(200, "slow")); });
    } else {
      done(Text(200, req.target));
    }
  });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/slow") + Post("/fast1", "xyz") + Get("/fast2")));
  auto r1 = c.Read();
  auto r2 = c.Read();
  auto r3 = c.Read();
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_EQ(r1->body, "slow");
  EXPECT_EQ(r2->body, "/fast1");
  EXPECT_EQ(r3->body, "/fast2");
}

TEST_F(ServerTest, DoneCalledFromAnotherThreadLaterIsDelivered) {
  handler_.Set([this](Request req, Respond done) {
    Later(200ms, [done, target = req.target] { done(Text(200, "late " + target)); });
  });
  StartServer();
  Client c(port());
  auto start = Clock::now();
  ASSERT_TRUE(c.Send(Get("/wait")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_GE(Clock::now() - start, 190ms);
  EXPECT_EQ(r->body, "late /wait");
  // And the connection goes on serving.
  handler_.Set(Echo);
  ASSERT_TRUE(c.Send(Get("/next")));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /next\n");
}

TEST_F(ServerTest, DoneCalledTwiceKeepsOnlyTheFirstResponse) {
  handler_.Set([](Request, Respond done) {
    done(Text(200, "first"));
    done(Text(500, "second"));
  });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/a") + Get("/b")));
  auto r1 = c.Read();
  auto r2 = c.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->body, "first");
  EXPECT_EQ(r2->body, "first");
}

TEST_F(ServerTest, DroppedDoneGets500AndClose) {
  handler_.Set([](Request, Respond) {});
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/dropped")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(ServerTest, HandlerExceptionGets500) {
  handler_.Set([](Request, Respond) { throw std::runtime_error("boom"); });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/throw")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(ServerTest, NoContentResponseHasNoBody) {
  handler_.Set([](Request, Respond done) { done(Text(204, "ignored")); });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/a") + Get("/b")));
  for (int i = 0; i < 2; ++i) {
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_FALSE(r->has_header("Content-Length"));
    EXPECT_EQ(r->body, "");
  }
}

TEST_F(ServerTest, HeadResponseHasContentLengthButNoBody) {
  handler_.Set([](Request req, Respond done) { done(Text(200, "body of " + req.target)); });
  StartServer();
  Client c(port());
  // A HEAD and then a GET on one connection: if the HEAD response carried its body, the GET's
  // response would be read from the wrong place.
  ASSERT_TRUE(c.Send("HEAD /a HTTP/1.1\r\nHost: test\r\n\r\n" + Get("/b")));
  auto head = c.Read(/*to_head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(std::string("body of /a").size()));
  auto get = c.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "body of /b");
}

TEST_F(ServerTest, ServerOwnsFramingHeaders) {
  handler_.Set([](Request, Respond done) {
    Response r = Text(200, "abc");
    r.headers.push_back({"Content-Length", "999"});
    r.headers.push_back({"Connection", "close"});
    r.headers.push_back({"X-Bad", "a\r\nInjected: 1"});
    done(std::move(r));
  });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Content-Length"), "3");
  EXPECT_EQ(r->body, "abc");
  EXPECT_FALSE(r->has_header("Connection"));
  EXPECT_FALSE(r->has_header("Injected"));
  EXPECT_FALSE(r->has_header("X-Bad"));
}

TEST_F(ServerTest, LargeBodyArrivesWhole) {
  std::string body(1 << 20, 'x');
  for (size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + i % 26);
  handler_.Set([&body](Request req, Respond done) {
    done(Text(200, req.body == body ? "same" : "different"));
  });
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Post("/big", body)));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "same");
}

TEST_F(ServerTest, Expect100ContinueGetsAnInterimResponse) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(
      "POST /e HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.Send("data"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /e\ndata");
}

TEST_F(ServerTest, ChunkedRequestBodyIsDecoded) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(
      c.Send("POST /c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /c\nabcde");
}

// --- Connection management. ---

TEST_F(ServerTest, ConnectionCloseRequestIsHonoured) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/bye", "Connection: close\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  StartServer();
  {
    Client c(port());
    ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /old\n");
    EXPECT_TRUE(c.ReadsEof());
  }
  Client c(port());
  ASSERT_TRUE(c.Send("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "keep-alive");
  ASSERT_TRUE(c.Send("GET /2 HTTP/1.0\r\n\r\n"));
  r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /2\n");
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerOptions o = TestOptions();
  o.idle_timeout = 1s;
  StartServer(o);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/")));
  ASSERT_TRUE(c.Read());
  auto start = Clock::now();
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST_F(ServerTest, ConnectionsBeyondMaxAreClosedAtOnce) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  StartServer(o);
  Client a(port());
  Client b(port());
  ASSERT_TRUE(a.Send(Get("/a")) && a.Read());
  ASSERT_TRUE(b.Send(Get("/b")) && b.Read());
  Client extra(port());
  ASSERT_TRUE(extra.connected());
  EXPECT_TRUE(extra.ReadsEof());
  EXPECT_EQ(handler_.calls, 2);
  // Once one closes, a new connection is served again (bounded retries: the server notices
  // the close asynchronously).
  a.Send(Get("/a", "Connection: close\r\n"));
  ASSERT_TRUE(a.Read());
  ASSERT_TRUE(a.ReadsEof());
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    Client again(port());
    served = again.Send(Get("/again")) && again.Read().has_value();
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

// --- Malformed and oversized requests. ---

TEST_F(ServerTest, MalformedRequestLineGets400AndClose) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(r->has_header("Date"));
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(handler_.calls, 0);
}

TEST_F(ServerTest, MalformedHeaderGets400) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: test\r\nNo colon here\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(handler_.calls, 0);
}

TEST_F(ServerTest, OversizedBodyGets413AndClose) {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  StartServer(o);
  {
    Client c(port());
    ASSERT_TRUE(c.Send("POST /big HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n" +
                       std::string(2000, 'x')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.ReadsEof());
  }
  {
    // Chunked bodies count too.
    Client c(port());
    std::string chunk(800, 'y');
    ASSERT_TRUE(
        c.Send("POST /big HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
               "320\r\n" +
               chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(handler_.calls, 0);
  // Exactly at the limit is fine.
  Client c(port());
  ASSERT_TRUE(c.Send(Post("/ok", std::string(1024, 'z'))));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, UploadsHaveTheirOwnBodyLimit) {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  o.max_upload_body_bytes = 4096;
  o.is_upload = [](std::string_view method, std::string_view target) {
    return method == "PUT" && target.starts_with("/upload");
  };
  StartServer(o);
  {
    Client c(port());
    ASSERT_TRUE(c.Send("PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4096\r\n\r\n" +
                       std::string(4096, 'u')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  for (std::string head : {"PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 4097\r\n\r\n",
                           "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n",
                           "PUT /other HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n"}) {
    SCOPED_TRACE(head);
    Client c(port());
    ASSERT_TRUE(c.Send(head + std::string(100, 'x')));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  {
    // A chunked upload counts against the upload limit, others against the default.
    Client c(port());
    std::string chunk(3000, 'y');
    ASSERT_TRUE(
        c.Send("PUT /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
               "bb8\r\n" +
               chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(handler_.calls, 1);
}

TEST_F(ServerTest, OversizedHeadersGet431AndClose) {
  ServerOptions o = TestOptions();
  o.max_header_bytes = 1024;
  StartServer(o);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/", "X-Big: " + std::string(2000, 'h') + "\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_EQ(handler_.calls, 0);
}

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
