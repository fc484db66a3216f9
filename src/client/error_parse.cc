#include "client/error_parse.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace spool::client {

std::string ShapeName(std::string_view type) {
  if (size_t hash = type.rfind('#'); hash != std::string_view::npos) {
    type.remove_prefix(hash + 1);
  }
  if (size_t colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return std::string(type);
}

Error ErrorFromResponse(const HttpResponse& response) {
  std::string type, message;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response.body, ec);
  if (!ec && body.is_object()) {
    const auto& obj = body.get_object();
    if (auto* t = obj.if_contains("__type"); t && t->is_string()) {
      type = ShapeName(std::string_view(t->get_string()));
    }
    for (const char* key : {"message", "Message"}) {
      if (auto* m = obj.if_contains(key); m && m->is_string()) {
        message = std::string(m->get_string());
        break;
      }
    }
  }
  if (type.empty()) type = ShapeName(response.Header("x-amzn-ErrorType"));
  std::string code = response.Header("x-amzn-query-error");
  if (size_t semi = code.find(';'); semi != std::string::npos) code.resize(semi);
  if (code.empty()) code = type;
  if (code.empty()) {
    code = "UnknownError";
    std::string start = response.body.substr(0, 200);
    message = "HTTP " + std::to_string(response.status) +
              (start.empty() ? std::string() : " with body: " + start);
  }
  std::string request_id = response.Header("x-amzn-RequestId");
  if (request_id.empty()) request_id = response.Header("x-amz-request-id");
  Error error(ErrorKind::kService, std::move(code), std::move(message));
  error.set_type(std::move(type))
      .set_http_status(response.status)
      .set_request_id(std::move(request_id));
  return error;
}

}  // namespace spool::client
