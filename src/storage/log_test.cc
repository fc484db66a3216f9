// Log behaviour on a healthy disk: round trips, callbacks, group commit, locking, checkpoints.

#include "storage/log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <random>
#include <thread>

#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::AppendAndWait;
using test::CheckpointAndWait;
using test::LogFiles;
using test::OpenLog;
using test::ReadBytes;
using test::ScratchDir;
using test::Segment;
using test::Snapshot;
using test::TestRecord;

class LogTest : public ::testing::Test {
 protected:
  LogOptions Options() {
    LogOptions o;
    o.dir = dir_.path() + "/log";
    return o;
  }
  ScratchDir dir_;
};

TEST_F(LogTest, RoundTripsRecordsOfRandomSizesAcrossSegments) {
  LogOptions options = Options();
  options.segment_bytes = 16 << 10;
  options.max_round_bytes = 8 << 10;
  std::mt19937 rng(7);
  std::vector<std::string> written;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    EXPECT_TRUE(o.records.empty());
    for (int i = 0; i < 600; ++i) {
      std::string record(rng() % (i % 50 == 0 ? 20000 : 600), '\0');
      for (char& c : record) c = static_cast<char>(rng());
      written.push_back(record);
      o.log->Append(std::move(record), nullptr);
    }
    o.log->Close();
  }
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, written);
  EXPECT_EQ(o.report.records, written.size());
  EXPECT_GT(o.report.segments, 5u);
  EXPECT_EQ(o.report.truncated_bytes, 0u);
  EXPECT_EQ(o.report.snapshot, "");
}

TEST_F(LogTest, CallbacksRunInOrderAndOnlyAfterTheWrite) {
  LogOptions options = Options();
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  const std::string segment = options.dir + "/" + Segment(1);
  std::vector<int> order;
  std::atomic<int> not_on_disk{0};
  for (int i = 0; i < 200; ++i) {
    std::string record = "callback-record-" + std::to_string(i) + "-end";
    o.log->Append(record, [&, i, record](const Status& s) {
      EXPECT_TRUE(s.ok) << s.message;
      order.push_back(i);
      if (ReadBytes(segment).find(record) == std::string::npos) ++not_on_disk;
    });
  }
  o.log->Close();
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(not_on_disk.load(), 0);
}

TEST_F(LogTest, ReopenReplaysExactlyWhatWasAppended) {
  LogOptions options = Options();
  std::vector<std::string> expected;
  for (int round = 0; round < 3; ++round) {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    EXPECT_EQ(o.records, expected);
    EXPECT_EQ(o.report.segments, static_cast<uint64_t>(round));
    for (int i = 0; i < 50; ++i) {
      expected.push_back(TestRecord(round * 50 + i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), expected.back()).ok);
    }
  }
  auto o = OpenLog(options);
  EXPECT_EQ(o.records, expected);
}

TEST_F(LogTest, EmptyRecordsAndTheLargestRecordRoundTrip) {
  LogOptions options = Options();
  const std::string largest(format::kMaxRecordSize, 'x');
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    EXPECT_TRUE(AppendAndWait(o.log.get(), "").ok);
    EXPECT_TRUE(AppendAndWait(o.log.get(), largest).ok);
    Status refused = AppendAndWait(o.log.get(), std::string(format::kMaxRecordSize + 1, 'y'));
    EXPECT_FALSE(refused.ok);
    EXPECT_NE(refused.message.find("64 MiB"), std::string::npos) << refused.message;
    EXPECT_TRUE(AppendAndWait(o.log.get(), "after").ok);
  }
  auto o = OpenLog(options);
  ASSERT_EQ(o.records.size(), 3u);
  EXPECT_EQ(o.records[0], "");
  EXPECT_TRUE(o.records[1] == largest);
  EXPECT_EQ(o.records[2], "after");
}

TEST_F(LogTest, AppendAfterCloseFailsAtOnce) {
  auto o = OpenLog(Options());
  ASSERT_TRUE(o.log);
  o.log->Close();
  o.log->Close();  // idempotent
  bool called = false;
  o.log->Append("late", [&](const Status& s) {
    called = true;
    EXPECT_FALSE(s.ok);
  });
  EXPECT_TRUE(called);
}

