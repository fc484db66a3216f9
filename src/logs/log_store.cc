#include "logs/log_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>

#include "common/file_util.h"
#include "common/log.h"
#include "logs/segment_format.h"
#include "logs/segment_index.h"
#include "logs/segment_scan.h"

namespace spool::logs {
namespace {

namespace fs = std::filesystem;
using common::Log;
using common::LogLevel;
using internal::ScanPart;
using internal::ScanPlan;
using internal::SegmentIndex;
using internal::StreamStats;

struct Segment {
  SegmentIndex index;
  std::string path;  // file stores
  std::string data;  // memory stores
};

struct Group {
  std::mutex mu;
  std::string name;
  std::string dir;  // "" in memory
  bool indexed = false;
  bool deleted = false;
  std::deque<Segment> segments;  // oldest first
  int64_t total_bytes = 0;
  uint64_t next_sequence = 1;
  int fd = -1;               // open for appending to the last segment
  bool tail_broken = false;  // the last segment must not be appended to
  std::atomic<bool> has_segments{false};

  ~Group() {
    if (fd >= 0) ::close(fd);
  }
};

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(n);
  }
  return true;
}

}  // namespace

struct LogStore::State {
  LogStoreOptions options;
  std::string root;  // DIR/logs; "" in memory
  common::SystemClock system_clock;
  const common::Clock* clock = nullptr;
  mutable std::mutex mu;
  std::map<std::string, std::shared_ptr<Group>, std::less<>> groups;

  bool memory() const { return root.empty(); }

  std::shared_ptr<Group> Find(std::string_view name) const {
    std::lock_guard lock(mu);
    auto it = groups.find(name);
    return it == groups.end() ? nullptr : it->second;
  }

  std::shared_ptr<Group> FindOrCreate(const std::string& name) {
    std::lock_guard lock(mu);
    auto& g = groups[name];
    if (!g) {
      g = std::make_shared<Group>();
      g->name = name;
      g->dir = memory() ? "" : root + "/" + name;
      g->indexed = true;  // nothing on disk yet
    }
    return g;
  }

  // Reads the group's segments into their indexes (once), cutting off a torn last line.
  void EnsureIndexed(Group& g) const {
    if (g.indexed) return;
    g.indexed = true;
    for (size_t i = 0; i < g.segments.size(); ++i) {
      Segment& s = g.segments[i];
      std::string data, error;
      bool missing = false;
      if (!common::ReadWholeFile(s.path, &data, &missing, &error)) {
        if (!missing) Log(LogLevel::kWarn, "log_segment_unreadable", {{"error", error}});
        continue;
      }
      size_t used = s.index.AddLines(data);
      if (used < data.size()) {
        Log(LogLevel::kWarn, "log_torn_line_skipped",
            {{"file", s.path}, {"bytes", std::to_string(data.size() - used)}});
        if (i + 1 == g.segments.size() && ::truncate(s.path.c_str(), used) != 0) {
          g.tail_broken = true;  // appends go to a new segment
        }
      }
      g.total_bytes += s.index.bytes;
    }
    if (!g.segments.empty()) {
      g.next_sequence = std::max(g.next_sequence, g.segments.back().index.end_sequence());
    }
  }

  // Starts a new last segment, deleting the oldest ones that would leave the group over its
  // limit.
  void StartSegment(Group& g) const {
    if (g.fd >= 0) {
      ::close(g.fd);
      g.fd = -1;
    }
    if (!g.segments.empty() && g.segments.back().index.lines == 0) {
      // An empty last segment is replaced (its file can only hold a write that failed).
      const Segment& empty = g.segments.back();
      if (!empty.path.empty()) ::unlink(empty.path.c_str());
      g.segments.pop_back();
    }
    while (!g.segments.empty() &&
           g.total_bytes + options.segment_bytes > options.max_bytes_per_function) {
      const Segment& oldest = g.segments.front();
      if (!oldest.path.empty() && ::unlink(oldest.path.c_str()) != 0 && errno != ENOENT) {
        Log(LogLevel::kWarn, "log_segment_delete_failed", {{"error", Errno(oldest.path)}});
      }
      g.total_bytes -= oldest.index.bytes;
      g.segments.pop_front();
    }
    Segment s;
    s.index.first_sequence = g.next_sequence;
    if (!memory()) s.path = g.dir + "/" + SegmentFileName(g.next_sequence);
    g.segments.push_back(std::move(s));
    g.tail_broken = false;
  }

