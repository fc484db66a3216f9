#pragma once
// The compiled form of a filter pattern (internal to filter*.cc): what filter_compile.cc builds
// from the pattern's JSON once, and filter_match.cc walks for every message.
//
// An ObjectRule matches a JSON object when every field rule matches the values of that member
// (AND) and each $or group has an alternative that matches the same object. A field rule is
// either a nested ObjectRule or a ValueRule, a list of matchers any one of which may match (OR).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "workers/filter.h"
#include "workers/filter_json.h"
#include "workers/filter_text.h"

namespace spool::workers::filter_detail {

// An exact value: a string (unescaped), a number (as written), true, false or null.
struct Literal {
  JsonKind kind = JsonKind::kNull;
  std::string text;

  friend bool operator<(const Literal& a, const Literal& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.text < b.text;
  }
};

// A numeric interval; "=" is the closed interval [x, x].
struct NumericRange {
  bool has_low = false;
  bool low_open = false;
  double low = 0;
  bool has_high = false;
  bool high_open = false;
  double high = 0;

  bool Contains(double v) const {
    if (has_low && (low_open ? !(v > low) : !(v >= low))) return false;
    if (has_high && (high_open ? !(v < high) : !(v <= high))) return false;
    return true;
  }
};

// anything-but: matches a value that is none of `values` (any kind), or, when `tests` is set, a
// string that passes none of `tests` (prefix, suffix, equals-ignore-case, wildcard).
struct AnythingBut {
  std::vector<Literal> values;  // sorted
  std::vector<TextTest> tests;
};

struct ValueRule {
  std::vector<Literal> exact;  // sorted, for binary search
  std::vector<TextTest> text;  // string values only
  std::vector<NumericRange> numeric;
  std::vector<AnythingBut> anything_but;
  bool exists_true = false;
  bool exists_false = false;
};

struct ObjectRule;

struct FieldRule {
  std::string key;
  std::unique_ptr<ObjectRule> object;  // set for a nested object of fields
  ValueRule values;                    // otherwise
};

struct ObjectRule {
  std::vector<FieldRule> fields;                // sorted by key, keys distinct
  std::vector<std::vector<ObjectRule>> any_of;  // each $or: one alternative must match
};

}  // namespace spool::workers::filter_detail

namespace spool::workers {

struct Filter::Node {
  bool match_all = false;  // the pattern {}: no rule on the body
  filter_detail::ObjectRule root;
};

}  // namespace spool::workers