TEST_F(LogTest, LockRefusesASecondOpenInThisProcess) {
  LogOptions options = Options();
  auto first = OpenLog(options);
  ASSERT_TRUE(first.log) << first.status.message;
  auto second = OpenLog(options);
  EXPECT_FALSE(second.log);
  EXPECT_NE(second.status.message.find("is in use by another process"), std::string::npos)
      << second.status.message;
  std::string summary;
  EXPECT_FALSE(Log::Repair(options, &summary).ok);
  first.log->Close();
  auto third = OpenLog(options);
  EXPECT_TRUE(third.log) << third.status.message;
}

TEST_F(LogTest, LockRefusesAnotherProcess) {
  LogOptions options = Options();
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log);
  const std::string lock_path = options.dir + "/LOCK";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Only async-signal-safe calls here.
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
    const bool refused = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::_exit(refused ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "another process could take the LOCK";
  EXPECT_NE(ReadBytes(lock_path).find(std::to_string(::getpid())), std::string::npos);
}

TEST_F(LogTest, CheckpointSnapshotsStateAndDropsOldSegments) {
  LogOptions options = Options();
  options.segment_bytes = 2 << 10;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    for (int i = 0; i < 100; ++i) o.log->Append(TestRecord(i), nullptr);
    ASSERT_TRUE(AppendAndWait(o.log.get(), "last-before").ok);
    const uint64_t before = o.log->segment_bytes();
    EXPECT_GT(before, 4u << 10);
    EXPECT_EQ(o.log->snapshot_bytes(), 0u);
    ASSERT_TRUE(CheckpointAndWait(o.log.get(), {"state-a", "state-b"}).ok);
    EXPECT_GT(o.log->snapshot_bytes(), 0u);
    EXPECT_LT(o.log->segment_bytes(), before);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(AppendAndWait(o.log.get(), "after-" + std::to_string(i)).ok);
    }
  }
  const std::vector<std::string> files = LogFiles(options.dir);
  ASSERT_EQ(test::SnapshotFiles(options.dir).size(), 1u);
  const std::string snapshot = test::SnapshotFiles(options.dir).back();
  // Only the snapshot and the segments from its number on remain.
  uint64_t snapshot_sequence = std::stoull(snapshot.substr(9, 16), nullptr, 16);
  for (const std::string& name : files) {
    if (name.starts_with("wal-")) {
      EXPECT_GE(std::stoull(name.substr(4, 16), nullptr, 16), snapshot_sequence) << name;
    } else {
      EXPECT_EQ(name, snapshot);
    }
  }
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.report.snapshot, snapshot);
  std::vector<std::string> expected = {"state-a", "state-b"};
  for (int i = 0; i < 10; ++i) expected.push_back("after-" + std::to_string(i));
  EXPECT_EQ(o.records, expected);
}

TEST_F(LogTest, QueuedAppendsGoAfterTheSnapshot) {
  LogOptions options = Options();
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    ASSERT_TRUE(AppendAndWait(o.log.get(), "before").ok);
    std::promise<Status> done;
    o.log->RequestCheckpoint(
        [&] {
          // Appended while the checkpoint runs: after the snapshot in the log.
          o.log->Append("during", nullptr);
          return SnapshotOf({"state"});
        },
        [&](const Status& s) { done.set_value(s); });
    EXPECT_TRUE(done.get_future().get().ok);
  }
  auto o = OpenLog(options);
  EXPECT_EQ(o.records, (std::vector<std::string>{"state", "during"}));
}

// The snapshot's records are produced on the snapshot thread while commits go on: a source that
// cannot finish until an append was acknowledged must not deadlock the log.
TEST_F(LogTest, SnapshotRecordsAreProducedOffTheCommitPath) {
  LogOptions options = Options();
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    ASSERT_TRUE(AppendAndWait(o.log.get(), "before").ok);
    std::promise<void> acked;
    std::shared_future<void> acked_f = acked.get_future().share();
    class WaitingSource final : public SnapshotSource {
     public:
      explicit WaitingSource(std::shared_future<void> gate) : gate_(std::move(gate)) {}
      bool Next(std::string* record) override {
        if (done_) return false;
        gate_.wait();  // blocks until the append below was acknowledged
        *record = "state";
        done_ = true;
        return true;
      }

     private:
      std::shared_future<void> gate_;
      bool done_ = false;
    };
    std::promise<Status> checkpoint;
    o.log->RequestCheckpoint([acked_f] { return std::make_unique<WaitingSource>(acked_f); },
                             [&](const Status& s) { checkpoint.set_value(s); });
    EXPECT_TRUE(AppendAndWait(o.log.get(), "during").ok);
    acked.set_value();
    EXPECT_TRUE(checkpoint.get_future().get().ok);
  }
  auto o = OpenLog(options);
  EXPECT_EQ(o.records, (std::vector<std::string>{"state", "during"}));
  EXPECT_NE(o.report.snapshot, "");
}

