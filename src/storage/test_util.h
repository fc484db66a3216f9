#pragma once
// Helpers shared by the storage tests: scratch directories, raw file access, and opening a log
// while collecting what it replays.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/log.h"
#include "storage/log_format.h"

namespace spool::storage::test {

// A fresh directory under ::testing::TempDir(), removed with everything in it at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir();
    if (pattern.empty() || pattern.back() != '/') pattern += '/';
    pattern += "storage_test_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Whether the file at `path` contains `needle`, polling for up to 10 s (for what a background
// thread writes at a time of its choosing).
inline bool EventuallyContains(const std::string& path, std::string_view needle) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    if (ReadBytes(path).find(needle) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Names in `dir` that are segments or snapshots, sorted.
inline std::vector<std::string> LogFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    format::FileKind kind;
    uint64_t sequence;
    std::string name = entry.path().filename().string();
    if (format::ParseFileName(name, &kind, &sequence)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The names of the snapshots in `dir`, oldest first.
inline std::vector<std::string> SnapshotFiles(const std::string& dir) {
  std::vector<std::string> names;
  for (const std::string& name : LogFiles(dir)) {
    if (name.starts_with("snapshot-")) names.push_back(name);
  }
  return names;
}

inline std::string Segment(uint64_t sequence) { return format::SegmentFileName(sequence); }
inline std::string Snapshot(uint64_t sequence) { return format::SnapshotFileName(sequence); }

struct Opened {
  std::unique_ptr<Log> log;
  std::vector<std::string> records;
  RecoveryReport report;
  Status status;
};

inline Opened OpenLog(const LogOptions& options) {
  Opened o;
  o.log = Log::Open(
      options, [&o](std::string_view r) { o.records.emplace_back(r); }, &o.report, &o.status);
  return o;
}

// Appends and waits for the callback.
inline Status AppendAndWait(Log* log, std::string record) {
  std::promise<Status> done;
  auto future = done.get_future();
  log->Append(std::move(record), [&done](const Status& s) { done.set_value(s); });
  return future.get();
}

inline Status CheckpointAndWait(Log* log, std::vector<std::string> state) {
  std::promise<Status> done;
  auto future = done.get_future();
  log->RequestCheckpoint([state = std::move(state)] { return SnapshotOf(state); },
                         [&done](const Status& s) { done.set_value(s); });
  return future.get();
}

// Record i of a deterministic test sequence: distinct, of varying length (0..max_len bytes
// after an 8-byte index prefix).
inline std::string TestRecord(int i, size_t max_len = 100) {
  std::string r = std::to_string(i);
  r.resize(8, '.');
  const size_t extra = (static_cast<size_t>(i) * 7919u) % (max_len + 1);
  for (size_t k = 0; k < extra; ++k) r.push_back(static_cast<char>('a' + (i + k) % 26));
  return r;
}

}  // namespace spool::storage::test
