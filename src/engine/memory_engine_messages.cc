// MemoryEngine: message operations (send, receive with long polling, delete, visibility) and
// dead-letter redrive.

#include <algorithm>

#include "common/crypto.h"
#include "common/uuid.h"
#include "engine/journal_records.h"
#include "engine/memory_engine.h"
#include "engine/message_rules.h"

namespace spool::engine {
namespace {

constexpr size_t kMaxBatchEntries = 10;
constexpr int64_t kMaxBatchBytes = 1048576;

Error NotFound() { return MakeError(Errc::kQueueNotFound, "The specified queue does not exist."); }

Error InvalidParam(const std::string& name, int64_t value, const std::string& reason) {
  return MakeError(Errc::kInvalidParameterValue, "Value " + std::to_string(value) +
                                                     " for parameter " + name +
                                                     " is invalid. Reason: " + reason);
}

Error InvalidHandle(const std::string& handle) {
  return MakeError(Errc::kReceiptHandleInvalid,
                   "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
}

// Whole-request checks shared by the three batch actions.
template <class Entry>
std::optional<Error> CheckBatch(const std::vector<Entry>& entries, std::string_view entry_name) {
  if (entries.empty()) {
    return MakeError(Errc::kEmptyBatch, "There should be at least one " + std::string(entry_name) +
                                            " in the request.");
  }
  if (entries.size() > kMaxBatchEntries) {
    return MakeError(Errc::kTooManyEntries,
                     "Maximum number of entries per request are 10. You have sent " +
                         std::to_string(entries.size()) + ".");
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!IsValidBatchEntryId(entries[i].id)) {
      return MakeError(Errc::kInvalidBatchEntryId,
                       "A batch entry id can only contain alphanumeric characters, hyphens and "
                       "underscores. It can be at most 80 letters long.");
    }
    // At most ten entries: comparing pairs costs less than building a set.
    for (size_t j = 0; j < i; ++j) {
      if (entries[j].id == entries[i].id) {
        return MakeError(Errc::kBatchIdsNotDistinct, "Id " + entries[i].id + " repeated.");
      }
    }
  }
  return std::nullopt;
}

// What a send needs to know of its queue, read under the lock once.
struct SendLimits {
  int64_t max_size = 0;
  int64_t default_delay = 0;
  bool fifo = false;
  bool content_based_deduplication = false;
};

Error InvalidToken(std::string_view parameter, const std::string& value) {
  return MakeError(Errc::kInvalidParameterValue,
                   "Value " + value + " for parameter " + std::string(parameter) +
                       " is invalid. Reason: " + std::string(parameter) +
                       " can only include alphanumeric and punctuation characters. 1 to 128 in "
                       "length.");
}

// Validates one entry and builds its payload. Returns the entry's size in bytes.
Result<int64_t> PrepareEntry(SendEntry& e, const SendLimits& limits, TimePoint now,
                             const std::string& sender_id, PayloadRef* payload_out,
                             int64_t* delay_out) {
  if (!e.body || e.body->empty()) {
    return MakeError(Errc::kMissingParameter,
                     "The request must contain the parameter MessageBody.");
  }
  if (!IsAllowedMessageText(*e.body)) {
    return MakeError(Errc::kInvalidMessageContents,
                     "Invalid binary character was found in the message body, the set of allowed "
                     "characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | "
                     "#x10000 to #x10FFFF");
  }
  int64_t delay = e.delay_seconds.value_or(limits.default_delay);
  if (delay < 0 || delay > kMaxDelaySeconds) {
    return InvalidParam("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900.");
  }
  if (limits.fifo && e.delay_seconds && *e.delay_seconds != 0) {
    return InvalidParam("DelaySeconds", *e.delay_seconds,
                        "The request include parameter that is not valid for this queue type.");
  }
  auto attr_size = ValidateMessageAttributes(&e.attributes);
  if (!attr_size.ok()) return attr_size.error();
  auto sys = ValidateSystemAttributes(&e.system_attributes);
  if (!sys.ok()) return sys.error();
  int64_t size = static_cast<int64_t>(e.body->size()) + attr_size.value();
  if (size > limits.max_size) {
    return MakeError(Errc::kInvalidParameterValue,
                     "One or more parameters are invalid. Reason: Message must be shorter than " +
                         std::to_string(limits.max_size) + " bytes.");
  }
  std::string dedup_id;
  if (e.deduplication_id) {
    if (!limits.fifo) {
      return MakeError(Errc::kInvalidParameterValue,
                       "Value " + *e.deduplication_id +
                           " for parameter MessageDeduplicationId is invalid. Reason: The request "
                           "includes a parameter that is not valid for this queue type.");
    }
    if (!IsValidTokenId(*e.deduplication_id)) {
      return InvalidToken("MessageDeduplicationId", *e.deduplication_id);
    }
    dedup_id = std::move(*e.deduplication_id);
  }
  if (e.group_id && !IsValidTokenId(*e.group_id)) {
    return InvalidToken("MessageGroupId", *e.group_id);
  }
  if (limits.fifo) {
    if (!e.group_id) {
      return MakeError(Errc::kMissingParameter,
                       "The request must contain the parameter MessageGroupId.");
    }
    if (dedup_id.empty()) {
      if (!limits.content_based_deduplication) {
        return MakeError(Errc::kInvalidParameterValue,
                         "The queue should either have ContentBasedDeduplication enabled or "
                         "MessageDeduplicationId provided explicitly");
      }
      dedup_id = common::Sha256Hex(*e.body);  // SHA-256 of the body, as SQS does
    }
  }
  PayloadFields p;
  p.message_id = common::NewUuid();
  p.md5_body = common::Md5(*e.body);
  if (!e.attributes.empty()) p.md5_attributes = AttributesMd5(e.attributes);
  if (!e.system_attributes.empty()) p.md5_system_attributes = AttributesMd5(e.system_attributes);
  p.attributes = std::move(e.attributes);
  p.system_attributes = std::move(e.system_attributes);
  p.sent = now;
  p.sender_id = sender_id;
  if (e.group_id) p.group_id = std::move(*e.group_id);
  p.dedup_id = std::move(dedup_id);
  // The body goes inline into the payload's single allocation.
  *payload_out = MessagePayload::Create(std::move(p), *e.body);
  *delay_out = delay;
  return size;
}

}  // namespace

void MemoryEngine::SendMessages(SendRequest req, Callback<SendResult> done) {
  if (req.batch) {
    if (auto err = CheckBatch(req.entries, "SendMessageBatchRequestEntry")) return done(*err);
  }
  SendLimits limits;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(req.queue);
    if (q == nullptr) return done(NotFound());
    limits.max_size = q->config.maximum_message_size;
    limits.default_delay = q->config.delay_seconds;
    limits.fifo = q->config.fifo;
    limits.content_based_deduplication = q->config.content_based_deduplication;
  }

