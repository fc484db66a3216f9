#pragma once
// Reading log files: pure functions over a file's bytes (no I/O), so recovery, repair and the
// fuzz target share one parser. Records are returned as views into the input buffer.
//
// ParseLogFile reads strictly: it stops at the first problem and says whether that problem is a
// torn tail (nothing valid follows it: a write cut short by a crash, or a zero-filled stretch)
// or corruption (at least one valid frame follows it). SalvageLogFile reads leniently for
// repair: it skips every damaged stretch and resynchronises on the next valid frame.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_format.h"

namespace spool::storage {

enum class ParseOutcome {
  kClean,     // every byte belongs to the header or a valid frame
  kTornTail,  // valid up to `valid_bytes`; the rest is incomplete or damaged, nothing valid after
  kCorrupt,   // a problem at `valid_bytes` with valid frames after it, or a misplaced frame
  kUnsupported,  // an intact header naming a format version or file kind this code does not know
};

struct ParsedFile {
  ParseOutcome outcome = ParseOutcome::kClean;
  bool has_header = false;    // the header is intact (and supported, unless kUnsupported)
  format::FileHeader header;  // meaningful when has_header or kUnsupported
  std::vector<std::string_view> records;  // payloads of the record frames before the problem
  bool snapshot_end = false;  // a snapshot end marker, with the right count, ends the valid part
  uint64_t valid_bytes = 0;   // length of the valid prefix (header and whole frames)
  std::string problem;        // what is wrong at `valid_bytes`; empty when clean
};

// Called now and then while a file is parsed (about every kParseProgressBytes) with the offset
// the parser has reached, so a caller reading through a mapping can drop what lies behind it.
using ParseProgress = std::function<void(uint64_t offset)>;
inline constexpr uint64_t kParseProgressBytes = 4ull << 20;

ParsedFile ParseLogFile(std::string_view contents, const ParseProgress& progress = {});

struct DroppedRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string reason;
};

struct SalvagedFile {
  bool has_header = false;
  bool unsupported = false;  // intact header of an unknown version or kind: nothing salvaged
  format::FileHeader header;
  std::vector<std::string_view> records;  // every valid record frame, in file order
  bool snapshot_end = false;              // a valid snapshot end marker was seen
  std::vector<DroppedRange> dropped;      // stretches skipped, in file order, not overlapping
  uint64_t frame_bytes = 0;               // bytes of valid frames (records and end markers)
};

// Every byte of `contents` is accounted for: header (kFileHeaderSize when has_header),
// frame_bytes, or a dropped range.
SalvagedFile SalvageLogFile(std::string_view contents);

// The offset of the first valid frame starting at or after `from`, if any. A valid frame has a
// known type, a length within limits that fits in `contents`, and a matching CRC.
std::optional<uint64_t> FindValidFrame(std::string_view contents, uint64_t from);

}  // namespace spool::storage
