#pragma once
// The pieces the CloudWatch Logs actions share (internal to logs_api): typed access to the
// request's JSON members, errors, log group names and ARNs, paging tokens. Validation failures
// are thrown as LogsError and answered by LogsApi::Answer.

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_members.h"
#include "logs/log_store.h"
#include "logs/logs_api.h"

namespace spool::logs::internal {

struct LogsError {
  std::string type;  // "__type", e.g. "ResourceNotFoundException"
  std::string message;
};

[[noreturn]] void Throw(std::string type, std::string message);
[[noreturn]] void InvalidParameter(std::string message);

// The members of a request body, read with their CloudWatch types. A member of another JSON type
// is a SerializationException; absent (or null) members are nullopt.
class Params : public common::JsonMembers {
 public:
  explicit Params(const boost::json::object& body);
  // `limit` between min and max (InvalidParameter outside), or `fallback`.
  int64_t Limit(std::string_view name, int64_t min, int64_t max, int64_t fallback) const;
};

inline constexpr std::string_view kLambdaGroupPrefix = "/aws/lambda/";

// What an action needs besides its parameters.
struct ActionContext {
  const LogStore* store = nullptr;
  const LogsApiOptions* options = nullptr;
  // Throws AccessDeniedException unless the caller may perform "logs:" + action on `resource`.
  std::function<void(const std::string& resource)> authorize;

  std::string GroupArn(std::string_view group_name) const;  // ...:log-group:NAME:*
  std::string AllGroupsArn() const;                         // ...:log-group:*
  std::string StreamArn(std::string_view group_name, std::string_view stream) const;
  // The function whose log group the request names (logGroupName or logGroupIdentifier, a name
  // or an ARN), authorised; ResourceNotFoundException when it has no logs.
  std::string ResolveGroup(const Params& p) const;
};

// Paging tokens. GetLogEvents' are AWS-shaped: "f/" or "b/" and 56 digits (a sequence number);
// FilterLogEvents continues with the same "f/" form. Describe tokens are opaque base64 of a key.
std::string ForwardToken(uint64_t after_sequence);
std::string BackwardToken(uint64_t before_sequence);
struct EventToken {
  bool forward = true;
  uint64_t sequence = 0;
};
EventToken ParseEventToken(std::string_view token);  // InvalidParameter when malformed
std::string KeyToken(std::string_view key);
std::string ParseKeyToken(std::string_view token);

using ActionFn = boost::json::object (*)(const ActionContext&, const Params&);
boost::json::object DescribeLogGroups(const ActionContext& ctx, const Params& p);
boost::json::object DescribeLogStreams(const ActionContext& ctx, const Params& p);
boost::json::object GetLogEvents(const ActionContext& ctx, const Params& p);
boost::json::object FilterLogEvents(const ActionContext& ctx, const Params& p);

}  // namespace spool::logs::internal
