#pragma once
// Queue attributes: the typed configuration of a queue, parsed from and rendered to the
// name/value strings of CreateQueue, SetQueueAttributes and GetQueueAttributes.
// Pure functions; no locking, no clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/errc.h"
#include "engine/types.h"

namespace spool::engine {

// Where queue ARNs point: `arn:aws:sqs:<region>:<account>:<name>`.
struct ArnScope {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";

  std::string QueueArn(std::string_view name) const;
  // The queue name of an ARN in this scope, or nullopt when it is malformed or elsewhere.
  std::optional<std::string> QueueNameOf(std::string_view arn) const;
};

struct RedrivePolicy {
  std::string dead_letter_queue;  // queue name (the ARN's last part)
  int64_t max_receive_count = 0;  // 1..1000
};

enum class RedrivePermission { kAllowAll, kDenyAll, kByQueue };

struct RedriveAllowPolicy {
  RedrivePermission permission = RedrivePermission::kAllowAll;
  std::vector<std::string> source_queues;  // names, for kByQueue
};

struct QueueConfig {
  int64_t visibility_timeout = 30;
  int64_t maximum_message_size = 1048576;
  int64_t message_retention_period = 345600;
  int64_t delay_seconds = 0;
  int64_t receive_message_wait_time_seconds = 0;
  std::string policy;  // raw JSON; "" when unset
  std::optional<RedrivePolicy> redrive_policy;
  std::optional<RedriveAllowPolicy> redrive_allow_policy;
  bool fifo = false;
  bool content_based_deduplication = false;
  std::string deduplication_scope = "queue";
  std::string fifo_throughput_limit = "perQueue";
  std::string kms_master_key_id;
  int64_t kms_data_key_reuse_period_seconds = 300;
  bool sqs_managed_sse_enabled = true;
};

// The limits of message and queue attributes.
inline constexpr int64_t kMaxVisibilityTimeout = 43200;
inline constexpr int64_t kMaxDelaySeconds = 900;
inline constexpr int64_t kMaxWaitSeconds = 20;
inline constexpr int64_t kMaxMessageSizeLimit = 1048576;

enum class AttributeUse { kCreate, kSet };

// Applies `attributes` to *config, validating each. On error *config may be partly changed:
// callers apply to a copy. Does not check cross-queue rules (DLQ existence): see
// MemoryEngine.
Result<Empty> ApplyAttributes(const StringPairs& attributes, AttributeUse use,
                              const ArnScope& scope, QueueConfig* config);

// The value of one settable attribute as GetQueueAttributes spells it, or nullopt when the
// attribute is unset (Policy, RedrivePolicy, ...) or does not apply to the queue.
std::optional<std::string> RenderAttribute(std::string_view name, const QueueConfig& config,
                                           const ArnScope& scope);

// Names of the settable attributes that GetQueueAttributes(All) lists, in output order.
const std::vector<std::string_view>& SettableAttributeNames();

// Queue name rules: 1..80 of [A-Za-z0-9_-], ".fifo" suffix exactly for FIFO queues.
Result<Empty> ValidateQueueName(std::string_view name, bool fifo);

}  // namespace spool::engine
