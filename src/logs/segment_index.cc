#include "logs/segment_index.h"

#include <algorithm>

#include "logs/segment_format.h"

namespace spool::logs::internal {

void StreamStats::Add(int64_t timestamp_ms, int64_t ingestion_ms, int64_t line_bytes) {
  first_ms = std::min(first_ms, timestamp_ms);
  last_ms = std::max(last_ms, timestamp_ms);
  first_ingestion_ms = std::min(first_ingestion_ms, ingestion_ms);
  last_ingestion_ms = std::max(last_ingestion_ms, ingestion_ms);
  bytes += line_bytes;
}

void StreamStats::Merge(const StreamStats& o) {
  first_ms = std::min(first_ms, o.first_ms);
  last_ms = std::max(last_ms, o.last_ms);
  first_ingestion_ms = std::min(first_ingestion_ms, o.first_ingestion_ms);
  last_ingestion_ms = std::max(last_ingestion_ms, o.last_ingestion_ms);
  bytes += o.bytes;
}

void SegmentIndex::AddLine(const std::string* stream, int64_t timestamp_ms, int64_t ingestion_ms,
                           int64_t line_bytes) {
  int64_t last_mark = marks.empty() ? 0 : marks.back().offset;
  if (bytes - last_mark >= kMarkSpacing) marks.push_back({end_sequence(), bytes});
  if (stream != nullptr) {
    auto it = streams.find(*stream);
    if (it == streams.end()) it = streams.emplace(*stream, StreamStats{}).first;
    it->second.Add(timestamp_ms, ingestion_ms, line_bytes);
    totals.Add(timestamp_ms, ingestion_ms, line_bytes);
  }
  ++lines;
  bytes += line_bytes;
}

size_t SegmentIndex::AddLines(std::string_view data) {
  size_t pos = 0;
  for (;;) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) return pos;
    auto parsed = ParseLine(data.substr(pos, nl - pos));
    int64_t size = static_cast<int64_t>(nl + 1 - pos);
    if (parsed) {
      AddLine(&parsed->stream, parsed->timestamp_ms, parsed->ingestion_ms, size);
    } else {
      AddLine(nullptr, 0, 0, size);
    }
    pos = nl + 1;
  }
}

void SegmentIndex::AddAppended(std::string_view stream, int64_t timestamp_ms, int64_t ingestion_ms,
                               const std::vector<int64_t>& sizes) {
  std::string name(stream);
  for (int64_t size : sizes) AddLine(&name, timestamp_ms, ingestion_ms, size);
}

SegmentIndex::Mark SegmentIndex::Seek(uint64_t sequence) const {
  Mark best{first_sequence, 0};
  auto it = std::upper_bound(marks.begin(), marks.end(), sequence,
                             [](uint64_t s, const Mark& m) { return s < m.sequence; });
  if (it != marks.begin()) best = *std::prev(it);
  return best;
}

bool SegmentIndex::MayMatch(const LogQuery& query) const {
  if (streams.empty()) return false;  // nothing in it parses
  if (query.start_ms && totals.last_ms < *query.start_ms) return false;
  if (query.end_ms && totals.first_ms > *query.end_ms) return false;
  if (!query.streams.empty()) {
    bool any = std::any_of(query.streams.begin(), query.streams.end(),
                           [&](const std::string& s) { return streams.contains(s); });
    if (!any) return false;
  }
  if (!query.stream_prefix.empty()) {
    auto it = streams.lower_bound(query.stream_prefix);
    if (it == streams.end() || !it->first.starts_with(query.stream_prefix)) return false;
  }
  return true;
}

bool StreamSelected(const LogQuery& query, std::string_view stream) {
  if (!query.stream_prefix.empty() && !stream.starts_with(query.stream_prefix)) return false;
  if (query.streams.empty()) return true;
  return std::find(query.streams.begin(), query.streams.end(), stream) != query.streams.end();
}

}  // namespace spool::logs::internal
