// Log: Open, the committer thread (group commit, rollover, failed-round cleanup), checkpoints
// and Close. Recovery lives in recovery.cc, file mechanics in log_files.cc.

#include "storage/log.h"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/log.h"
#include "common/thread_loop.h"
#include "storage/log_files.h"
#include "storage/log_format.h"
#include "storage/recovery.h"

namespace spool::storage {
namespace {

using Clock = std::chrono::steady_clock;
using common::LogLevel;

struct Pending {
  std::string record;
  AppendCallback done;
  bool refused = false;  // over the size limit: failed in its place among the callbacks
  bool lazy = false;     // AppendLazy: starts no round, needs no sync of its own
};

// The log whose committer or snapshot thread this is (or whose round this loop thread is
// leading), so Close can refuse to be called there.
thread_local const void* log_thread_of = nullptr;
// The log this loop thread has a Drive posted for (at most one at a time): appends made here
// meanwhile are taken by that Drive, so they need neither another post nor the committer.
thread_local const void* drive_posted_for = nullptr;

Status Refusal(const Pending& p) {
  return Status::Error("a record of " + std::to_string(p.record.size()) +
                       " bytes exceeds the 64 MiB limit");
}

}  // namespace

struct Log::Impl : std::enable_shared_from_this<Log::Impl> {
  explicit Impl(const LogOptions& o) : options(o), fs(o.fs != nullptr ? o.fs : PosixFileSystem()) {}

  // Set by Open, then immutable.
  const LogOptions options;
  FileSystem* const fs;
  std::unique_ptr<WritableFile> lock_file;

  std::mutex mu;
  std::condition_variable work_cv;  // the committer waits here for work
  std::deque<Pending> queue;        // guarded by mu
  size_t eager_queued = 0;          // guarded by mu; records in `queue` that are not lazy
  size_t lazy_queued = 0;           // guarded by mu; lazy records in `queue`
  Clock::time_point lazy_since;     // guarded by mu; when the oldest lazy record was queued
  bool closing = false;             // guarded by mu
  // Some thread (the committer, or a loop thread in Drive) owns the segment and the round state
  // below: it is writing a round, syncing, or taking a checkpoint. Guarded by mu; setting and
  // clearing it under mu hands the state below from one thread to the next.
  bool leading = false;
  bool sync_deadline_armed = false;    // guarded by mu; the committer waits for a kBatch sync
  bool checkpoint_requested = false;   // guarded by mu
  bool checkpoint_busy = false;        // guarded by mu; from request until the snapshot ends
  SnapshotFn checkpoint_fn;            // guarded by mu
  CheckpointCallback checkpoint_done;  // guarded by mu
  std::map<uint64_t, uint64_t> segment_sizes;  // guarded by mu; live segments
  uint64_t snapshot_size = 0;                  // guarded by mu

  // Owned by whichever thread is leading (by Open before the threads start, by Close after).
  std::unique_ptr<WritableFile> segment;
  uint64_t segment_seq = 0;
  uint64_t good_size = 0;  // bytes of the segment that hold whole, successful rounds
  bool needs_cut = false;  // bytes of a failed round may still follow good_size
  bool unsynced = false;   // written since the last successful fdatasync
  bool sync_failing = false;
  Clock::time_point last_sync;
  std::vector<Pending> round;
  std::string buffer;

  // The snapshot thread writes one snapshot at a time, handed over by the committer.
  struct SnapshotJob {
    uint64_t sequence = 0;
    std::unique_ptr<SnapshotSource> source;
    CheckpointCallback done;
  };
  std::condition_variable snapshot_cv;      // the snapshot thread waits here for a job
  std::optional<SnapshotJob> snapshot_job;  // guarded by mu
  bool snapshot_stop = false;               // guarded by mu; set by Close once the committer ended

  std::thread committer;
  std::thread snapshotter;
  std::once_flag close_once;

