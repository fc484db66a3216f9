// MemoryEngine: queue administration (create, delete, list, attributes, purge, tags).
// Message operations are in memory_engine_messages.cc.

#include <algorithm>

#include "common/crypto.h"
#include "common/encoding.h"
#include "engine/journal_records.h"
#include "engine/memory_engine.h"

namespace spool::engine {
namespace {

std::string RandomSecret() {
  std::string s(32, '\0');
  common::RandomBytes(s.data(), s.size());
  return s;
}

uint64_t RandomQueueIdBase() {
  uint64_t v = 0;
  common::RandomBytes(&v, sizeof v);
  return (v >> 16) << 16;  // leaves room to count up
}

Error NotFound() { return MakeError(Errc::kQueueNotFound, "The specified queue does not exist."); }

// Finishes `done` with Empty or the error of a failed commit.
std::function<void(std::optional<Error>)> Acknowledge(Callback<Empty> done) {
  return [done = std::move(done)](std::optional<Error> err) {
    if (err) return done(std::move(*err));
    done(Empty{});
  };
}

StringPairs RenderAll(const QueueConfig& config, const ArnScope& scope) {
  StringPairs out;
  for (auto name : SettableAttributeNames()) {
    if (auto v = RenderAttribute(name, config, scope)) out.emplace_back(std::string(name), *v);
  }
  return out;
}

// Tag rules: key 1..128, value 0..256, no "aws:" prefix; ASCII characters limited to letters,
// digits, spaces and _ . : / = + - @ (other UTF-8 letters pass).
Result<Empty> ValidateTag(const std::string& key, const std::string& value) {
  auto allowed = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      auto u = static_cast<unsigned char>(c);
      return u >= 0x80 || std::isalnum(u) ||
             std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
    });
  };
  if (key.empty() || key.size() > 128 || !allowed(key)) {
    return MakeError(Errc::kInvalidParameterValue, "Tag key '" + key + "' is invalid.");
  }
  if (value.size() > 256 || !allowed(value)) {
    return MakeError(Errc::kInvalidParameterValue, "Tag value for key '" + key + "' is invalid.");
  }
  if (key.starts_with("aws:") || value.starts_with("aws:")) {
    return MakeError(Errc::kInvalidParameterValue,
                     "Tag keys and values must not start with the reserved prefix aws:.");
  }
  return Empty{};
}

// Merges `tags` into `*into` (a repeated key overwrites), enforcing at most 50 tags.
Result<Empty> MergeTags(const StringPairs& tags, const std::string& queue, StringPairs* into) {
  StringPairs merged = *into;
  for (const auto& [k, v] : tags) {
    auto r = ValidateTag(k, v);
    if (!r.ok()) return r;
    const std::string& key = k;  // clang 14 cannot capture structured bindings
    auto it =
        std::find_if(merged.begin(), merged.end(), [&](const auto& p) { return p.first == key; });
    if (it != merged.end()) {
      it->second = v;
    } else {
      merged.emplace_back(k, v);
    }
  }
  if (merged.size() > 50) {
    return MakeError(Errc::kInvalidParameterValue, "Too many tags added for queue " + queue + ".");
  }
  *into = std::move(merged);
  return Empty{};
}

bool IsReadOnlyAttribute(std::string_view name) {
  return name == "ApproximateNumberOfMessages" || name == "ApproximateNumberOfMessagesNotVisible" ||
         name == "ApproximateNumberOfMessagesDelayed" || name == "CreatedTimestamp" ||
         name == "LastModifiedTimestamp" || name == "QueueArn";
}

}  // namespace

MemoryEngine::MemoryEngine(EngineOptions options, const common::Clock* clock,
                           common::Scheduler* scheduler)
    : options_(std::move(options)),
      clock_(clock),
      scheduler_(scheduler),
      receipts_(options_.receipt_secret.empty() ? RandomSecret() : options_.receipt_secret),
      next_queue_id_(RandomQueueIdBase()) {}

MemoryEngine::~MemoryEngine() {
  std::lock_guard lock(mu_);
  for (auto& [handle, task] : move_tasks_) scheduler_->Cancel(task.timer);
  for (auto& [name, q] : queues_) {
    scheduler_->Cancel(q->wake_timer);
    for (auto& [id, w] : q->waiters) scheduler_->Cancel(w.timer);
  }
}

Queue* MemoryEngine::FindLocked(const std::string& name) {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : it->second.get();
}

