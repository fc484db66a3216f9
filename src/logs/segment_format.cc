#include "logs/segment_format.h"

#include <charconv>

namespace spool::logs {
namespace {

constexpr size_t kMaxTimestampDigits = 18;
constexpr size_t kFileNameDigits = 20;

std::optional<int64_t> ParseMillis(std::string_view text) {
  if (text.empty() || text.size() > kMaxTimestampDigits) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // one spelling per number
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

void AppendMillis(int64_t ms, std::string* out) {
  if (ms < 0) ms = 0;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, ms);
  out->append(buf, r.ptr);
}

}  // namespace

void AppendEscaped(std::string_view text, std::string* out) {
  size_t plain = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    const char* escape = c == '\\'   ? "\\\\"
                         : c == '\n' ? "\\n"
                         : c == '\r' ? "\\r"
                         : c == '\t' ? "\\t"
                                     : nullptr;
    if (escape == nullptr) continue;
    out->append(text.substr(plain, i - plain));
    out->append(escape, 2);
    plain = i + 1;
  }
  out->append(text.substr(plain));
}

std::optional<std::string> Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || c == '\t') return std::nullopt;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\':
        out.push_back('\\');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

void AppendLine(int64_t timestamp_ms, int64_t ingestion_ms, std::string_view stream,
                std::string_view message, std::string* out) {
  AppendMillis(timestamp_ms, out);
  out->push_back('\t');
  AppendMillis(ingestion_ms, out);
  out->push_back('\t');
  AppendEscaped(stream, out);
  out->push_back('\t');
  AppendEscaped(message, out);
  out->push_back('\n');
}

std::optional<int64_t> ParseTimestamp(std::string_view line) {
  size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return std::nullopt;
  return ParseMillis(line.substr(0, tab));
}

std::optional<ParsedLine> ParseLine(std::string_view line) {
  size_t a = line.find('\t');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = line.find('\t', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  size_t c = line.find('\t', b + 1);
  if (c == std::string_view::npos) return std::nullopt;
  auto timestamp = ParseMillis(line.substr(0, a));
  auto ingestion = ParseMillis(line.substr(a + 1, b - a - 1));
  if (!timestamp || !ingestion) return std::nullopt;
  auto stream = Unescape(line.substr(b + 1, c - b - 1));
  auto message = Unescape(line.substr(c + 1));  // rejects a fourth raw tab
  if (!stream || !message) return std::nullopt;
  return ParsedLine{*timestamp, *ingestion, std::move(*stream), std::move(*message)};
}

std::string SegmentFileName(uint64_t first_sequence) {
  std::string digits = std::to_string(first_sequence);
  return std::string(kFileNameDigits - digits.size(), '0') + digits + ".log";
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kFileNameDigits + 4 || !name.ends_with(".log")) return std::nullopt;
  uint64_t value = 0;
  auto digits = name.substr(0, kFileNameDigits);
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace spool::logs
