// Damaged logs: every truncation and every bit flip of a small log is either recovered as a
// prefix of what was written or refused with a message naming the damaged file; missing
// segments, newer format versions and repair.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/log.h"
#include "storage/log.h"
#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::AppendAndWait;
using test::CheckpointAndWait;
using test::OpenLog;
using test::ReadBytes;
using test::ScratchDir;
using test::Segment;
using test::TestRecord;
using test::WriteBytes;

constexpr int kPerSegment = 6;

// Recovery warnings would drown the test output.
class QuietLogs : public ::testing::Environment {
  void SetUp() override { common::SetLogLevel(common::LogLevel::kError); }
};
const auto* const quiet_logs = ::testing::AddGlobalTestEnvironment(new QuietLogs);

// A log of `segments` segments holding kPerSegment records each, as file name -> bytes.
class SmallLog {
 public:
  explicit SmallLog(int segments) {
    ScratchDir scratch;
    LogOptions options;
    options.dir = scratch.path();
    for (int s = 0; s < segments; ++s) {
      auto o = OpenLog(options);
      if (!o.log) ADD_FAILURE() << o.status.message;
      for (int i = 0; i < kPerSegment; ++i) {
        records_.push_back(TestRecord(s * kPerSegment + i, 30));
        if (!AppendAndWait(o.log.get(), records_.back()).ok) ADD_FAILURE();
      }
    }
    for (int s = 1; s <= segments; ++s) files_[Segment(s)] = ReadBytes(scratch.File(Segment(s)));
  }

  const std::vector<std::string>& records() const { return records_; }
  const std::map<std::string, std::string>& files() const { return files_; }

  // Writes the files into `dir`, the ones named in `replace` with other contents and the ones
  // mapped to nullopt left out.
  void WriteTo(const std::string& dir,
               const std::map<std::string, std::optional<std::string>>& replace = {}) const {
    std::filesystem::create_directories(dir);
    for (const auto& [name, bytes] : files_) {
      auto it = replace.find(name);
      if (it == replace.end()) {
        WriteBytes(dir + "/" + name, bytes);
      } else if (it->second) {
        WriteBytes(dir + "/" + name, *it->second);
      }
    }
  }

  // Byte offsets (within its segment) where each record's frame ends.
  uint64_t FrameEnd(int record) const {
    uint64_t end = format::kFileHeaderSize;
    for (int i = record - record % kPerSegment; i <= record; ++i) {
      end += format::kFrameHeaderSize + records_[i].size();
    }
    return end;
  }

 private:
  std::vector<std::string> records_;
  std::map<std::string, std::string> files_;
};

std::vector<std::string> Prefix(const std::vector<std::string>& all, size_t n) {
  return {all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n)};
}

bool IsPrefix(const std::vector<std::string>& part, const std::vector<std::string>& all) {
  return part.size() <= all.size() && std::equal(part.begin(), part.end(), all.begin());
}

TEST(LogCorruption, TruncationAtEveryOffsetRecoversAPrefix) {
  const SmallLog log(2);
  const std::string& first = log.files().at(Segment(1));
  const std::string& second = log.files().at(Segment(2));
  const uint64_t total = first.size() + second.size();
  ScratchDir scratch;
  for (uint64_t cut = 0; cut <= total; ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string dir = scratch.path() + "/" + std::to_string(cut);
    // Records wholly inside the cut, and the bytes after the last whole frame (or header).
    size_t expected = 0;
    uint64_t in_file = cut;
    if (cut <= first.size()) {
      log.WriteTo(dir, {{Segment(1), first.substr(0, cut)}, {Segment(2), std::nullopt}});
    } else {
      in_file = cut - first.size();
      log.WriteTo(dir, {{Segment(2), second.substr(0, in_file)}});
      expected = kPerSegment;
    }
    const size_t segment_end = expected + kPerSegment;
    uint64_t boundary = in_file < format::kFileHeaderSize ? 0 : format::kFileHeaderSize;
    while (expected < segment_end && log.FrameEnd(static_cast<int>(expected)) <= in_file) {
      boundary = log.FrameEnd(static_cast<int>(expected++));
    }
    const uint64_t torn = in_file - boundary;
    LogOptions options;
    options.dir = dir;
    {
      auto o = OpenLog(options);
      ASSERT_TRUE(o.log) << o.status.message;
      EXPECT_EQ(o.records, Prefix(log.records(), expected));
      EXPECT_EQ(o.report.truncated_bytes, torn);
      ASSERT_TRUE(AppendAndWait(o.log.get(), "appended").ok);
    }
    auto again = OpenLog(options);
    ASSERT_TRUE(again.log) << again.status.message;
    std::vector<std::string> with_append = Prefix(log.records(), expected);
    with_append.push_back("appended");
    EXPECT_EQ(again.records, with_append);
    EXPECT_EQ(again.report.truncated_bytes, 0u);
    again.log.reset();
    std::filesystem::remove_all(dir);
  }
}

