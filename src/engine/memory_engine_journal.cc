// MemoryEngine: durability. Journaling of changes, recovery by replay, snapshots.
//
// Rules (docs/architecture.md, "Durability"):
// - Every record is appended while mu_ is held, so the journal's order is the lock order.
// - Sends and purges change which messages exist; they are applied to memory in their commit
//   callbacks, in journal order, so memory always equals what replay would rebuild and no
//   receiver sees a message a crash could take back.
// - Deletes remove the message at once (so it cannot be handed out again) and are acknowledged
//   on commit; a delete that fails to become durable was not acknowledged.
// - Receive counts and dead-letter moves are journaled lazily (nobody waits for them).
// - Visibility deadlines are not journaled: after a restart, messages that were in flight are
//   visible again (their receive counts survive).

#include <algorithm>
#include <unordered_map>

#include "engine/journal_records.h"
#include "engine/memory_engine.h"

namespace spool::engine {
namespace {

using common::FromEpochMillis;
using common::ToEpochMillis;

// Messages per AddMessages record in a snapshot.
constexpr size_t kSnapshotChunk = 512;

StringPairs RenderConfig(const QueueConfig& config, const ArnScope& scope) {
  StringPairs out;
  for (auto name : SettableAttributeNames()) {
    if (auto v = RenderAttribute(name, config, scope)) out.emplace_back(std::string(name), *v);
  }
  return out;
}

}  // namespace

void MemoryEngine::AttachLog(storage::Log* log) {
  std::lock_guard lock(mu_);
  log_ = log;
  if (log == nullptr) return;
  // Recovery is over: move tasks that were running carry on.
  TimePoint now = clock_->Now();
  for (auto& [handle, task] : move_tasks_) {
    if (task.info.status == "RUNNING" && task.timer == 0) ScheduleMoveTaskLocked(task, now);
  }
}

void MemoryEngine::CommitLocked(std::string record, ApplyFn apply, AfterFn after,
                                Completions* completions) {
  if (log_ == nullptr) {
    apply(completions);
    if (after) completions->push_back([after = std::move(after)] { after(std::nullopt); });
    return;
  }
  log_->Append(std::move(record), [this, apply = std::move(apply),
                                   after = std::move(after)](const storage::Status& status) {
    if (!status.ok) {
      if (after) {
        after(MakeError(Errc::kInternal,
                        "The change could not be stored durably: " + status.message));
      }
      return;
    }
    Completions c;
    {
      std::lock_guard lock(mu_);
      apply(&c);
    }
    for (auto& fn : c) fn();
    if (after) after(std::nullopt);
    MaybeCheckpoint();
  });
}

void MemoryEngine::JournalLazilyLocked(std::string record) {
  if (log_ != nullptr) log_->AppendLazy(std::move(record));
}

void MemoryEngine::MaybeCheckpoint() {
  storage::Log* log;
  {
    std::lock_guard lock(mu_);
    log = log_;
  }
  if (log == nullptr) return;
  uint64_t segments = log->segment_bytes();
  // Checkpoint when the segments since the last snapshot hold more than the threshold and more
  // than the snapshot itself: disk use stays within a small multiple of the live data.
  if (segments > options_.checkpoint_min_bytes && segments > log->snapshot_bytes()) {
    log->RequestCheckpoint([this] { return CaptureSnapshot(); });
  }
}

namespace {

// What a snapshot keeps of one message, captured under the lock: a reference to the shared
// payload (never a copy of it) and the few mutable fields, 32 bytes.
struct CapturedMessage {
  PayloadRef payload;
  uint64_t seq;
  int64_t visible_at_ms;  // delayed: when it becomes visible; else 0
  uint32_t receive_count;
  int32_t first_receive_offset;
  uint32_t arn;  // index into CapturedQueue::arns, 0: none
};

struct CapturedQueue {
  journal::CreateQueue create;
  journal::DedupEntries dedup;    // FIFO queues' deduplication windows; empty otherwise
  std::vector<std::string> arns;  // dead-letter source ARNs, arn - 1
  std::vector<CapturedMessage> messages;
};

// Encodes the captured state one record (a queue, or a chunk of its messages) at a time as the
// log writes it, dropping each chunk's payload references as it goes.
class CapturedSnapshot final : public storage::SnapshotSource {
 public:
  CapturedSnapshot(std::vector<CapturedQueue> queues, std::vector<std::string> tail)
      : queues_(std::move(queues)), tail_(std::move(tail)) {}
  bool Next(std::string* record) override {
    while (queue_ < queues_.size()) {
      CapturedQueue& q = queues_[queue_];
      if (!created_) {
        created_ = true;
        *record = journal::Encode(q.create);
        return true;
      }
      if (!q.dedup.entries.empty()) {
        *record = journal::Encode(q.dedup);
        q.dedup.entries = {};
        return true;
      }
      if (next_ < q.messages.size()) {
        journal::AddMessages add{q.create.queue_id, {}};
        size_t end = std::min(q.messages.size(), next_ + kSnapshotChunk);
        add.messages.reserve(end - next_);
        for (; next_ < end; ++next_) {
          CapturedMessage& c = q.messages[next_];
          journal::StoredMessage& s = add.messages.emplace_back();
          s.seq = c.seq;
          int64_t sent = c.payload->sent_ms();
          s.enqueued_ms = sent;
          s.visible_at_ms = c.visible_at_ms;
          s.receive_count = c.receive_count;
          s.first_receive_ms =
              c.first_receive_offset == Message::kNeverReceived ? 0 : sent + c.first_receive_offset;
          if (c.arn != 0) s.dead_letter_source_arn = q.arns[c.arn - 1];
          s.payload = std::move(c.payload);
        }
        *record = journal::Encode(add);
        return true;  // `add` goes now, and with it the chunk's payload references
      }
      queues_[queue_] = CapturedQueue{};
      ++queue_;
      created_ = false;
      next_ = 0;
    }
    if (tail_next_ < tail_.size()) {
      *record = std::move(tail_[tail_next_++]);
      return true;
    }
    return false;
  }

