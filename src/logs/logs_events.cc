// GetLogEvents and FilterLogEvents.

#include <algorithm>

#include "logs/filter_pattern.h"
#include "logs/logs_actions.h"

namespace spool::logs::internal {
namespace {

namespace json = boost::json;

// A page of events is at most 1 MB (CloudWatch's measure) and a call examines about this much.
constexpr size_t kMaxPageBytes = 1024 * 1024;
constexpr int64_t kMaxScanBytes = 16 * 1024 * 1024;

std::optional<int64_t> Time(const Params& p, std::string_view name) {
  auto v = p.Long(name);
  if (v && *v < 0) {
    InvalidParameter("1 validation error detected: Value '" + std::to_string(*v) + "' at '" +
                     std::string(name) +
                     "' failed to satisfy constraint: Member must have value greater than or "
                     "equal to 0");
  }
  return v;
}

}  // namespace

json::object GetLogEvents(const ActionContext& ctx, const Params& p) {
  std::string function = ctx.ResolveGroup(p);
  auto stream = p.String("logStreamName");
  if (!stream || stream->empty()) InvalidParameter("logStreamName is required.");
  auto streams = ctx.store->Streams(function);
  if (std::none_of(streams.begin(), streams.end(),
                   [&](const LogStreamInfo& s) { return s.name == *stream; })) {
    Throw("ResourceNotFoundException", "The specified log stream does not exist.");
  }
  LogQuery q;
  q.streams = {*stream};
  q.start_ms = Time(p, "startTime");
  if (auto end = Time(p, "endTime")) q.end_ms = *end - 1;  // GetLogEvents' end is exclusive
  q.limit = static_cast<size_t>(p.Limit("limit", 1, 10000, 10000));
  q.max_bytes = kMaxPageBytes;
  q.max_scan_bytes = kMaxScanBytes;
  bool from_head = p.Bool("startFromHead").value_or(false);
  p.Bool("unmask");
  if (auto token = p.String("nextToken")) {
    EventToken t = ParseEventToken(*token);
    if (t.forward) {
      q.after_sequence = t.sequence;
    } else {
      q.newest = true;
      q.before_sequence = std::max<uint64_t>(t.sequence, 1);
    }
  } else {
    q.newest = !from_head;
  }
  LogPage page = ctx.store->ReadPage(function, q);
  json::array events;
  for (const LogEvent& e : page.events) {
    events.push_back(json::object{
        {"timestamp", e.timestamp_ms}, {"message", e.message}, {"ingestionTime", e.ingestion_ms}});
  }
  return json::object{{"events", std::move(events)},
                      {"nextForwardToken", ForwardToken(page.covered_to)},
                      {"nextBackwardToken", BackwardToken(page.covered_from)}};
}

json::object FilterLogEvents(const ActionContext& ctx, const Params& p) {
  std::string function = ctx.ResolveGroup(p);
  LogQuery q;
  auto names = p.StringList("logStreamNames");
  auto prefix = p.String("logStreamNamePrefix");
  if (names && prefix) {
    InvalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive.");
  }
  if (names) {
    if (names->empty() || names->size() > 100) {
      InvalidParameter("logStreamNames must name between 1 and 100 log streams.");
    }
    q.streams = std::move(*names);
  }
  if (prefix) q.stream_prefix = *prefix;
  q.start_ms = Time(p, "startTime");
  q.end_ms = Time(p, "endTime");
  q.limit = static_cast<size_t>(p.Limit("limit", 1, 10000, 10000));
  q.max_bytes = kMaxPageBytes;
  q.max_scan_bytes = kMaxScanBytes;
  p.Bool("interleaved");  // deprecated; events are always interleaved
  p.Bool("unmask");
  std::string error;
  auto pattern = FilterPattern::Parse(p.String("filterPattern").value_or(""), &error);
  if (!pattern) InvalidParameter("Invalid filter pattern: " + error);
  if (!pattern->matches_everything()) {
    q.match = [pattern = *pattern](const LogEvent& e) { return pattern.Matches(e.message); };
  }
  if (auto token = p.String("nextToken")) {
    EventToken t = ParseEventToken(*token);
    if (!t.forward) InvalidParameter("The specified nextToken is invalid.");
    q.after_sequence = t.sequence;
  }
  LogPage page = ctx.store->ReadPage(function, q);

  json::array events;
  for (const LogEvent& e : page.events) {
    events.push_back(json::object{{"logStreamName", e.stream},
                                  {"timestamp", e.timestamp_ms},
                                  {"message", e.message},
                                  {"ingestionTime", e.ingestion_ms},
                                  {"eventId", std::to_string(e.sequence)}});
  }
  json::array searched;
  for (const LogStreamInfo& s : ctx.store->Streams(function)) {
    if (!s.name.starts_with(q.stream_prefix)) continue;
    if (!q.streams.empty() &&
        std::find(q.streams.begin(), q.streams.end(), s.name) == q.streams.end()) {
      continue;
    }
    searched.push_back(json::object{{"logStreamName", s.name}, {"searchedCompletely", true}});
  }
  json::object out{{"events", std::move(events)}, {"searchedLogStreams", std::move(searched)}};
  if (page.more) out["nextToken"] = ForwardToken(page.covered_to);
  return out;
}

}  // namespace spool::logs::internal
