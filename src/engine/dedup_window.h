#pragma once
// DedupWindow: a FIFO queue's memory of recently accepted deduplication ids (SQS: five minutes
// from the first accepted send). A send whose key is still remembered is accepted but not
// enqueued, and answered with the original message's id and sequence number. The key is the
// deduplication id (DeduplicationScope=queue) or the group id and the deduplication id
// (messageGroup); Key() builds it. Entries outlive the messages they name: the window counts
// from the send, whatever happened to the message since.
//
// Not thread-safe: the engine's mutex guards it (it lives in its Queue).

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace spool::engine {

class DedupWindow {
 public:
  static constexpr int64_t kWindowMs = 5 * 60 * 1000;

  struct Entry {
    std::string message_id;
    uint64_t seq = 0;     // the queue's sequence number of the original message
    int64_t sent_ms = 0;  // the window ends kWindowMs after this
  };

  static std::string Key(bool per_group, std::string_view group_id, std::string_view dedup_id);

  // The entry for `key` if its window is still open at `now_ms`.
  const Entry* Find(const std::string& key, int64_t now_ms) const;
  // Remembers `key` (replacing an older entry for it).
  void Insert(std::string key, Entry entry);
  // Forgets `key` if it still names `message_id` (a send that failed to become durable).
  void Erase(const std::string& key, std::string_view message_id);
  // Drops entries whose window closed by `now_ms`.
  void Expire(int64_t now_ms);
  void Clear();
  size_t size() const { return entries_.size(); }

  template <class Fn>
  void ForEach(Fn fn) const {  // fn(const std::string& key, const Entry&)
    for (const auto& [key, entry] : entries_) fn(key, entry);
  }

 private:
  std::unordered_map<std::string, Entry> entries_;
  // Keys in insertion order with the sent time they were inserted with: entries expire in this
  // order (a key re-inserted later leaves a stale item here, skipped when it comes up).
  std::deque<std::pair<int64_t, std::string>> order_;
};

}  // namespace spool::engine