  // Writes `lines` to the last segment and indexes them. False (nothing indexed, the file cut
  // back) on a write error.
  bool Write(Group& g, std::string_view lines) {
    Segment& s = g.segments.back();
    if (memory()) {
      s.data.append(lines);
      return true;
    }
    if (g.fd < 0) {
      if (::mkdir(g.dir.c_str(), 0755) != 0 && errno != EEXIST) {
        Log(LogLevel::kWarn, "log_write_failed", {{"error", Errno(g.dir)}});
        return false;
      }
      g.fd = ::open(s.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (g.fd < 0) {
        Log(LogLevel::kWarn, "log_write_failed", {{"error", Errno(s.path)}});
        return false;
      }
    }
    if (WriteAll(g.fd, lines)) return true;
    Log(LogLevel::kWarn, "log_write_failed", {{"error", Errno(s.path)}});
    if (::ftruncate(g.fd, s.index.bytes) != 0) g.tail_broken = true;
    ::close(g.fd);
    g.fd = -1;
    return false;
  }
};

LogStore::~LogStore() = default;

bool LogStore::ValidGroupName(std::string_view group) {
  if (group.empty() || group.size() > 140 || group[0] == '.') return false;
  return std::all_of(group.begin(), group.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

std::unique_ptr<LogStore> LogStore::Open(LogStoreOptions options, std::string* error) {
  std::unique_ptr<LogStore> store(new LogStore());
  auto state = std::make_unique<State>();
  options.max_bytes_per_function = std::max<int64_t>(options.max_bytes_per_function, 1);
  options.segment_bytes =
      std::clamp<int64_t>(options.segment_bytes, 1, options.max_bytes_per_function);
  state->options = options;
  state->clock = options.clock != nullptr ? options.clock : &state->system_clock;
  if (!options.dir.empty()) {
    state->root = options.dir + "/logs";
    std::error_code ec;
    fs::create_directories(state->root, ec);
    if (ec) {
      *error = state->root + ": " + ec.message();
      return nullptr;
    }
    fs::directory_iterator groups(state->root, ec);
    for (; !ec && groups != fs::directory_iterator(); groups.increment(ec)) {
      std::string name = groups->path().filename().string();
      if (!groups->is_directory() || !ValidGroupName(name)) continue;
      auto g = std::make_shared<Group>();
      g->name = name;
      g->dir = groups->path().string();
      std::map<uint64_t, std::string> files;
      std::error_code file_ec;
      for (fs::directory_iterator f(g->dir, file_ec); !file_ec && f != fs::directory_iterator();
           f.increment(file_ec)) {
        auto first = ParseSegmentFileName(f->path().filename().string());
        if (first && *first > 0 && f->is_regular_file()) files[*first] = f->path().string();
      }
      if (file_ec) {
        *error = g->dir + ": " + file_ec.message();
        return nullptr;
      }
      for (auto& [first, path] : files) {
        Segment s;
        s.index.first_sequence = first;
        s.path = std::move(path);
        g->segments.push_back(std::move(s));
      }
      g->has_segments = !g->segments.empty();
      state->groups.emplace(name, std::move(g));
    }
    if (ec) {
      *error = state->root + ": " + ec.message();
      return nullptr;
    }
  }
  store->state_ = std::move(state);
  return store;
}

void LogStore::Append(const std::string& group, const std::string& stream, int64_t timestamp_ms,
                      std::string_view text) {
  if (!ValidGroupName(group)) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      Log(LogLevel::kWarn, "log_group_name_invalid", {{"group", group.substr(0, 200)}});
    }
    return;
  }
  if (text.ends_with('\n')) text.remove_suffix(1);
  State& st = *state_;
  const int64_t now = common::ToEpochMillis(st.clock->Now());
  if (timestamp_ms <= 0) timestamp_ms = now;  // unknown: when the store took it

  std::shared_ptr<Group> g;
  std::unique_lock<std::mutex> lock;
  for (;;) {
    g = st.FindOrCreate(group);
    lock = std::unique_lock(g->mu);
    if (!g->deleted) break;
    lock.unlock();
  }
  st.EnsureIndexed(*g);

  std::string pending;
  std::vector<int64_t> sizes;
  auto flush = [&] {
    if (sizes.empty()) return;
    if (st.Write(*g, pending)) {
      g->segments.back().index.AddAppended(stream, timestamp_ms, now, sizes);
      g->total_bytes += static_cast<int64_t>(pending.size());
      g->next_sequence += sizes.size();
      g->has_segments = true;
    } else if (g->tail_broken) {
      st.StartSegment(*g);
    }
    pending.clear();
    sizes.clear();
  };
  if (g->segments.empty() || g->tail_broken) st.StartSegment(*g);
  size_t pos = 0;
  for (;;) {
    size_t nl = text.find('\n', pos);
    std::string_view message = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (message.size() > kMaxMessageBytes) message = message.substr(0, kMaxMessageBytes);
    size_t before = pending.size();
    AppendLine(timestamp_ms, now, stream, message, &pending);
    int64_t size = static_cast<int64_t>(pending.size() - before);
    const SegmentIndex& last = g->segments.back().index;
    bool full = last.bytes + static_cast<int64_t>(before) + size > st.options.segment_bytes;
    if (full && (last.lines > 0 || !sizes.empty())) {
      std::string line = pending.substr(before);
      pending.resize(before);
      flush();
      st.StartSegment(*g);
      pending = std::move(line);
    }
    sizes.push_back(size);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
}

std::vector<std::string> LogStore::Groups() const {
  std::vector<std::string> out;
  std::lock_guard lock(state_->mu);
  for (const auto& [name, g] : state_->groups) {
    if (g->has_segments) out.push_back(name);
  }
  return out;
}

std::vector<LogGroupInfo> LogStore::GroupInfos() const {
  std::vector<std::shared_ptr<Group>> groups;
  {
    std::lock_guard lock(state_->mu);
    for (const auto& [name, g] : state_->groups) groups.push_back(g);
  }
  std::vector<LogGroupInfo> out;
  for (const auto& g : groups) {
    std::lock_guard lock(g->mu);
    if (g->deleted || !g->has_segments) continue;
    state_->EnsureIndexed(*g);
    StreamStats all;
    for (const Segment& s : g->segments) all.Merge(s.index.totals);
    LogGroupInfo info;
    info.name = g->name;
    info.stored_bytes = g->total_bytes;
    if (all.bytes > 0) {
      info.creation_ms = all.first_ingestion_ms;
      info.last_ingestion_ms = all.last_ingestion_ms;
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<LogStreamInfo> LogStore::Streams(const std::string& group) const {
  auto g = state_->Find(group);
  if (!g) return {};
  std::map<std::string, StreamStats, std::less<>> merged;
  {
    std::lock_guard lock(g->mu);
    state_->EnsureIndexed(*g);
    for (const Segment& s : g->segments) {
      for (const auto& [name, stats] : s.index.streams) merged[name].Merge(stats);
    }
  }
  std::vector<LogStreamInfo> out;
  out.reserve(merged.size());
  for (auto& [name, s] : merged) {
    out.push_back(
        {name, s.first_ms, s.last_ms, s.first_ingestion_ms, s.last_ingestion_ms, s.bytes});
  }
  return out;
}

std::vector<LogEvent> LogStore::Read(const std::string& group, const LogQuery& query) const {
  return ReadPage(group, query).events;
}

LogPage LogStore::ReadPage(const std::string& group, const LogQuery& query) const {
  auto g = state_->Find(group);
  ScanPlan plan;
  std::unique_lock<std::mutex> lock;
  if (g) {
    lock = std::unique_lock(g->mu);
    state_->EnsureIndexed(*g);
    plan.end_sequence = g->next_sequence;
    for (const Segment& s : g->segments) {
      ScanPart part;
      part.first_sequence = s.index.first_sequence;
      part.end_sequence = s.index.end_sequence();
      part.skip = !s.index.MayMatch(query);
      SegmentIndex::Mark mark = s.index.Seek(query.after_sequence + 1);
      part.start_sequence = mark.sequence;
      part.start = mark.offset;
      part.end = s.index.bytes;
      part.path = s.path;
      part.data = s.data;
      plan.parts.push_back(std::move(part));
    }
    if (!state_->memory()) lock.unlock();
  }
  return internal::Scan(plan, query);
}

void LogStore::DeleteGroup(const std::string& group) {
  std::lock_guard lock(state_->mu);
  auto it = state_->groups.find(group);
  if (it == state_->groups.end()) return;
  std::shared_ptr<Group> g = it->second;
  state_->groups.erase(it);
  std::lock_guard group_lock(g->mu);
  g->deleted = true;
  if (g->fd >= 0) {
    ::close(g->fd);
    g->fd = -1;
  }
  g->segments.clear();
  g->has_segments = false;
  if (!g->dir.empty()) {
    std::error_code ec;
    fs::remove_all(g->dir, ec);
    if (ec)
      Log(LogLevel::kWarn, "log_group_delete_failed", {{"error", g->dir + ": " + ec.message()}});
  }
}

}  // namespace spool::logs
