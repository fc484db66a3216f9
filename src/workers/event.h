#pragma once
// The Lambda SQS event (workers.md section 1) and the partial batch response rules (2.4).
//
// Threading: pure functions. Errors: none thrown; malformed responses are outcomes.

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "workers/sqs_port.h"

namespace spool::workers {

// A synchronous invocation's payload limit (6 MB), which a batch's event must stay under.
inline constexpr size_t kMaxEventBytes = 6 * 1024 * 1024;

// One record of the event: {"messageId", "receiptHandle", "body", "attributes",
// "messageAttributes", "md5OfMessageAttributes" (only when the message has attributes),
// "md5OfBody", "eventSource": "aws:sqs", "eventSourceARN", "awsRegion"}. Message attributes in
// Lambda's lowerCamelCase with "stringListValues" and "binaryListValues" always present.
std::string EventRecord(const QueueMessage& message, std::string_view queue_arn,
                        std::string_view region);

// {"Records":[...]} from records made by EventRecord, in order.
std::string EventOf(const std::vector<std::string>& records);

// What a batch's invocation result means for its messages.
struct BatchVerdict {
  bool whole_batch_failed = false;
  std::set<std::string> failed_ids;  // messageIds to leave in the queue (partial failure)
  std::string reason;  // why a response was judged a whole-batch failure ("" otherwise)
};

// The response of a successful invocation of a mapping with ReportBatchItemFailures, judged by
// Lambda's rules (2.4) and ours where AWS is silent: null, {}, missing or null or empty
// batchItemFailures => success; invalid JSON, a non-object, a non-array batchItemFailures, an
// item without a non-empty string itemIdentifier, or one naming no message of this batch =>
// the whole batch failed.
BatchVerdict JudgeBatchResponse(std::string_view response, const std::set<std::string>& batch_ids);

}  // namespace spool::workers
