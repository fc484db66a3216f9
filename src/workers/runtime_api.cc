// The Lambda Runtime API (2018-06-01) served to one environment (workers.md 3.1-3.7): one
// loopback listener per environment, so a request needs no token to say whose it is. /next is
// held open with no server timeout until an invocation is handed in.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "common/encoding.h"
#include "workers/environment_impl.h"

namespace spool::workers {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr size_t kMaxResponseBytes = 6 * 1024 * 1024 + 100;

using Response = http::response<http::string_body>;

Response Json(int status, std::string body) {
  Response r{static_cast<http::status>(status), 11};
  r.set(http::field::content_type, "application/json");
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

Response ApiError(int status, std::string_view type, std::string_view message) {
  return Json(status, std::string(R"({"errorMessage":")") + std::string(message) +
                          R"(","errorType":")" + std::string(type) + R"("})");
}

std::string Decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool IsHex2(std::string_view t) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  return t.size() == 2 && hex(t[0]) && hex(t[1]);
}

std::string SafeDecode(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && !IsHex2(text.substr(i + 1, 2))) return std::string(text);
  }
  return Decode(text);
}

asio::awaitable<Response> Next(std::shared_ptr<Environment> env, Environment::Impl& impl) {
  impl.OnFirstNext();
  // Parked until an invocation is handed in. Each /next waits on its own timer, so a runtime
  // that (wrongly) parks two never makes them wake each other in a loop.
  asio::steady_timer parked(impl.io, asio::steady_timer::time_point::max());
  while (!impl.pending && !env->dead()) {
    parked.expires_at(asio::steady_timer::time_point::max());
    impl.parked.push_back(&parked);
    boost::system::error_code ec;
    co_await parked.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::erase(impl.parked, &parked);
  }
  if (env->dead() || !impl.pending) {
    co_return ApiError(500, "Runtime.ExitError", "the environment is shutting down");
  }
  impl.Deliver();
  auto& inv = *impl.current;
  Response r = Json(200, inv.payload);
  r.set("Lambda-Runtime-Aws-Request-Id", inv.request_id);
  r.set("Lambda-Runtime-Deadline-Ms", std::to_string(inv.deadline_ms));
  r.set("Lambda-Runtime-Invoked-Function-Arn", impl.arn);
  r.set("Lambda-Runtime-Trace-Id", inv.trace_id);
  co_return r;
}

asio::awaitable<Response> Route(std::shared_ptr<Environment> env, Environment::Impl& impl,
                                http::request<http::string_body>& request) {
  std::string_view target = request.target();
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (!target.starts_with(kPrefix)) co_return ApiError(404, "NotFound", "unknown path");
  std::string_view rest = target.substr(kPrefix.size());
  bool get = request.method() == http::verb::get;
  bool post = request.method() == http::verb::post;
  if (rest == "invocation/next" && get) co_return co_await Next(env, impl);
  if (rest == "init/error" && post) {
    impl.OnInitError(std::move(request.body()),
                     std::string(request["Lambda-Runtime-Function-Error-Type"]));
    co_return Json(202, R"({"status":"OK"})");
  }
  if (rest.starts_with("invocation/") && post) {
    std::string_view tail = rest.substr(11);
    auto slash = tail.rfind('/');
    if (slash != std::string_view::npos) {
      std::string id = SafeDecode(tail.substr(0, slash));
      std::string_view what = tail.substr(slash + 1);
      if (what == "response" || what == "error") {
        if (request.body().size() > kMaxResponseBytes) {
          // The invocation fails now (the Node client ignores this status and asks for the
          // next event; without this the batch would wait for its timeout).
          impl.OnError(
              id,
              R"({"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes)."})",
              "Function.ResponseSizeTooLarge");
          co_return ApiError(413, "RequestEntityTooLarge",
                             "the response is larger than 6291556 bytes");
        }
        auto mode = request["Lambda-Runtime-Function-Response-Mode"];
        if (what == "response" && !mode.empty() && mode != "streaming") {
          impl.OnError(
              id,
              R"({"errorType":"Runtime.InvalidResponseModeHeader","errorMessage":"Lambda-Runtime-Function-Response-Mode must be streaming"})",
              "Runtime.InvalidResponseModeHeader");
          co_return ApiError(400, "InvalidFunctionResponseMode",
                             "Lambda-Runtime-Function-Response-Mode must be streaming");
        }
        // A stream that failed part way says so in its trailers (workers.md 3.7).
        bool stream_failed = what == "response" && mode == "streaming" &&
                             !request["Lambda-Runtime-Function-Error-Type"].empty();
        if (stream_failed) {
          auto body = common::Base64Decode(request["Lambda-Runtime-Function-Error-Body"]);
          auto result = impl.OnError(id, body.value_or(R"({"errorType":"Runtime.StreamError"})"),
                                     std::string(request["Lambda-Runtime-Function-Error-Type"]));
          if (result == Environment::Impl::PostResult::kUnknownId) {
            co_return ApiError(400, "InvalidRequestID", "Invalid request ID");
          }
          co_return Json(202, R"({"status":"OK"})");
        }
        auto result =
            what == "response"
                ? impl.OnResponse(id, std::move(request.body()))
                : impl.OnError(id, std::move(request.body()),
                               std::string(request["Lambda-Runtime-Function-Error-Type"]));
        if (result == Environment::Impl::PostResult::kUnknownId) {
          co_return ApiError(400, "InvalidRequestID", "Invalid request ID");
        }
        co_return Json(202, R"({"status":"OK"})");
      }
    }
  }
  co_return ApiError(404, "NotFound", "unknown path");
}

asio::awaitable<void> Session(std::shared_ptr<Environment> env, Environment::Impl& impl,
                              tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);  // larger than 6 MB is refused by Route (413)
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    auto request = parser.release();
    Response response = co_await Route(env, impl, request);
    response.keep_alive(request.keep_alive());
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !request.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> Accept(std::shared_ptr<Environment> env, Environment::Impl& impl) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await impl.acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // closed: the environment is gone
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(impl.io, Session(env, impl, std::move(socket)), asio::detached);
  }
}

}  // namespace

void Environment::Impl::Listen() {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen();
  asio::co_spawn(io, Accept(self->shared_from_this(), *this), asio::detached);
}

}  // namespace spool::workers
