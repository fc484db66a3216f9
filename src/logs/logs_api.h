#pragma once
// LogsApi: the CloudWatch Logs API subset over the LogStore (README.md has the details), AWS
// JSON 1.1: POST with `X-Amz-Target: Logs_20140328.<Action>` and a JSON body, answered with
// `Content-Type: application/x-amz-json-1.1`. Actions: DescribeLogGroups, DescribeLogStreams,
// GetLogEvents, FilterLogEvents — what `aws logs tail` (FilterLogEvents with startTime and
// paging), `aws logs filter-log-events`, `get-log-events` and the describe calls need. Every
// function's log group is "/aws/lambda/<function>".
//
// Errors are CloudWatch's: HTTP 400 with {"__type": "...", "message": "..."}, types
// ResourceNotFoundException, InvalidParameterException, AccessDeniedException,
// SerializationException (a body that is not the JSON expected) and UnknownOperationException.
//
// Authorisation: the dispatcher has authenticated the principal; this API asks `authorize` about
// "logs:<Action>" on the log group's ARN, arn:aws:logs:REGION:ACCOUNT:log-group:NAME:* (for
// DescribeLogGroups, arn:aws:logs:REGION:ACCOUNT:log-group:*). The hook keeps this module free
// of the dispatcher's authorizer: `spool serve` passes api::Authorizer::CheckIam, which lets the
// root do everything and decides IAM users by their identity policies.
//
// Threading: Handle runs on I/O threads, concurrently; it answers before returning (reads are
// bounded: at most 1 MB of events and about 16 MB of log lines examined per call).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/principal.h"
#include "api/service_api.h"
#include "http/handler.h"
#include "logs/log_store.h"

namespace spool::logs {

struct LogsApiOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
};

// nullopt when `principal` may perform `iam_action` ("logs:GetLogEvents") on `resource`; else
// the AccessDenied message. A null hook allows everything (servers without authentication).
using LogsAuthorize = std::function<std::optional<std::string>(
    const api::Principal& principal, const std::string& iam_action, const std::string& resource,
    std::string_view source_ip)>;

class LogsApi final : public api::ServiceApi {
 public:
  // `store` must outlive the API.
  LogsApi(const LogStore* store, LogsApiOptions options, LogsAuthorize authorize);

  void Handle(const api::Principal& principal, http::Request request, http::Respond done) override;

  // The answer to one request (Handle is this plus `done`).
  http::Response Answer(const api::Principal& principal, const http::Request& request) const;

 private:
  const LogStore* store_;
  LogsApiOptions options_;
  LogsAuthorize authorize_;
};

}  // namespace spool::logs