  // Validation, ids and digests outside the lock.
  TimePoint now = clock_->Now();
  SendResult result;
  result.entries.resize(req.entries.size());
  std::vector<PayloadRef> payloads(req.entries.size());
  std::vector<int64_t> delays(req.entries.size(), 0);
  int64_t total = 0;
  for (size_t i = 0; i < req.entries.size(); ++i) {
    auto& out = result.entries[i];
    out.id = req.entries[i].id;
    auto size = PrepareEntry(req.entries[i], limits, now, req.sender_id, &payloads[i], &delays[i]);
    if (!size.ok()) {
      out.error = size.error();
      continue;
    }
    total += size.value();
    out.message_id = payloads[i]->message_id();
    out.md5_body = payloads[i]->md5_body();
    out.md5_attributes = payloads[i]->md5_attributes();
    out.md5_system_attributes = payloads[i]->md5_system_attributes();
  }
  if (req.batch && total > kMaxBatchBytes) {
    return done(MakeError(Errc::kBatchTooLong,
                          "Batch requests cannot be longer than 1048576 bytes. You have sent " +
                              std::to_string(total) + " bytes."));
  }

  Completions completions;
  bool journaled = false;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(req.queue);
    if (q == nullptr) return done(NotFound());
    if (q->config.fifo != limits.fifo) return done(NotFound());  // replaced meanwhile
    now = clock_->Now();
    int64_t now_ms = common::ToEpochMillis(now);
    bool fifo = q->config.fifo;
    bool per_group = q->config.deduplication_scope == "messageGroup";
    if (fifo) q->dedup.Expire(now_ms);
    // Dedup keys this send added: forgotten again if its record fails to become durable.
    std::vector<std::pair<std::string, std::string>> remembered;
    // The messages join the queue (and become receivable) only once their record is durable.
    journal::AddMessages record;
    record.queue_id = q->id();
    for (size_t i = 0; i < payloads.size(); ++i) {
      if (!payloads[i]) continue;
      std::string key;
      if (fifo) {
        key = DedupWindow::Key(per_group, payloads[i]->group_id(), payloads[i]->dedup_id());
        if (const DedupWindow::Entry* seen = q->dedup.Find(key, now_ms)) {
          // Accepted, not enqueued: answered as the original send was.
          result.entries[i].message_id = seen->message_id;
          result.entries[i].sequence_number = q->SequenceNumber(seen->seq);
          payloads[i] = nullptr;
          continue;
        }
      }
      // A message's enqueue time is its payload's sent time (still ours alone: set in place).
      payloads[i] = MessagePayload::WithSent(std::move(payloads[i]), now_ms);
      journal::StoredMessage& m = record.messages.emplace_back();
      m.seq = q->AllocateSeq();
      m.payload = payloads[i];
      m.enqueued_ms = now_ms;
      m.visible_at_ms = common::ToEpochMillis(now + std::chrono::seconds(delays[i]));
      if (fifo) {
        result.entries[i].sequence_number = q->SequenceNumber(m.seq);
        q->dedup.Insert(key, DedupWindow::Entry{result.entries[i].message_id, m.seq, now_ms});
        remembered.emplace_back(std::move(key), result.entries[i].message_id);
      }
    }
    if (!record.messages.empty()) {
      std::string bytes = EncodeForLog(record);
      uint64_t queue_id = q->id();
      std::vector<uint64_t> seqs;
      for (const auto& m : record.messages) seqs.push_back(m.seq);
      auto apply = [this, queue_id, seqs = std::move(seqs), payloads = std::move(payloads),
                    delays = std::move(delays), now](Completions* c) mutable {
        auto it = queues_by_id_.find(queue_id);
        if (it == queues_by_id_.end()) return;  // deleted meanwhile, as replay will find
        Queue* target = it->second;
        TimePoint applied = clock_->Now();
        target->Tick(applied);
        size_t k = 0;
        for (size_t i = 0; i < payloads.size(); ++i) {
          if (!payloads[i]) continue;
          target->Add(seqs[k++], std::move(payloads[i]), now + std::chrono::seconds(delays[i]),
                      applied);
        }
        ServeWaitersLocked(target, applied, c);
      };
      auto after = [this, queue_id, remembered = std::move(remembered), done = std::move(done),
                    result = std::move(result)](std::optional<Error> err) mutable {
        if (err) {
          if (!remembered.empty()) {
            std::lock_guard lock(mu_);
            if (auto it = queues_by_id_.find(queue_id); it != queues_by_id_.end()) {
              for (const auto& [key, id] : remembered) it->second->dedup.Erase(key, id);
            }
          }
          return done(std::move(*err));
        }
        done(std::move(result));
      };
      CommitLocked(std::move(bytes), std::move(apply), std::move(after), &completions);
      journaled = true;
    }
  }
  for (auto& c : completions) c();
  if (!journaled) done(std::move(result));  // every entry failed or was a duplicate
}