TEST(LogCorruption, EveryBitFlipIsDetected) {
  const SmallLog log(2);
  ScratchDir scratch;
  int refused = 0, recovered = 0;
  for (const auto& [name, bytes] : log.files()) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        SCOPED_TRACE(name + " byte " + std::to_string(i) + " bit " + std::to_string(bit));
        std::string damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
        const std::string dir = scratch.path() + "/flip";
        log.WriteTo(dir, {{name, damaged}});
        LogOptions options;
        options.dir = dir;
        auto o = OpenLog(options);
        if (o.log) {
          // Only a damaged tail of the newest segment may be cut, and nothing else lost.
          ++recovered;
          EXPECT_EQ(name, Segment(2));
          EXPECT_EQ(o.report.truncated_file, name);
          EXPECT_TRUE(IsPrefix(o.records, log.records()));
          EXPECT_GE(o.records.size(), static_cast<size_t>(kPerSegment));
        } else {
          ++refused;
          EXPECT_NE(o.status.message.find(name), std::string::npos) << o.status.message;
          EXPECT_TRUE(o.records.size() <= log.records().size());
        }
        o.log.reset();
        std::filesystem::remove_all(dir);
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(recovered, 0);
}

TEST(LogCorruption, CorruptionInTheMiddleNamesFileAndOffsetAndChangesNothing) {
  const SmallLog log(2);
  ScratchDir scratch;
  std::string damaged = log.files().at(Segment(2));
  const uint64_t offset = log.FrameEnd(kPerSegment + 1);  // third record of segment 2
  damaged[offset + format::kFrameHeaderSize + 2] ^= 0x40;
  log.WriteTo(scratch.path(), {{Segment(2), damaged}});
  LogOptions options;
  options.dir = scratch.path();
  auto o = OpenLog(options);
  ASSERT_FALSE(o.log);
  EXPECT_NE(o.status.message.find(Segment(2)), std::string::npos) << o.status.message;
  EXPECT_NE(o.status.message.find("byte offset " + std::to_string(offset)), std::string::npos)
      << o.status.message;
  EXPECT_NE(o.status.message.find("spool repair --data-dir"), std::string::npos);
  EXPECT_EQ(test::LogFiles(scratch.path()), (std::vector<std::string>{Segment(1), Segment(2)}));
  EXPECT_EQ(ReadBytes(scratch.File(Segment(2))), damaged);
}

TEST(LogCorruption, TornTailIsCutAndReported) {
  const SmallLog log(1);
  ScratchDir scratch;
  const std::string& segment = log.files().at(Segment(1));
  // A frame cut short, then a stretch that never got its data (zeros).
  const std::string tail = segment.substr(format::kFileHeaderSize, 12) + std::string(500, '\0');
  log.WriteTo(scratch.path(), {{Segment(1), segment + tail}});
  LogOptions options;
  options.dir = scratch.path();
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  EXPECT_EQ(o.records, log.records());
  EXPECT_EQ(o.report.truncated_file, Segment(1));
  EXPECT_EQ(o.report.truncated_bytes, tail.size());
  EXPECT_EQ(ReadBytes(scratch.File(Segment(1))), segment);
}

TEST(LogCorruption, MissingMiddleSegmentFailsOpen) {
  const SmallLog log(3);
  ScratchDir scratch;
  log.WriteTo(scratch.path(), {{Segment(2), std::nullopt}});
  LogOptions options;
  options.dir = scratch.path();
  auto o = OpenLog(options);
  ASSERT_FALSE(o.log);
  EXPECT_NE(o.status.message.find(Segment(2) + " is missing"), std::string::npos)
      << o.status.message;
  EXPECT_NE(o.status.message.find("spool repair"), std::string::npos);
  EXPECT_EQ(test::LogFiles(scratch.path()), (std::vector<std::string>{Segment(1), Segment(3)}));
}

