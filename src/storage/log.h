#pragma once
// Log: a write-ahead log of opaque records in a directory.
//
// Files (format in docs/storage-format.md): `LOCK`, segments `wal-<16 hex digits>.log` numbered
// upwards, and snapshots `snapshot-<16 hex>.snap` (a snapshot numbered N holds the state as of
// the start of segment N: recovery reads the newest complete snapshot, then every segment >= N).
// Records are framed with length and CRC32C; each file starts with a header carrying a magic
// number and the format version.
//
// Writes: Append() queues a record in memory and returns at once; a committer thread writes
// everything queued since its last round in one write(), makes it durable per SyncMode, then
// runs the round's callbacks in append order on the committer thread. Records reach the disk
// in the order Append() was called. On a thread that runs an event loop registered as its
// common::ThreadLoop, with kBatch or kNever, the round runs on that thread instead, from a task
// Append posts behind the loop's queued work (one such task at a time per thread; it takes
// everything queued then, also other threads' records); its callbacks then run there. Only one
// thread writes a round at a time, so the order above holds across threads. A task the loop
// drops unrun leaves its records queued: the committer takes them, at the latest at Close.
//
// Lazy records (AppendLazy) start no round of their own: they go out with the next round in
// their place among the others, or, when no other record comes, the committer writes them
// `lazy_interval` after the first of them was queued, in a round that does not fdatasync in any
// mode (the next synced round, a segment roll or Close makes them durable).
//
// Failures: a write or sync error (ENOSPC, EIO) fails every callback of the round with that
// error; the bytes of a failed round are cut off again (the segment is truncated back to its
// last good length), so nothing half-written is ever replayed; later rounds try again, so
// service resumes when space returns.
//
// Threading: Append(), RequestCheckpoint() and the accessors may be called from any thread,
// also while the caller holds its own locks: they only take the log's internal mutex briefly,
// and no callback ever runs inside the call (except after Close, see Append). Append callbacks
// run on the committer thread or, as above, later on the appending loop thread; checkpoint
// callbacks on the snapshot thread; none may call Close() nor throw.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/file.h"

namespace spool::storage {

enum class SyncMode {
  kAlways,  // fdatasync before a round's callbacks run (durable on acknowledgement)
  kBatch,   // callbacks after write(); fdatasync at most every `batch_interval`
  kNever,   // callbacks after write(); the OS decides when data reaches the disk
};
// In every mode the log also syncs at segment rollover (so only the newest segment can ever
// have a torn tail), when a checkpoint starts a segment, and at Close.

struct LogOptions {
  // Directory of the log; created if missing.
  std::string dir;
  SyncMode sync = SyncMode::kAlways;
  // kBatch: longest time between two fdatasync calls.
  std::chrono::milliseconds batch_interval{10};
  // Longest time a lazy record (AppendLazy) waits in memory for a round to take it along.
  std::chrono::milliseconds lazy_interval{10};
  // A segment that grows past this is closed and a new one started.
  uint64_t segment_bytes = 64ull << 20;
  // Most bytes one round writes (a round takes what is queued, up to this).
  uint64_t max_round_bytes = 8ull << 20;
  // File access; nullptr means the real POSIX file system. Tests inject faults here.
  FileSystem* fs = nullptr;
};

// What Open() found and did.
struct RecoveryReport {
  uint64_t records = 0;          // valid records replayed (snapshot + segments)
  uint64_t segments = 0;         // segments read
  std::string snapshot;          // file name of the snapshot used, "" when none
  uint64_t truncated_bytes = 0;  // torn tail cut off the last segment
  std::string truncated_file;    // which file was cut, "" when none
  // Snapshots that were damaged or incomplete and skipped in favour of an older one (or of
  // none), newest first, each as "<file>: <why>". Left on disk for the operator.
  std::vector<std::string> ignored_snapshots;
};

struct Status {
  bool ok = true;
  std::string message;  // what failed and where (file, offset), for logs and operators
  int sys_errno = 0;    // the errno behind an I/O failure, 0 otherwise
  static Status Ok() { return {}; }
  static Status Error(std::string m, int e = 0) { return {false, std::move(m), e}; }
};

using AppendCallback = std::function<void(const Status&)>;
// Receives each recovered record in log order.
using ReplayFn = std::function<void(std::string_view record)>;
// Called by the committer thread between two rounds (every earlier round written and its
// callbacks run; nothing of later appends written yet). It must capture the state to snapshot
// and return quickly: no round is written while it runs. It returns a SnapshotSource that
// yields the state as records later, on the snapshot thread (the engine captures references
// under its lock and encodes records one at a time as they are written, so a large state
// neither stalls commits while it is encoded nor exists twice in memory). After it returns, new
// appends go to a fresh segment N; the snapshot N is written and made durable in the
// background, and only then are segments < N and older snapshots deleted.
//
// Recovery replays the snapshot, then every record of segments >= N, which includes records
// appended before fn ran but still queued then (their callbacks had not run). The state fn
// returns must therefore hold exactly the effects of records whose callbacks have run, or
// replaying those queued records on top of it must be harmless.
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  // The next record into *record; false when there are none left. Called on the snapshot
  // thread only.
  virtual bool Next(std::string* record) = 0;
};
using SnapshotFn = std::function<std::unique_ptr<SnapshotSource>()>;
// A source of records encoded in advance (small states, tests).
std::unique_ptr<SnapshotSource> SnapshotOf(std::vector<std::string> records);
// Learns how a checkpoint ended: OK once the snapshot is durable (older files are then removed,
// best effort), or why it failed or was refused. Runs on the snapshot thread, or on the calling
// thread when the request is refused at once.
using CheckpointCallback = std::function<void(const Status&)>;

