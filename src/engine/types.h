#pragma once
// Requests and results of QueueService. Plain values; no wire format and no AWS spelling.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// What a message payload is made of (as sent, or as a journal record stores it). Plain values:
// MessagePayload::Create() packs them into the compact stored form.
struct PayloadFields {
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
  std::string dedup_id;  // FIFO: the deduplication id (given or content-based); "" otherwise
};

class MessagePayload;

// A counted reference to a MessagePayload (intrusive: the count lives in the payload). Copies
// are thread-safe; the payload is freed with its last reference, on whichever thread drops it.
class PayloadRef {
 public:
  PayloadRef() = default;
  PayloadRef(std::nullptr_t) {}  // NOLINT: as a pointer
  PayloadRef(const PayloadRef& o);
  PayloadRef(PayloadRef&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  PayloadRef& operator=(PayloadRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~PayloadRef();

  const MessagePayload* get() const { return p_; }
  const MessagePayload* operator->() const { return p_; }
  const MessagePayload& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(std::nullptr_t) const { return p_ == nullptr; }

 private:
  friend class MessagePayload;
  explicit PayloadRef(MessagePayload* p) : p_(p) {}  // adopts a reference
  MessagePayload* p_ = nullptr;
};

// The immutable part of a stored message, shared by the queue, every receive result that hands
// it out and a snapshot being written. One allocation: a 64-byte header followed by the body.
// The message id is kept as the 16 bytes of its UUID (formatted only when rendered), the sender
// as an index into a process-wide table of interned sender ids. Everything rare (message and
// system attributes and their digests, a group id, a sender that is not interned, a message id
// that is not a canonical UUID) lives in a separate `Extras` block that plain messages do not
// have. With jemalloc, a 256-byte body makes a 320-byte allocation.
class MessagePayload {
 public:
  static PayloadRef Create(PayloadFields fields);
  // Copies `fields` except the body, which is `body` (saves a copy of it when building).
  static PayloadRef Create(PayloadFields&& fields, std::string_view body);

  MessagePayload(const MessagePayload&) = delete;
  MessagePayload& operator=(const MessagePayload&) = delete;

  std::string message_id() const;  // 36-character UUID, or as stored
  // The same without allocating: a view of `buf` (or of the stored id).
  std::string_view message_id(std::array<char, 36>& buf) const;
  std::string_view body() const { return {reinterpret_cast<const char*>(this + 1), body_size_}; }
  const Md5Digest& md5_body() const { return md5_body_; }
  TimePoint sent() const { return common::FromEpochMillis(sent_ms_); }
  int64_t sent_ms() const { return sent_ms_; }
  const std::string& sender_id() const;
  const std::string& group_id() const;
  const std::string& dedup_id() const;
  const MessageAttributes& attributes() const;
  const MessageAttributes& system_attributes() const;
  const std::optional<Md5Digest>& md5_attributes() const;
  const std::optional<Md5Digest>& md5_system_attributes() const;
  // The fields back (tests, tools).
  PayloadFields ToFields() const;

  // A payload equal to `p` but sent at `sent_ms`: `p` itself when it is the only reference
  // (changed in place), else a copy. For replay, where the enqueue time is authoritative.
  static PayloadRef WithSent(PayloadRef p, int64_t sent_ms);

 private:
  friend class PayloadRef;
  struct Extras;
  MessagePayload() = default;
  ~MessagePayload();
  static void Release(const MessagePayload* p);

  mutable std::atomic<uint32_t> refs_{1};
  uint32_t body_size_ = 0;
  uint32_t sender_ = 0;      // index into the interned sender ids, or kSenderInExtras
  uint32_t id_is_uuid_ = 0;  // 1: id_ holds the UUID; 0: the id is Extras::message_id
  uint8_t id_[16] = {};
  Md5Digest md5_body_{};
  int64_t sent_ms_ = 0;
  Extras* extras_ = nullptr;
  // body_size_ bytes of body follow the header.
};

inline PayloadRef::PayloadRef(const PayloadRef& o) : p_(o.p_) {
  if (p_ != nullptr) p_->refs_.fetch_add(1, std::memory_order_relaxed);
}
inline PayloadRef::~PayloadRef() {
  if (p_ != nullptr) MessagePayload::Release(p_);
}

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
  std::string sequence_number;  // FIFO only
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
  PayloadRef payload;
  std::string receipt_handle;
  int64_t receive_count = 0;  // including this receive
  TimePoint first_receive;
  std::string dead_letter_source_arn;  // "" unless the message was moved from a source queue
  std::string sequence_number;         // FIFO only
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

// ---- message move tasks (dead-letter redrive back to a source) ----

struct StartMoveTaskRequest {
  std::string source_arn;                      // a dead-letter queue
  std::optional<std::string> destination_arn;  // absent: each message's original source
  std::optional<int64_t> max_per_second;       // 1..500; absent: the engine chooses
};

struct MoveTaskInfo {
  std::string handle;  // opaque; only reported while running
  std::string status;  // RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
  std::string source_arn;
  std::string destination_arn;            // "" when absent
  std::optional<int64_t> max_per_second;  // as requested
  int64_t moved = 0;
  int64_t to_move = 0;  // the source's message count when the task started
  std::string failure_reason;
  int64_t started_ms = 0;
};

}  // namespace spool::engine