void MemoryEngine::ReceiveMessages(ReceiveRequest req, Callback<ReceiveResult> done) {
  int64_t max = req.max_messages.value_or(1);
  if (max < 1 || max > 10) {
    return done(InvalidParam("MaxNumberOfMessages", max, "Must be between 1 and 10, if provided."));
  }
  if (req.visibility_timeout &&
      (*req.visibility_timeout < 0 || *req.visibility_timeout > kMaxVisibilityTimeout)) {
    return done(InvalidParam("VisibilityTimeout", *req.visibility_timeout,
                             "Must be >= 0 and <= 43200, if provided."));
  }
  if (req.wait_seconds && (*req.wait_seconds < 0 || *req.wait_seconds > kMaxWaitSeconds)) {
    return done(
        InvalidParam("WaitTimeSeconds", *req.wait_seconds, "Must be >= 0 and <= 20, if provided."));
  }
  if (req.attempt_id && !IsValidTokenId(*req.attempt_id)) {
    return done(InvalidToken("ReceiveRequestAttemptId", *req.attempt_id));
  }

  Completions completions;
  ReceiveResult result;
  bool waiting = false;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(req.queue);
    if (q == nullptr) return done(NotFound());
    TimePoint now = clock_->Now();
    q->Tick(now);
    int64_t vt = req.visibility_timeout.value_or(q->config.visibility_timeout);
    int64_t wait = req.wait_seconds.value_or(q->config.receive_message_wait_time_seconds);
    if (shutting_down_) wait = 0;
    // FIFO queues at their in-flight limit return nothing, without an error (as SQS does).
    if (!q->config.fifo && q->inflight_count() >= options_.max_inflight_per_queue && wait == 0) {
      return done(
          MakeError(Errc::kOverLimit, "Too many messages in flight for queue " + req.queue + "."));
    }
    std::string attempt_id;
    if (q->config.fifo && req.attempt_id) attempt_id = *req.attempt_id;
    if (!attempt_id.empty() && RepeatAttemptLocked(q, attempt_id, now, &result)) {
      // A retried receive: the same messages and receipt handles as the first time.
    } else {
      TakeLocked(q, max, vt, now, &result, &completions);
      if (!attempt_id.empty()) RememberAttemptLocked(q, attempt_id, vt, result, now);
    }
    if (result.messages.empty() && wait > 0) {
      waiting = true;
      uint64_t waiter_id = next_waiter_id_++;
      Waiter& w = q->waiters[waiter_id];
      w.max_messages = max;
      w.visibility_timeout = vt;
      w.attempt_id = std::move(attempt_id);
      w.done = std::move(done);
      uint64_t queue_id = q->id();
      w.timer = scheduler_->RunAt(now + std::chrono::seconds(wait), [this, queue_id, waiter_id] {
        OnWaiterDeadline(queue_id, waiter_id);
      });
      ArmWakeTimerLocked(q);
    }
  }
  for (auto& c : completions) c();
  if (!waiting) done(std::move(result));
}

