#pragma once
// The seam between the HTTP server and whatever answers requests.
//
// Contract: Handle() is called on an I/O thread once per complete request. The handler must call
// `done` exactly once, from any thread, possibly after Handle() returned (long polls complete
// seconds later). The server adds Date, Content-Length, Server and Connection headers; the
// handler sets status, Content-Type and its own headers.
//
// `done` is copyable and may be called after the server stopped (it then does nothing). A second
// call is ignored. If every copy of `done` is destroyed uncalled, the client gets a 500 and the
// connection is closed. Handle() should not block: it runs on an I/O thread.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;  // as sent (methods are case-sensitive; standard ones are upper case)
  std::string target;  // path and query exactly as sent, e.g. "/000000000000/q?Action=X"
  std::vector<Header> headers;  // in arrival order, names as sent
  std::string body;
  std::string remote_address;  // peer IP without port

  // First header with this name (ASCII case-insensitive), or "" when absent.
  std::string_view header(std::string_view name) const;
  // True when a header with this name is present (even with an empty value).
  bool has_header(std::string_view name) const;
  std::string_view path() const;   // target up to '?'
  std::string_view query() const;  // after '?', "" when none
};

struct Response {
  int status = 200;  // outside 200..599 is sent as 500; 204 and 304 are sent without a body
  // Date, Server, Content-Length, Transfer-Encoding and Connection are the server's and are
  // replaced; headers with an invalid name or a CR/LF/NUL in the value are dropped.
  std::vector<Header> headers;
  std::string body;
};

using Respond = std::function<void(Response)>;

class Handler {
 public:
  virtual ~Handler() = default;
  virtual void Handle(Request request, Respond done) = 0;
};

}  // namespace spool::http
