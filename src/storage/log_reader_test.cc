// ParseLogFile and SalvageLogFile on hand-made buffers: torn tails versus corruption.

#include "storage/log_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/log_format.h"

namespace spool::storage {
namespace {

using format::FileKind;
using format::FrameType;

std::string Header(FileKind kind, uint64_t sequence = 7, uint16_t version = format::kVersion) {
  std::string out;
  format::AppendFileHeader({version, kind, sequence}, &out);
  return out;
}

std::string Frame(std::string_view payload, FrameType type = FrameType::kRecord) {
  std::string out;
  format::AppendFrame(type, payload, &out);
  return out;
}

std::string EndMarker(uint64_t count) {
  std::string payload;
  format::PutFixed64(&payload, count);
  return Frame(payload, FrameType::kSnapshotEnd);
}

const std::vector<std::string> kRecords = {"alpha", "", "gamma-gamma", std::string(300, 'd')};

std::string Segment() {
  std::string out = Header(FileKind::kSegment);
  for (const auto& r : kRecords) out += Frame(r);
  return out;
}

std::vector<std::string> Strings(const std::vector<std::string_view>& views) {
  return {views.begin(), views.end()};
}

// Offset of frame i in Segment().
size_t FrameOffset(size_t i) {
  size_t offset = format::kFileHeaderSize;
  for (size_t k = 0; k < i; ++k) offset += format::kFrameHeaderSize + kRecords[k].size();
  return offset;
}

TEST(LogReader, CleanSegmentYieldsEveryRecord) {
  const std::string file = Segment();
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kClean);
  EXPECT_TRUE(p.has_header);
  EXPECT_EQ(p.header.kind, FileKind::kSegment);
  EXPECT_EQ(p.header.sequence, 7u);
  EXPECT_EQ(Strings(p.records), kRecords);
  EXPECT_EQ(p.valid_bytes, file.size());
}

TEST(LogReader, HeaderOnlySegmentIsClean) {
  const ParsedFile p = ParseLogFile(Header(FileKind::kSegment));
  EXPECT_EQ(p.outcome, ParseOutcome::kClean);
  EXPECT_TRUE(p.records.empty());
}

TEST(LogReader, TruncatedTrailingRecordIsATornTail) {
  const std::string file = Segment();
  for (size_t cut = FrameOffset(3) + 1; cut < file.size(); ++cut) {
    const ParsedFile p = ParseLogFile(std::string_view(file).substr(0, cut));
    EXPECT_EQ(p.outcome, ParseOutcome::kTornTail) << cut;
    EXPECT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.valid_bytes, FrameOffset(3));
  }
}

TEST(LogReader, TruncatedFileHeaderIsATornTail) {
  const std::string file = Segment();
  for (size_t cut = 0; cut < format::kFileHeaderSize; ++cut) {
    const ParsedFile p = ParseLogFile(std::string_view(file).substr(0, cut));
    EXPECT_EQ(p.outcome, ParseOutcome::kTornTail) << cut;
    EXPECT_FALSE(p.has_header);
    EXPECT_EQ(p.valid_bytes, 0u);
  }
}

TEST(LogReader, ZeroFilledTailIsATornTail) {
  const std::string file = Segment() + std::string(4096, '\0');
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kTornTail);
  EXPECT_EQ(Strings(p.records), kRecords);
  EXPECT_EQ(p.valid_bytes, Segment().size());
}

TEST(LogReader, DamagedLastFrameIsATornTail) {
  std::string file = Segment();
  file[FrameOffset(3) + format::kFrameHeaderSize + 10] ^= 0x20;
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kTornTail);
  EXPECT_EQ(p.problem, "checksum mismatch");
  EXPECT_EQ(p.records.size(), 3u);
}

TEST(LogReader, DamagedFrameFollowedByValidFramesIsCorruption) {
  std::string file = Segment();
  file[FrameOffset(0) + format::kFrameHeaderSize + 1] ^= 0x01;
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kCorrupt);
  EXPECT_EQ(p.valid_bytes, FrameOffset(0));
  EXPECT_TRUE(p.records.empty());
}

TEST(LogReader, OversizedLengthFollowedByValidFramesIsCorruption) {
  std::string file = Segment();
  file[FrameOffset(1) + 3] = 0x7f;  // length high byte
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kCorrupt);
  EXPECT_EQ(p.records.size(), 1u);
}

