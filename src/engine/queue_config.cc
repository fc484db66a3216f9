#include "engine/queue_config.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace spool::engine {
namespace {

bool ParseInt(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && p == end;
}

bool ParseBool(std::string_view text, bool* out) {
  // SQS accepts true/false in any case.
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") {
    *out = true;
    return true;
  }
  if (lower == "false") {
    *out = false;
    return true;
  }
  return false;
}

Error InvalidValue(std::string_view name, std::string_view reason = "") {
  std::string msg = "Invalid value for the parameter " + std::string(name) + ".";
  if (!reason.empty()) msg += " Reason: " + std::string(reason);
  return MakeError(Errc::kInvalidAttributeValue, std::move(msg));
}

Result<Empty> IntInRange(std::string_view name, std::string_view text, int64_t lo, int64_t hi,
                         int64_t* out) {
  int64_t v = 0;
  if (!ParseInt(text, &v) || v < lo || v > hi) return InvalidValue(name);
  *out = v;
  return Empty{};
}

Result<Empty> ParseRedrivePolicy(std::string_view text, const ArnScope& scope,
                                 std::optional<RedrivePolicy>* out) {
  if (text.empty()) {
    out->reset();
    return Empty{};
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return InvalidValue("RedrivePolicy", "Invalid JSON.");
  const auto& o = v.get_object();
  const auto* arn = o.if_contains("deadLetterTargetArn");
  const auto* count = o.if_contains("maxReceiveCount");
  if (arn == nullptr || !arn->is_string() || count == nullptr) {
    return InvalidValue("RedrivePolicy",
                        "Redrive policy does not contain mandatory attribute: "
                        "deadLetterTargetArn and maxReceiveCount.");
  }
  for (const auto& kv : o) {
    if (kv.key() != "deadLetterTargetArn" && kv.key() != "maxReceiveCount") {
      return InvalidValue("RedrivePolicy",
                          "Only following attributes are supported: "
                          "[deadLetterTargetArn, maxReceiveCount].");
    }
  }
  int64_t n = 0;
  bool count_ok = false;
  if (count->is_int64()) {
    n = count->as_int64();
    count_ok = true;
  } else if (count->is_uint64()) {
    count_ok = false;
  } else if (count->is_string()) {
    count_ok = ParseInt(std::string_view(count->as_string()), &n);
  }
  if (!count_ok || n < 1 || n > 1000) {
    return InvalidValue("RedrivePolicy",
                        "Invalid value for maxReceiveCount: valid values are from 1 to 1000 "
                        "both inclusive.");
  }
  auto name = scope.QueueNameOf(std::string_view(arn->as_string()));
  if (!name) return InvalidValue("RedrivePolicy", "Invalid value for deadLetterTargetArn.");
  *out = RedrivePolicy{*name, n};
  return Empty{};
}

Result<Empty> ParseRedriveAllowPolicy(std::string_view text, const ArnScope& scope,
                                      std::optional<RedriveAllowPolicy>* out) {
  if (text.empty()) {
    out->reset();
    return Empty{};
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return InvalidValue("RedriveAllowPolicy", "Invalid JSON.");
  const auto& o = v.get_object();
  const auto* perm = o.if_contains("redrivePermission");
  if (perm == nullptr || !perm->is_string()) {
    return InvalidValue("RedriveAllowPolicy", "redrivePermission is required.");
  }
  RedriveAllowPolicy policy;
  std::string_view p(perm->as_string());
  if (p == "allowAll") {
    policy.permission = RedrivePermission::kAllowAll;
  } else if (p == "denyAll") {
    policy.permission = RedrivePermission::kDenyAll;
  } else if (p == "byQueue") {
    policy.permission = RedrivePermission::kByQueue;
  } else {
    return InvalidValue("RedriveAllowPolicy",
                        "redrivePermission must be one of allowAll, denyAll, byQueue.");
  }
  const auto* arns = o.if_contains("sourceQueueArns");
  for (const auto& kv : o) {
    if (kv.key() != "redrivePermission" && kv.key() != "sourceQueueArns") {
      return InvalidValue("RedriveAllowPolicy",
                          "Only redrivePermission and sourceQueueArns are supported.");
    }
  }
  if (policy.permission == RedrivePermission::kByQueue) {
    if (arns == nullptr || !arns->is_array() || arns->as_array().empty()) {
      return InvalidValue("RedriveAllowPolicy",
                          "sourceQueueArns is required when redrivePermission is byQueue.");
    }
    if (arns->as_array().size() > 10) {
      return InvalidValue("RedriveAllowPolicy", "At most 10 sourceQueueArns are allowed.");
    }
    for (const auto& a : arns->as_array()) {
      if (!a.is_string()) return InvalidValue("RedriveAllowPolicy", "Invalid sourceQueueArns.");
      auto name = scope.QueueNameOf(std::string_view(a.as_string()));
      if (!name) return InvalidValue("RedriveAllowPolicy", "Invalid sourceQueueArns.");
      policy.source_queues.push_back(*name);
    }
  } else if (arns != nullptr) {
    return InvalidValue("RedriveAllowPolicy",
                        "sourceQueueArns is only allowed when redrivePermission is byQueue.");
  }
  *out = std::move(policy);
  return Empty{};
}

bool IsFifoOnly(std::string_view name) {
  return name == "ContentBasedDeduplication" || name == "DeduplicationScope" ||
         name == "FifoThroughputLimit";
}

}  // namespace

std::string ArnScope::QueueArn(std::string_view name) const {
  std::string arn = "arn:aws:sqs:";
  arn.append(region).append(":").append(account_id).append(":").append(name);
  return arn;
}

std::optional<std::string> ArnScope::QueueNameOf(std::string_view arn) const {
  std::string prefix = QueueArn("");
  if (arn.size() <= prefix.size() || arn.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string name(arn.substr(prefix.size()));
  if (!ValidateQueueName(name, name.ends_with(".fifo")).ok()) return std::nullopt;
  return name;
}

Result<Empty> ApplyAttributes(const StringPairs& attributes, AttributeUse use,
                              const ArnScope& scope, QueueConfig* c) {
  // FifoQueue is decided first: FIFO-only attributes depend on it.
  for (const auto& [name, value] : attributes) {
    if (name != "FifoQueue") continue;
    if (use == AttributeUse::kSet) {
      return MakeError(Errc::kInvalidAttributeName, "Unknown Attribute FifoQueue.");
    }
    bool fifo = false;
    if (!ParseBool(value, &fifo)) return InvalidValue(name);
    c->fifo = fifo;
  }
  for (const auto& [name, value] : attributes) {
    Result<Empty> r = Empty{};
    if (name == "FifoQueue") {
      continue;
    } else if (name == "VisibilityTimeout") {
      r = IntInRange(name, value, 0, kMaxVisibilityTimeout, &c->visibility_timeout);
    } else if (name == "MaximumMessageSize") {
      r = IntInRange(name, value, 1024, kMaxMessageSizeLimit, &c->maximum_message_size);
    } else if (name == "MessageRetentionPeriod") {
      r = IntInRange(name, value, 60, 1209600, &c->message_retention_period);
    } else if (name == "DelaySeconds") {
      r = IntInRange(name, value, 0, kMaxDelaySeconds, &c->delay_seconds);
    } else if (name == "ReceiveMessageWaitTimeSeconds") {
      r = IntInRange(name, value, 0, kMaxWaitSeconds, &c->receive_message_wait_time_seconds);
    } else if (name == "Policy") {
      if (!value.empty()) {
        boost::system::error_code ec;
        boost::json::value v = boost::json::parse(value, ec);
        if (ec || !v.is_object()) return InvalidValue(name, "Policy is not valid JSON.");
      }
      c->policy = value;
    } else if (name == "RedrivePolicy") {
      r = ParseRedrivePolicy(value, scope, &c->redrive_policy);
    } else if (name == "RedriveAllowPolicy") {
      r = ParseRedriveAllowPolicy(value, scope, &c->redrive_allow_policy);
    } else if (IsFifoOnly(name)) {
      if (!c->fifo) {
        return MakeError(Errc::kInvalidAttributeName,
                         "You can specify the " + name + " only when FifoQueue is set to true.");
      }
      if (name == "ContentBasedDeduplication") {
        if (!ParseBool(value, &c->content_based_deduplication)) return InvalidValue(name);
      } else if (name == "DeduplicationScope") {
        if (value != "queue" && value != "messageGroup") return InvalidValue(name);
        c->deduplication_scope = value;
      } else {
        if (value != "perQueue" && value != "perMessageGroupId") return InvalidValue(name);
        c->fifo_throughput_limit = value;
      }
    } else if (name == "KmsMasterKeyId") {
      c->kms_master_key_id = value;
    } else if (name == "KmsDataKeyReusePeriodSeconds") {
      r = IntInRange(name, value, 60, 86400, &c->kms_data_key_reuse_period_seconds);
    } else if (name == "SqsManagedSseEnabled") {
      if (!ParseBool(value, &c->sqs_managed_sse_enabled)) return InvalidValue(name);
    } else {
      return MakeError(Errc::kInvalidAttributeName, "Unknown Attribute " + name + ".");
    }
    if (!r.ok()) return r;
  }
  if (c->fifo && c->fifo_throughput_limit == "perMessageGroupId" &&
      c->deduplication_scope != "messageGroup") {
    return InvalidValue("FifoThroughputLimit",
                        "FifoThroughputLimit perMessageGroupId requires DeduplicationScope "
                        "messageGroup.");
  }
  return Empty{};
}

std::optional<std::string> RenderAttribute(std::string_view name, const QueueConfig& c,
                                           const ArnScope& scope) {
  if (name == "VisibilityTimeout") return std::to_string(c.visibility_timeout);
  if (name == "MaximumMessageSize") return std::to_string(c.maximum_message_size);
  if (name == "MessageRetentionPeriod") return std::to_string(c.message_retention_period);
  if (name == "DelaySeconds") return std::to_string(c.delay_seconds);
  if (name == "ReceiveMessageWaitTimeSeconds") {
    return std::to_string(c.receive_message_wait_time_seconds);
  }
  if (name == "Policy") {
    if (c.policy.empty()) return std::nullopt;
    return c.policy;
  }
  if (name == "RedrivePolicy") {
    if (!c.redrive_policy) return std::nullopt;
    boost::json::object o;
    o["deadLetterTargetArn"] = scope.QueueArn(c.redrive_policy->dead_letter_queue);
    o["maxReceiveCount"] = c.redrive_policy->max_receive_count;
    return boost::json::serialize(o);
  }
  if (name == "RedriveAllowPolicy") {
    if (!c.redrive_allow_policy) return std::nullopt;
    boost::json::object o;
    switch (c.redrive_allow_policy->permission) {
      case RedrivePermission::kAllowAll:
        o["redrivePermission"] = "allowAll";
        break;
      case RedrivePermission::kDenyAll:
        o["redrivePermission"] = "denyAll";
        break;
      case RedrivePermission::kByQueue: {
        o["redrivePermission"] = "byQueue";
        boost::json::array arns;
        for (const auto& q : c.redrive_allow_policy->source_queues) {
          arns.emplace_back(scope.QueueArn(q));
        }
        o["sourceQueueArns"] = std::move(arns);
        break;
      }
    }
    return boost::json::serialize(o);
  }
  if (name == "FifoQueue") {
    if (!c.fifo) return std::nullopt;
    return std::string("true");
  }
  if (IsFifoOnly(name)) {
    if (!c.fifo) return std::nullopt;
    if (name == "ContentBasedDeduplication") {
      return std::string(c.content_based_deduplication ? "true" : "false");
    }
    if (name == "DeduplicationScope") return c.deduplication_scope;
    return c.fifo_throughput_limit;
  }
  if (name == "KmsMasterKeyId") {
    if (c.kms_master_key_id.empty()) return std::nullopt;
    return c.kms_master_key_id;
  }
  if (name == "KmsDataKeyReusePeriodSeconds") {
    // Shown with a KMS key, or when set to something other than the default (so that
    // CreateQueue comparisons and the journal see it).
    if (c.kms_master_key_id.empty() && c.kms_data_key_reuse_period_seconds == 300) {
      return std::nullopt;
    }
    return std::to_string(c.kms_data_key_reuse_period_seconds);
  }
  if (name == "SqsManagedSseEnabled") {
    return std::string(c.sqs_managed_sse_enabled ? "true" : "false");
  }
  return std::nullopt;
}

const std::vector<std::string_view>& SettableAttributeNames() {
  static const std::vector<std::string_view> kNames = {"VisibilityTimeout",
                                                       "MaximumMessageSize",
                                                       "MessageRetentionPeriod",
                                                       "DelaySeconds",
                                                       "ReceiveMessageWaitTimeSeconds",
                                                       "Policy",
                                                       "RedrivePolicy",
                                                       "RedriveAllowPolicy",
                                                       "FifoQueue",
                                                       "ContentBasedDeduplication",
                                                       "DeduplicationScope",
                                                       "FifoThroughputLimit",
                                                       "KmsMasterKeyId",
                                                       "KmsDataKeyReusePeriodSeconds",
                                                       "SqsManagedSseEnabled"};
  return kNames;
}

Result<Empty> ValidateQueueName(std::string_view name, bool fifo) {
  std::string_view base = name;
  if (fifo) {
    if (!name.ends_with(".fifo")) {
      return MakeError(Errc::kInvalidParameterValue,
                       "The name of a FIFO queue can only include alphanumeric characters, "
                       "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in "
                       "length.");
    }
    base = name.substr(0, name.size() - 5);
  }
  bool ok = !base.empty() && name.size() <= 80;
  for (char ch : base) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) ok = false;
  }
  if (!ok) {
    return MakeError(Errc::kInvalidParameterValue,
                     fifo ? "The name of a FIFO queue can only include alphanumeric characters, "
                            "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 "
                            "in length."
                          : "Can only include alphanumeric characters, hyphens, or underscores. "
                            "1 to 80 in length");
  }
  return Empty{};
}

}  // namespace spool::engine