void MemoryEngine::TakeLocked(Queue* q, int64_t max, int64_t vt, TimePoint now, ReceiveResult* out,
                              Completions* completions) {
  std::vector<Message*> zero_vt;
  ReceiveCursor cursor;
  while (static_cast<int64_t>(out->messages.size()) < max &&
         q->inflight_count() < options_.max_inflight_per_queue) {
    Message* m = q->PopReady(&cursor);
    if (m == nullptr) break;
    const auto& redrive = q->config.redrive_policy;
    if (redrive && m->receive_count >= redrive->max_receive_count &&
        MoveToDeadLetterLocked(q, m, now, completions)) {
      continue;
    }
    if (m->receive_count != UINT32_MAX) ++m->receive_count;
    ++m->nonce;
    if (m->first_receive_offset == Message::kNeverReceived) m->set_first_receive(now);
    if (log_ != nullptr) {
      JournalLazilyLocked(EncodeForLog(journal::Receive{
          q->id(), m->seq, m->receive_count, common::ToEpochMillis(m->first_receive())}));
    }
    if (vt > 0) {
      q->MakeInflight(m, now, vt);
    } else {
      zero_vt.push_back(m);
    }
    out->messages.push_back(ReceivedLocked(q, m));
  }
  for (Message* m : zero_vt) q->MakeReady(m);
}

