#pragma once
// LogStore: what functions print, kept per function the way CloudWatch Logs shows Lambda's
// logs. A function's log group is "/aws/lambda/NAME"; every execution environment writes one
// log stream, "YYYY/MM/DD/[$LATEST]<32 hex>". Events are single lines (a runtime's multi-line
// message arrives with '\r' for its inner newlines, as Lambda's clients send it) with the
// platform's START / END / REPORT lines among them.
//
// Storage: DIR/logs/<function>/ holds append-only segment files; an event is one text line
// "<timestamp ms>\t<ingestion ms>\t<stream>\t<message>\n" with '\n', '\r', '\t' and '\\' in the
// stream and the message escaped as \n, \r, \t, \\ (segment_format.h; README.md). Appends are
// not fsynced (logs are diagnostics; a crash may lose the last lines, never corrupt earlier
// ones: a torn last line is skipped on read, and cut off before the next append).
// Retention: per function at most `max_bytes_per_function`; the oldest segment is deleted when
// a new one would pass it (the newest segment is always kept). Open("") keeps logs in memory
// with the same limits.
//
// Every event has a sequence number, increasing in append order within its group from 1 and
// kept across restarts (a segment's file name is the number of its first line). Reads go in
// sequence order and can resume after (or before) a sequence number.
//
// The store keeps an index of every segment (time range, first sequence, streams, a few
// offsets), so reads by time, by stream or after a sequence skip whole segments and seek inside
// one. A group's segments are indexed when it is first used after Open.
//
// Threading: every method may be called from any thread. The store has a mutex for its map of
// groups and each group one of its own; file reads run without either held (memory stores read
// under the group's mutex). Reads see every append that returned before them.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace spool::logs {

struct LogEvent {
  int64_t timestamp_ms = 0;  // when the line was written by the function (or the platform)
  int64_t ingestion_ms = 0;  // when the store took it
  std::string stream;
  std::string message;  // without the trailing newline
  // Position of the event in its group, increasing; a read can resume after it.
  uint64_t sequence = 0;
};

struct LogStreamInfo {
  std::string name;
  int64_t first_event_ms = 0;  // smallest timestamp kept
  int64_t last_event_ms = 0;   // largest timestamp kept
  int64_t first_ingestion_ms = 0;
  int64_t last_ingestion_ms = 0;
  int64_t stored_bytes = 0;  // bytes of its lines in the segments
};

struct LogGroupInfo {
  std::string name;         // the function name
  int64_t creation_ms = 0;  // ingestion time of the oldest event kept
  int64_t last_ingestion_ms = 0;
  int64_t stored_bytes = 0;  // bytes of its segments
};

struct LogQuery {
  std::optional<int64_t> start_ms;   // events with timestamp >= start
  std::optional<int64_t> end_ms;     // events with timestamp <= end
  std::vector<std::string> streams;  // empty: every stream
  std::string stream_prefix;         // "" : every stream
  uint64_t after_sequence = 0;       // only events with a greater sequence (resume a read)
  uint64_t before_sequence = 0;      // only events with a smaller sequence; 0: no bound
  size_t limit = 10000;              // at most this many, oldest first
  // Take the newest `limit` matches instead of the oldest (still returned oldest first).
  bool newest = false;
  // Stop once the returned messages (plus 26 bytes each, CloudWatch's measure) would pass this;
  // 0: no cap. A page always holds at least one event if one matches.
  size_t max_bytes = 0;
  // Stop after examining about this many bytes of lines; 0: no cap. Bounds the work of one read
  // with a selective `match`; the page then says where to resume.
  int64_t max_scan_bytes = 0;
  // A further condition on the event (a filter pattern). Runs without the store's locks held
  // (memory stores: with the group's), on the reading thread.
  std::function<bool(const LogEvent&)> match;
};

struct LogPage {
  std::vector<LogEvent> events;  // oldest first
  // The read stopped early (limit, max_bytes or max_scan_bytes) with events left to examine.
  bool more = false;
  // The sequence range the read covered: every matching event of [covered_from, covered_to] is
  // in `events`. A forward read continues with after_sequence = covered_to, a newest-first read
  // with before_sequence = covered_from (>= 1, so it never means "no bound").
  uint64_t covered_from = 1;
  uint64_t covered_to = 0;
};

struct LogStoreOptions {
  std::string dir;  // the data directory; "" keeps logs in memory
  int64_t max_bytes_per_function = 64 * 1024 * 1024;
  int64_t segment_bytes = 4 * 1024 * 1024;  // at most max_bytes_per_function
  const common::Clock* clock = nullptr;     // ingestion times; null: the system clock
};

// A message longer than this is cut (CloudWatch's event size limit is of the same order).
inline constexpr size_t kMaxMessageBytes = 256 * 1024;

class LogStore {
 public:
  // Null with *error when DIR/logs cannot be made or read.
  static std::unique_ptr<LogStore> Open(LogStoreOptions options, std::string* error);
  ~LogStore();

  // True for names a group may have: 1 to 140 of [A-Za-z0-9_.-], not starting with '.' (a
  // function name; it names a directory). Appends to other names are dropped.
  static bool ValidGroupName(std::string_view group);

  // Appends one event per line of `text` ('\n' separates lines; an empty trailing line is
  // dropped). `group` is the function name (the log group is "/aws/lambda/" + group). A
  // timestamp of 0 (or less) means now. A write error is logged and loses these lines (logs are
  // diagnostics).
  void Append(const std::string& group, const std::string& stream, int64_t timestamp_ms,
              std::string_view text);

  // Function names that have logs, sorted.
  std::vector<std::string> Groups() const;
  // The same with sizes and times (indexes every group not indexed yet).
  std::vector<LogGroupInfo> GroupInfos() const;
  // Streams of a group, sorted by name; empty when it has none.
  std::vector<LogStreamInfo> Streams(const std::string& group) const;
  // Events of one group matching `query`, oldest first.
  std::vector<LogEvent> Read(const std::string& group, const LogQuery& query) const;
  // The same, with where the read stopped (for paging).
  LogPage ReadPage(const std::string& group, const LogQuery& query) const;
  // Removes a group's logs (when its function is deleted).
  void DeleteGroup(const std::string& group);

 private:
  LogStore() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace spool::logs
