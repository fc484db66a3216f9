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
  if (log_ != nullptr) log_->Append(std::move(record), nullptr);
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

// Encodes captured records one at a time as the log writes them, releasing each as it goes.
class CapturedSnapshot final : public storage::SnapshotSource {
 public:
  explicit CapturedSnapshot(std::vector<journal::Record> records) : records_(std::move(records)) {}
  bool Next(std::string* record) override {
    if (next_ == records_.size()) return false;
    *record = journal::Encode(records_[next_]);
    records_[next_++] = journal::Record{};  // drop its payload references now
    return true;
  }

 private:
  std::vector<journal::Record> records_;
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
  // Captured under the lock (payloads are shared, not copied); encoded later, off the lock and
  // off the commit path, by the snapshot thread pulling from the source.
  std::vector<journal::Record> records;
  {
    std::lock_guard lock(mu_);
    TimePoint now = clock_->Now();
    for (const auto& [name, q] : queues_) {
      q->Tick(now);
      journal::CreateQueue create;
      create.queue_id = q->id();
      create.name = name;
      create.created_ms = ToEpochMillis(q->created);
      create.last_modified_ms = ToEpochMillis(q->last_modified);
      create.attributes = RenderConfig(q->config, options_.scope);
      create.tags = q->tags;
      records.emplace_back(std::move(create));
      journal::AddMessages add;
      add.queue_id = q->id();
      q->ForEachMessage([&](const Message& m) {
        journal::StoredMessage& s = add.messages.emplace_back();
        s.seq = m.seq;
        s.payload = m.payload;
        s.enqueued_ms = ToEpochMillis(m.enqueued);
        s.visible_at_ms = m.state == Message::State::kDelayed ? ToEpochMillis(m.visible_at) : 0;
        s.receive_count = m.receive_count;
        s.first_receive_ms = ToEpochMillis(m.first_receive);
        if (m.dead_letter_source_arn) s.dead_letter_source_arn = *m.dead_letter_source_arn;
        if (add.messages.size() == kSnapshotChunk) {
          records.emplace_back(std::move(add));
          add = journal::AddMessages{add.queue_id, {}};
        }
      });
      if (!add.messages.empty()) records.emplace_back(std::move(add));
    }
  }
  return std::make_unique<CapturedSnapshot>(std::move(records));
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
            auto payload = std::move(s.payload);
            Message* m = q->Add(s.seq, std::move(payload), FromEpochMillis(s.enqueued_ms),
                                FromEpochMillis(s.visible_at_ms), now);
            m->receive_count = s.receive_count;
            m->first_receive = FromEpochMillis(s.first_receive_ms);
            if (!s.dead_letter_source_arn.empty()) {
              m->dead_letter_source_arn =
                  std::make_shared<const std::string>(std::move(s.dead_letter_source_arn));
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
              m->receive_count = r.receive_count;
              m->first_receive = FromEpochMillis(r.first_receive_ms);
            }
          }
        } else if constexpr (std::is_same_v<T, journal::MoveMessage>) {
          Queue* from = find(r.from_queue_id);
          Queue* to = find(r.to_queue_id);
          Message* m = from ? from->Find(r.seq) : nullptr;
          if (m == nullptr || to == nullptr) return;
          auto payload = m->payload;
          TimePoint enqueued = m->enqueued;
          int64_t count = m->receive_count;
          TimePoint first = m->first_receive;
          from->Remove(m);
          Message* moved = to->Add(r.new_seq, std::move(payload), enqueued, now, now);
          moved->receive_count = count;
          moved->first_receive = first;
          moved->dead_letter_source_arn =
              std::make_shared<const std::string>(std::move(r.dead_letter_source_arn));
        }
      },
      *record);
  return ok;
}

}  // namespace spool::engine
