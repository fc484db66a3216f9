// Fuzz target: the write-ahead log reader (storage/log_reader.h) on arbitrary file contents.
//
// Whatever the bytes, ParseLogFile and SalvageLogFile must not crash, and their answers must be
// consistent: the valid prefix ParseLogFile reports re-encodes to exactly those bytes (so no
// record is invented or altered), a clean file is valid to its end, SalvageLogFile accounts for
// every byte and finds at least the records ParseLogFile found, in the same order.

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/log_format.h"
#include "storage/log_reader.h"

namespace {

namespace storage = spool::storage;
namespace format = spool::storage::format;

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

void CheckParse(std::string_view input, const storage::ParsedFile& parsed) {
  Require(parsed.valid_bytes <= input.size());
  if (parsed.outcome == storage::ParseOutcome::kClean) {
    Require(parsed.valid_bytes == input.size());
    Require(parsed.problem.empty());
  } else {
    Require(!parsed.problem.empty());
  }
  if (!parsed.has_header) {
    Require(parsed.records.empty() && parsed.valid_bytes == 0);
    return;
  }
  std::string encoded;
  format::AppendFileHeader(parsed.header, &encoded);
  for (std::string_view record : parsed.records) {
    Require(record.data() >= input.data() && record.data() + record.size() <= input.end());
    format::AppendFrame(format::FrameType::kRecord, record, &encoded);
  }
  if (parsed.snapshot_end) {
    std::string count;
    format::PutFixed64(&count, parsed.records.size());
    format::AppendFrame(format::FrameType::kSnapshotEnd, count, &encoded);
  }
  Require(encoded == input.substr(0, parsed.valid_bytes));
}

void CheckSalvage(std::string_view input, const storage::ParsedFile& parsed,
                  const storage::SalvagedFile& salvaged) {
  if (parsed.outcome == storage::ParseOutcome::kUnsupported) {
    Require(salvaged.unsupported && salvaged.records.empty());
    return;
  }
  Require(salvaged.has_header == parsed.has_header);
  uint64_t accounted = (salvaged.has_header ? format::kFileHeaderSize : 0) + salvaged.frame_bytes;
  uint64_t end_of_previous = 0;
  for (const auto& range : salvaged.dropped) {
    Require(range.length > 0 && range.offset >= end_of_previous);
    Require(range.offset + range.length <= input.size());
    end_of_previous = range.offset + range.length;
    accounted += range.length;
  }
  Require(accounted == input.size());
  Require(salvaged.records.size() >= parsed.records.size());
  for (size_t i = 0; i < parsed.records.size(); ++i) {
    Require(salvaged.records[i] == parsed.records[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const storage::ParsedFile parsed = storage::ParseLogFile(input);
  CheckParse(input, parsed);
  CheckSalvage(input, parsed, storage::SalvageLogFile(input));
  if (auto frame = storage::FindValidFrame(input, 0)) Require(*frame < input.size());
  return 0;
}