  void Run();
  void Drive();
  void PostDrive(common::ThreadLoop* loop);
  void TakeRound();
  // `on_committer`: a kBatch sync that falls due is done here (else the committer does it).
  void WriteRound(bool on_committer);
  Status PrepareSegment(bool roll);
  Status Roll();
  void CutBack();
  void SyncNow();
  void Checkpoint(SnapshotFn fn, CheckpointCallback done);
  void SnapshotLoop();
  void WriteSnapshot(SnapshotJob job);
  void FinishCheckpoint(const CheckpointCallback& done, const Status& status);
  std::string SegmentName() const { return format::SegmentFileName(segment_seq); }
};

void Log::Impl::Run() {
  log_thread_of = this;
  std::unique_lock lock(mu);
  for (;;) {
    if (leading) {  // a loop thread's round; it wakes us when it ends if there is work for us
      work_cv.wait(lock);
      continue;
    }
    if (checkpoint_requested) {
      checkpoint_requested = false;
      SnapshotFn fn = std::move(checkpoint_fn);
      CheckpointCallback done = std::move(checkpoint_done);
      const bool dropped = closing;
      leading = true;
      lock.unlock();
      if (dropped) {
        FinishCheckpoint(done, Status::Error("the log was closed before the checkpoint began"));
      } else {
        Checkpoint(std::move(fn), std::move(done));
      }
      lock.lock();
      leading = false;
      continue;
    }
    // Only lazy records queued: they wait for another record to take them along, or until
    // their interval is over.
    std::optional<Clock::time_point> wake_at;
    if (!queue.empty()) {
      const Clock::time_point lazy_due = lazy_since + options.lazy_interval;
      if (eager_queued > 0 || closing || Clock::now() >= lazy_due) {
        leading = true;
        TakeRound();
        lock.unlock();
        WriteRound(/*on_committer=*/true);
        lock.lock();
        leading = false;
        continue;
      }
      wake_at = lazy_due;
    }
    if (closing) break;
    if (options.sync == SyncMode::kBatch && unsynced) {
      const Clock::time_point deadline = last_sync + options.batch_interval;
      if (Clock::now() >= deadline) {
        leading = true;
        lock.unlock();
        SyncNow();
        lock.lock();
        leading = false;
        continue;
      }
      sync_deadline_armed = true;
      if (!wake_at || deadline < *wake_at) wake_at = deadline;
    }
    if (wake_at) {
      work_cv.wait_until(lock, *wake_at);
    } else {
      work_cv.wait(lock);
    }
    sync_deadline_armed = false;
  }
  lock.unlock();
  if (unsynced) SyncNow();
}

// A commit round on a loop thread (posted by Append there): the thread that queued the records
// writes them, with whatever else is queued, instead of waking the committer, and its own
// connections' completions need no cross-thread wake-up. One round per Drive: if more is queued
// when it ends, another Drive is posted behind the loop's other work, so the thread's own
// requests are served between rounds. The committer still takes checkpoints, kBatch syncs, and
// whatever is queued at Close.
void Log::Impl::Drive() {
  if (drive_posted_for == this) drive_posted_for = nullptr;
  std::unique_lock lock(mu);
  // Another leader takes what is queued when its round ends; at Close the committer does.
  if (leading || closing || queue.empty()) return;
  if (checkpoint_requested) {  // the committer takes the checkpoint, then the queue
    lock.unlock();
    work_cv.notify_one();
    return;
  }
  leading = true;
  TakeRound();
  lock.unlock();
  const void* outer = log_thread_of;
  log_thread_of = this;
  WriteRound(/*on_committer=*/false);
  log_thread_of = outer;
  lock.lock();
  leading = false;
  common::ThreadLoop* loop = common::ThreadLoop::Current();
  const bool committer_work =
      closing || checkpoint_requested ||
      (options.sync == SyncMode::kBatch && unsynced && !sync_deadline_armed);
  bool post = false;
  // Lazy records alone are the committer's to write when their interval is over.
  bool wake = committer_work || (eager_queued == 0 && !queue.empty());
  if (eager_queued > 0 && !committer_work) {
    if (loop == nullptr) {
      wake = true;
    } else if (drive_posted_for != this) {
      drive_posted_for = this;
      post = true;
    }
  }
  lock.unlock();
  if (wake) work_cv.notify_one();
  if (post) PostDrive(loop);
}

void Log::Impl::PostDrive(common::ThreadLoop* loop) {
  loop->Post([self = shared_from_this()] { self->Drive(); });
}

// Called with mu held: moves up to max_round_bytes of queued records (at least one) into round.
void Log::Impl::TakeRound() {
  uint64_t bytes = 0;
  while (!queue.empty()) {
    const uint64_t size = queue.front().record.size() + format::kFrameHeaderSize;
    if (!round.empty() && bytes + size > options.max_round_bytes) break;
    bytes += size;
    --(queue.front().lazy ? lazy_queued : eager_queued);
    round.push_back(std::move(queue.front()));
    queue.pop_front();
  }
  if (lazy_queued > 0) lazy_since = Clock::now();  // left for the next round (rare)
}

void Log::Impl::WriteRound(bool on_committer) {
  Status status = PrepareSegment(/*roll=*/false);
  buffer.clear();
  bool all_lazy = true;
  if (status.ok) {
    for (const Pending& p : round) {
      if (!p.refused) format::AppendFrame(format::FrameType::kRecord, p.record, &buffer);
      all_lazy = all_lazy && p.lazy;
    }
  }
  if (status.ok && !buffer.empty()) {
    if (int err = segment->Append(buffer)) {
      CutBack();
      status = IoError("cannot write to " + SegmentName(), err);
    } else if (options.sync == SyncMode::kAlways && !all_lazy) {
      if (int sync_err = segment->Sync()) {
        CutBack();
        status = IoError("cannot sync " + SegmentName(), sync_err);
      } else {
        unsynced = false;
        last_sync = Clock::now();
      }
    } else {
      unsynced = true;
    }
    if (status.ok) {
      good_size += buffer.size();
      std::lock_guard lock(mu);
      segment_sizes[segment_seq] = good_size;
    }
  }
  for (Pending& p : round) {
    if (p.done) p.done(p.refused ? Refusal(p) : status);
  }
  round.clear();
  if (buffer.capacity() > 2 * options.max_round_bytes) std::string().swap(buffer);
  if (on_committer && options.sync == SyncMode::kBatch && unsynced &&
      Clock::now() - last_sync >= options.batch_interval) {
    SyncNow();
  }
}

// Cuts a failed round off the segment. If that fails too, the next round retries before
// writing, so no record is ever written after the bytes of a failed round.
void Log::Impl::CutBack() {
  if (segment->Truncate(good_size) != 0) {
    needs_cut = true;
    return;
  }
  needs_cut = false;
  segment->Sync();  // best effort: make the cut durable too
}

Status Log::Impl::PrepareSegment(bool roll) {
  if (needs_cut) {
    if (int err = segment->Truncate(good_size)) {
      return IoError("cannot cut " + SegmentName() + " back to " + std::to_string(good_size) +
                         " bytes after a failed write",
                     err);
    }
    needs_cut = false;
  }
  if (roll || good_size >= options.segment_bytes) return Roll();
  return Status::Ok();
}

// Closes the current segment (synced, so only the newest segment can have a torn tail) and
// starts the next one.
Status Log::Impl::Roll() {
  if (unsynced) {
    if (int err = segment->Sync()) return IoError("cannot sync " + SegmentName(), err);
    unsynced = false;
    last_sync = Clock::now();
  }
  std::unique_ptr<WritableFile> next;
  if (Status s = CreateSegment(fs, options.dir, segment_seq + 1, &next); !s.ok) return s;
  segment->Close();
  segment = std::move(next);
  ++segment_seq;
  good_size = segment->Size();
  std::lock_guard lock(mu);
  segment_sizes[segment_seq] = good_size;
  return Status::Ok();
}

void Log::Impl::SyncNow() {
  if (int err = segment->Sync()) {
    if (!sync_failing) {
      common::Log(LogLevel::kError, "log_sync_failed",
                  {{"file", JoinPath(options.dir, SegmentName())}, {"error", std::strerror(err)}});
    }
    sync_failing = true;
    last_sync = Clock::now();  // retry after another interval, not in a busy loop
    return;
  }
  if (sync_failing) {
    common::Log(LogLevel::kInfo, "log_sync_recovered",
                {{"file", JoinPath(options.dir, SegmentName())}});
  }
  sync_failing = false;
  unsynced = false;
  last_sync = Clock::now();
}

void Log::Impl::Checkpoint(SnapshotFn fn, CheckpointCallback done) {
  std::unique_ptr<SnapshotSource> source = fn();  // a capture: the encoding happens later
  if (!source) source = SnapshotOf({});
  // A segment holding no record yet can start the snapshot itself.
  const bool empty = good_size == format::kFileHeaderSize && !needs_cut;
  if (Status s = PrepareSegment(/*roll=*/!empty); !s.ok) {
    FinishCheckpoint(done, s);
    return;
  }
  {
    std::lock_guard lock(mu);
    snapshot_job = SnapshotJob{segment_seq, std::move(source), std::move(done)};
  }
  snapshot_cv.notify_one();
}

void Log::Impl::SnapshotLoop() {
  log_thread_of = this;
  std::unique_lock lock(mu);
  for (;;) {
    if (snapshot_job) {
      SnapshotJob job = std::move(*snapshot_job);
      snapshot_job.reset();
      lock.unlock();
      WriteSnapshot(std::move(job));
      lock.lock();
      continue;
    }
    if (snapshot_stop) return;
    snapshot_cv.wait(lock);
  }
}

void Log::Impl::WriteSnapshot(SnapshotJob job) {
  const uint64_t sequence = job.sequence;
  uint64_t bytes = 0;
  Status status;
  {
    SnapshotWriter writer(fs, options.dir, sequence);
    status = writer.Open();
    std::string record;
    while (status.ok && job.source->Next(&record)) status = writer.Add(record);
    if (status.ok) status = writer.Finish(&bytes);
  }
  job.source.reset();
  if (status.ok) {
    {
      std::lock_guard lock(mu);
      snapshot_size = bytes;
      segment_sizes.erase(segment_sizes.begin(), segment_sizes.lower_bound(sequence));
    }
    if (Status removed = RemoveObsolete(fs, options.dir, sequence); !removed.ok) {
      common::Log(LogLevel::kWarn, "log_cleanup_failed", {{"error", removed.message}});
    }
  } else {
    common::Log(LogLevel::kError, "checkpoint_failed", {{"error", status.message}});
  }
  FinishCheckpoint(job.done, status);
}

// Ends a checkpoint: the next request is accepted from here on, also from inside `done`.
void Log::Impl::FinishCheckpoint(const CheckpointCallback& done, const Status& status) {
  {
    std::lock_guard lock(mu);
    checkpoint_busy = false;
  }
  if (done) done(status);
}

Log::Log(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Log::~Log() { Close(); }

std::unique_ptr<Log> Log::Open(const LogOptions& options, const ReplayFn& replay,
                               RecoveryReport* report, Status* status) {
  RecoveryReport local_report;
  Status local_status;
  if (report == nullptr) report = &local_report;
  if (status == nullptr) status = &local_status;
  *report = RecoveryReport{};
  if (options.dir.empty()) {
    *status = Status::Error("no log directory given");
    return nullptr;
  }
  auto impl = std::make_shared<Impl>(options);
  FileSystem* fs = impl->fs;
  const std::string& dir = options.dir;
  if (int err = fs->CreateDir(dir)) {
    *status = IoError("cannot create log directory " + dir, err);
    return nullptr;
  }
  if (Status s = LockLogDir(fs, dir, &impl->lock_file); !s.ok) {
    *status = s;
    return nullptr;
  }

  const ReplayFn ignore = [](std::string_view) {};
  RecoveredLog recovered;
  if (Status s = RecoverLog(fs, dir, replay ? replay : ignore, report, &recovered); !s.ok) {
    *status = s;
    return nullptr;
  }
  if (report->truncated_bytes > 0) {
    common::Log(LogLevel::kWarn, "log_torn_tail_truncated",
                {{"file", JoinPath(dir, report->truncated_file)},
                 {"bytes", std::to_string(report->truncated_bytes)}});
  }
  for (const std::string& ignored : report->ignored_snapshots) {
    common::Log(LogLevel::kWarn, "log_snapshot_ignored", {{"snapshot", ignored}});
  }
  if (Status s = CreateSegment(fs, dir, recovered.next_segment, &impl->segment); !s.ok) {
    *status = s;
    return nullptr;
  }
  impl->segment_seq = recovered.next_segment;
  impl->good_size = impl->segment->Size();
  impl->segment_sizes = std::move(recovered.segment_sizes);
  impl->segment_sizes[impl->segment_seq] = impl->good_size;
  impl->snapshot_size = recovered.snapshot_bytes;
  impl->last_sync = Clock::now();
  impl->committer = std::thread(&Impl::Run, impl.get());
  impl->snapshotter = std::thread(&Impl::SnapshotLoop, impl.get());
  *status = Status::Ok();
  return std::unique_ptr<Log>(new Log(std::move(impl)));
}

void Log::Append(std::string record, AppendCallback done) {
  Impl& d = *impl_;
  std::unique_lock lock(d.mu);
  if (d.closing) {
    lock.unlock();
    if (done) done(Status::Error("the log is closed"));
    return;
  }
  const bool refused = record.size() > format::kMaxRecordSize;
  const bool wake = d.eager_queued == 0;  // else the committer knows, or a round is on its way
  d.queue.push_back({std::move(record), std::move(done), refused});
  ++d.eager_queued;
  // On a loop thread, a round that need not wait for the disk runs there once the caller has
  // unwound (Impl::Drive). A kAlways round stays on the committer: fdatasync blocks for hundreds
  // of microseconds, and a loop thread blocked in it serves none of its other connections
  // (measured: lifecycle throughput fell by a third, docs/performance.md).
  common::ThreadLoop* loop =
      d.options.sync != SyncMode::kAlways ? common::ThreadLoop::Current() : nullptr;
  if (loop != nullptr) {
    const bool post = drive_posted_for != &d;
    drive_posted_for = &d;
    lock.unlock();
    if (post) d.PostDrive(loop);
    return;
  }
  lock.unlock();
  if (wake) d.work_cv.notify_one();
}

void Log::AppendLazy(std::string record) {
  Impl& d = *impl_;
  std::unique_lock lock(d.mu);
  if (d.closing) return;
  const bool refused = record.size() > format::kMaxRecordSize;
  // The committer learns of the first lazy record so that it can set its deadline; later ones
  // share it, and eager records take them all along.
  const bool wake = d.queue.empty();
  if (d.lazy_queued == 0) d.lazy_since = Clock::now();
  d.queue.push_back({std::move(record), nullptr, refused, /*lazy=*/true});
  ++d.lazy_queued;
  lock.unlock();
  if (wake) d.work_cv.notify_one();
}

namespace {

class VectorSource final : public SnapshotSource {
 public:
  explicit VectorSource(std::vector<std::string> records) : records_(std::move(records)) {}
  bool Next(std::string* record) override {
    if (next_ == records_.size()) return false;
    *record = std::move(records_[next_++]);
    return true;
  }

 private:
  std::vector<std::string> records_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<SnapshotSource> SnapshotOf(std::vector<std::string> records) {
  return std::make_unique<VectorSource>(std::move(records));
}

void Log::RequestCheckpoint(SnapshotFn fn) { RequestCheckpoint(std::move(fn), nullptr); }

void Log::RequestCheckpoint(SnapshotFn fn, CheckpointCallback done) {
  Impl& d = *impl_;
  std::unique_lock lock(d.mu);
  if (d.closing || d.checkpoint_busy) {
    const bool closing = d.closing;
    lock.unlock();
    if (done) {
      done(Status::Error(closing ? "the log is closed" : "a checkpoint is already in progress"));
    }
    return;
  }
  d.checkpoint_busy = true;
  d.checkpoint_requested = true;
  d.checkpoint_fn = std::move(fn);
  d.checkpoint_done = std::move(done);
  lock.unlock();
  d.work_cv.notify_one();
}

void Log::Close() {
  Impl& d = *impl_;
  if (log_thread_of == &d) {
    std::fprintf(stderr, "storage::Log::Close called from a log callback\n");
    std::abort();
  }
  std::call_once(d.close_once, [&d] {
    {
      std::lock_guard lock(d.mu);
      d.closing = true;
    }
    d.work_cv.notify_one();
    d.committer.join();
    {
      std::lock_guard lock(d.mu);
      d.snapshot_stop = true;
    }
    d.snapshot_cv.notify_one();
    d.snapshotter.join();
    if (d.segment) d.segment->Close();
    d.lock_file.reset();
  });
}

uint64_t Log::segment_bytes() const {
  std::lock_guard lock(impl_->mu);
  uint64_t total = 0;
  for (const auto& [sequence, size] : impl_->segment_sizes) total += size;
  return total;
}

uint64_t Log::snapshot_bytes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->snapshot_size;
}

}  // namespace spool::storage
