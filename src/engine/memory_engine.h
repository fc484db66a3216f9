#pragma once
// MemoryEngine: the embedded QueueService. All queue state lives in memory under one mutex;
// parsing, digests and encoding happen outside it, so the critical sections are short.
// (Durability comes from the journal seam: every state change below is one of a handful of
// operations — create/delete/configure queue, add, remove, receive, change visibility, move —
// that a write-ahead journal records.)
//
// Long polls: a receive that finds nothing and may wait becomes a Waiter on its queue. Any
// change that makes messages ready serves waiters directly, oldest first, one waiter per ready
// batch (no thundering herd). When nothing is ready but a delayed or in-flight message will be,
// one timer per queue wakes the waiters then. Each waiter also has its own deadline timer.
//
// Threading: every method may be called from any thread; callbacks run after the mutex is
// released, on the calling thread or on the Scheduler's thread.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "engine/journal_records.h"
#include "engine/queue.h"
#include "engine/queue_config.h"
#include "engine/queue_service.h"
#include "engine/receipt.h"
#include "storage/log.h"

namespace spool::engine {

struct EngineOptions {
  // Region and account that queue ARNs name.
  ArnScope scope;
  // Key for receipt-handle MACs. Empty: a random key per process (handles do not survive a
  // restart).
  std::string receipt_secret;
  // Most queues the engine holds; CreateQueue beyond it fails with kOverLimit.
  size_t max_queues = 100000;
  // Most in-flight messages per standard queue (SQS: about 120,000).
  size_t max_inflight_per_queue = 120000;
  // Cool-downs that SQS imposes (both 60 s).
  common::Millis delete_cooldown{60000};
  common::Millis purge_cooldown{60000};
  // With a journal: take a snapshot (and retire old segments) once the segments written since
  // the last snapshot exceed this and the snapshot's own size.
  uint64_t checkpoint_min_bytes = 64ull << 20;
};

class MemoryEngine final : public QueueService {
 public:
  static constexpr int64_t kAttemptWindowMs = 5 * 60 * 1000;
  static constexpr size_t kMaxAttemptsPerQueue = 100000;

  // `clock` and `scheduler` must outlive the engine.
  MemoryEngine(EngineOptions options, const common::Clock* clock, common::Scheduler* scheduler);
  ~MemoryEngine() override;

  void CreateQueue(CreateQueueRequest request, Callback<Empty> done) override;
  void DeleteQueue(std::string name, Callback<Empty> done) override;
  void LookupQueue(std::string name, Callback<Empty> done) override;
  void ListQueues(ListQueuesRequest request, Callback<ListQueuesResult> done) override;
  void GetQueueAttributes(std::string name, std::vector<std::string> names,
                          Callback<StringPairs> done) override;
  void SetQueueAttributes(std::string name, StringPairs attributes, Callback<Empty> done) override;
  void PurgeQueue(std::string name, Callback<Empty> done) override;
  void TagQueue(std::string name, StringPairs tags, Callback<Empty> done) override;
  void UntagQueue(std::string name, std::vector<std::string> keys, Callback<Empty> done) override;
  void ListQueueTags(std::string name, Callback<StringPairs> done) override;
  void ListDeadLetterSourceQueues(std::string name, ListQueuesRequest page,
                                  Callback<ListQueuesResult> done) override;

  void SendMessages(SendRequest request, Callback<SendResult> done) override;
  void ReceiveMessages(ReceiveRequest request, Callback<ReceiveResult> done) override;
  void DeleteMessages(HandleRequest request, Callback<BatchResult> done) override;
  void ChangeVisibility(HandleRequest request, Callback<BatchResult> done) override;

  void StartMessageMoveTask(StartMoveTaskRequest request, Callback<std::string> done) override;
  void CancelMessageMoveTask(std::string handle, Callback<int64_t> done) override;
  void ListMessageMoveTasks(std::string source_arn, std::optional<int64_t> max_results,
                            Callback<std::vector<MoveTaskInfo>> done) override;

  void Shutdown() override;

  // ---- durability (memory_engine_journal.cc) ----
  // Applies one recovered journal record. Call for every record before AttachLog() and before
  // serving. False (with *error) when the record is malformed: the data is corrupt.
  bool Replay(std::string_view record, std::string* error);
  // From now on every state change is journaled to `log` (which must outlive the engine, or be
  // detached with AttachLog(nullptr) after Shutdown). Sends become visible, and every change is
  // acknowledged, only once its record is durable.
  void AttachLog(storage::Log* log);
  // The whole state as journal records (what a snapshot holds). Takes the lock.
  std::vector<std::string> SnapshotRecords();
  // The same, captured under the lock (payloads shared, not copied) and encoded one record at a
  // time as the source is read: what a checkpoint hands the log (storage::SnapshotFn).
  std::unique_ptr<storage::SnapshotSource> CaptureSnapshot();