TEST(LogReader, DamagedHeaderFollowedByFramesIsCorruption) {
  std::string file = Segment();
  file[17] ^= 0x04;  // sequence
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kCorrupt);
  EXPECT_FALSE(p.has_header);
}

TEST(LogReader, NewerVersionIsUnsupportedNotDamaged) {
  const std::string file = Header(FileKind::kSegment, 7, 2) + "whatever version 2 holds";
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kUnsupported);
  EXPECT_EQ(p.header.version, 2);
  EXPECT_NE(p.problem.find("format version 2"), std::string::npos) << p.problem;
}

TEST(LogReader, IntactFrameOfUnknownTypeIsCorruption) {
  std::string file = Header(FileKind::kSegment);
  std::string frame;
  format::PutFixed32(&frame, 3);
  format::PutFixed32(&frame, format::FrameCrc(9, "abc"));
  frame += '\x09';
  frame += "abc";
  const std::string bytes = file + frame;
  const ParsedFile p = ParseLogFile(bytes);
  EXPECT_EQ(p.outcome, ParseOutcome::kCorrupt);
  EXPECT_EQ(p.problem, "unknown frame type");
}

TEST(LogReader, SnapshotIsCompleteOnlyWithItsEndMarker) {
  std::string file = Header(FileKind::kSnapshot);
  for (const auto& r : kRecords) file += Frame(r);
  ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kClean);
  EXPECT_FALSE(p.snapshot_end);

  const std::string complete = file + EndMarker(kRecords.size());
  p = ParseLogFile(complete);
  EXPECT_EQ(p.outcome, ParseOutcome::kClean);
  EXPECT_TRUE(p.snapshot_end);
  EXPECT_EQ(Strings(p.records), kRecords);

  const std::string miscounted = file + EndMarker(kRecords.size() + 1);
  EXPECT_EQ(ParseLogFile(miscounted).outcome, ParseOutcome::kCorrupt);

  const std::string trailing = complete + Frame("extra");
  EXPECT_EQ(ParseLogFile(trailing).outcome, ParseOutcome::kCorrupt);
}

TEST(LogReader, EndMarkerInASegmentIsCorruption) {
  const std::string file = Segment() + EndMarker(kRecords.size());
  const ParsedFile p = ParseLogFile(file);
  EXPECT_EQ(p.outcome, ParseOutcome::kCorrupt);
}

TEST(LogReader, SalvageSkipsTheDamagedFrameAndKeepsTheRest) {
  std::string file = Segment();
  file[FrameOffset(2) + format::kFrameHeaderSize + 2] ^= 0x10;
  file += std::string(20, '\0');
  const SalvagedFile s = SalvageLogFile(file);
  EXPECT_TRUE(s.has_header);
  EXPECT_EQ(Strings(s.records), (std::vector<std::string>{kRecords[0], kRecords[1], kRecords[3]}));
  ASSERT_EQ(s.dropped.size(), 2u);
  EXPECT_EQ(s.dropped[0].offset, FrameOffset(2));
  EXPECT_EQ(s.dropped[0].length, FrameOffset(3) - FrameOffset(2));
  EXPECT_EQ(s.dropped[1].offset, Segment().size());
  EXPECT_EQ(s.dropped[1].length, 20u);
  uint64_t accounted = format::kFileHeaderSize + s.frame_bytes;
  for (const auto& d : s.dropped) accounted += d.length;
  EXPECT_EQ(accounted, file.size());
}

TEST(LogReader, SalvageReadsFramesBehindADamagedHeader) {
  std::string file = Segment();
  file[3] = 'X';
  const SalvagedFile s = SalvageLogFile(file);
  EXPECT_FALSE(s.has_header);
  EXPECT_EQ(Strings(s.records), kRecords);
}

TEST(LogReader, ZerosNeverLookLikeAFrame) {
  const std::string zeros(1000, '\0');
  EXPECT_FALSE(FindValidFrame(zeros, 0).has_value());
  const std::string file = zeros + Frame("x");
  EXPECT_EQ(FindValidFrame(file, 0), 1000u);
}

}  // namespace
}  // namespace spool::storage
