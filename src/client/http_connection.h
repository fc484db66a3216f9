#pragma once
// HttpConnection: one keep-alive HTTP/1.1 connection to an endpoint (Boost.Beast). Exchange()
// sends one request and reads its whole answer, blocking the calling thread: the operations
// are Beast's asynchronous ones, run to completion on the connection's own io_context, so that
// beast::tcp_stream's deadlines bound connecting, writing and reading.
//
// Threading: one thread at a time (the pool hands a connection to one call). Errors never
// throw; they come back in ExchangeOutcome and leave the connection closed, so the next
// Exchange() connects again.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/endpoint.h"

namespace spool::client {

struct HttpRequest {
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;  // Host is added from the endpoint
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header of this name (ASCII case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
};

struct ExchangeOutcome {
  enum class Failure {
    kNone,
    kConnect,  // could not resolve or connect (nothing was sent)
    kTimeout,  // a deadline passed (connecting, or the exchange)
    kBroken,   // the connection failed while writing or reading
  };
  Failure failure = Failure::kNone;
  std::string reason;  // for kNone: ""
  // Whether any byte of an answer arrived before the failure (a failure with none, on a reused
  // connection, is the server having closed it while idle).
  bool response_started = false;
  HttpResponse response;  // valid when failure == kNone
};

class HttpConnection {
 public:
  explicit HttpConnection(Endpoint endpoint);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  ExchangeOutcome Exchange(const HttpRequest& request, std::chrono::milliseconds connect_timeout,
                           std::chrono::milliseconds request_timeout);

  // Open, and not readable or hung up while idle (a server closing an idle connection makes it
  // readable). Cheap: one poll() with a zero timeout.
  bool LooksAlive() const;
  bool is_open() const;
  // Whether the connection has carried an exchange before (a reused keep-alive connection).
  bool reused() const { return exchanges_ > 0; }
  const Endpoint& endpoint() const { return endpoint_; }
  std::chrono::steady_clock::time_point last_used() const { return last_used_; }
  void Close();

 private:
  struct Io;
  Endpoint endpoint_;
  std::unique_ptr<Io> io_;
  int exchanges_ = 0;
  std::chrono::steady_clock::time_point last_used_;
};

}  // namespace spool::client
