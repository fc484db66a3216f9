// Reading journal files through a mapping: MapFile gives the file's bytes, Drop takes pages out
// of the resident set without changing what data() reads, and ParseLogFile reports its progress
// so recovery can drop what lies behind the parser.

#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "storage/file.h"
#include "storage/log_format.h"
#include "storage/log_reader.h"
#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::ScratchDir;
using test::WriteBytes;

// This process's resident set in bytes (/proc/self/statm).
uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

TEST(MappedFileTest, MapsTheFileBytesAndAnEmptyFile) {
  ScratchDir dir;
  const std::string bytes = RandomBytes(10000, 1);
  WriteBytes(dir.File("f"), bytes);
  WriteBytes(dir.File("empty"), "");
  std::unique_ptr<MappedFile> file;
  ASSERT_EQ(PosixFileSystem()->MapFile(dir.File("f"), &file), 0);
  EXPECT_EQ(file->data(), bytes);
  ASSERT_EQ(PosixFileSystem()->MapFile(dir.File("empty"), &file), 0);
  EXPECT_TRUE(file->data().empty());
  file->Drop(0, 100);  // nothing to drop: harmless
  EXPECT_EQ(PosixFileSystem()->MapFile(dir.File("missing"), &file), ENOENT);
}

TEST(MappedFileTest, DroppedPagesLeaveTheResidentSetAndReadBackUnchanged) {
  ScratchDir dir;
  constexpr size_t kSize = 32 << 20;
  const std::string bytes = RandomBytes(kSize, 2);
  WriteBytes(dir.File("big"), bytes);
  std::unique_ptr<MappedFile> file;
  ASSERT_EQ(PosixFileSystem()->MapFile(dir.File("big"), &file), 0);
  const uint64_t before = ResidentBytes();
  uint64_t sum = 0;
  for (size_t i = 0; i < kSize; i += 4096) sum += static_cast<uint8_t>(file->data()[i]);
  const uint64_t touched = ResidentBytes();
  EXPECT_GT(touched, before + kSize / 2) << "touching the mapping should make it resident";
  file->Drop(0, kSize);
  const uint64_t dropped = ResidentBytes();
  EXPECT_LT(dropped, touched - kSize / 2) << "Drop should take the pages out again";
  EXPECT_EQ(file->data(), bytes);  // read back from the file
  // A partial drop keeps the partial pages at both ends.
  file->Drop(100, kSize - 100);
  EXPECT_EQ(file->data(), bytes);
  EXPECT_GT(sum, 0u);
}

TEST(MappedFileTest, FaultyFileSystemMapsThroughItsBase) {
  ScratchDir dir;
  WriteBytes(dir.File("f"), "abc");
  FaultyFileSystem faulty(PosixFileSystem());
  std::unique_ptr<MappedFile> file;
  ASSERT_EQ(faulty.MapFile(dir.File("f"), &file), 0);
  EXPECT_EQ(file->data(), "abc");
}

TEST(MappedFileTest, ParseReportsProgressAndFindsTheSameRecords) {
  std::string contents;
  format::AppendFileHeader({format::kVersion, format::FileKind::kSegment, 3}, &contents);
  std::vector<std::string> records;
  for (int i = 0; i < 300; ++i) {
    records.push_back(RandomBytes(40000 + i, 100 + i));
    format::AppendFrame(format::FrameType::kRecord, records.back(), &contents);
  }
  std::vector<uint64_t> offsets;
  const ParsedFile with = ParseLogFile(contents, [&](uint64_t o) { offsets.push_back(o); });
  const ParsedFile without = ParseLogFile(contents);
  EXPECT_EQ(with.outcome, ParseOutcome::kClean);
  EXPECT_EQ(with.records, without.records);
  ASSERT_EQ(with.records.size(), records.size());
  // About 12 MB of frames: a report every 4 MiB, increasing, inside the file.
  ASSERT_GE(offsets.size(), 2u);
  for (size_t i = 0; i < offsets.size(); ++i) {
    EXPECT_LT(offsets[i], contents.size());
    if (i > 0) {
      EXPECT_GE(offsets[i] - offsets[i - 1], kParseProgressBytes);
    }
  }
}

}  // namespace
}  // namespace spool::storage
