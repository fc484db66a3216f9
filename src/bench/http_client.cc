#include "bench/http_client.h"

#include <array>
#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/crypto.h"

namespace spool::bench {
namespace {

constexpr size_t kReadBufferCapacity = 16 * 1024;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Ten 256 KiB messages in base64-free JSON fit many times over.
constexpr uint64_t kMaxResponseBytes = 64 * 1024 * 1024;
constexpr std::string_view kContentType = "application/x-amz-json-1.0";

}  // namespace

Connection::Connection(asio::any_io_executor executor, const ClientConfig* config)
    : config_(config), stream_(std::move(executor)) {
  request_.method(bhttp::verb::post);
  request_.target("/");
  request_.version(11);
  request_.set(bhttp::field::host, config_->endpoint.host_header);
  request_.set(bhttp::field::content_type, kContentType);
  request_.set(bhttp::field::user_agent, "spool-bench/0.1");
  request_.keep_alive(true);
  if (config_->sign) {
    signer_.emplace(config_->access_key, config_->secret_key, config_->region);
  }
}

void Connection::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  connected_ = false;
  buffer_.clear();
}

asio::awaitable<beast::error_code> Connection::Connect(std::chrono::milliseconds timeout) {
  stream_.expires_after(timeout);
  auto [ec, ep] = co_await stream_.async_connect(config_->addresses, kTuple);
  if (ec) co_return ec;
  beast::error_code ignored;
  stream_.socket().set_option(tcp::no_delay(true), ignored);
  connected_ = true;
  buffer_.clear();
  co_return beast::error_code{};
}

void Connection::Sign(std::string_view target) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (now != date_second_) {
    amz_date_ = AmzDate(now);
    date_second_ = now;
  }
  request_.set("X-Amz-Date", amz_date_);
  if (!signer_) return;
  const std::string payload_hash = common::Sha256Hex(request_.body());
  const std::array<SignedHeader, 4> headers = {{
      {"content-type", kContentType},
      {"host", config_->endpoint.host_header},
      {"x-amz-date", amz_date_},
      {"x-amz-target", target},
  }};
  SigningRequest r;
  r.headers = headers;
  r.payload_hash = payload_hash;
  r.amz_date = amz_date_;
  request_.set(bhttp::field::authorization, signer_->Authorization(r));
}

asio::awaitable<beast::error_code> Connection::Call(std::string_view action, std::string body,
                                                    std::chrono::milliseconds timeout,
                                                    HttpReply* reply) {
  reply->status = 0;
  reply->body.clear();
  if (!connected_) {
    if (beast::error_code ec = co_await Connect(timeout)) {
      Close();
      co_return ec;
    }
  }
  std::string target = "AmazonSQS.";
  target.append(action);
  request_.set("X-Amz-Target", target);
  request_.body() = std::move(body);
  request_.prepare_payload();
  Sign(target);

  stream_.expires_after(timeout);
  auto [write_ec, written] = co_await bhttp::async_write(stream_, request_, kTuple);
  (void)written;
  if (write_ec) {
    Close();
    co_return write_ec;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  // Beast reads at most the buffer's free capacity (at least 512 bytes): keep room for a
  // whole response so that it arrives in one read, not a dozen.
  if (buffer_.capacity() < kReadBufferCapacity) buffer_.reserve(kReadBufferCapacity);
  stream_.expires_after(timeout);
  auto [read_ec, read] = co_await bhttp::async_read(stream_, buffer_, parser, kTuple);
  (void)read;
  if (read_ec) {
    Close();
    co_return read_ec;
  }
  auto& message = parser.get();
  reply->status = static_cast<int>(message.result_int());
  reply->body = std::move(message.body());
  if (!message.keep_alive()) Close();
  stream_.expires_never();
  co_return beast::error_code{};
}

}  // namespace spool::bench
