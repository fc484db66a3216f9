#pragma once
// The text format of a log segment (README.md): one event per line,
//
//   <timestamp ms>\t<ingestion ms>\t<stream>\t<message>\n
//
// where the stream and the message have '\\', '\n', '\r' and '\t' escaped as \\ \n \r \t, so a
// line holds no raw newline or tab besides its three separators. Timestamps are decimal, without
// sign or leading zeros (0 itself is "0"), at most 18 digits.
//
// A segment file is named after the sequence number of its first line: 20 decimal digits and
// ".log" (e.g. 00000000000000000001.log); the i-th line (from 0) of that file is event
// first + i. Lines that do not parse still take their sequence number.
//
// Pure functions; no state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spool::logs {

// Appends `text` escaped to *out.
void AppendEscaped(std::string_view text, std::string* out);
// Undoes AppendEscaped; nullopt for a raw '\n' or '\t', an unknown escape or a lone trailing '\\'.
std::optional<std::string> Unescape(std::string_view text);

// Appends one line, with its trailing '\n'.
void AppendLine(int64_t timestamp_ms, int64_t ingestion_ms, std::string_view stream,
                std::string_view message, std::string* out);

struct ParsedLine {
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  std::string stream;
  std::string message;
};

// Parses one line without its '\n'. Nullopt when it is not exactly the format above (such lines
// are skipped on read), so ParseLine(line) of AppendLine's output gives back its arguments.
std::optional<ParsedLine> ParseLine(std::string_view line);

// Only the timestamp of a line (what an index needs), nullopt as for ParseLine's first field.
std::optional<int64_t> ParseTimestamp(std::string_view line);

// "00000000000000000042.log" for 42, and back (nullopt for any other name).
std::string SegmentFileName(uint64_t first_sequence);
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

}  // namespace spool::logs