TEST(LogCorruption, NewerFormatVersionIsRefusedAndLeftAlone) {
  const SmallLog log(1);
  ScratchDir scratch;
  std::string newer;
  format::AppendFileHeader({2, format::FileKind::kSegment, 2}, &newer);
  newer += "frames of a format this code does not know";
  log.WriteTo(scratch.path());
  WriteBytes(scratch.File(Segment(2)), newer);
  LogOptions options;
  options.dir = scratch.path();
  auto o = OpenLog(options);
  ASSERT_FALSE(o.log);
  EXPECT_NE(o.status.message.find("format version 2"), std::string::npos) << o.status.message;
  EXPECT_EQ(ReadBytes(scratch.File(Segment(2))), newer);
  std::string summary;
  EXPECT_FALSE(Log::Repair(options, &summary).ok);
}

TEST(LogCorruption, RepairSalvagesEverythingButTheDamagedRecord) {
  const SmallLog log(2);
  ScratchDir scratch;
  std::string damaged = log.files().at(Segment(1));
  const int victim = 2;
  damaged[log.FrameEnd(victim - 1) + format::kFrameHeaderSize + 1] ^= 0x08;
  log.WriteTo(scratch.path(), {{Segment(1), damaged}});
  LogOptions options;
  options.dir = scratch.path();
  ASSERT_FALSE(OpenLog(options).log);

  std::string summary;
  Status s = Log::Repair(options, &summary);
  ASSERT_TRUE(s.ok) << s.message;
  EXPECT_NE(summary.find("checksum mismatch"), std::string::npos) << summary;
  EXPECT_NE(summary.find(Segment(1)), std::string::npos) << summary;

  std::vector<std::string> expected = log.records();
  expected.erase(expected.begin() + victim);
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log) << o.status.message;
    EXPECT_EQ(o.records, expected);
    EXPECT_FALSE(o.report.snapshot.empty());
    ASSERT_TRUE(AppendAndWait(o.log.get(), "after repair").ok);
  }
  expected.push_back("after repair");
  auto o = OpenLog(options);
  EXPECT_EQ(o.records, expected);
  // Repairing a healthy log keeps everything.
  o.log.reset();
  ASSERT_TRUE(Log::Repair(options, &summary).ok);
  EXPECT_EQ(OpenLog(options).records, expected);
}

TEST(LogCorruption, RepairBridgesAMissingSegment) {
  const SmallLog log(3);
  ScratchDir scratch;
  log.WriteTo(scratch.path(), {{Segment(2), std::nullopt}});
  LogOptions options;
  options.dir = scratch.path();
  std::string summary;
  ASSERT_TRUE(Log::Repair(options, &summary).ok);
  EXPECT_NE(summary.find("missing"), std::string::npos) << summary;
  std::vector<std::string> expected = Prefix(log.records(), kPerSegment);
  expected.insert(expected.end(), log.records().begin() + 2 * kPerSegment, log.records().end());
  EXPECT_EQ(OpenLog(options).records, expected);
}

// After a checkpoint the older segments are gone, so a damaged snapshot has no fallback: Open
// refuses, and repair keeps what the snapshot still holds plus every later record.
TEST(LogCorruption, DamagedSnapshotWithoutFallbackNeedsRepair) {
  ScratchDir scratch;
  LogOptions options;
  options.dir = scratch.path();
  std::vector<std::string> state;
  for (int i = 0; i < 20; ++i) state.push_back(TestRecord(i, 40));
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    ASSERT_TRUE(AppendAndWait(o.log.get(), "old").ok);
    ASSERT_TRUE(CheckpointAndWait(o.log.get(), state).ok);
    ASSERT_TRUE(AppendAndWait(o.log.get(), "later").ok);
  }
  const std::string snapshot = test::SnapshotFiles(scratch.path()).at(0);
  const std::string path = scratch.File(snapshot);
  std::string bytes = ReadBytes(path);
  // Damage the last record of the snapshot.
  bytes[bytes.size() - format::kFrameHeaderSize - 8 - 3] ^= 0x01;
  WriteBytes(path, bytes);
  auto o = OpenLog(options);
  ASSERT_FALSE(o.log);
  EXPECT_NE(o.status.message.find(snapshot), std::string::npos) << o.status.message;

  std::string summary;
  ASSERT_TRUE(Log::Repair(options, &summary).ok) << summary;
  std::vector<std::string> expected = Prefix(state, state.size() - 1);
  expected.push_back("later");
  EXPECT_EQ(OpenLog(options).records, expected);
}

}  // namespace
}  // namespace spool::storage
