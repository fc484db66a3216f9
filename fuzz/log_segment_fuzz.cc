// Fuzz target: the log store's segment line format (logs/segment_format.h) and the indexing of
// a segment's bytes (logs/segment_index.h), on arbitrary bytes.
//
// Properties:
//   - A line that parses formats back to the same fields; without a raw '\r' (which the parser
//     tolerates and the writer escapes) it formats back to exactly the input.
//   - Fields cut from the input (two timestamps, a stream, a message) format into one line with
//     exactly three raw tabs and one final '\n' that parses back to them.
//   - Indexing the input as a segment consumes whole lines only and counts each one.
//   - A segment file name that parses is the canonical name of its number.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "logs/segment_format.h"
#include "logs/segment_index.h"

namespace {

namespace logs = spool::logs;

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

void CheckParse(std::string_view line) {
  auto parsed = logs::ParseLine(line);
  if (!parsed) return;
  Require(logs::ParseTimestamp(line) == parsed->timestamp_ms);
  std::string again;
  logs::AppendLine(parsed->timestamp_ms, parsed->ingestion_ms, parsed->stream, parsed->message,
                   &again);
  Require(!again.empty() && again.back() == '\n');
  auto reparsed = logs::ParseLine(std::string_view(again).substr(0, again.size() - 1));
  Require(reparsed && reparsed->timestamp_ms == parsed->timestamp_ms &&
          reparsed->ingestion_ms == parsed->ingestion_ms && reparsed->stream == parsed->stream &&
          reparsed->message == parsed->message);
  if (line.find('\r') == std::string_view::npos) {
    Require(std::string_view(again).substr(0, again.size() - 1) == line);
  }
}

void CheckFormat(std::string_view input) {
  if (input.size() < 16) return;
  int64_t a = 0, b = 0;
  std::memcpy(&a, input.data(), 8);
  std::memcpy(&b, input.data() + 8, 8);
  constexpr int64_t kLimit = 1'000'000'000'000'000'000;  // 18 digits at most
  a = a < 0 ? 0 : a % kLimit;
  b = b < 0 ? 0 : b % kLimit;
  std::string_view rest = input.substr(16);
  size_t cut = rest.find('\0');
  std::string_view stream = rest.substr(0, cut);
  std::string_view message = cut == std::string_view::npos ? "" : rest.substr(cut + 1);
  std::string line;
  logs::AppendLine(a, b, stream, message, &line);
  Require(std::count(line.begin(), line.end(), '\t') == 3);
  Require(std::count(line.begin(), line.end(), '\n') == 1 && line.back() == '\n');
  auto parsed = logs::ParseLine(std::string_view(line).substr(0, line.size() - 1));
  Require(parsed && parsed->timestamp_ms == a && parsed->ingestion_ms == b &&
          parsed->stream == stream && parsed->message == message);
}

void CheckIndex(std::string_view input) {
  logs::internal::SegmentIndex index;
  size_t used = index.AddLines(input);
  Require(used <= input.size());
  Require(used == 0 || input[used - 1] == '\n');
  Require(input.substr(used).find('\n') == std::string_view::npos);
  Require(index.lines ==
          static_cast<uint64_t>(std::count(input.begin(), input.begin() + used, '\n')));
  Require(index.bytes == static_cast<int64_t>(used));
  int64_t stream_bytes = 0;
  for (const auto& [name, stats] : index.streams) stream_bytes += stats.bytes;
  Require(stream_bytes == index.totals.bytes && stream_bytes <= index.bytes);
  for (uint64_t s = 0; s <= index.end_sequence(); s += 1 + s / 3) {
    auto mark = index.Seek(s);
    Require(mark.offset >= 0 && mark.offset <= index.bytes);
    Require(mark.offset == 0 || input[mark.offset - 1] == '\n');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  for (size_t nl; (nl = input.find('\n', start)) != std::string_view::npos; start = nl + 1) {
    CheckParse(input.substr(start, nl - start));
  }
  CheckParse(input.substr(start));
  CheckFormat(input);
  CheckIndex(input);
  if (auto n = logs::ParseSegmentFileName(input)) Require(logs::SegmentFileName(*n) == input);
  return 0;
}
