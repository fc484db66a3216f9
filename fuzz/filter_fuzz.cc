// Fuzz target: FilterCriteria patterns and the message bodies they are matched against
// (workers/filter.h).
//
// Input: patterns and a body separated by lines "%%" (PATTERN\n%%\nPATTERN\n%%\nBODY); the
// last part is the body, and a lone part is both. Checked whatever the input:
// - a refused pattern comes with a message; FilterSet::Compile accepts exactly the lists of at
//   most 10 patterns that each compile;
// - a FilterSet (one parse of the body for all its filters) agrees with its filters one by one,
//   and asking twice gives the same answer;
// - {"$or":[P1,P2]} built from two accepted patterns, when it compiles, matches exactly when P1
//   or P2 does;
// - the body also goes through a fixed set of patterns using every operator, so the matcher is
//   exercised even when the fuzzed patterns are not valid.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workers/filter.h"

namespace {

using spool::workers::Filter;
using spool::workers::FilterSet;

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<std::string> Split(std::string_view input) {
  constexpr std::string_view kSeparator = "\n%%\n";
  std::vector<std::string> parts;
  size_t at = 0;
  for (size_t found; (found = input.find(kSeparator, at)) != std::string_view::npos;) {
    parts.emplace_back(input.substr(at, found - at));
    at = found + kSeparator.size();
  }
  parts.emplace_back(input.substr(at));
  return parts;
}

// Filters one by one and as a set must agree.
void CheckSet(const std::vector<std::string>& patterns, std::string_view body) {
  std::vector<Filter> filters;
  bool all_compile = true;
  for (const std::string& pattern : patterns) {
    std::string error;
    std::optional<Filter> filter = Filter::Compile(pattern, &error);
    Require(filter.has_value() == error.empty());
    if (filter) {
      filters.push_back(std::move(*filter));
    } else {
      all_compile = false;
    }
  }
  std::string error;
  const std::optional<FilterSet> set = FilterSet::Compile(patterns, &error);
  Require(set.has_value() == (all_compile && patterns.size() <= 10));
  Require(set.has_value() == error.empty());
  bool any = false;
  for (const Filter& filter : filters) {
    const bool matched = filter.Matches(body);
    Require(matched == filter.Matches(body));
    any = any || matched;
  }
  if (set) {
    Require(set->Matches(body) == (any || patterns.empty()));
    Require(set->Matches(body) == (any || patterns.empty()));
  }
}

void CheckOr(const std::string& a, const std::string& b, std::string_view body) {
  const std::optional<Filter> fa = Filter::Compile(a, nullptr);
  const std::optional<Filter> fb = Filter::Compile(b, nullptr);
  if (!fa || !fb) return;
  std::string error;
  const std::optional<Filter> both = Filter::Compile("{\"$or\":[" + a + "," + b + "]}", &error);
  if (!both) {
    Require(!error.empty());
    return;
  }
  Require(both->Matches(body) == (fa->Matches(body) || fb->Matches(body)));
}

const FilterSet& Everything() {
  static const FilterSet set = [] {
    std::string error;
    auto s = FilterSet::Compile(
        {
            R"({"body":{"a":["x",1,null,true,""],"b":{"c":[{"prefix":"p"},{"suffix":"s"}]}}})",
            R"({"body":{"n":[{"numeric":[">",0,"<=",5]},{"numeric":["=",1e2]}],"e":[{"exists":false}]}})",
            R"({"body":{"s":[{"anything-but":["a","b"]},{"anything-but":{"prefix":"x"}}]}})",
            R"({"body":{"w":[{"wildcard":"*a*b\\*"},{"equals-ignore-case":"Q"}],"t":[{"exists":true}]}})",
            R"({"body":{"$or":[{"a":[{"anything-but":1}]},{"b":{"$or":[{"c":[2]},{"d":[3]}]}}]}})",
            R"({"body":[{"prefix":{"equals-ignore-case":"pri"}},{"suffix":"!"},{"numeric":["<",3]}]})",
            R"({"$or":[{"body":[{"anything-but":{"suffix":"}"}}]},{"body":{"0":[{"exists":true}]}}]})",
        },
        &error);
    Require(s.has_value());
    return *s;
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1024 * 1024 + 16384) return 0;  // bodies up to 1 MiB, patterns up to 4 KiB each
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = Split(input);
  const std::string body = parts.back();
  if (parts.size() > 1) parts.pop_back();
  CheckSet(parts, body);
  if (parts.size() >= 2) CheckOr(parts[0], parts[1], body);
  if (!parts.empty()) CheckOr(parts[0], parts[0], body);
  Everything().Matches(body);
  return 0;
}