Result<Empty> MemoryEngine::CheckRedriveLocked(const std::string& source,
                                               const QueueConfig& config) {
  if (!config.redrive_policy) return Empty{};
  const auto& scope = options_.scope;
  auto invalid = [&](const std::string& reason) {
    return MakeError(Errc::kInvalidParameterValue,
                     "Value " + *RenderAttribute("RedrivePolicy", config, scope) +
                         " for parameter RedrivePolicy is invalid. Reason: " + reason);
  };
  Queue* dlq = FindLocked(config.redrive_policy->dead_letter_queue);
  if (dlq == nullptr) return invalid("Dead letter target does not exist.");
  if (dlq->config.fifo != config.fifo) {
    return invalid("Dead-letter queue must be same type of queue as the source.");
  }
  const auto& allow = dlq->config.redrive_allow_policy;
  if (allow) {
    bool ok = allow->permission == RedrivePermission::kAllowAll ||
              (allow->permission == RedrivePermission::kByQueue &&
               std::find(allow->source_queues.begin(), allow->source_queues.end(), source) !=
                   allow->source_queues.end());
    if (!ok) {
      return invalid("Queue " + scope.QueueArn(dlq->name()) +
                     " does not allow this queue to use it as a dead-letter queue.");
    }
  }
  return Empty{};
}

void MemoryEngine::CreateQueue(CreateQueueRequest req, Callback<Empty> done) {
  QueueConfig config;
  auto applied = ApplyAttributes(req.attributes, AttributeUse::kCreate, options_.scope, &config);
  auto named = ValidateQueueName(req.name, config.fifo);
  if (!named.ok()) return done(named.error());
  if (!applied.ok()) return done(applied.error());
  StringPairs tags;
  auto tagged = MergeTags(req.tags, req.name, &tags);
  if (!tagged.ok()) return done(tagged.error());

  Result<Empty> result = Empty{};
  Completions completions;
  bool journaled = false;
  {
    std::lock_guard lock(mu_);
    TimePoint now = clock_->Now();
    if (Queue* existing = FindLocked(req.name)) {
      for (const auto& [name, value] : req.attributes) {
        if (RenderAttribute(name, existing->config, options_.scope) !=
            RenderAttribute(name, config, options_.scope)) {
          result = MakeError(Errc::kQueueNameExists,
                             "A queue already exists with the same name and a different value "
                             "for attribute " +
                                 name);
          break;
        }
      }
    } else if (auto it = deleted_at_.find(req.name);
               it != deleted_at_.end() && now < it->second + options_.delete_cooldown) {
      result = MakeError(Errc::kQueueDeletedRecently,
                         "You must wait 60 seconds after deleting a queue before you can create "
                         "another with the same name.");
    } else if (queues_.size() >= options_.max_queues) {
      result = MakeError(Errc::kOverLimit, "Too many queues.");
    } else if (auto r = CheckRedriveLocked(req.name, config); !r.ok()) {
      result = r;
    } else {
      deleted_at_.erase(req.name);
      auto q = std::make_unique<Queue>(next_queue_id_++, req.name, std::move(config), now);
      q->tags = std::move(tags);
      journal::CreateQueue record;
      record.queue_id = q->id();
      record.name = req.name;
      record.created_ms = record.last_modified_ms = common::ToEpochMillis(now);
      record.attributes = RenderAll(q->config, options_.scope);
      record.tags = q->tags;
      queues_by_id_[q->id()] = q.get();
      queues_.emplace(req.name, std::move(q));
      CommitLocked(
          EncodeForLog(record), [](Completions*) {}, Acknowledge(std::move(done)), &completions);
      journaled = true;
    }
  }
  for (auto& c : completions) c();
  if (!journaled) done(std::move(result));
}

void MemoryEngine::DeleteQueue(std::string name, Callback<Empty> done) {
  Completions completions;
  {
    std::lock_guard lock(mu_);
    auto it = queues_.find(name);
    if (it == queues_.end()) return done(NotFound());
    Queue* q = it->second.get();
    FailWaitersLocked(q, &completions);
    scheduler_->Cancel(q->wake_timer);
    uint64_t id = q->id();
    queues_by_id_.erase(id);
    deleted_at_[name] = clock_->Now();
    queues_.erase(it);
    CommitLocked(
        EncodeForLog(journal::DeleteQueue{id}), [](Completions*) {}, Acknowledge(std::move(done)),
        &completions);
  }
  for (auto& c : completions) c();
}

void MemoryEngine::LookupQueue(std::string name, Callback<Empty> done) {
  bool found;
  {
    std::lock_guard lock(mu_);
    found = FindLocked(name) != nullptr;
  }
  if (!found) return done(NotFound());
  done(Empty{});
}

