#pragma once
// Connection: one keep-alive HTTP/1.1 connection to an SQS endpoint that posts AWS JSON 1.0
// requests (`X-Amz-Target: AmazonSQS.<Action>`), SigV4-signed unless signing is off.
//
// Threading: a Connection belongs to one coroutine; its executor should be a strand, and Close()
// must run on that strand. Errors never throw: Call() returns them, closes the socket, and the
// next Call() connects again.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "bench/options.h"
#include "bench/sigv4.h"

namespace spool::bench {

// What every connection shares: where to connect and how to sign.
struct ClientConfig {
  Endpoint endpoint;
  std::vector<boost::asio::ip::tcp::endpoint> addresses;  // resolved once, tried in order
  bool sign = true;
  std::string access_key;
  std::string secret_key;
  std::string region;
};

struct HttpReply {
  int status = 0;
  std::string body;
};

class Connection {
 public:
  Connection(boost::asio::any_io_executor executor, const ClientConfig* config);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // POSTs `body` as AmazonSQS.<action> and reads the whole response into *reply. `timeout`
  // bounds connecting, writing and reading each. Any HTTP status is a success here; the error
  // code reports transport failures (the connection is then closed).
  boost::asio::awaitable<boost::system::error_code> Call(std::string_view action, std::string body,
                                                         std::chrono::milliseconds timeout,
                                                         HttpReply* reply);
  void Close();

  boost::asio::any_io_executor get_executor() { return stream_.get_executor(); }

 private:
  boost::asio::awaitable<boost::system::error_code> Connect(std::chrono::milliseconds timeout);
  void Sign(std::string_view target);

  const ClientConfig* config_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  bool connected_ = false;
  std::optional<Signer> signer_;
  int64_t date_second_ = -1;  // the second `amz_date_` was formatted for
  std::string amz_date_;
};

}  // namespace spool::bench