class Log {
 public:
  // Opens (or creates) the log in options.dir: takes LOCK (fails if another process holds
  // it), reads the newest complete snapshot and every later segment, calling `replay` for each
  // valid record in order. A torn or corrupt tail of the LAST segment is truncated and
  // reported. Corruption anywhere else (a bad record in the middle of a segment or in an older
  // segment, a missing segment in the sequence) fails Open with a message naming file and
  // offset and saying to run repair; nothing is changed on disk then. Records are replayed
  // while files are read: when Open fails, discard whatever `replay` received. Appends always
  // go to a new segment, so a file written by an older format version is never extended.
  // `report` and `status` may be null.
  static std::unique_ptr<Log> Open(const LogOptions& options, const ReplayFn& replay,
                                   RecoveryReport* report, Status* status);

  // Salvages a damaged log: keeps every valid record of every file in order, skipping damaged
  // stretches (resynchronising on the next valid frame), and rewrites the log as one snapshot
  // of the salvaged records. Reports what was dropped in *summary. The directory must not be
  // in use.
  static Status Repair(const LogOptions& options, std::string* summary);

  ~Log();  // Close()
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Queues a record; `done` (may be empty) runs once the record is written per SyncMode, or
  // failed. Records larger than 64 MiB are refused: `done` gets an error on the committer
  // thread, in its place among the other callbacks. After Close, `done` gets an error at once
  // on the calling thread.
  void Append(std::string record, AppendCallback done);
  // Queues a record nobody waits for (the engine's receive counts and dead-letter moves, which
  // may be lost in a crash). It is written in append order with the records around it, with the
  // next round that an Append starts or at the latest `lazy_interval` after it was queued;
  // either way it costs no fdatasync of its own. A crash of the process loses at most the lazy
  // records of the last `lazy_interval`; a crash of the machine, also those written since the
  // last sync. Dropped after Close, and when over the 64 MiB limit.
  void AppendLazy(std::string record);
  // Asks the committer to take a snapshot (via `fn`) at the next gap between rounds.
  // At most one snapshot is in progress; a request while one is requested or runs is ignored
  // (`done`, if given, learns that at once).
  void RequestCheckpoint(SnapshotFn fn);
  void RequestCheckpoint(SnapshotFn fn, CheckpointCallback done);
  // Flushes what is queued, waits for callbacks and any snapshot in progress, syncs (in every
  // SyncMode), stops the committer and releases LOCK. A checkpoint requested but not started
  // yet is dropped. Idempotent; safe to call from several threads.
  void Close();

  // Bytes in live segments (everything recovery would read after the snapshot).
  uint64_t segment_bytes() const;
  // Bytes of the newest snapshot (0 when none).
  uint64_t snapshot_bytes() const;

 private:
  struct Impl;
  explicit Log(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;  // shared with Drive()s posted to loop threads
};

}  // namespace spool::storage