Result<ListQueuesResult> MemoryEngine::PageLocked(const std::vector<std::string>& names,
                                                  const ListQueuesRequest& page) {
  if (page.max_results && (*page.max_results < 1 || *page.max_results > 1000)) {
    return MakeError(Errc::kInvalidParameterValue,
                     "Value " + std::to_string(*page.max_results) +
                         " for parameter MaxResults is invalid. Reason: MaxResults must be an "
                         "integer between 1 and 1000.");
  }
  std::string after;
  if (page.next_token) {
    auto decoded = common::Base64Decode(*page.next_token);
    if (!decoded || decoded->empty()) {
      return MakeError(Errc::kInvalidParameterValue, "Invalid NextToken value.");
    }
    after = *decoded;
  }
  size_t limit = page.max_results ? static_cast<size_t>(*page.max_results) : 1000;
  ListQueuesResult out;
  for (const auto& n : names) {  // names are sorted
    if (!after.empty() && n <= after) continue;
    if (out.names.size() == limit) {
      if (page.max_results) out.next_token = common::Base64Encode(out.names.back());
      break;
    }
    out.names.push_back(n);
  }
  return out;
}

void MemoryEngine::ListQueues(ListQueuesRequest req, Callback<ListQueuesResult> done) {
  Result<ListQueuesResult> result = ListQueuesResult{};
  {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    for (auto it = queues_.lower_bound(req.prefix);
         it != queues_.end() && it->first.starts_with(req.prefix); ++it) {
      names.push_back(it->first);
    }
    result = PageLocked(names, req);
  }
  done(std::move(result));
}

void MemoryEngine::GetQueueAttributes(std::string name, std::vector<std::string> names,
                                      Callback<StringPairs> done) {
  const auto& settable = SettableAttributeNames();
  for (const auto& n : names) {
    if (n != "All" && !IsReadOnlyAttribute(n) &&
        std::find(settable.begin(), settable.end(), n) == settable.end()) {
      return done(MakeError(Errc::kInvalidAttributeName, "Unknown Attribute " + n + "."));
    }
  }
  bool all = std::find(names.begin(), names.end(), "All") != names.end();
  StringPairs out;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(name);
    if (q == nullptr) return done(NotFound());
    TimePoint now = clock_->Now();
    q->Tick(now);
    auto value = [&](std::string_view n) -> std::optional<std::string> {
      if (n == "ApproximateNumberOfMessages") return std::to_string(q->ready_count());
      if (n == "ApproximateNumberOfMessagesNotVisible") return std::to_string(q->inflight_count());
      if (n == "ApproximateNumberOfMessagesDelayed") return std::to_string(q->delayed_count());
      if (n == "CreatedTimestamp") return std::to_string(common::ToEpochMillis(q->created) / 1000);
      if (n == "LastModifiedTimestamp") {
        return std::to_string(common::ToEpochMillis(q->last_modified) / 1000);
      }
      if (n == "QueueArn") return options_.scope.QueueArn(q->name());
      return RenderAttribute(n, q->config, options_.scope);
    };
    std::vector<std::string_view> order;
    if (all) {
      order = {"QueueArn",
               "ApproximateNumberOfMessages",
               "ApproximateNumberOfMessagesNotVisible",
               "ApproximateNumberOfMessagesDelayed",
               "CreatedTimestamp",
               "LastModifiedTimestamp"};
      order.insert(order.end(), settable.begin(), settable.end());
    } else {
      for (const auto& n : names) {
        if (std::find(order.begin(), order.end(), n) == order.end()) order.push_back(n);
      }
    }
    for (auto n : order) {
      if (auto v = value(n)) out.emplace_back(std::string(n), std::move(*v));
    }
  }
  done(std::move(out));
}

void MemoryEngine::SetQueueAttributes(std::string name, StringPairs attributes,
                                      Callback<Empty> done) {
  Result<Empty> result = Empty{};
  Completions completions;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(name);
    if (q == nullptr) return done(NotFound());
    QueueConfig config = q->config;
    result = ApplyAttributes(attributes, AttributeUse::kSet, options_.scope, &config);
    // Only a RedrivePolicy being set is checked against its target: a source whose dead-letter
    // queue was deleted, or now denies it, can still change its other attributes.
    bool sets_redrive = std::any_of(attributes.begin(), attributes.end(),
                                    [](const auto& a) { return a.first == "RedrivePolicy"; });
    if (result.ok() && sets_redrive) result = CheckRedriveLocked(name, config);
    if (result.ok()) {
      q->config = std::move(config);
      TimePoint now = clock_->Now();
      q->last_modified = now;
      q->Tick(now);  // a shorter retention applies to stored messages at once
      journal::SetAttributes record{q->id(), common::ToEpochMillis(now),
                                    RenderAll(q->config, options_.scope)};
      CommitLocked(
          EncodeForLog(record), [](Completions*) {}, Acknowledge(std::move(done)), &completions);
    }
  }
  for (auto& c : completions) c();
  if (!result.ok()) done(std::move(result));
}

