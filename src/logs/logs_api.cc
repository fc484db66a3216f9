#include "logs/logs_api.h"

#include <array>
#include <utility>

#include "common/uuid.h"
#include "logs/logs_actions.h"

namespace spool::logs {
namespace {

namespace json = boost::json;
using internal::ActionFn;
using internal::LogsError;

constexpr std::string_view kTargetPrefix = "Logs_20140328.";

constexpr std::array<std::pair<std::string_view, ActionFn>, 4> kActions = {{
    {"DescribeLogGroups", &internal::DescribeLogGroups},
    {"DescribeLogStreams", &internal::DescribeLogStreams},
    {"GetLogEvents", &internal::GetLogEvents},
    {"FilterLogEvents", &internal::FilterLogEvents},
}};

ActionFn Find(std::string_view action) {
  for (const auto& [name, fn] : kActions) {
    if (name == action) return fn;
  }
  return nullptr;
}

json::object ParseBody(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    internal::Throw("SerializationException", "The request body is not a JSON object.");
  }
  return std::move(v.as_object());
}

}  // namespace

LogsApi::LogsApi(const LogStore* store, LogsApiOptions options, LogsAuthorize authorize)
    : store_(store), options_(std::move(options)), authorize_(std::move(authorize)) {}

void LogsApi::Handle(const api::Principal& principal, http::Request request, http::Respond done) {
  done(Answer(principal, request));
}

http::Response LogsApi::Answer(const api::Principal& principal,
                               const http::Request& request) const {
  http::Response response;
  response.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  response.headers.push_back({"x-amzn-RequestId", common::NewUuid()});
  std::string_view target = request.header("X-Amz-Target");
  std::string action(target.starts_with(kTargetPrefix) ? target.substr(kTargetPrefix.size())
                                                       : target);
  json::object out;
  try {
    ActionFn fn = Find(action);
    if (fn == nullptr) {
      internal::Throw("UnknownOperationException",
                      "Spool's CloudWatch Logs API does not implement " + action +
                          " (it answers DescribeLogGroups, DescribeLogStreams, GetLogEvents "
                          "and FilterLogEvents).");
    }
    json::object body = ParseBody(request.body);
    internal::ActionContext ctx;
    ctx.store = store_;
    ctx.options = &options_;
    ctx.authorize = [&](const std::string& resource) {
      if (!authorize_) return;
      if (auto denied = authorize_(principal, "logs:" + action, resource, request.remote_address)) {
        internal::Throw("AccessDeniedException", *denied);
      }
    };
    out = fn(ctx, internal::Params(body));
  } catch (const LogsError& e) {
    response.status = 400;
    out = {{"__type", e.type}, {"message", e.message}};
  }
  response.body = json::serialize(out);
  return response;
}

}  // namespace spool::logs
