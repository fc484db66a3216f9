#pragma once
// SegmentIndex: what the store remembers about one segment without reading it: its sequence
// range, byte size, time range, per-stream statistics and a few (sequence, offset) marks to seek
// to. Built by reading a segment at the first use of its group, then kept up to date by
// appends. Internal to the store.

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "logs/log_store.h"

namespace spool::logs::internal {

struct StreamStats {
  int64_t first_ms = std::numeric_limits<int64_t>::max();
  int64_t last_ms = std::numeric_limits<int64_t>::min();
  int64_t first_ingestion_ms = std::numeric_limits<int64_t>::max();
  int64_t last_ingestion_ms = std::numeric_limits<int64_t>::min();
  int64_t bytes = 0;

  void Add(int64_t timestamp_ms, int64_t ingestion_ms, int64_t line_bytes);
  void Merge(const StreamStats& other);
};

struct SegmentIndex {
  struct Mark {
    uint64_t sequence = 0;
    int64_t offset = 0;
  };
  // A mark is kept about every this many bytes.
  static constexpr int64_t kMarkSpacing = 64 * 1024;

  uint64_t first_sequence = 1;
  uint64_t lines = 0;  // complete lines, including the few that do not parse
  int64_t bytes = 0;   // bytes of the complete lines
  StreamStats totals;  // over every line that parses
  std::map<std::string, StreamStats, std::less<>> streams;
  std::vector<Mark> marks;  // increasing; the segment's start is an implicit mark

  uint64_t end_sequence() const { return first_sequence + lines; }  // one past the last line

  // Indexes the complete lines of `data`, which continues the segment at `bytes`. Returns the
  // bytes consumed: up to and including the last '\n' (a torn last line is left out).
  size_t AddLines(std::string_view data);
  // Indexes `count` lines of one stream written by one append, `sizes` bytes each.
  void AddAppended(std::string_view stream, int64_t timestamp_ms, int64_t ingestion_ms,
                   const std::vector<int64_t>& sizes);

  // The last mark at or before the line with sequence `sequence` (clamped to the segment).
  Mark Seek(uint64_t sequence) const;
  // False when the index proves that no event of this segment can match `query`'s time range
  // and streams.
  bool MayMatch(const LogQuery& query) const;

 private:
  void AddLine(const std::string* stream, int64_t timestamp_ms, int64_t ingestion_ms,
               int64_t line_bytes);
};

// Whether an event's stream is one `query` asks for.
bool StreamSelected(const LogQuery& query, std::string_view stream);

}  // namespace spool::logs::internal