void MemoryEngine::PurgeQueue(std::string name, Callback<Empty> done) {
  Result<Empty> result = Empty{};
  Completions completions;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(name);
    if (q == nullptr) return done(NotFound());
    TimePoint now = clock_->Now();
    if (q->last_purge && now < *q->last_purge + options_.purge_cooldown) {
      result = MakeError(Errc::kPurgeInProgress, "Only one PurgeQueue operation on " + name +
                                                     " is allowed every 60 seconds.");
    } else {
      q->last_purge = now;
      uint64_t id = q->id();
      // Applied in commit order, so sends journaled before the purge are purged too, as on
      // replay.
      CommitLocked(
          EncodeForLog(journal::PurgeQueue{id, common::ToEpochMillis(now)}),
          [this, id](Completions*) {
            if (auto it = queues_by_id_.find(id); it != queues_by_id_.end()) it->second->Purge();
          },
          Acknowledge(std::move(done)), &completions);
    }
  }
  for (auto& c : completions) c();
  if (!result.ok()) done(std::move(result));
}

void MemoryEngine::TagQueue(std::string name, StringPairs tags, Callback<Empty> done) {
  Result<Empty> result = Empty{};
  Completions completions;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(name);
    if (q == nullptr) return done(NotFound());
    result = MergeTags(tags, name, &q->tags);
    if (result.ok()) {
      CommitLocked(
          EncodeForLog(journal::SetTags{q->id(), q->tags}), [](Completions*) {},
          Acknowledge(std::move(done)), &completions);
    }
  }
  for (auto& c : completions) c();
  if (!result.ok()) done(std::move(result));
}

void MemoryEngine::UntagQueue(std::string name, std::vector<std::string> keys,
                              Callback<Empty> done) {
  Completions completions;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(name);
    if (q == nullptr) return done(NotFound());
    std::erase_if(q->tags, [&](const auto& p) {
      return std::find(keys.begin(), keys.end(), p.first) != keys.end();
    });
    CommitLocked(
        EncodeForLog(journal::SetTags{q->id(), q->tags}), [](Completions*) {},
        Acknowledge(std::move(done)), &completions);
  }
  for (auto& c : completions) c();
}

void MemoryEngine::ListQueueTags(std::string name, Callback<StringPairs> done) {
  StringPairs tags;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(name);
    if (q == nullptr) return done(NotFound());
    tags = q->tags;
  }
  done(std::move(tags));
}

void MemoryEngine::ListDeadLetterSourceQueues(std::string name, ListQueuesRequest page,
                                              Callback<ListQueuesResult> done) {
  Result<ListQueuesResult> result = ListQueuesResult{};
  {
    std::lock_guard lock(mu_);
    if (FindLocked(name) == nullptr) return done(NotFound());
    std::vector<std::string> names;
    for (const auto& [n, q] : queues_) {
      if (q->config.redrive_policy && q->config.redrive_policy->dead_letter_queue == name) {
        names.push_back(n);
      }
    }
    result = PageLocked(names, page);
  }
  done(std::move(result));
}

void MemoryEngine::Shutdown() {
  Completions completions;
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
    for (auto& [handle, task] : move_tasks_) {
      scheduler_->Cancel(task.timer);  // running tasks resume at the next start
      task.timer = 0;
    }
    for (auto& [name, q] : queues_) {
      scheduler_->Cancel(q->wake_timer);
      q->wake_timer = 0;
      for (auto& [id, w] : q->waiters) {
        scheduler_->Cancel(w.timer);
        completions.push_back([done = std::move(w.done)] { done(ReceiveResult{}); });
      }
      q->waiters.clear();
    }
  }
  for (auto& c : completions) c();
}

void MemoryEngine::FailWaitersLocked(Queue* q, Completions* completions) {
  for (auto& [id, w] : q->waiters) {
    scheduler_->Cancel(w.timer);
    completions->push_back([done = std::move(w.done)] { done(NotFound()); });
  }
  q->waiters.clear();
}

}  // namespace spool::engine
