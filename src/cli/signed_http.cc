#include "cli/signed_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <strings.h>

#include <chrono>

#include "auth/sigv4.h"

namespace spool::cli {

namespace beast = boost::beast;
namespace asio = boost::asio;

std::string HttpReply::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

HttpReply SendSigned(const ClientSettings& settings, const SignedRequest& request) {
  std::string rest = settings.endpoint;
  if (!rest.starts_with("http://")) return {0, {}, "the endpoint must start with http://"};
  rest = rest.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string host = rest, port = "80";
  if (size_t colon = rest.rfind(':'); colon != std::string::npos && rest.back() != ']') {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);

  std::vector<auth::Header> headers = {{"Host", rest}};
  for (const auto& [k, v] : request.headers) headers.push_back({k, v});
  auth::HttpRequestView view;
  view.method = request.method;
  view.path = request.path;
  view.query = request.query;
  view.headers = headers;
  view.body = request.body;
  auth::SignedHeaderValues sig =
      auth::Sign(view, settings.credentials, {settings.region, request.service},
                 std::chrono::time_point_cast<common::Millis>(std::chrono::system_clock::now()));
  try {
    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(request.timeout_seconds));
    stream.connect(resolver.resolve(host, port));
    std::string target = request.path + (request.query.empty() ? "" : "?" + request.query);
    beast::http::request<beast::http::string_body> req{beast::http::string_to_verb(request.method),
                                                       target, 11};
    req.set(beast::http::field::host, rest);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    req.set("X-Amz-Date", sig.x_amz_date);
    if (!sig.x_amz_security_token.empty()) {
      req.set("X-Amz-Security-Token", sig.x_amz_security_token);
    }
    req.set(beast::http::field::authorization, sig.authorization);
    req.body() = request.body;
    req.prepare_payload();
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::http::read(stream, buffer, parser);
    auto& res = parser.get();
    HttpReply reply;
    reply.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    reply.body = std::move(res.body());
    beast::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return reply;
  } catch (const std::exception& e) {
    return {0, {}, "cannot reach " + settings.endpoint + ": " + e.what()};
  }
}

}  // namespace spool::cli
