// Prepared segments (LogOptions::prepare_segments): the next segment is zero-filled in advance
// and written over its zeros. What must hold: nothing written is lost or reordered across the
// switch from an appended to a prepared segment and across rolls; a zero tail in the newest
// segment (a crash while writing over zeros) is a clean end, not damage; a torn write over the
// zeros is still a torn tail; and the log keeps working when preparing fails.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/file.h"
#include "storage/log.h"
#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::AppendAndWait;
using test::LogFiles;
using test::OpenLog;
using test::ReadBytes;
using test::ScratchDir;
using test::Segment;
using test::TestRecord;
using test::WriteBytes;

constexpr uint64_t kSegmentBytes = 32 << 10;

class LogPreparedTest : public ::testing::Test {
 protected:
  LogOptions Options() {
    LogOptions o;
    o.dir = dir_.path() + "/log";
    o.prepare_segments = true;
    o.segment_bytes = kSegmentBytes;
    o.max_round_bytes = 4 << 10;
    return o;
  }
  std::string Prepared() const { return dir_.path() + "/log/wal-next.zero"; }
  // Waits (bounded) until the preparer has a zero-filled segment ready.
  bool WaitPrepared() const {
    for (int i = 0; i < 500; ++i) {
      std::error_code ec;
      if (std::filesystem::file_size(Prepared(), ec) == format::kFileHeaderSize + kSegmentBytes) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  ScratchDir dir_;
};

TEST_F(LogPreparedTest, RecordsSurviveTheMoveToPreparedSegmentsAndEveryRoll) {
  const LogOptions options = Options();
  std::vector<std::string> written;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    ASSERT_TRUE(WaitPrepared());
    // Enough for several rolls; each append waits, so the preparer keeps up or the log
    // appends meanwhile: both must be invisible in what is read back.
    for (int i = 0; i < 1500; ++i) {
      written.push_back(TestRecord(i, 200));
      ASSERT_TRUE(AppendAndWait(o.log.get(), written.back()).ok);
    }
    o.log->Close();
  }
  const std::vector<std::string> segments = LogFiles(options.dir);
  EXPECT_GT(segments.size(), 4u);
  // Closed and rolled segments carry no zeros: each ends exactly at its last frame.
  for (const std::string& name : segments) {
    const std::string bytes = ReadBytes(options.dir + "/" + name);
    ASSERT_FALSE(bytes.empty()) << name;
    EXPECT_NE(bytes.back(), '\0') << name << " ends in zeros";
  }
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, written);
  EXPECT_EQ(o.report.truncated_bytes, 0u);
  EXPECT_EQ(o.report.zero_tail_bytes, 0u);
}

TEST_F(LogPreparedTest, AZeroTailLeftByACrashIsACleanEnd) {
  LogOptions options = Options();
  const std::string copy = dir_.path() + "/crashed";
  std::vector<std::string> written;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    ASSERT_TRUE(WaitPrepared());
    written.push_back(TestRecord(0));
    ASSERT_TRUE(AppendAndWait(o.log.get(), written.back()).ok);  // moves to the prepared one
    for (int i = 1; i < 20; ++i) {
      written.push_back(TestRecord(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), written.back()).ok);
    }
    // What a crash leaves: the newest segment still followed by its zeros.
    std::filesystem::copy(options.dir, copy);
    o.log->Close();
  }
  const std::vector<std::string> segments = LogFiles(copy);
  ASSERT_FALSE(segments.empty());
  const std::string newest = ReadBytes(copy + "/" + segments.back());
  ASSERT_EQ(newest.size(), format::kFileHeaderSize + kSegmentBytes);
  ASSERT_EQ(newest.back(), '\0');

  options.dir = copy;
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, written);
  EXPECT_EQ(o.report.truncated_bytes, 0u) << "zeros are not a torn tail";
  EXPECT_EQ(o.report.truncated_file, "");
  EXPECT_GT(o.report.zero_tail_bytes, 0u);
  // The zeros were cut: the old newest segment is now an ordinary closed one.
  EXPECT_LT(ReadBytes(copy + "/" + segments.back()).size(), newest.size());
  // And the log goes on: a new record after them survives another restart.
  ASSERT_TRUE(AppendAndWait(o.log.get(), "after").ok);
  o.log->Close();
  auto again = OpenLog(options);
  ASSERT_TRUE(again.log) << again.status.message;
  written.push_back("after");
  EXPECT_EQ(again.records, written);
}

TEST_F(LogPreparedTest, ATornWriteOverTheZerosIsStillATornTail) {
  LogOptions options = Options();
  std::vector<std::string> written;
  std::string newest_name;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    ASSERT_TRUE(WaitPrepared());
    for (int i = 0; i < 10; ++i) {
      written.push_back(TestRecord(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), written.back()).ok);
    }
    newest_name = LogFiles(options.dir).back();
    std::filesystem::copy(options.dir, dir_.path() + "/torn");
    o.log->Close();
  }
  // Half a frame written over the zeros after the last record: garbage, then zeros.
  const std::string path = dir_.path() + "/torn/" + newest_name;
  std::string bytes = ReadBytes(path);
  const size_t end = bytes.find_last_not_of('\0') + 1;
  ASSERT_LT(end + 16, bytes.size());
  for (size_t i = 0; i < 7; ++i) bytes[end + i] = static_cast<char>(0x40 + i);
  WriteBytes(path, bytes);

  options.dir = dir_.path() + "/torn";
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, written);
  EXPECT_EQ(o.report.truncated_file, newest_name);
  EXPECT_EQ(o.report.truncated_bytes, bytes.size() - end);
  EXPECT_EQ(o.report.zero_tail_bytes, 0u);
}

TEST_F(LogPreparedTest, TheLogKeepsAppendingWhenPreparingFails) {
  FaultyFileSystem faulty(PosixFileSystem());
  // Room for the log's own writes, not for a prepared segment (FreeBytes reports the budget,
  // so the preparer does not even try).
  faulty.SetWriteBudget(16 << 10);
  LogOptions options = Options();
  options.fs = &faulty;
  std::vector<std::string> written;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    for (int i = 0; i < 50; ++i) {
      written.push_back(TestRecord(i));
      ASSERT_TRUE(AppendAndWait(o.log.get(), written.back()).ok) << i;
    }
    EXPECT_FALSE(std::filesystem::exists(Prepared()));
    o.log->Close();
  }
  faulty.SetWriteBudget(-1);
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, written);
  EXPECT_EQ(o.report.truncated_bytes, 0u);
}

TEST_F(LogPreparedTest, AStalePreparedFileIsReplacedAtOpen) {
  const LogOptions options = Options();
  std::filesystem::create_directories(options.dir);
  WriteBytes(Prepared(), "not zeros at all");
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  ASSERT_TRUE(WaitPrepared());
  const std::string bytes = ReadBytes(Prepared());
  EXPECT_EQ(bytes.find_first_not_of('\0'), std::string::npos);
  ASSERT_TRUE(AppendAndWait(o.log.get(), "x").ok);
  o.log->Close();
  auto again = OpenLog(options);
  ASSERT_TRUE(again.log) << again.status.message;
  EXPECT_EQ(again.records, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace spool::storage
