// DescribeLogGroups and DescribeLogStreams.

#include <algorithm>

#include "logs/logs_actions.h"

namespace spool::logs::internal {
namespace {

namespace json = boost::json;

bool ContainsIgnoringCase(std::string_view text, std::string_view part) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  auto it = std::search(text.begin(), text.end(), part.begin(), part.end(),
                        [&](char a, char b) { return lower(a) == lower(b); });
  return it != text.end();
}

// The key a DescribeLogStreams page continues after: by name, or by last event time then name.
std::string StreamKey(const LogStreamInfo& s, bool by_time) {
  if (!by_time) return s.name;
  char ms[24];
  std::snprintf(ms, sizeof ms, "%020lld", static_cast<long long>(s.last_event_ms));
  return std::string(ms) + '\n' + s.name;
}

}  // namespace

json::object DescribeLogGroups(const ActionContext& ctx, const Params& p) {
  ctx.authorize(ctx.AllGroupsArn());
  auto prefix = p.String("logGroupNamePrefix");
  auto pattern = p.String("logGroupNamePattern");
  if (prefix && pattern) {
    InvalidParameter("logGroupNamePrefix and logGroupNamePattern are mutually exclusive.");
  }
  int64_t limit = p.Limit("limit", 1, 50, 50);
  std::string after;
  if (auto token = p.String("nextToken")) after = ParseKeyToken(*token);

  json::array groups;
  std::string last;
  bool more = false;
  for (const LogGroupInfo& g : ctx.store->GroupInfos()) {
    std::string name = std::string(kLambdaGroupPrefix) + g.name;
    if (!after.empty() && name <= after) continue;
    if (prefix && !name.starts_with(*prefix)) continue;
    if (pattern && !ContainsIgnoringCase(name, *pattern)) continue;
    if (static_cast<int64_t>(groups.size()) == limit) {
      more = true;
      break;
    }
    std::string arn = ctx.GroupArn(name);
    groups.push_back(json::object{
        {"logGroupName", name},
        {"creationTime", g.creation_ms},
        {"metricFilterCount", 0},
        {"arn", arn},
        {"logGroupArn", arn.substr(0, arn.size() - 2)},
        {"storedBytes", g.stored_bytes},
        {"logGroupClass", "STANDARD"},
    });
    last = name;
  }
  json::object out{{"logGroups", std::move(groups)}};
  if (more) out["nextToken"] = KeyToken(last);
  return out;
}

json::object DescribeLogStreams(const ActionContext& ctx, const Params& p) {
  std::string function = ctx.ResolveGroup(p);
  std::string group_name = std::string(kLambdaGroupPrefix) + function;
  auto prefix = p.String("logStreamNamePrefix").value_or("");
  std::string order = p.String("orderBy").value_or("LogStreamName");
  if (order != "LogStreamName" && order != "LastEventTime") {
    InvalidParameter("1 validation error detected: Value '" + order +
                     "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum "
                     "value set: [LogStreamName, LastEventTime]");
  }
  bool by_time = order == "LastEventTime";
  if (by_time && !prefix.empty()) {
    InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  bool descending = p.Bool("descending").value_or(false);
  int64_t limit = p.Limit("limit", 1, 50, 50);
  std::optional<std::string> after;
  if (auto token = p.String("nextToken")) after = ParseKeyToken(*token);

  std::vector<std::pair<std::string, LogStreamInfo>> streams;
  for (LogStreamInfo& s : ctx.store->Streams(function)) {
    if (!s.name.starts_with(prefix)) continue;
    std::string key = StreamKey(s, by_time);
    streams.emplace_back(std::move(key), std::move(s));
  }
  std::sort(streams.begin(), streams.end(), [&](const auto& a, const auto& b) {
    return descending ? a.first > b.first : a.first < b.first;
  });

  json::array out_streams;
  std::string last;
  bool more = false;
  for (const auto& [key, s] : streams) {
    if (after && (descending ? key >= *after : key <= *after)) continue;
    if (static_cast<int64_t>(out_streams.size()) == limit) {
      more = true;
      break;
    }
    out_streams.push_back(json::object{
        {"logStreamName", s.name},
        {"creationTime", s.first_ingestion_ms},
        {"firstEventTimestamp", s.first_event_ms},
        {"lastEventTimestamp", s.last_event_ms},
        {"lastIngestionTime", s.last_ingestion_ms},
        {"arn", ctx.StreamArn(group_name, s.name)},
        {"storedBytes", s.stored_bytes},
    });
    last = key;
  }
  json::object out{{"logStreams", std::move(out_streams)}};
  if (more) out["nextToken"] = KeyToken(last);
  return out;
}

}  // namespace spool::logs::internal