ReceivedMessage MemoryEngine::ReceivedLocked(Queue* q, const Message* m) const {
  ReceivedMessage r;
  r.payload = m->payload;
  r.receipt_handle = receipts_.Encode({q->id(), m->seq, m->nonce});
  r.receive_count = m->receive_count;
  r.first_receive = m->first_receive();
  r.dead_letter_source_arn = q->SourceArn(m);
  if (q->config.fifo) r.sequence_number = q->SequenceNumber(m->seq);
  return r;
}

void MemoryEngine::RememberAttemptLocked(Queue* q, const std::string& attempt_id, int64_t vt,
                                         const ReceiveResult& result, TimePoint now) {
  int64_t now_ms = common::ToEpochMillis(now);
  if (q->attempts.size() >= kMaxAttemptsPerQueue) {
    std::erase_if(q->attempts, [now_ms](const auto& a) { return a.second.expires_ms <= now_ms; });
    if (q->attempts.size() >= kMaxAttemptsPerQueue) return;  // a retry then is a new receive
  }
  if (result.messages.empty()) {
    q->attempts.erase(attempt_id);
    return;
  }
  Queue::Attempt a;
  a.expires_ms = now_ms + kAttemptWindowMs;
  a.visibility_timeout = vt;
  for (const auto& m : result.messages) {
    auto fields = receipts_.Decode(m.receipt_handle);
    if (fields) a.messages.emplace_back(fields->message_seq, fields->nonce);
  }
  q->attempts.insert_or_assign(attempt_id, std::move(a));
}

bool MemoryEngine::RepeatAttemptLocked(Queue* q, const std::string& attempt_id, TimePoint now,
                                       ReceiveResult* out) {
  auto it = q->attempts.find(attempt_id);
  if (it == q->attempts.end()) return false;
  const Queue::Attempt& a = it->second;
  bool same = a.expires_ms > common::ToEpochMillis(now);
  std::vector<Message*> messages;
  for (auto [seq, nonce] : a.messages) {
    if (!same) break;
    Message* m = q->Find(seq);
    // Still in flight from that receive: not deleted, not made visible, not received again.
    same = m != nullptr && m->nonce == nonce && m->state == Message::State::kInflight;
    messages.push_back(m);
  }
  if (!same) {
    q->attempts.erase(it);
    return false;
  }
  for (Message* m : messages) {
    if (a.visibility_timeout > 0) {
      q->SetDeadline(m, now + std::chrono::seconds(a.visibility_timeout));
    }
    out->messages.push_back(ReceivedLocked(q, m));
  }
  return true;
}

bool MemoryEngine::MoveToDeadLetterLocked(Queue* q, Message* m, TimePoint now,
                                          Completions* completions) {
  Queue* dlq = FindLocked(q->config.redrive_policy->dead_letter_queue);
  if (dlq == nullptr || dlq == q) return false;
  PayloadRef payload = m->payload;  // same payload, same enqueue time
  uint32_t count = m->receive_count;
  int32_t first = m->first_receive_offset;
  uint64_t seq = m->seq;
  q->Remove(m);
  uint64_t new_seq = dlq->AllocateSeq();
  Message* moved = dlq->Add(new_seq, std::move(payload), now, now);
  moved->receive_count = count;
  moved->first_receive_offset = first;
  std::string arn = options_.scope.QueueArn(q->name());
  dlq->SetSourceArn(moved, arn);
  if (log_ != nullptr) {
    JournalLazilyLocked(
        EncodeForLog(journal::MoveMessage{q->id(), seq, dlq->id(), new_seq, std::move(arn)}));
  }
  // Waiters on the dead-letter queue are served once the current operation is done with `q`,
  // never re-entrantly.
  uint64_t dlq_id = dlq->id();
  completions->push_back([this, dlq_id] { ServeQueue(dlq_id, /*from_timer=*/false); });
  return true;
}

