#include "client/http_connection.h"

#include <poll.h>
#include <strings.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace spool::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Failure = ExchangeOutcome::Failure;

// Largest answer read: ten received messages of 1 MiB each, with attributes and JSON escaping.
constexpr size_t kMaxResponseBody = 64 * 1024 * 1024;

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  }
  return "";
}

struct HttpConnection::Io {
  asio::io_context ioc{1};
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
};

HttpConnection::HttpConnection(Endpoint endpoint)
    : endpoint_(std::move(endpoint)),
      io_(std::make_unique<Io>()),
      last_used_(std::chrono::steady_clock::now()) {}

HttpConnection::~HttpConnection() { Close(); }

bool HttpConnection::is_open() const { return io_->stream.socket().is_open(); }

void HttpConnection::Close() {
  beast::error_code ec;
  if (io_->stream.socket().is_open()) {
    io_->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    io_->stream.socket().close(ec);
  }
  io_->buffer.clear();
  exchanges_ = 0;
}

bool HttpConnection::LooksAlive() const {
  if (!is_open()) return false;
  pollfd p{};
  p.fd = const_cast<Io&>(*io_).stream.socket().native_handle();
  p.events = POLLIN;
  int n = ::poll(&p, 1, 0);
  // Readable while idle: the server closed it (EOF) or sent something unasked; either way the
  // connection cannot carry the next exchange.
  return n == 0;
}

ExchangeOutcome HttpConnection::Exchange(const HttpRequest& request,
                                         std::chrono::milliseconds connect_timeout,
                                         std::chrono::milliseconds request_timeout) {
  ExchangeOutcome out;
  Io& io = *io_;
  beast::error_code ec;
  last_used_ = std::chrono::steady_clock::now();

  if (!is_open()) {
    exchanges_ = 0;
    io.buffer.clear();
    asio::ip::tcp::resolver resolver(io.ioc);
    auto addresses = resolver.resolve(endpoint_.host, endpoint_.port, ec);
    if (ec) {
      out.failure = Failure::kConnect;
      out.reason = "cannot resolve " + endpoint_.host + ": " + ec.message();
      return out;
    }
    io.stream.expires_after(connect_timeout);
    io.ioc.restart();
    io.stream.async_connect(addresses,
                            [&ec](beast::error_code e, const asio::ip::tcp::endpoint&) { ec = e; });
    io.ioc.run();
    if (ec) {
      out.failure = ec == beast::error::timeout ? Failure::kTimeout : Failure::kConnect;
      out.reason = "cannot connect to " + endpoint_.url + ": " + ec.message();
      Close();
      return out;
    }
    io.stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  }

  http::request<http::string_body> req{http::verb::post, request.target, 11};
  req.set(http::field::host, endpoint_.host_header);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();
  req.keep_alive(true);

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  parser.header_limit(64 * 1024);
  bool wrote = false;
  io.stream.expires_after(request_timeout);
  io.ioc.restart();
  http::async_write(io.stream, req, [&](beast::error_code e, size_t) {
    ec = e;
    if (e) return;
    wrote = true;
    http::async_read(io.stream, io.buffer, parser, [&](beast::error_code r, size_t) { ec = r; });
  });
  io.ioc.run();
  ++exchanges_;
  if (ec) {
    out.failure = ec == beast::error::timeout ? Failure::kTimeout : Failure::kBroken;
    out.response_started = parser.got_some();
    out.reason = std::string(wrote ? "reading the answer from " : "sending to ") + endpoint_.url +
                 ": " + ec.message();
    Close();
    return out;
  }
  auto& res = parser.get();
  out.response.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.response.body = std::move(res.body());
  if (!res.keep_alive()) Close();
  last_used_ = std::chrono::steady_clock::now();
  return out;
}

}  // namespace spool::client
