#pragma once
// Requests and results of QueueService. Plain values; no wire format and no AWS spelling.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "engine/errc.h"

namespace spool::engine {

using common::Md5Digest;
using common::TimePoint;

// One message attribute value. `data_type` is "String", "Number" or "Binary", optionally
// followed by "." and a custom label. String and Number types carry `string_value`; Binary
// types carry raw bytes in `binary_value`. The list members are reserved by SQS and kept as
// given.
struct AttributeValue {
  std::string data_type;
  std::string string_value;
  std::string binary_value;
  std::vector<std::string> string_list_values;
  std::vector<std::string> binary_list_values;
  bool operator==(const AttributeValue&) const = default;
};

// Name -> value, kept sorted by name (byte order) once validated by the engine.
using MessageAttributes = std::vector<std::pair<std::string, AttributeValue>>;

// The immutable part of a stored message, shared by every receive that hands it out.
struct MessagePayload {
  std::string message_id;
  std::string body;
  MessageAttributes attributes;
  MessageAttributes system_attributes;  // AWSTraceHeader only
  Md5Digest md5_body{};
  std::optional<Md5Digest> md5_attributes;         // over all attributes sent
  std::optional<Md5Digest> md5_system_attributes;  // over the system attributes sent
  TimePoint sent;                                  // enqueue time; retention counts from it
  std::string sender_id;
  std::string group_id;  // fair-queue tenant on standard queues; "" when absent
};

// ---- queues ----

struct CreateQueueRequest {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::pair<std::string, std::string>> tags;
};

struct ListQueuesRequest {
  std::string prefix;
  std::optional<int64_t> max_results;  // 1..1000; absent: up to 1000 and no token
  std::optional<std::string> next_token;
};

struct ListQueuesResult {
  std::vector<std::string> names;
  std::optional<std::string> next_token;
};

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// ---- messages ----

struct SendEntry {
  std::string id;  // batch entry id; any value for a single send
  std::optional<std::string> body;
  std::optional<int64_t> delay_seconds;
  MessageAttributes attributes;
  MessageAttributes system_attributes;
  std::optional<std::string> deduplication_id;
  std::optional<std::string> group_id;
};

struct SendRequest {
  std::string queue;
  std::vector<SendEntry> entries;
  // Batch rules (1..10 entries, distinct valid ids, total size) apply only to batches.
  bool batch = false;
  std::string sender_id;
};

struct SendEntryResult {
  std::string id;
  std::optional<Error> error;  // set: this entry failed and nothing was enqueued for it
  std::string message_id;
  Md5Digest md5_body{};
  std::optional<Md5Digest> md5_attributes;
  std::optional<Md5Digest> md5_system_attributes;
};

struct SendResult {
  std::vector<SendEntryResult> entries;  // in request order
};

struct ReceiveRequest {
  std::string queue;
  std::optional<int64_t> max_messages;        // 1..10, default 1
  std::optional<int64_t> visibility_timeout;  // 0..43200, default the queue's
  std::optional<int64_t> wait_seconds;        // 0..20, default the queue's
  std::optional<std::string> attempt_id;      // FIFO only
};

struct ReceivedMessage {
  std::shared_ptr<const MessagePayload> payload;
  std::string receipt_handle;
  int64_t receive_count = 0;  // including this receive
  TimePoint first_receive;
  std::string dead_letter_source_arn;  // "" unless the message was moved from a source queue
};

struct ReceiveResult {
  std::vector<ReceivedMessage> messages;
};

// An entry of DeleteMessage(Batch) or ChangeMessageVisibility(Batch).
struct HandleEntry {
  std::string id;
  std::optional<std::string> receipt_handle;
  std::optional<int64_t> visibility_timeout;  // ChangeMessageVisibility only
};

struct HandleRequest {
  std::string queue;
  std::vector<HandleEntry> entries;
  bool batch = false;
};

struct EntryStatus {
  std::string id;
  std::optional<Error> error;
};

struct BatchResult {
  std::vector<EntryStatus> entries;  // in request order
};

}  // namespace spool::engine