 private:
  std::vector<CapturedQueue> queues_;
  std::vector<std::string> tail_;  // records after the queues (move tasks), encoded
  size_t tail_next_ = 0;
  size_t queue_ = 0;
  bool created_ = false;
  size_t next_ = 0;
};

}  // namespace

std::vector<std::string> MemoryEngine::SnapshotRecords() {
  std::unique_ptr<storage::SnapshotSource> source = CaptureSnapshot();
  std::vector<std::string> out;
  std::string record;
  while (source->Next(&record)) out.push_back(std::move(record));
  return out;
}

std::unique_ptr<storage::SnapshotSource> MemoryEngine::CaptureSnapshot() {
  // Captured under the lock (32 bytes per message: payloads are referenced, not copied);
  // encoded later, off the lock and off the commit path, by the snapshot thread.
  std::vector<CapturedQueue> queues;
  std::vector<std::string> tail;
  {
    std::lock_guard lock(mu_);
    TimePoint now = clock_->Now();
    for (const auto& [handle, t] : move_tasks_) {
      const MoveTaskInfo& i = t.info;
      tail.push_back(journal::Encode(journal::MoveTask{
          i.handle, i.status, i.source_arn, i.destination_arn, i.max_per_second.value_or(0),
          i.moved, i.to_move, i.failure_reason, i.started_ms}));
    }
    queues.reserve(queues_.size());
    for (const auto& entry : queues_) {
      // Not a structured binding: the lambda below captures the queue (clang 14 cannot).
      const std::string& name = entry.first;
      Queue* q = entry.second.get();
      q->Tick(now);
      CapturedQueue& c = queues.emplace_back();
      c.create.queue_id = q->id();
      c.create.name = name;
      c.create.created_ms = ToEpochMillis(q->created);
      c.create.last_modified_ms = ToEpochMillis(q->last_modified);
      c.create.attributes = RenderConfig(q->config, options_.scope);
      c.create.tags = q->tags;
      if (q->config.fifo) {
        q->dedup.Expire(ToEpochMillis(now));
        c.dedup.queue_id = q->id();
        q->dedup.ForEach([&](const std::string& key, const DedupWindow::Entry& e) {
          c.dedup.entries.push_back({key, e.message_id, e.seq, e.sent_ms});
        });
      }
      c.messages.reserve(q->size());
      std::unordered_map<std::string_view, uint32_t> arn_ids;
      q->ForEachMessage([&](const Message& m) {
        uint32_t arn = 0;
        if (m.arn != 0 || m.flags != 0) {
          const std::string& s = q->SourceArn(&m);
          if (!s.empty()) {
            auto [it, added] = arn_ids.emplace(s, static_cast<uint32_t>(c.arns.size() + 1));
            if (added) c.arns.push_back(s);
            arn = it->second;
          }
        }
        int64_t visible_at =
            m.state == Message::State::kDelayed ? ToEpochMillis(q->VisibleAt(&m)) : 0;
        c.messages.push_back(CapturedMessage{m.payload, m.seq, visible_at, m.receive_count,
                                             m.first_receive_offset, arn});
      });
    }
  }
  return std::make_unique<CapturedSnapshot>(std::move(queues), std::move(tail));
}

bool MemoryEngine::Replay(std::string_view bytes, std::string* error) {
  auto record = journal::Decode(bytes);
  if (!record) {
    *error = "a journal record does not decode (type " +
             std::to_string(bytes.empty() ? 0 : static_cast<uint8_t>(bytes[0])) + ", " +
             std::to_string(bytes.size()) + " bytes)";
    return false;
  }
  std::lock_guard lock(mu_);
  TimePoint now = clock_->Now();
  auto find = [this](uint64_t id) -> Queue* {
    auto it = queues_by_id_.find(id);
    return it == queues_by_id_.end() ? nullptr : it->second;
  };
  auto config_of = [&](const StringPairs& attributes, QueueConfig* config) {
    auto r = ApplyAttributes(attributes, AttributeUse::kCreate, options_.scope, config);
    if (!r.ok()) *error = "a stored queue configuration is invalid: " + r.error().message;
    return r.ok();
  };
  bool ok = true;
  std::visit(
      [&](auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, journal::CreateQueue>) {
          QueueConfig config;
          if (!(ok = config_of(r.attributes, &config))) return;
          if (Queue* same = find(r.queue_id)) {
            // Already known (a create journaled while a snapshot was taken is in both the
            // snapshot and the segment after it): keep its messages, take the configuration.
            same->config = std::move(config);
            same->last_modified = FromEpochMillis(r.last_modified_ms);
            same->tags = std::move(r.tags);
            return;
          }
          if (auto old = queues_.find(r.name); old != queues_.end()) {
            queues_by_id_.erase(old->second->id());
            queues_.erase(old);
          }
          auto q = std::make_unique<Queue>(r.queue_id, r.name, std::move(config),
                                           FromEpochMillis(r.created_ms));
          q->last_modified = FromEpochMillis(r.last_modified_ms);
          q->tags = std::move(r.tags);
          queues_by_id_[r.queue_id] = q.get();
          queues_[r.name] = std::move(q);
          next_queue_id_ = std::max(next_queue_id_, r.queue_id + 1);
        } else if constexpr (std::is_same_v<T, journal::DeleteQueue>) {
          if (Queue* q = find(r.queue_id)) {
            std::string name = q->name();
            queues_by_id_.erase(r.queue_id);
            queues_.erase(name);
          }
        } else if constexpr (std::is_same_v<T, journal::SetAttributes>) {
          if (Queue* q = find(r.queue_id)) {
            QueueConfig config;
            if (!(ok = config_of(r.attributes, &config))) return;
            q->config = std::move(config);
            q->last_modified = FromEpochMillis(r.last_modified_ms);
          }
        } else if constexpr (std::is_same_v<T, journal::SetTags>) {
          if (Queue* q = find(r.queue_id)) q->tags = std::move(r.tags);
        } else if constexpr (std::is_same_v<T, journal::PurgeQueue>) {
          if (Queue* q = find(r.queue_id)) {
            q->Purge();
            q->last_purge = FromEpochMillis(r.at_ms);
          }
        } else if constexpr (std::is_same_v<T, journal::AddMessages>) {
          Queue* q = find(r.queue_id);
          if (q == nullptr) return;
          for (auto& s : r.messages) {
            if (Message* old = q->Find(s.seq)) q->Remove(old);
            // The enqueue time is the payload's sent time (they differ only by the moment the
            // lock was taken in records of older versions).
            PayloadRef payload = MessagePayload::WithSent(std::move(s.payload), s.enqueued_ms);
            Message* m = q->Add(s.seq, std::move(payload), FromEpochMillis(s.visible_at_ms), now);
            m->receive_count =
                static_cast<uint32_t>(std::clamp<int64_t>(s.receive_count, 0, UINT32_MAX));
            m->set_first_receive(FromEpochMillis(s.first_receive_ms));
            if (!s.dead_letter_source_arn.empty()) q->SetSourceArn(m, s.dead_letter_source_arn);
            if (q->config.fifo && !m->payload->dedup_id().empty() &&
                s.dead_letter_source_arn.empty()) {
              // The send's deduplication window (not for messages moved here from a source
              // queue: a move is not a send).
              bool per_group = q->config.deduplication_scope == "messageGroup";
              q->dedup.Insert(
                  DedupWindow::Key(per_group, m->payload->group_id(), m->payload->dedup_id()),
                  DedupWindow::Entry{m->payload->message_id(), m->seq, m->payload->sent_ms()});
            }
          }
        } else if constexpr (std::is_same_v<T, journal::DeleteMessages>) {
          if (Queue* q = find(r.queue_id)) {
            for (uint64_t seq : r.seqs) {
              if (Message* m = q->Find(seq)) q->Remove(m);
            }
          }
        } else if constexpr (std::is_same_v<T, journal::Receive>) {
          if (Queue* q = find(r.queue_id)) {
            if (Message* m = q->Find(r.seq)) {
              m->receive_count =
                  static_cast<uint32_t>(std::clamp<int64_t>(r.receive_count, 0, UINT32_MAX));
              m->set_first_receive(FromEpochMillis(r.first_receive_ms));
            }
          }
        } else if constexpr (std::is_same_v<T, journal::MoveTask>) {
          RestoreMoveTaskLocked(std::move(r));
        } else if constexpr (std::is_same_v<T, journal::DedupEntries>) {
          if (Queue* q = find(r.queue_id)) {
            for (auto& e : r.entries) {
              q->dedup.Insert(std::move(e.key),
                              DedupWindow::Entry{std::move(e.message_id), e.seq, e.sent_ms});
            }
          }
        } else if constexpr (std::is_same_v<T, journal::MoveMessage>) {
          Queue* from = find(r.from_queue_id);
          Queue* to = find(r.to_queue_id);
          Message* m = from ? from->Find(r.seq) : nullptr;
          if (m == nullptr || to == nullptr) return;
          PayloadRef payload = m->payload;
          uint32_t count = m->receive_count;
          int32_t first = m->first_receive_offset;
          from->Remove(m);
          if (Message* old = to->Find(r.new_seq)) to->Remove(old);
          Message* moved = to->Add(r.new_seq, std::move(payload), now, now);
          moved->receive_count = count;
          moved->first_receive_offset = first;
          to->SetSourceArn(moved, r.dead_letter_source_arn);
        }
      },
      *record);
  return ok;
}

}  // namespace spool::engine
