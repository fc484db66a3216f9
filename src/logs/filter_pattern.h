#pragma once
// FilterPattern: the subset of CloudWatch Logs' filter pattern syntax that Spool understands
// (README.md has the table). Two kinds:
//
//   Terms (case-sensitive substrings of the message):
//     ""  or blanks          every event
//     ERROR timeout          both must occur
//     "task timed out"       the exact phrase (\" and \\ inside quotes)
//     ?ERROR ?WARN           at least one of the ?-terms must occur
//     ERROR -healthcheck     "healthcheck" must not occur (also -"a phrase")
//   Kinds mix: every plain term, none of the -terms, and one ?-term if there are any.
//
//   JSON (the message must be a JSON value; other events never match):
//     { $.level = "ERROR" }            string equality; '*' in the value matches any run
//     { $.level != "DEBUG" }           the field exists and differs
//     { $.status = 500 }, { $.ms > 100 }, <, <=, >=   numbers (compared as numbers)
//     { $.a.b[0].c = x }               paths with .name and [index]; bare words are strings
//     { $.ok = true }, { $.x = null }  JSON literals
//     ( ... ), &&, ||                  grouping; && binds tighter than ||
//   A path that does not exist makes its comparison false, whatever the operator.
//
// Not supported (InvalidParameter at parse): space-delimited patterns "[a, b, ...]", IS / NOT
// EXISTS, regular expressions (%...%). Patterns are at most 1024 bytes.
//
// Threading: a parsed pattern is immutable; Matches may run on many threads at once.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spool::logs {

class FilterPattern {
 public:
  // Nullopt with *error (for an InvalidParameterException) when `text` is not in the subset.
  static std::optional<FilterPattern> Parse(std::string_view text, std::string* error);

  bool Matches(std::string_view message) const;
  bool matches_everything() const { return node_ == nullptr; }

  struct Node;

 private:
  explicit FilterPattern(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;  // null: every event
};

}  // namespace spool::logs