TEST_F(LogTest, SecondCheckpointRequestIsRefusedWhileOneRuns) {
  auto o = OpenLog(Options());
  ASSERT_TRUE(o.log);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<Status> first_done;
  o.log->RequestCheckpoint(
      [released] {
        released.wait();
        return SnapshotOf({"s"});
      },
      [&](const Status& s) { first_done.set_value(s); });
  Status second = Status::Ok();
  o.log->RequestCheckpoint([] { return SnapshotOf({}); }, [&](const Status& s) { second = s; });
  EXPECT_FALSE(second.ok);
  release.set_value();
  EXPECT_TRUE(first_done.get_future().get().ok);
  EXPECT_TRUE(CheckpointAndWait(o.log.get(), {"t"}).ok);
}

// A snapshot that did not survive (here: cut short) is ignored; the previous snapshot and the
// segments after it give the state, provided they are still there.
TEST_F(LogTest, TornSnapshotFallsBackToThePreviousState) {
  LogOptions options = Options();
  const std::string backup = dir_.path() + "/backup";
  std::vector<std::string> expected = {"first-state"};
  std::string second_snapshot;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    ASSERT_TRUE(AppendAndWait(o.log.get(), "obsolete").ok);
    ASSERT_TRUE(CheckpointAndWait(o.log.get(), {"first-state"}).ok);
    for (int i = 0; i < 5; ++i) {
      expected.push_back(TestRecord(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), expected.back()).ok);
    }
    // What a crash before the second checkpoint's cleanup would leave: its segments.
    std::filesystem::copy(options.dir, backup);
    ASSERT_TRUE(CheckpointAndWait(o.log.get(), {"second-state"}).ok);
    second_snapshot = test::SnapshotFiles(options.dir).back();
  }
  for (const auto& entry : std::filesystem::directory_iterator(backup)) {
    std::filesystem::copy(entry.path(), options.dir / entry.path().filename(),
                          std::filesystem::copy_options::skip_existing);
  }
  const std::string path = options.dir + "/" + second_snapshot;
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);

  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, expected);
  ASSERT_EQ(o.report.ignored_snapshots.size(), 1u);
  EXPECT_NE(o.report.ignored_snapshots[0].find(second_snapshot), std::string::npos);
  EXPECT_NE(o.report.snapshot, second_snapshot);
}

TEST_F(LogTest, BatchAndNeverModesKeepEverythingAcrossClose) {
  for (SyncMode mode : {SyncMode::kBatch, SyncMode::kNever}) {
    LogOptions options = Options();
    options.dir += mode == SyncMode::kBatch ? "-batch" : "-never";
    options.sync = mode;
    options.batch_interval = std::chrono::milliseconds(1);
    {
      auto o = OpenLog(options);
      ASSERT_TRUE(o.log);
      for (int i = 0; i < 300; ++i) {
        if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
        o.log->Append(TestRecord(i), nullptr);
      }
      EXPECT_TRUE(AppendAndWait(o.log.get(), "last").ok);
    }
    auto o = OpenLog(options);
    ASSERT_EQ(o.records.size(), 301u);
    EXPECT_EQ(o.records.back(), "last");
  }
}

TEST_F(LogTest, ConcurrentAppendersKeepTheirOrderAndGetEveryCallbackOnce) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  LogOptions options = Options();
  options.segment_bytes = 256 << 10;
  std::vector<std::atomic<int>> calls(kThreads * kPerThread);
  std::atomic<int> failures{0};
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          o.log->Append(std::to_string(t) + ":" + std::to_string(i),
                        [&calls, &failures, index = t * kPerThread + i](const Status& s) {
                          if (!s.ok) ++failures;
                          ++calls[index];
                        });
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
  for (size_t i = 0; i < calls.size(); ++i) ASSERT_EQ(calls[i].load(), 1) << i;
  auto o = OpenLog(options);
  ASSERT_EQ(o.records.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const std::string& r : o.records) {
    const size_t colon = r.find(':');
    const int t = std::stoi(r.substr(0, colon));
    ASSERT_EQ(std::stoi(r.substr(colon + 1)), next[t]) << "thread " << t << " out of order";
    ++next[t];
  }
}

}  // namespace
}  // namespace spool::storage
