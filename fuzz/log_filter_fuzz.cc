// Fuzz target: CloudWatch filter patterns (logs/filter_pattern.h), as FilterLogEvents receives
// them from clients. The input's first line is the pattern, the rest a log message.
//
// Properties: parsing never crashes; a refused pattern comes with a message; an accepted one
// gives the same answer twice on a message, on the empty message and on a JSON object; the
// empty pattern matches everything; a single plain term matches exactly the messages that
// contain it.

#include <cstdint>
#include <string>
#include <string_view>

#include "logs/filter_pattern.h"

namespace {

namespace logs = spool::logs;

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view pattern = input.substr(0, nl);
  std::string_view message = nl == std::string_view::npos ? "" : input.substr(nl + 1);

  std::string error;
  auto p = logs::FilterPattern::Parse(pattern, &error);
  if (!p) {
    Require(!error.empty());
    return 0;
  }
  bool first = p->Matches(message);
  Require(p->Matches(message) == first);
  p->Matches("");
  p->Matches(R"({"level":"ERROR","a":{"b":[1,2,{"c":"x"}]},"n":-1.5e3,"t":true,"z":null})");
  if (p->matches_everything()) Require(first);

  // One plain term (no blanks, quotes, ?, -, {, [ or % at the start): a substring test.
  bool plain = !pattern.empty() && pattern.size() <= 1024;
  for (char c : pattern) plain = plain && !IsBlank(c) && c != '"';
  if (plain && pattern[0] != '?' && pattern[0] != '-' && pattern[0] != '{' && pattern[0] != '[' &&
      pattern[0] != '%') {
    Require(first == (message.find(pattern) != std::string_view::npos));
  }
  return 0;
}
