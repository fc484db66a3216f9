#pragma once
// FakeHttpServer (tests only): a loopback HTTP/1.1 server that answers each request with what a
// test's script says (a status, headers and body, a delay, closing the connection, or dropping
// the request unanswered) and records what it received. Keep-alive like a real server: one
// thread per connection, requests answered in order.
//
// Threading: the script runs on the server's connection threads (one per connection); it and
// the recorded requests are guarded by the server's mutex, so `script` needs no locking of its
// own. Stop() (or the destructor) closes every connection and joins the threads.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace spool::client::testing {

struct FakeRequest {
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // which accepted connection it came on (1, 2, ...)
  std::string Header(std::string_view name) const;
  std::string Action() const;  // X-Amz-Target after the '.'
};

struct FakeReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};  // before answering
  bool close_after = false;            // answer with Connection: close, then close
  bool drop = false;                   // close the connection without answering

  static FakeReply Json(std::string body) {
    FakeReply r;
    r.body = std::move(body);
    return r;
  }
  // An SQS-style JSON error: x-amzn-query-error, __type and message.
  static FakeReply SqsError(int status, const std::string& query_code, const std::string& shape,
                            const std::string& message);
};

class FakeHttpServer {
 public:
  using Script = std::function<FakeReply(const FakeRequest& request, int index)>;

  explicit FakeHttpServer(Script script);
  ~FakeHttpServer();

  std::string endpoint() const;  // http://127.0.0.1:PORT
  int port() const { return port_; }
  std::vector<FakeRequest> requests() const;
  int connections() const { return connections_.load(); }
  // Closes every open connection at once (the server keeps listening).
  void CloseConnections();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<int> connections_{0};
};

}  // namespace spool::client::testing