void MemoryEngine::ServeWaitersLocked(Queue* q, TimePoint now, Completions* completions) {
  while (!q->waiters.empty() && q->HasReceivable()) {
    auto it = q->waiters.begin();
    uint64_t waiter_id = it->first;
    Waiter w = std::move(it->second);
    q->waiters.erase(it);
    ReceiveResult r;
    TakeLocked(q, w.max_messages, w.visibility_timeout, now, &r, completions);
    if (r.messages.empty()) {
      q->waiters.emplace(waiter_id, std::move(w));  // everything it saw went to the DLQ
      if (q->inflight_count() >= options_.max_inflight_per_queue) break;
      continue;
    }
    if (!w.attempt_id.empty()) {
      RememberAttemptLocked(q, w.attempt_id, w.visibility_timeout, r, now);
    }
    scheduler_->Cancel(w.timer);
    completions->push_back(
        [done = std::move(w.done), r = std::move(r)]() mutable { done(std::move(r)); });
  }
  ArmWakeTimerLocked(q);
}

void MemoryEngine::ArmWakeTimerLocked(Queue* q) {
  std::optional<TimePoint> next;
  if (!q->waiters.empty()) next = q->NextVisibleAt();
  if (!next) {
    scheduler_->Cancel(q->wake_timer);
    q->wake_timer = 0;
    return;
  }
  if (q->wake_timer != 0 && q->wake_at <= *next) return;
  scheduler_->Cancel(q->wake_timer);
  uint64_t queue_id = q->id();
  q->wake_at = *next;
  q->wake_timer = scheduler_->RunAt(*next, [this, queue_id] { ServeQueue(queue_id, true); });
}

void MemoryEngine::ServeQueue(uint64_t queue_id, bool from_timer) {
  Completions completions;
  {
    std::lock_guard lock(mu_);
    auto it = queues_by_id_.find(queue_id);
    if (it == queues_by_id_.end()) return;
    Queue* q = it->second;
    if (from_timer) q->wake_timer = 0;
    TimePoint now = clock_->Now();
    q->Tick(now);
    ServeWaitersLocked(q, now, &completions);
  }
  for (auto& c : completions) c();
}

void MemoryEngine::OnWaiterDeadline(uint64_t queue_id, uint64_t waiter_id) {
  Callback<ReceiveResult> done;
  {
    std::lock_guard lock(mu_);
    auto it = queues_by_id_.find(queue_id);
    if (it == queues_by_id_.end()) return;
    Queue* q = it->second;
    auto w = q->waiters.find(waiter_id);
    if (w == q->waiters.end()) return;
    done = std::move(w->second.done);
    q->waiters.erase(w);
    ArmWakeTimerLocked(q);
  }
  done(ReceiveResult{});
}

void MemoryEngine::DeleteMessages(HandleRequest req, Callback<BatchResult> done) {
  if (req.batch) {
    if (auto err = CheckBatch(req.entries, "DeleteMessageBatchRequestEntry")) return done(*err);
  }
  BatchResult result;
  result.entries.reserve(req.entries.size());
  Completions completions;
  bool journaled = false;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(req.queue);
    if (q == nullptr) return done(NotFound());
    bool fifo = q->config.fifo;
    TimePoint now = clock_->Now();
    if (fifo) q->Tick(now);  // a FIFO receipt expires with its visibility timeout
    journal::DeleteMessages record{q->id(), {}};
    for (const auto& e : req.entries) {
      EntryStatus& st = result.entries.emplace_back();
      st.id = e.id;
      if (!e.receipt_handle) {
        st.error = MakeError(Errc::kMissingParameter,
                             "The request must contain the parameter ReceiptHandle.");
        continue;
      }
      auto fields = receipts_.Decode(*e.receipt_handle);
      if (!fields || fields->queue_id != q->id()) {
        st.error = InvalidHandle(*e.receipt_handle);
        continue;
      }
      Message* m = q->Find(fields->message_seq);
      if (m == nullptr) continue;  // already deleted: nothing to do
      if (fifo) {
        if (m->nonce != fields->nonce || m->state != Message::State::kInflight) {
          st.error = MakeError(Errc::kInvalidParameterValue,
                               "Value " + *e.receipt_handle +
                                   " for parameter ReceiptHandle is invalid. Reason: The "
                                   "receipt handle has expired.");
          continue;
        }
        // Removed once the delete is durable (below): until then the message keeps its group
        // locked, so no later message of the group is handed out before this delete is safe.
        record.seqs.push_back(m->seq);
      } else {
        // A stale but genuine handle of a message that still exists deletes it (standard
        // queues). Removed now so nobody receives it again; acknowledged once durable.
        record.seqs.push_back(m->seq);
        q->Remove(m);
      }
    }
    if (!record.seqs.empty()) {
      ApplyFn apply = [](Completions*) {};
      if (fifo) {
        apply = [this, queue_id = q->id(), seqs = record.seqs](Completions* c) {
          auto it = queues_by_id_.find(queue_id);
          if (it == queues_by_id_.end()) return;
          Queue* target = it->second;
          // Exactly what replay does with the record: whatever receive came since.
          for (uint64_t seq : seqs) {
            if (Message* gone = target->Find(seq)) target->Remove(gone);
          }
          ServeWaitersLocked(target, clock_->Now(), c);  // the groups may be unlocked now
        };
      }
      auto after = [done = std::move(done),
                    result = std::move(result)](std::optional<Error> err) mutable {
        if (err) return done(std::move(*err));
        done(std::move(result));
      };
      CommitLocked(EncodeForLog(record), std::move(apply), std::move(after), &completions);
      journaled = true;
    }
  }
  for (auto& c : completions) c();
  if (!journaled) done(std::move(result));
}

