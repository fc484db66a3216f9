#pragma once
// Event filtering for event source mappings (Lambda's FilterCriteria on an SQS source):
// a message passes when it matches any of the mapping's patterns; messages that pass none are
// deleted from the queue without reaching the function (workers.md 2.9).
//
// A pattern is EventBridge pattern JSON whose only top-level key is "body". When the rule for
// "body" is an object, the body must be a JSON object and the rule is matched inside it; when
// it is an array of values/operators, the body is matched as a plain string (a JSON body then
// never matches). Operators: exact strings, numbers and null, "" (empty), prefix, suffix,
// equals-ignore-case, anything-but (value, list, or {prefix}), numeric (=, <, <=, >, >=, in
// pairs), exists (true/false), wildcard, and $or. Numbers compare by value; strings exactly.
//
// Threading: a compiled Filter is immutable and may be used from any thread.
// Errors: Compile returns nullopt with *error for a pattern Lambda would reject.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spool::workers {

class Filter {
 public:
  // One pattern (the text of FilterCriteria.Filters[i].Pattern), at most 4096 characters.
  static std::optional<Filter> Compile(std::string_view pattern, std::string* error);
  bool Matches(std::string_view body) const;

  struct Node;  // the compiled rule tree (filter.cc)

 private:
  std::shared_ptr<const Node> root_;
};

// A mapping's set of filters: empty passes everything.
class FilterSet {
 public:
  static std::optional<FilterSet> Compile(const std::vector<std::string>& patterns,
                                          std::string* error);
  bool Matches(std::string_view body) const;
  bool empty() const { return filters_.empty(); }

 private:
  std::vector<Filter> filters_;
};

}  // namespace spool::workers
