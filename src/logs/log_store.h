#pragma once
// LogStore: what functions print, kept per function the way CloudWatch Logs shows Lambda's
// logs. A function's log group is "/aws/lambda/NAME"; every execution environment writes one
// log stream, "YYYY/MM/DD/[$LATEST]<32 hex>". Events are single lines (a runtime's multi-line
// message arrives with '\r' for its inner newlines, as Lambda's clients send it) with the
// platform's START / END / REPORT lines among them.
//
// Storage: DIR/logs/<function>/ holds append-only segment files; an event is one text line
// "<timestamp ms>\t<ingestion ms>\t<stream>\t<message>\n" with '\n', '\t' and '\\' in the
// message escaped as \n, \t, \\. Appends are not fsynced (logs are diagnostics; a crash may
// lose the last lines, never corrupt earlier ones: a torn last line is skipped on read).
// Retention: per function at most `max_bytes_per_function`; the oldest segment is deleted when
// a new one would pass it. Open("") keeps logs in memory with the same limit.
//
// Threading: every method may be called from any thread (one mutex per store). Reads see
// every append that returned before them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  int64_t first_event_ms = 0;
  int64_t last_event_ms = 0;
  int64_t last_ingestion_ms = 0;
  int64_t stored_bytes = 0;
};

struct LogQuery {
  std::optional<int64_t> start_ms;  // events with timestamp >= start
  std::optional<int64_t> end_ms;    // events with timestamp <= end
  std::vector<std::string> streams;  // empty: every stream
  std::string stream_prefix;         // "" : every stream
  uint64_t after_sequence = 0;       // only events with a greater sequence (resume a read)
  size_t limit = 10000;              // at most this many, oldest first
};

struct LogStoreOptions {
  std::string dir;  // the data directory; "" keeps logs in memory
  int64_t max_bytes_per_function = 64 * 1024 * 1024;
  int64_t segment_bytes = 4 * 1024 * 1024;
};

class LogStore {
 public:
  // Null with *error when DIR/logs cannot be made or read.
  static std::unique_ptr<LogStore> Open(LogStoreOptions options, std::string* error);
  ~LogStore();

  // Appends one event per line of `text` ('\n' separates lines; an empty trailing line is
  // dropped). `group` is the function name (the log group is "/aws/lambda/" + group).
  void Append(const std::string& group, const std::string& stream, int64_t timestamp_ms,
              std::string_view text);

  // Function names that have logs, sorted.
  std::vector<std::string> Groups() const;
  std::vector<LogStreamInfo> Streams(const std::string& group) const;
  // Events of one group matching `query`, oldest first.
  std::vector<LogEvent> Read(const std::string& group, const LogQuery& query) const;
  // Removes a group's logs (when its function is deleted).
  void DeleteGroup(const std::string& group);

 private:
  LogStore() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace spool::logs
