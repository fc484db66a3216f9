#pragma once
// The engine's journal records: every durable change of queue state as one byte string, and
// back. The storage log frames and checksums them; this file defines their contents (format in
// docs/storage-format.md, "Engine records").
//
// Encoding: a type byte, then fields in a fixed order. Integers are LEB128 varints (signed
// ones zig-zag encoded), strings a varint length then bytes, digests raw bytes. Decoding checks
// every bound and rejects trailing bytes; a record that does not decode is corruption.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/types.h"

namespace spool::engine::journal {

enum class RecordType : uint8_t {
  kCreateQueue = 1,
  kDeleteQueue = 2,
  kSetAttributes = 3,
  kSetTags = 4,
  kPurgeQueue = 5,
  kAddMessages = 6,
  kDeleteMessages = 7,
  kReceive = 8,
  kMoveMessage = 9,
  kDedupEntries = 10,
  kMoveTask = 11,
};

struct CreateQueue {
  uint64_t queue_id = 0;
  std::string name;
  int64_t created_ms = 0;
  int64_t last_modified_ms = 0;
  StringPairs attributes;  // every settable attribute as GetQueueAttributes renders it
  StringPairs tags;
};

struct DeleteQueue {
  uint64_t queue_id = 0;
};

struct SetAttributes {
  uint64_t queue_id = 0;
  int64_t last_modified_ms = 0;
  StringPairs attributes;  // the full rendered set, replacing the old configuration
};

struct SetTags {
  uint64_t queue_id = 0;
  StringPairs tags;  // the full set
};

struct PurgeQueue {
  uint64_t queue_id = 0;
  int64_t at_ms = 0;
};

struct StoredMessage {
  uint64_t seq = 0;
  PayloadRef payload;  // never null in a record that decoded
  int64_t enqueued_ms = 0;
  int64_t visible_at_ms = 0;  // > now at replay: still delayed; otherwise ready
  int64_t receive_count = 0;
  int64_t first_receive_ms = 0;
  std::string dead_letter_source_arn;
};

struct AddMessages {
  uint64_t queue_id = 0;
  std::vector<StoredMessage> messages;
};

struct DeleteMessages {
  uint64_t queue_id = 0;
  std::vector<uint64_t> seqs;
};

struct Receive {
  uint64_t queue_id = 0;
  uint64_t seq = 0;
  int64_t receive_count = 0;
  int64_t first_receive_ms = 0;
};

struct MoveMessage {
  uint64_t from_queue_id = 0;
  uint64_t seq = 0;
  uint64_t to_queue_id = 0;
  uint64_t new_seq = 0;
  std::string dead_letter_source_arn;
};

// A FIFO queue's deduplication window (snapshots only: between snapshots, the window is
// rebuilt from the AddMessages records, whose messages carry their deduplication ids).
struct DedupEntries {
  struct Entry {
    std::string key;  // DedupWindow::Key()
    std::string message_id;
    uint64_t seq = 0;
    int64_t sent_ms = 0;
  };
  uint64_t queue_id = 0;
  std::vector<Entry> entries;
};

// The whole state of one message move task (written when it starts, as it progresses, when it
// ends, and in snapshots); replay keeps the last one per handle.
struct MoveTask {
  std::string handle;
  std::string status;
  std::string source_arn;
  std::string destination_arn;  // "" when absent
  int64_t max_per_second = 0;   // 0 when absent
  int64_t moved = 0;
  int64_t to_move = 0;
  std::string failure_reason;
  int64_t started_ms = 0;
};

using Record =
    std::variant<CreateQueue, DeleteQueue, SetAttributes, SetTags, PurgeQueue, AddMessages,
                 DeleteMessages, Receive, MoveMessage, DedupEntries, MoveTask>;

std::string Encode(const Record& record);
// nullopt when `bytes` is not a well-formed record of a known type.
std::optional<Record> Decode(std::string_view bytes);

}  // namespace spool::engine::journal
