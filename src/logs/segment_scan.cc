#include "logs/segment_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <limits>

#include "logs/segment_format.h"
#include "logs/segment_index.h"

namespace spool::logs::internal {
namespace {

// CloudWatch counts 26 bytes of overhead per event against its 1 MB page.
constexpr size_t kEventOverhead = 26;

// The bytes [start, end) of a part. A segment deleted since the plan was made (retention, a
// deleted group) reads as empty: its events are gone.
std::string_view ReadPart(const ScanPart& part, std::string* buffer) {
  if (part.path.empty()) {
    int64_t end = std::min<int64_t>(part.end, static_cast<int64_t>(part.data.size()));
    if (part.start >= end) return {};
    return part.data.substr(part.start, end - part.start);
  }
  buffer->clear();
  int fd = ::open(part.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  buffer->resize(part.end - part.start);
  size_t got = 0;
  while (got < buffer->size()) {
    ssize_t n = ::pread(fd, buffer->data() + got, buffer->size() - got, part.start + got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += n;
  }
  ::close(fd);
  buffer->resize(got);
  return *buffer;
}

// Calls f(sequence, line) for each complete line of `bytes` (first line: `sequence`) until f
// returns false. Returns the sequence after the last line visited.
template <typename F>
uint64_t ForEachLine(std::string_view bytes, uint64_t sequence, F&& f) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) break;
    if (!f(sequence, bytes.substr(pos, nl - pos))) return sequence;
    ++sequence;
    pos = nl + 1;
  }
  return sequence;
}

// The event of `line` if it matches the query (time, stream, predicate).
std::optional<LogEvent> Matching(const LogQuery& q, uint64_t sequence, std::string_view line) {
  auto timestamp = ParseTimestamp(line);
  if (!timestamp) return std::nullopt;
  if (q.start_ms && *timestamp < *q.start_ms) return std::nullopt;
  if (q.end_ms && *timestamp > *q.end_ms) return std::nullopt;
  auto parsed = ParseLine(line);
  if (!parsed || !StreamSelected(q, parsed->stream)) return std::nullopt;
  LogEvent e{parsed->timestamp_ms, parsed->ingestion_ms, std::move(parsed->stream),
             std::move(parsed->message), sequence};
  if (q.match && !q.match(e)) return std::nullopt;
  return e;
}

class PageBuilder {
 public:
  explicit PageBuilder(const LogQuery& q) : q_(q) {}
  // False (and nothing added) when `e` does not fit: the page is full.
  bool Add(LogEvent e) {
    size_t cost = e.message.size() + kEventOverhead;
    if (page.events.size() >= std::max<size_t>(q_.limit, 1)) return false;
    if (q_.max_bytes > 0 && !page.events.empty() && bytes_ + cost > q_.max_bytes) return false;
    bytes_ += cost;
    page.events.push_back(std::move(e));
    return true;
  }
  LogPage page;

 private:
  const LogQuery& q_;
  size_t bytes_ = 0;
};

LogPage ScanForward(const ScanPlan& plan, const LogQuery& q) {
  const uint64_t after = q.after_sequence;
  const uint64_t upper =
      std::min(plan.end_sequence,
               q.before_sequence ? q.before_sequence : std::numeric_limits<uint64_t>::max());
  PageBuilder out(q);
  LogPage& page = out.page;
  page.covered_from = after + 1;
  page.covered_to = after;
  auto cover = [&](uint64_t through) { page.covered_to = std::max(page.covered_to, through); };
  int64_t scanned = 0;
  std::string buffer;
  for (const ScanPart& part : plan.parts) {
    if (part.end_sequence <= after + 1) continue;
    if (part.first_sequence >= upper) break;
    uint64_t part_last = std::min(part.end_sequence, upper) - 1;
    if (part.skip) {
      cover(part_last);
      continue;
    }
    bool stop = false;
    ForEachLine(ReadPart(part, &buffer), part.start_sequence,
                [&](uint64_t sequence, std::string_view line) {
                  if (sequence >= upper) return false;
                  if (sequence <= after) return true;
                  scanned += static_cast<int64_t>(line.size()) + 1;
                  if (auto e = Matching(q, sequence, line)) {
                    if (!out.Add(std::move(*e))) {
                      page.more = true;
                      return !(stop = true);
                    }
                  }
                  cover(sequence);
                  if (q.max_scan_bytes > 0 && scanned >= q.max_scan_bytes && sequence + 1 < upper) {
                    page.more = true;
                    return !(stop = true);
                  }
                  return true;
                });
    if (stop) return page;
    cover(part_last);  // lines gone since the plan was made count as examined
  }
  if (upper > 0) cover(upper - 1);
  return page;
}

LogPage ScanNewest(const ScanPlan& plan, const LogQuery& q) {
  const uint64_t lower = q.after_sequence + 1;
  const uint64_t upper =
      std::min(plan.end_sequence,
               q.before_sequence ? q.before_sequence : std::numeric_limits<uint64_t>::max());
  PageBuilder out(q);
  LogPage& page = out.page;
  page.covered_to = upper > lower ? upper - 1 : q.after_sequence;
  page.covered_from = std::max(upper, lower);
  auto cover = [&](uint64_t from) { page.covered_from = std::min(page.covered_from, from); };
  const size_t limit = std::max<size_t>(q.limit, 1);
  int64_t scanned = 0;
  std::string buffer;
  for (auto it = plan.parts.rbegin(); it != plan.parts.rend(); ++it) {
    const ScanPart& part = *it;
    if (part.first_sequence >= upper) continue;
    if (part.end_sequence <= lower) break;
    uint64_t part_first = std::max(part.first_sequence, lower);
    if (!part.skip) {
      // The newest matches of this part, at most as many as could still fit (plus one to know
      // whether there are more).
      std::deque<LogEvent> newest;
      size_t room = limit + 1 - page.events.size();
      std::string_view bytes = ReadPart(part, &buffer);
      scanned += static_cast<int64_t>(bytes.size());
      ForEachLine(bytes, part.start_sequence, [&](uint64_t sequence, std::string_view line) {
        if (sequence >= upper) return false;
        if (sequence < lower) return true;
        if (auto e = Matching(q, sequence, line)) {
          newest.push_back(std::move(*e));
          if (newest.size() > room) newest.pop_front();
        }
        return true;
      });
      while (!newest.empty()) {
        if (!out.Add(std::move(newest.back()))) {
          page.more = true;
          page.covered_from = page.events.back().sequence;
          std::reverse(page.events.begin(), page.events.end());
          return page;
        }
        newest.pop_back();
      }
    }
    cover(part_first);
    bool older_left = std::next(it) != plan.parts.rend() && part_first > lower;
    if (q.max_scan_bytes > 0 && scanned >= q.max_scan_bytes && older_left) {
      page.more = true;
      break;
    }
  }
  if (!page.more) cover(lower);
  std::reverse(page.events.begin(), page.events.end());
  return page;
}

}  // namespace

LogPage Scan(const ScanPlan& plan, const LogQuery& query) {
  return query.newest ? ScanNewest(plan, query) : ScanForward(plan, query);
}

}  // namespace spool::logs::internal
