// Request members, errors, log group names and ARNs, paging tokens (logs_actions.h).

#include <charconv>

#include "common/encoding.h"
#include "logs/logs_actions.h"

namespace spool::logs::internal {
namespace {

namespace json = boost::json;

constexpr size_t kTokenDigits = 56;

[[noreturn]] void SerializationError(std::string_view name, std::string_view expected) {
  Throw("SerializationException",
        "Member '" + std::string(name) + "' must be " + std::string(expected) + ".");
}

// CloudWatch's log group name pattern: [\.\-_/#A-Za-z0-9]+, 1 to 512 characters.
bool ValidGroupName(std::string_view name) {
  if (name.empty() || name.size() > 512) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void Throw(std::string type, std::string message) {
  throw LogsError{std::move(type), std::move(message)};
}

void InvalidParameter(std::string message) {
  Throw("InvalidParameterException", std::move(message));
}

Params::Params(const json::object& body) : common::JsonMembers(body, &SerializationError) {}

int64_t Params::Limit(std::string_view name, int64_t min, int64_t max, int64_t fallback) const {
  auto v = Long(name);
  if (!v) return fallback;
  if (*v < min || *v > max) {
    InvalidParameter("1 validation error detected: Value '" + std::to_string(*v) + "' at '" +
                     std::string(name) + "' failed to satisfy constraint: Member must have value " +
                     (*v < min ? "greater than or equal to " + std::to_string(min)
                               : "less than or equal to " + std::to_string(max)));
  }
  return *v;
}

std::string ActionContext::GroupArn(std::string_view group_name) const {
  return "arn:aws:logs:" + options->region + ":" + options->account_id +
         ":log-group:" + std::string(group_name) + ":*";
}

std::string ActionContext::AllGroupsArn() const {
  return "arn:aws:logs:" + options->region + ":" + options->account_id + ":log-group:*";
}

std::string ActionContext::StreamArn(std::string_view group_name, std::string_view stream) const {
  return "arn:aws:logs:" + options->region + ":" + options->account_id +
         ":log-group:" + std::string(group_name) + ":log-stream:" + std::string(stream);
}

std::string ActionContext::ResolveGroup(const Params& p) const {
  auto name = p.String("logGroupName");
  auto identifier = p.String("logGroupIdentifier");
  if (name && identifier) {
    InvalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (!name && !identifier) {
    InvalidParameter("Either logGroupName or logGroupIdentifier must be given.");
  }
  std::string group = name ? *name : *identifier;
  if (identifier && identifier->starts_with("arn:")) {
    // arn:aws:logs:REGION:ACCOUNT:log-group:NAME, with or without a trailing ":*".
    std::string prefix =
        "arn:aws:logs:" + options->region + ":" + options->account_id + ":log-group:";
    if (!identifier->starts_with(prefix)) {
      Throw("ResourceNotFoundException", "The specified log group does not exist.");
    }
    group = identifier->substr(prefix.size());
    if (group.ends_with(":*")) group.resize(group.size() - 2);
  }
  if (!ValidGroupName(group)) {
    InvalidParameter("1 validation error detected: Value '" + group +
                     "' at 'logGroupName' failed to satisfy constraint: Member must satisfy "
                     "regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  }
  authorize(GroupArn(group));
  std::string function = group.starts_with(kLambdaGroupPrefix)
                             ? group.substr(kLambdaGroupPrefix.size())
                             : std::string();
  auto groups = store->Groups();
  if (function.empty() || !std::binary_search(groups.begin(), groups.end(), function)) {
    Throw("ResourceNotFoundException", "The specified log group does not exist.");
  }
  return function;
}

std::string ForwardToken(uint64_t after_sequence) {
  std::string digits = std::to_string(after_sequence);
  return "f/" + std::string(kTokenDigits - digits.size(), '0') + digits;
}

std::string BackwardToken(uint64_t before_sequence) {
  std::string digits = std::to_string(before_sequence);
  return "b/" + std::string(kTokenDigits - digits.size(), '0') + digits;
}

EventToken ParseEventToken(std::string_view token) {
  EventToken t;
  uint64_t value = 0;
  bool ok =
      token.size() == 2 + kTokenDigits && (token[0] == 'f' || token[0] == 'b') && token[1] == '/';
  if (ok) {
    auto digits = token.substr(2);
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    ok = r.ec == std::errc() && r.ptr == digits.data() + digits.size();
  }
  if (!ok) InvalidParameter("The specified nextToken is invalid.");
  t.forward = token[0] == 'f';
  t.sequence = value;
  return t;
}

std::string KeyToken(std::string_view key) { return common::Base64Encode(key); }

std::string ParseKeyToken(std::string_view token) {
  auto key = common::Base64Decode(token);
  if (!key) InvalidParameter("The specified nextToken is invalid.");
  return *key;
}

}  // namespace spool::logs::internal
