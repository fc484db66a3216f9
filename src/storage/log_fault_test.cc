// A disk that fills up or fails to sync: appends fail with the error, nothing of a failed round
// is ever replayed, and service resumes once the disk works again.

#include <gtest/gtest.h>

#include <cerrno>

#include "storage/file.h"
#include "storage/log.h"
#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::AppendAndWait;
using test::CheckpointAndWait;
using test::OpenLog;
using test::ScratchDir;
using test::TestRecord;

class LogFaultTest : public ::testing::Test {
 protected:
  LogFaultTest() : faulty_(PosixFileSystem()) {}

  LogOptions Options(FileSystem* fs) {
    LogOptions o;
    o.dir = dir_.path();
    o.fs = fs;
    return o;
  }

  ScratchDir dir_;
  FaultyFileSystem faulty_;
};

TEST_F(LogFaultTest, DiskFullFailsAppendsUntilSpaceReturns) {
  std::vector<std::string> expected;
  {
    auto o = OpenLog(Options(&faulty_));
    ASSERT_TRUE(o.log) << o.status.message;
    for (int i = 0; i < 10; ++i) {
      expected.push_back(TestRecord(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), expected.back()).ok);
    }
    faulty_.SetWriteBudget(150);  // room for a record or two, then none
    int failed = 0;
    for (int i = 0; i < 20; ++i) {
      std::string record = "full-" + std::to_string(i) + std::string(40, 'f');
      Status s = AppendAndWait(o.log.get(), record);
      if (s.ok) {
        expected.push_back(record);
        EXPECT_EQ(failed, 0) << "an append succeeded after the disk was full";
        continue;
      }
      ++failed;
      EXPECT_EQ(s.sys_errno, ENOSPC);
      EXPECT_NE(s.message.find("wal-"), std::string::npos) << s.message;
      EXPECT_NE(s.message.find("No space left on device"), std::string::npos) << s.message;
    }
    EXPECT_GE(failed, 15);
    faulty_.SetWriteBudget(-1);
    for (int i = 0; i < 10; ++i) {
      expected.push_back("again-" + std::to_string(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), expected.back()).ok);
    }
  }
  auto o = OpenLog(Options(PosixFileSystem()));
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, expected);
  EXPECT_EQ(o.report.truncated_bytes, 0u);
}

TEST_F(LogFaultTest, DiskFullDuringRolloverFailsTheRoundAndRecovers) {
  LogOptions options = Options(&faulty_);
  options.segment_bytes = 1 << 10;
  std::vector<std::string> expected;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    // 32 header bytes + 10 frames of 109 bytes pass segment_bytes: the next round rolls over.
    for (int i = 0; i < 10; ++i) {
      expected.push_back(std::string(100, static_cast<char>('a' + i)));
      ASSERT_TRUE(AppendAndWait(o.log.get(), expected.back()).ok);
    }
    faulty_.SetWriteBudget(10);
    Status s = AppendAndWait(o.log.get(), "lost");
    EXPECT_FALSE(s.ok);
    EXPECT_EQ(s.sys_errno, ENOSPC);
    EXPECT_NE(s.message.find("cannot write the header of"), std::string::npos) << s.message;
    faulty_.SetWriteBudget(-1);
    expected.push_back("kept");
    ASSERT_TRUE(AppendAndWait(o.log.get(), "kept").ok);
  }
  auto o = OpenLog(Options(PosixFileSystem()));
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, expected);
}

TEST_F(LogFaultTest, FailingSyncsFailCallbacksInAlwaysMode) {
  std::vector<std::string> expected;
  {
    auto o = OpenLog(Options(&faulty_));
    ASSERT_TRUE(o.log);
    expected.push_back("before");
    ASSERT_TRUE(AppendAndWait(o.log.get(), "before").ok);
    faulty_.FailSyncs(true);
    for (int i = 0; i < 5; ++i) {
      Status s = AppendAndWait(o.log.get(), "unsynced-" + std::to_string(i));
      EXPECT_FALSE(s.ok);
      EXPECT_EQ(s.sys_errno, EIO);
      EXPECT_NE(s.message.find("cannot sync"), std::string::npos) << s.message;
    }
    faulty_.FailSyncs(false);
    expected.push_back("after");
    ASSERT_TRUE(AppendAndWait(o.log.get(), "after").ok);
  }
  // The failed rounds were written, then cut off again: they must not come back.
  auto o = OpenLog(Options(PosixFileSystem()));
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, expected);
}

TEST_F(LogFaultTest, FailingSyncsDoNotFailCallbacksInBatchMode) {
  LogOptions options = Options(&faulty_);
  options.sync = SyncMode::kBatch;
  options.batch_interval = std::chrono::milliseconds(0);
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log);
  faulty_.FailSyncs(true);
  EXPECT_TRUE(AppendAndWait(o.log.get(), "written, not synced").ok);
  faulty_.FailSyncs(false);
  EXPECT_TRUE(AppendAndWait(o.log.get(), "next").ok);
}

TEST_F(LogFaultTest, FailedCheckpointKeepsTheLogIntact) {
  std::vector<std::string> expected;
  {
    auto o = OpenLog(Options(&faulty_));
    ASSERT_TRUE(o.log);
    for (int i = 0; i < 5; ++i) {
      expected.push_back(TestRecord(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), expected.back()).ok);
    }
    // Enough for the new segment's header, not for the snapshot.
    faulty_.SetWriteBudget(format::kFileHeaderSize + 10);
    Status s = CheckpointAndWait(o.log.get(), {std::string(1000, 's')});
    EXPECT_FALSE(s.ok);
    EXPECT_EQ(s.sys_errno, ENOSPC);
    faulty_.SetWriteBudget(-1);
    EXPECT_EQ(o.log->snapshot_bytes(), 0u);
    expected.push_back("after");
    ASSERT_TRUE(AppendAndWait(o.log.get(), "after").ok);
  }
  auto o = OpenLog(Options(PosixFileSystem()));
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, expected);
  EXPECT_EQ(o.report.snapshot, "");
  EXPECT_TRUE(test::SnapshotFiles(dir_.path()).empty());
}

}  // namespace
}  // namespace spool::storage