 private:
  // Completions collected under the lock and run after it is released.
  using Completions = std::vector<std::function<void()>>;
  // Runs under mu_ when a journaled change becomes durable.
  using ApplyFn = std::function<void(Completions*)>;
  // Runs outside mu_ after the change was applied (ok) or failed to become durable.
  using AfterFn = std::function<void(std::optional<Error>)>;

  // Journals `record`; once durable, runs `apply` under the lock, then `after`. Without a log
  // both run at once (`after` through *completions). Records are journaled in lock order, so
  // applying in commit order reproduces exactly what recovery will replay.
  void CommitLocked(std::string record, ApplyFn apply, AfterFn after, Completions* completions);
  // Journals a record nobody waits for (receive counts, dead-letter moves).
  void JournalLazilyLocked(std::string record);
  // A record's journal bytes, or nothing without a log (in memory, records are not encoded).
  template <class Record>
  std::string EncodeForLog(const Record& record) const {
    return log_ != nullptr ? journal::Encode(record) : std::string();
  }
  void MaybeCheckpoint();

  Queue* FindLocked(const std::string& name);
  Result<Empty> CheckRedriveLocked(const std::string& source, const QueueConfig& config);
  // Hands up to `max` ready messages out of `q` (moving poison messages to the DLQ).
  void TakeLocked(Queue* q, int64_t max, int64_t vt, TimePoint now, ReceiveResult* out,
                  Completions* completions);
  // What a receive returns for `m` (in flight or just received).
  ReceivedMessage ReceivedLocked(Queue* q, const Message* m) const;
  // FIFO ReceiveRequestAttemptId: remembers what a receive returned; and, for a retry within
  // five minutes whose messages are all still in flight from it, returns them again (same
  // receipt handles, visibility timeout restarted) and true.
  void RememberAttemptLocked(Queue* q, const std::string& attempt_id, int64_t vt,
                             const ReceiveResult& result, TimePoint now);
  bool RepeatAttemptLocked(Queue* q, const std::string& attempt_id, TimePoint now,
                           ReceiveResult* out);
  // Serves waiters of `q` while messages are ready; (re)arms the queue's wake timer.
  void ServeWaitersLocked(Queue* q, TimePoint now, Completions* completions);
  void ArmWakeTimerLocked(Queue* q);
  // Ticks the queue and serves its waiters; `from_timer` when its wake timer fired.
  void ServeQueue(uint64_t queue_id, bool from_timer);
  void OnWaiterDeadline(uint64_t queue_id, uint64_t waiter_id);
  void FailWaitersLocked(Queue* q, Completions* completions);
  // Moves `m` from `q` to its dead-letter queue; false when there is none.
  bool MoveToDeadLetterLocked(Queue* q, Message* m, TimePoint now, Completions* completions);
  // ---- message move tasks (memory_engine_moves.cc) ----
  struct MoveTaskState {
    MoveTaskInfo info;
    std::string source;                      // queue names
    std::optional<std::string> destination;  // absent: each message's original source
    common::Scheduler::TimerId timer = 0;
  };
  // Moves the next slice of a running task's messages and schedules the next slice.
  void RunMoveTask(std::string handle);
  void ScheduleMoveTaskLocked(MoveTaskState& task, TimePoint at);
  void EndMoveTaskLocked(MoveTaskState& task, std::string status, std::string reason);
  void JournalMoveTaskLocked(const MoveTaskState& task);
  // Applies a replayed or snapshotted task record.
  void RestoreMoveTaskLocked(journal::MoveTask record);

  Result<ListQueuesResult> PageLocked(const std::vector<std::string>& names,
                                      const ListQueuesRequest& page);

  const EngineOptions options_;
  const common::Clock* clock_;
  common::Scheduler* scheduler_;
  const ReceiptCodec receipts_;

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Queue>> queues_;  // guarded by mu_
  std::unordered_map<uint64_t, Queue*> queues_by_id_;     // guarded by mu_
  std::map<std::string, TimePoint> deleted_at_;           // guarded by mu_
  uint64_t next_queue_id_;                                // guarded by mu_
  uint64_t next_waiter_id_ = 1;                           // guarded by mu_
  bool shutting_down_ = false;                            // guarded by mu_
  std::map<std::string, MoveTaskState> move_tasks_;       // by handle; guarded by mu_
  uint64_t next_move_task_ = 1;                           // guarded by mu_
  storage::Log* log_ = nullptr;                           // set before serving
};

}  // namespace spool::engine
