// Invoke: one invocation of a function outside any mapping, through workers::Invoker.

#include <boost/json.hpp>

#include <cstdio>

#include "common/encoding.h"
#include "lambda/actions.h"

namespace spool::lambda {
namespace {

constexpr size_t kLogTailBytes = 4096;

std::string ErrorPayload(std::string_view type, std::string_view message) {
  return boost::json::serialize(
      boost::json::object{{"errorType", type}, {"errorMessage", message}});
}

void Answer(const ExchangePtr& ex, bool tail, int64_t timeout_seconds,
            workers::InvokeOutcome outcome) {
  using workers::InvokeOutcome;
  switch (outcome.status) {
    case InvokeOutcome::kNotFound:
      return ex->Fail(LambdaErrc::kResourceNotFound, "Function not found.");
    case InvokeOutcome::kThrottled:
      return ex->Fail(LambdaErrc::kTooManyRequests, "Rate Exceeded.");
    default:
      break;
  }
  http::Response r;
  r.status = 200;
  r.headers.push_back({"Content-Type", "application/json"});
  r.headers.push_back({"X-Amz-Executed-Version", "$LATEST"});
  std::string payload = std::move(outcome.payload);
  if (outcome.status != InvokeOutcome::kSuccess) {
    r.headers.push_back({"X-Amz-Function-Error", "Unhandled"});
    if (payload.empty() && outcome.status == InvokeOutcome::kTimeout) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.2f", static_cast<double>(timeout_seconds));
      payload = ErrorPayload("Sandbox.Timedout", "RequestId: " + outcome.request_id +
                                                     " Error: Task timed out after " + seconds +
                                                     " seconds");
    } else if (payload.empty()) {
      payload = ErrorPayload(outcome.error_type.empty() ? "Runtime.ExitError" : outcome.error_type,
                             "RequestId: " + outcome.request_id + " Error: Runtime exited");
    }
  }
  if (tail) {
    std::string_view log = outcome.log_tail;
    if (log.size() > kLogTailBytes) log = log.substr(log.size() - kLogTailBytes);
    r.headers.push_back({"X-Amz-Log-Result", common::Base64Encode(log)});
  }
  r.body = std::move(payload);
  ex->ReplyRaw(std::move(r));
}

}  // namespace

void RunInvoke(const Services& s, const ExchangePtr& ex) {
  auto name = RouteFunction(s, *ex);
  if (!name) return;
  auto function = s.registry->GetFunction(*name);
  if (!function.ok()) return FailRegistry(s, *ex, function.error());

  std::string type(ex->request.header("X-Amz-Invocation-Type"));
  if (type.empty()) type = "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "1 validation error detected: Value '" + type +
                        "' at 'invocationType' failed to satisfy constraint: Member must satisfy "
                        "enum value set: [Event, RequestResponse, DryRun]");
  }
  std::string_view log_type = ex->request.header("X-Amz-Log-Type");
  if (!log_type.empty() && log_type != "None" && log_type != "Tail") {
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "1 validation error detected: Value '" + std::string(log_type) +
                        "' at 'logType' failed to satisfy constraint: Member must satisfy enum "
                        "value set: [None, Tail]");
  }
  std::string payload = std::move(ex->request.body);
  if (payload.find_first_not_of(" \t\r\n") == std::string::npos) {
    payload = "{}";
  } else {
    boost::system::error_code ec;
    boost::json::parse(payload, ec);
    if (ec) {
      return ex->Fail(LambdaErrc::kInvalidRequestContent,
                      "Could not parse request body into json: " + ec.message());
    }
  }
  if (type == "DryRun") return ex->ReplyEmpty(204);
  if (s.invoker == nullptr) {
    return ex->Fail(LambdaErrc::kService,
                    "Spool's workers are not running in this server: functions cannot be "
                    "invoked.");
  }
  if (type == "Event") {
    // Run in the background; the outcome goes to the function's log only.
    s.invoker->Invoke(*name, std::move(payload), [](workers::InvokeOutcome) {});
    return ex->ReplyEmpty(202);
  }
  bool tail = log_type == "Tail";
  int64_t timeout = function.value().timeout_seconds;
  s.invoker->Invoke(*name, std::move(payload), [ex, tail, timeout](workers::InvokeOutcome outcome) {
    Answer(ex, tail, timeout, std::move(outcome));
  });
}

}  // namespace spool::lambda
