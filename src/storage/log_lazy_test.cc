// Lazy records (Log::AppendLazy): they start no round and cost no sync of their own, go out in
// order with the next round, or after their interval, and are never lost by Close.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "storage/file.h"
#include "storage/log.h"
#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::AppendAndWait;
using test::EventuallyContains;
using test::OpenLog;
using test::ReadBytes;
using test::ScratchDir;
using test::Segment;

class LogLazyTest : public ::testing::Test {
 protected:
  LogLazyTest() : faulty_(PosixFileSystem()) {}

  LogOptions Options(SyncMode mode, std::chrono::milliseconds lazy_interval) {
    LogOptions o;
    o.dir = dir_.path() + "/log";
    o.sync = mode;
    o.lazy_interval = lazy_interval;
    o.fs = &faulty_;
    return o;
  }
  std::string SegmentPath(const LogOptions& o) { return o.dir + "/" + Segment(1); }
  std::string SegmentBytes(const LogOptions& o) { return ReadBytes(SegmentPath(o)); }

  ScratchDir dir_;
  FaultyFileSystem faulty_;
};

constexpr std::chrono::hours kNever{1};  // an interval no test waits for

TEST_F(LogLazyTest, LazyRecordsWaitForTheNextRoundAndShareItsSync) {
  LogOptions options = Options(SyncMode::kAlways, kNever);
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  ASSERT_TRUE(AppendAndWait(o.log.get(), "eager-0").ok);
  const uint64_t syncs = faulty_.syncs();
  o.log->AppendLazy("lazy-1");
  o.log->AppendLazy("lazy-2");
  // Nothing else can write them: no round, no interval, no Close.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(SegmentBytes(options).find("lazy-1"), std::string::npos);
  EXPECT_EQ(faulty_.syncs(), syncs);

  ASSERT_TRUE(AppendAndWait(o.log.get(), "eager-3").ok);
  const std::string bytes = SegmentBytes(options);
  const size_t l1 = bytes.find("lazy-1"), l2 = bytes.find("lazy-2"), e3 = bytes.find("eager-3");
  ASSERT_NE(l1, std::string::npos);
  ASSERT_NE(l2, std::string::npos);
  ASSERT_NE(e3, std::string::npos);
  EXPECT_LT(l1, l2);
  EXPECT_LT(l2, e3);
  EXPECT_EQ(faulty_.syncs(), syncs + 1);  // one round, one sync, for all three

  o.log->Close();
  auto reopened = OpenLog(options);
  ASSERT_TRUE(reopened.log) << reopened.status.message;
  EXPECT_EQ(reopened.records, (std::vector<std::string>{"eager-0", "lazy-1", "lazy-2", "eager-3"}));
}

TEST_F(LogLazyTest, LazyRecordsAloneAreWrittenAfterTheirIntervalWithoutASync) {
  for (SyncMode mode : {SyncMode::kAlways, SyncMode::kBatch, SyncMode::kNever}) {
    SCOPED_TRACE(static_cast<int>(mode));
    LogOptions options = Options(mode, std::chrono::milliseconds(20));
    options.dir += std::to_string(static_cast<int>(mode));
    options.batch_interval = kNever;  // kBatch: no timed sync either
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    const uint64_t syncs = faulty_.syncs();
    o.log->AppendLazy("lazy-alone");
    EXPECT_TRUE(EventuallyContains(SegmentPath(options), "lazy-alone"));
    EXPECT_EQ(faulty_.syncs(), syncs);
    o.log->Close();  // syncs what is written
    EXPECT_GT(faulty_.syncs(), syncs);
    auto reopened = OpenLog(options);
    ASSERT_TRUE(reopened.log) << reopened.status.message;
    EXPECT_EQ(reopened.records, std::vector<std::string>{"lazy-alone"});
  }
}

TEST_F(LogLazyTest, CloseWritesQueuedLazyRecordsAndLaterOnesAreDropped) {
  LogOptions options = Options(SyncMode::kAlways, kNever);
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    o.log->AppendLazy("lazy-a");
    o.log->Append("eager-b", nullptr);
    o.log->AppendLazy("lazy-c");
    o.log->Close();
    o.log->AppendLazy("after-close");
  }
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, (std::vector<std::string>{"lazy-a", "eager-b", "lazy-c"}));
}

TEST_F(LogLazyTest, ALazyRecordQueuedByACallbackIsStillWritten) {
  // Queued while the committer leads a round (from that round's callback): when the round ends
  // the committer must still see it and write it after its interval.
  LogOptions options = Options(SyncMode::kAlways, std::chrono::milliseconds(20));
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  Log* log = o.log.get();
  ASSERT_TRUE(AppendAndWait(log, "warm-up").ok);
  std::promise<void> appended;
  log->Append("eager", [log, &appended](const Status&) {
    log->AppendLazy("lazy-from-callback");
    appended.set_value();
  });
  appended.get_future().wait();
  EXPECT_TRUE(EventuallyContains(SegmentPath(options), "lazy-from-callback"));
}

TEST_F(LogLazyTest, ManyThreadsMixingLazyAndEagerRecordsKeepTheirOrder) {
  LogOptions options = Options(SyncMode::kAlways, std::chrono::milliseconds(1));
  std::vector<std::vector<std::string>> per_thread(4);
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 300; ++i) {
          std::string record = "t" + std::to_string(t) + "-" + std::to_string(i);
          per_thread[t].push_back(record);
          if (i % 3 == 0) {
            ASSERT_TRUE(AppendAndWait(o.log.get(), record).ok);
          } else {
            o.log->AppendLazy(record);
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    o.log->Close();
  }
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  ASSERT_EQ(o.records.size(), 1200u);
  std::vector<std::vector<std::string>> seen(4);
  for (const std::string& r : o.records) seen[r[1] - '0'].push_back(r);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(seen[t], per_thread[t]);
}

}  // namespace
}  // namespace spool::storage
