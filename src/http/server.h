#pragma once
// HTTP/1.1 server on Boost.Beast.
//
// Threading: Start() launches `Options::threads` I/O threads, each running its own io_context;
// every connection is assigned to one of them at accept (round robin) and its coroutine runs
// there alone, so a connection needs no strand or lock. Stop() may be called from any thread (e.g.
// a signal handler) except an I/O thread (so never from inside Handler::Handle; that aborts), and
// returns once every connection is closed or the drain timeout passed.
//
// A connection reads its next request only after the previous response was written, so
// pipelined requests are answered in order and a pending long poll holds its connection.
//
// Errors: malformed HTTP gets a 400 and the connection is closed; a body larger than
// `max_body_bytes` (or, for an upload, `max_upload_body_bytes`) gets 413; headers larger than
// `max_header_bytes` get 431; neither reaches the handler. Idle keep-alive connections are closed
// after `idle_timeout`.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/handler.h"

namespace spool::http {

struct ServerOptions {
  // Address to bind. Default loopback only.
  std::string host = "127.0.0.1";
  // Port to bind; 0 picks a free port (see Server::port()).
  uint16_t port = 9324;
  // I/O threads. 0 means one per core.
  unsigned threads = 0;
  // Largest request body accepted. SQS caps a request at 1 MiB of payload; base64 and form
  // encoding can triple that, so the default leaves room.
  size_t max_body_bytes = 4 * 1024 * 1024;
  // Uploads may be larger (Lambda's CreateFunction and UpdateFunctionCode carry a base64 zip
  // archive of up to 50 MB): a request for which `is_upload(method, target)` is true may carry
  // up to max_upload_body_bytes (when that is larger than max_body_bytes). Called on the I/O
  // thread once the request's header is read.
  size_t max_upload_body_bytes = 0;
  std::function<bool(std::string_view method, std::string_view target)> is_upload;
  // Largest header block accepted.
  size_t max_header_bytes = 64 * 1024;
  // Open connections beyond this are accepted and closed at once.
  size_t max_connections = 10000;
  // A keep-alive connection with no request for this long is closed. Reading a request's
  // header and body must also complete within it.
  std::chrono::seconds idle_timeout{75};
  // On Stop(), how long to wait for requests in progress (long polls included) to finish.
  std::chrono::seconds drain_timeout{25};
  // Value of the Server header.
  std::string server_name = "Spool";
};

class Server {
 public:
  // `handler` must outlive the server.
  Server(ServerOptions options, Handler* handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads. Returns false (with *error set) when the address
  // cannot be bound.
  bool Start(std::string* error);
  // The bound port (useful with port 0). Valid after a successful Start().
  uint16_t port() const;
  // Stops accepting, lets requests in progress finish (up to drain_timeout), closes idle
  // connections, joins the I/O threads. Idempotent; concurrent callers all return once it is
  // done. Connections still busy at drain_timeout are closed without a response. Also run by
  // the destructor.
  void Stop();
  // Blocks until Stop() has completed. Returns at once if the server was never started.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spool::http
