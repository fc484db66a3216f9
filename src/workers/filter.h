#pragma once
// Event filtering for event source mappings (Lambda's FilterCriteria on an SQS source):
// a message passes when it matches any of the mapping's patterns; messages that pass none are
// deleted from the queue without reaching the function (workers.md 2.9).
//
// A pattern is EventBridge pattern JSON whose only top-level key is "body" ("$or" of such
// objects is allowed too; {} has no rule and passes everything). A message's body is seen as
// its JSON value when the whole body parses as JSON, and as a plain string otherwise. So a rule
// object {"body": {...fields}} matches inside a JSON object body (or within one object of a
// JSON array body) and never matches a plain-text body; a value list {"body": [...]} matches a
// plain-text body as a string, and a JSON body only by its scalar value (42, "x", true; never
// an object). A body nested deeper than 256 levels (even one that is not JSON further on)
// matches no pattern but {}.
//
// Operators: exact strings, numbers, true/false and null (a list is OR), "" (empty string),
// prefix and suffix (optionally {"equals-ignore-case": ...}), equals-ignore-case, wildcard ("*"
// any run, "\*" a star), anything-but (a value; a list of only strings or only numbers; or
// {prefix|suffix|wildcard|equals-ignore-case}), numeric ("=" alone, or up to one lower and one
// upper bound of <, <=, >, >=; operands within +-5e9), exists (true/false; scalars only), and
// $or (an array of at least two objects of fields). Fields of one object are AND; an array in
// the body matches when any element does. Strings compare exactly (ignore-case folds ASCII
// only). Exact numbers compare as written (300 does not match 300.0, workers.md 2.9); numeric
// compares values. Duplicate keys in a pattern: the last wins.
//
// Threading: a compiled Filter or FilterSet is immutable and may be used from any thread.
// Errors: Compile returns nullopt with *error ("body.price numeric: ...") for a pattern Lambda
// would reject: over 4096 characters, not JSON, nested over 32 levels, a top-level key other
// than body, an unknown operator or a malformed operand, an empty array or object.
// Cost: Matches parses the body once (FilterSet: once for all its filters) into a reused
// thread-local buffer, then walks the compiled tree; no hashing, no allocation when warm.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spool::workers {

inline constexpr size_t kMaxFilterPatternChars = 4096;
inline constexpr size_t kMaxFiltersPerMapping = 10;

class Filter {
 public:
  // One pattern (the text of FilterCriteria.Filters[i].Pattern), at most 4096 characters.
  static std::optional<Filter> Compile(std::string_view pattern, std::string* error);
  bool Matches(std::string_view body) const;

  struct Node;  // the compiled rule tree (filter_tree.h)

 private:
  friend class FilterSet;
  // Whether body matches any of filters[0..count), parsing it once.
  static bool MatchAny(const Filter* filters, size_t count, std::string_view body);

  std::shared_ptr<const Node> root_;  // null only in a default-constructed Filter (no match)
};

// A mapping's set of filters: empty passes everything.
class FilterSet {
 public:
  // At most 10 patterns; *error names the failing one ("Filters[1].Pattern: ...").
  static std::optional<FilterSet> Compile(const std::vector<std::string>& patterns,
                                          std::string* error);
  bool Matches(std::string_view body) const;
  bool empty() const { return filters_.empty(); }

 private:
  std::vector<Filter> filters_;
};

}  // namespace spool::workers
