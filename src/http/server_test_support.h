#pragma once
// What the HTTP server's tests share: a minimal blocking HTTP/1.1 client over loopback, a
// handler made of a function, and the ServerTest fixture (server_test.cc, server_limits_test.cc,
// server_stop_test.cc).

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

namespace spool::http::test_support {

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

inline std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline std::string Post(std::string_view target, std::string_view body) {
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

inline Response Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.body = std::move(body);
  return r;
}

// Answers "<method> <target>\n<body>" at once.
inline void Echo(Request req, Respond done) {
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

}  // namespace spool::http::test_support
