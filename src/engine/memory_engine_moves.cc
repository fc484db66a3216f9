// MemoryEngine: message move tasks (StartMessageMoveTask, CancelMessageMoveTask,
// ListMessageMoveTasks).
//
// A running task wakes every kSliceMs on the scheduler and moves up to its rate's share of the
// source's visible messages. Each moved message becomes a new message in its destination (new
// message id, new enqueue time; body, attributes and group kept, as SQS does). The slice takes
// the messages out of reach first (in flight in the source), then journals an AddMessages record
// for each destination followed by a DeleteMessages record for the source; each is applied when
// durable. So a crash can repeat a move (the add durable, the delete not) but never lose a
// message; a failed write leaves the message in the source, visible again after the hold.
// A task's state is journaled as a MoveTask record when it starts, after each slice that moved
// something, and when it ends; a task running at a restart resumes after recovery.

#include <algorithm>

#include "common/uuid.h"
#include "engine/journal_records.h"
#include "engine/memory_engine.h"

namespace spool::engine {
namespace {

constexpr int64_t kSliceMs = 100;
constexpr int64_t kDefaultPerSecond = 500;
constexpr int64_t kMaxPerSecond = 500;
constexpr int64_t kHoldSeconds = 60;        // moving messages stay invisible this long at most
constexpr size_t kTasksKeptPerSource = 10;  // finished tasks listed by ListMessageMoveTasks

Error NoSuchResource(const std::string& what) {
  return MakeError(Errc::kResourceNotFound,
                   "The resource that you specified for the " + what + " parameter doesn't exist.");
}

}  // namespace

void MemoryEngine::StartMessageMoveTask(StartMoveTaskRequest req, Callback<std::string> done) {
  if (req.max_per_second && (*req.max_per_second < 1 || *req.max_per_second > kMaxPerSecond)) {
    return done(MakeError(Errc::kInvalidParameterValue,
                          "Value " + std::to_string(*req.max_per_second) +
                              " for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: "
                              "Must be between 1 and 500."));
  }
  Completions completions;
  std::string handle;
  {
    std::lock_guard lock(mu_);
    auto source = options_.scope.QueueNameOf(req.source_arn);
    Queue* src = source ? FindLocked(*source) : nullptr;
    if (src == nullptr) return done(NoSuchResource("SourceArn"));
    bool is_dlq = false;
    for (const auto& [name, q] : queues_) {
      if (q->config.redrive_policy && q->config.redrive_policy->dead_letter_queue == *source) {
        is_dlq = true;
      }
    }
    if (!is_dlq) {
      return done(MakeError(Errc::kInvalidParameterValue,
                            "Source queue must be configured as a Dead Letter Queue."));
    }
    std::optional<std::string> destination;
    if (req.destination_arn) {
      destination = options_.scope.QueueNameOf(*req.destination_arn);
      if (!destination || FindLocked(*destination) == nullptr) {
        return done(NoSuchResource("DestinationArn"));
      }
      if (*destination == *source) {
        return done(MakeError(Errc::kInvalidParameterValue,
                              "The source and destination queues must be different."));
      }
    }
    for (const auto& [h, t] : move_tasks_) {
      if (t.source == *source && t.info.status == "RUNNING") {
        return done(MakeError(Errc::kInvalidParameterValue,
                              "There is already a task running. Only one active task is allowed "
                              "for a source queue arn at a given time."));
      }
    }
    TimePoint now = clock_->Now();
    src->Tick(now);
    handle = common::NewUuid();
    MoveTaskState& task = move_tasks_[handle];
    task.source = *source;
    task.destination = destination;
    task.info.handle = handle;
    task.info.status = "RUNNING";
    task.info.source_arn = options_.scope.QueueArn(*source);
    if (destination) task.info.destination_arn = options_.scope.QueueArn(*destination);
    task.info.max_per_second = req.max_per_second;
    task.info.to_move = static_cast<int64_t>(src->size());
    task.info.started_ms = common::ToEpochMillis(now);
    // Acknowledged once the task is durable: it then survives a restart.
    auto after = [done = std::move(done), handle](std::optional<Error> err) mutable {
      if (err) return done(std::move(*err));
      done(handle);
    };
    journal::MoveTask record{handle,
                             "RUNNING",
                             task.info.source_arn,
                             task.info.destination_arn,
                             req.max_per_second.value_or(0),
                             0,
                             task.info.to_move,
                             "",
                             task.info.started_ms};
    CommitLocked(
        EncodeForLog(record), [](Completions*) {}, std::move(after), &completions);
    ScheduleMoveTaskLocked(task, now);
  }
  for (auto& c : completions) c();
}

void MemoryEngine::CancelMessageMoveTask(std::string handle, Callback<int64_t> done) {
  int64_t moved = 0;
  {
    std::lock_guard lock(mu_);
    auto it = move_tasks_.find(handle);
    if (it == move_tasks_.end() || it->second.info.status != "RUNNING") {
      return done(NoSuchResource("TaskHandle"));
    }
    EndMoveTaskLocked(it->second, "CANCELLED", "");
    moved = it->second.info.moved;
  }
  done(moved);
}

void MemoryEngine::ListMessageMoveTasks(std::string source_arn, std::optional<int64_t> max_results,
                                        Callback<std::vector<MoveTaskInfo>> done) {
  int64_t max = max_results.value_or(1);
  if (max < 1 || max > 10) {
    return done(MakeError(Errc::kInvalidParameterValue,
                          "Value " + std::to_string(max) +
                              " for parameter MaxResults is invalid. Reason: Must be between 1 "
                              "and 10."));
  }
  std::vector<MoveTaskInfo> out;
  {
    std::lock_guard lock(mu_);
    auto source = options_.scope.QueueNameOf(source_arn);
    if (!source || FindLocked(*source) == nullptr) return done(NoSuchResource("SourceArn"));
    for (const auto& [h, t] : move_tasks_) {
      if (t.source == *source) out.push_back(t.info);
    }
  }
  std::sort(out.begin(), out.end(), [](const MoveTaskInfo& a, const MoveTaskInfo& b) {
    return a.started_ms > b.started_ms;
  });
  if (out.size() > static_cast<size_t>(max)) out.resize(static_cast<size_t>(max));
  for (auto& t : out) {
    if (t.status != "RUNNING") t.handle.clear();  // SQS shows the handle only while running
  }
  done(std::move(out));
}

void MemoryEngine::ScheduleMoveTaskLocked(MoveTaskState& task, TimePoint at) {
  if (shutting_down_) return;
  task.timer = scheduler_->RunAt(at, [this, handle = task.info.handle] { RunMoveTask(handle); });
}

void MemoryEngine::JournalMoveTaskLocked(const MoveTaskState& task) {
  if (log_ == nullptr) return;
  const MoveTaskInfo& i = task.info;
  JournalLazilyLocked(journal::Encode(journal::MoveTask{
      i.handle, i.status, i.source_arn, i.destination_arn, i.max_per_second.value_or(0), i.moved,
      i.to_move, i.failure_reason, i.started_ms}));
}

void MemoryEngine::EndMoveTaskLocked(MoveTaskState& task, std::string status, std::string reason) {
  scheduler_->Cancel(task.timer);
  task.timer = 0;
  task.info.status = std::move(status);
  task.info.failure_reason = std::move(reason);
  JournalMoveTaskLocked(task);
  // Keep the most recent finished tasks of this source only.
  std::vector<std::pair<int64_t, std::string>> finished;
  for (const auto& [h, t] : move_tasks_) {
    if (t.source == task.source && t.info.status != "RUNNING") {
      finished.emplace_back(t.info.started_ms, h);
    }
  }
  if (finished.size() <= kTasksKeptPerSource) return;
  std::sort(finished.begin(), finished.end());
  std::string keep = task.info.handle;
  for (size_t i = 0; i + kTasksKeptPerSource < finished.size(); ++i) {
    if (finished[i].second != keep) move_tasks_.erase(finished[i].second);
  }
}

void MemoryEngine::RunMoveTask(std::string handle) {
  Completions completions;
  {
    std::lock_guard lock(mu_);
    auto it = move_tasks_.find(handle);
    if (it == move_tasks_.end() || it->second.info.status != "RUNNING" || shutting_down_) return;
    MoveTaskState& task = it->second;
    task.timer = 0;
    Queue* src = FindLocked(task.source);
    if (src == nullptr) return EndMoveTaskLocked(task, "FAILED", "The source queue was deleted.");
    TimePoint now = clock_->Now();
    int64_t now_ms = common::ToEpochMillis(now);
    src->Tick(now);
    int64_t rate = task.info.max_per_second.value_or(kDefaultPerSecond);
    int64_t quota = std::max<int64_t>(1, rate * kSliceMs / 1000);

    std::map<Queue*, journal::AddMessages> adds;
    journal::DeleteMessages removal{src->id(), {}};
    std::string failure;
    bool exhausted = false;
    ReceiveCursor cursor;
    for (int64_t n = 0; n < quota; ++n) {
      Message* m = src->PopReady(&cursor);
      if (m == nullptr) {
        exhausted = true;
        break;
      }
      std::optional<std::string> target = task.destination;
      if (!target) target = options_.scope.QueueNameOf(src->SourceArn(m));
      Queue* dest = target ? FindLocked(*target) : nullptr;
      if (dest == nullptr || dest == src) {
        src->MakeReady(m);
        failure = target ? "The destination queue " + *target + " does not exist."
                         : "A message has no source queue to return to.";
        break;
      }
      src->MakeInflight(m, now, kHoldSeconds);  // out of reach while it moves
      PayloadFields f = m->payload->ToFields();
      f.message_id = common::NewUuid();
      f.sent = now;
      journal::AddMessages& add = adds[dest];
      add.queue_id = dest->id();
      journal::StoredMessage& s = add.messages.emplace_back();
      s.seq = dest->AllocateSeq();
      s.payload = MessagePayload::Create(std::move(f));
      s.enqueued_ms = now_ms;
      s.visible_at_ms = now_ms;
      removal.seqs.push_back(m->seq);
    }
    for (auto& [dest, add] : adds) {
      auto apply = [this, queue_id = dest->id(), add = add](Completions* c) {
        auto q = queues_by_id_.find(queue_id);
        if (q == queues_by_id_.end()) return;
        TimePoint at = clock_->Now();
        q->second->Tick(at);
        for (const auto& s : add.messages) {
          q->second->Add(s.seq, s.payload, common::FromEpochMillis(s.visible_at_ms), at);
        }
        ServeWaitersLocked(q->second, at, c);
      };
      CommitLocked(EncodeForLog(add), std::move(apply), nullptr, &completions);
    }
    if (!removal.seqs.empty()) {
      auto apply = [this, queue_id = src->id(), seqs = removal.seqs](Completions*) {
        auto q = queues_by_id_.find(queue_id);
        if (q == queues_by_id_.end()) return;
        for (uint64_t seq : seqs) {
          if (Message* m = q->second->Find(seq)) q->second->Remove(m);
        }
      };
      CommitLocked(EncodeForLog(removal), std::move(apply), nullptr, &completions);
      task.info.moved += static_cast<int64_t>(removal.seqs.size());
    }
    if (!failure.empty()) {
      EndMoveTaskLocked(task, "FAILED", failure);
    } else if (exhausted) {
      EndMoveTaskLocked(task, "COMPLETED", "");  // nothing visible left to move
    } else {
      JournalMoveTaskLocked(task);
      ScheduleMoveTaskLocked(task, now + common::Millis(kSliceMs));
    }
  }
  for (auto& c : completions) c();
}

void MemoryEngine::RestoreMoveTaskLocked(journal::MoveTask r) {
  MoveTaskState& task = move_tasks_[r.handle];
  task.source = options_.scope.QueueNameOf(r.source_arn).value_or("");
  if (!r.destination_arn.empty()) task.destination = options_.scope.QueueNameOf(r.destination_arn);
  task.info.handle = r.handle;
  task.info.status = r.status;
  task.info.source_arn = r.source_arn;
  task.info.destination_arn = r.destination_arn;
  if (r.max_per_second > 0) task.info.max_per_second = r.max_per_second;
  task.info.moved = std::max(task.info.moved, r.moved);
  task.info.to_move = r.to_move;
  task.info.failure_reason = r.failure_reason;
  task.info.started_ms = r.started_ms;
}

}  // namespace spool::engine