void MemoryEngine::ChangeVisibility(HandleRequest req, Callback<BatchResult> done) {
  if (req.batch) {
    if (auto err = CheckBatch(req.entries, "ChangeMessageVisibilityBatchRequestEntry")) {
      return done(*err);
    }
  }
  BatchResult result;
  result.entries.reserve(req.entries.size());
  Completions completions;
  {
    std::lock_guard lock(mu_);
    Queue* q = FindLocked(req.queue);
    if (q == nullptr) return done(NotFound());
    TimePoint now = clock_->Now();
    q->Tick(now);
    bool made_ready = false;
    for (const auto& e : req.entries) {
      EntryStatus& st = result.entries.emplace_back();
      st.id = e.id;
      if (!e.receipt_handle) {
        st.error = MakeError(Errc::kMissingParameter,
                             "The request must contain the parameter ReceiptHandle.");
        continue;
      }
      if (!e.visibility_timeout) {
        st.error = MakeError(Errc::kMissingParameter,
                             "The request must contain the parameter VisibilityTimeout.");
        continue;
      }
      int64_t vt = *e.visibility_timeout;
      if (vt < 0 || vt > kMaxVisibilityTimeout) {
        st.error = InvalidParam("VisibilityTimeout", vt, "Must be between 0 and 43200.");
        continue;
      }
      auto fields = receipts_.Decode(*e.receipt_handle);
      if (!fields || fields->queue_id != q->id()) {
        st.error = InvalidHandle(*e.receipt_handle);
        continue;
      }
      Message* m = q->Find(fields->message_seq);
      bool current = m != nullptr && m->nonce == fields->nonce;
      if (m != nullptr && m->state != Message::State::kInflight && current) {
        continue;  // its visibility timeout already ran out: nothing to change (as SQS does)
      }
      if (!current || m->state != Message::State::kInflight) {
        st.error = MakeError(Errc::kInvalidParameterValue,
                             "Value " + *e.receipt_handle +
                                 " for parameter ReceiptHandle is invalid. Reason: Message does "
                                 "not exist or is not available for visibility timeout change.");
        continue;
      }
      TimePoint deadline = now + std::chrono::seconds(vt);
      if (deadline > q->ReceivedAt(m) + std::chrono::seconds(kMaxVisibilityTimeout)) {
        st.error = InvalidParam("VisibilityTimeout", vt,
                                "Total VisibilityTimeout for the message is beyond the limit "
                                "[43200 seconds]");
        continue;
      }
      if (vt == 0) {
        q->MakeReady(m);
        made_ready = true;
      } else {
        q->SetDeadline(m, deadline);
      }
    }
    if (made_ready) {
      ServeWaitersLocked(q, now, &completions);
    } else {
      ArmWakeTimerLocked(q);
    }
  }
  for (auto& c : completions) c();
  done(std::move(result));
}

}  // namespace spool::engine
