#include "workers/http_transport.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include <sys/socket.h>

#include "common/clock.h"

namespace spool::workers {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool ParseHttpEndpoint(const std::string& url, HttpEndpoint* out, std::string* error) {
  if (!url.starts_with("http://")) {
    *error = "the endpoint must start with http:// (got " + url + ")";
    return false;
  }
  std::string rest = url.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos) {
    *error = "the endpoint must be http://HOST[:PORT] (got " + url + ")";
    return false;
  }
  out->host_header = rest;
  out->host = rest;
  out->port = "80";
  if (size_t colon = rest.rfind(':'); colon != std::string::npos && rest.back() != ']') {
    out->host = rest.substr(0, colon);
    out->port = rest.substr(colon + 1);
  }
  if (out->host.size() > 1 && out->host.front() == '[') {
    out->host = out->host.substr(1, out->host.size() - 2);
  }
  return true;
}

namespace {

// One keep-alive connection, used by one thread.
class Connection {
 public:
  explicit Connection(const HttpEndpoint& endpoint) : endpoint_(endpoint) {}

  // `on_connected` learns the socket before the request is written (to be able to cut it).
  SqsReply Send(http::request<http::string_body>& request,
                const std::function<void(int)>& on_connected = nullptr) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!stream_) {
          stream_.emplace(io_);
          tcp::resolver resolver(io_);
          stream_->expires_after(std::chrono::seconds(10));
          stream_->connect(resolver.resolve(endpoint_.host, endpoint_.port));
        }
        if (on_connected) on_connected(stream_->socket().native_handle());
        stream_->expires_after(std::chrono::seconds(40));  // beyond a 20 s long poll
        http::write(*stream_, request);
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        http::read(*stream_, buffer_, parser);
        auto response = parser.release();
        if (!response.keep_alive()) Reset();
        return {static_cast<int>(response.result_int()), std::move(response.body())};
      } catch (const std::exception& e) {
        Reset();
        if (attempt == 1) {
          return {0, "cannot reach http://" + endpoint_.host_header + ": " + e.what()};
        }
      }
    }
    return {0, "unreachable"};
  }

 private:
  void Reset() {
    if (stream_) {
      beast::error_code ignored;
      stream_->socket().close(ignored);
    }
    stream_.reset();
    buffer_.clear();
  }

  const HttpEndpoint& endpoint_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

http::request<http::string_body> Signed(const HttpEndpoint& endpoint,
                                        const auth::Credentials& credentials,
                                        const std::string& region, const std::string& service,
                                        http::verb method, const std::string& target,
                                        std::vector<std::pair<std::string, std::string>> headers,
                                        std::string body) {
  headers.emplace_back("Host", endpoint.host_header);
  std::vector<auth::Header> views;
  for (const auto& [name, value] : headers) views.push_back({name, value});
  auto q = target.find('?');
  std::string path = target.substr(0, q);
  std::string query = q == std::string::npos ? std::string() : target.substr(q + 1);
  auth::HttpRequestView view;
  view.method = http::to_string(method);
  view.path = path;
  view.query = query;
  view.headers = views;
  view.body = body;
  auth::SignedHeaderValues sig =
      auth::Sign(view, credentials, {region, service},
                 std::chrono::time_point_cast<common::Millis>(std::chrono::system_clock::now()));
  http::request<http::string_body> request{method, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  request.set("X-Amz-Date", sig.x_amz_date);
  if (!sig.x_amz_security_token.empty()) {
    request.set("X-Amz-Security-Token", sig.x_amz_security_token);
  }
  request.set(http::field::authorization, sig.authorization);
  request.keep_alive(true);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

}  // namespace

HttpTransport::HttpTransport(HttpEndpoint endpoint, auth::Credentials credentials,
                             std::string region, int connections)
    : endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      region_(std::move(region)) {
  for (int i = 0; i < std::max(1, connections); ++i) threads_.emplace_back([this] { Serve(); });
}

HttpTransport::~HttpTransport() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void HttpTransport::Abort() {
  std::lock_guard lock(mu_);
  aborted_ = true;
  // shutdown(2) on another thread's socket makes its blocking read return at once.
  for (int fd : receiving_) ::shutdown(fd, SHUT_RDWR);
}

void HttpTransport::Call(std::string_view action, std::string body,
                         std::function<void(SqsReply)> done) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back({std::string(action), std::move(body), std::move(done)});
  }
  cv_.notify_one();
}

void HttpTransport::Serve() {
  Connection connection(endpoint_);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    bool aborted;
    {
      std::lock_guard lock(mu_);
      aborted = aborted_;
    }
    if (aborted && job.action == "ReceiveMessage") {
      job.done({0, "the worker is stopping"});
      continue;
    }
    bool receive = job.action == "ReceiveMessage";
    auto request = Signed(endpoint_, credentials_, region_, "sqs", http::verb::post, "/",
                          {{"Content-Type", "application/x-amz-json-1.0"},
                           {"X-Amz-Target", "AmazonSQS." + job.action}},
                          std::move(job.body));
    int fd = -1;
    SqsReply reply = connection.Send(request, [&](int socket) {
      if (!receive) return;
      std::lock_guard lock(mu_);
      if (fd >= 0) receiving_.erase(fd);  // a retry on a new connection
      fd = socket;
      receiving_.insert(fd);
      if (aborted_) ::shutdown(fd, SHUT_RDWR);  // Abort() came after the check above
    });
    if (fd >= 0) {
      std::lock_guard lock(mu_);
      receiving_.erase(fd);
    }
    job.done(std::move(reply));
  }
}

SqsReply HttpTransport::Request(const std::string& method, const std::string& target,
                                const std::string& service, const std::string& body) {
  Connection connection(endpoint_);
  auto request = Signed(endpoint_, credentials_, region_, service, http::string_to_verb(method),
                        target, {{"Content-Type", "application/json"}}, body);
  return connection.Send(request);
}

}  // namespace spool::workers
