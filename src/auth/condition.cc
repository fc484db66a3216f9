#include "auth/condition.h"

#include <algorithm>
#include <array>
#include <utility>

namespace spool::auth {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

constexpr std::array<std::pair<std::string_view, ConditionOp>, 26> kOperators = {{
    {"StringEquals", ConditionOp::kStringEquals},
    {"StringNotEquals", ConditionOp::kStringNotEquals},
    {"StringEqualsIgnoreCase", ConditionOp::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", ConditionOp::kStringNotEqualsIgnoreCase},
    {"StringLike", ConditionOp::kStringLike},
    {"StringNotLike", ConditionOp::kStringNotLike},
    {"NumericEquals", ConditionOp::kNumericEquals},
    {"NumericNotEquals", ConditionOp::kNumericNotEquals},
    {"NumericLessThan", ConditionOp::kNumericLessThan},
    {"NumericLessThanEquals", ConditionOp::kNumericLessThanEquals},
    {"NumericGreaterThan", ConditionOp::kNumericGreaterThan},
    {"NumericGreaterThanEquals", ConditionOp::kNumericGreaterThanEquals},
    {"DateEquals", ConditionOp::kDateEquals},
    {"DateNotEquals", ConditionOp::kDateNotEquals},
    {"DateLessThan", ConditionOp::kDateLessThan},
    {"DateLessThanEquals", ConditionOp::kDateLessThanEquals},
    {"DateGreaterThan", ConditionOp::kDateGreaterThan},
    {"DateGreaterThanEquals", ConditionOp::kDateGreaterThanEquals},
    {"Bool", ConditionOp::kBool},
    {"IpAddress", ConditionOp::kIpAddress},
    {"NotIpAddress", ConditionOp::kNotIpAddress},
    {"ArnEquals", ConditionOp::kArnEquals},
    {"ArnLike", ConditionOp::kArnLike},
    {"ArnNotEquals", ConditionOp::kArnNotEquals},
    {"ArnNotLike", ConditionOp::kArnNotLike},
    {"Null", ConditionOp::kNull},
}};

enum class Family {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kIp,
  kArn,
  kNull
};

struct OpTraits {
  Family family;
  bool negated;
};

OpTraits Traits(ConditionOp op) {
  switch (op) {
    case ConditionOp::kStringEquals:
      return {Family::kString, false};
    case ConditionOp::kStringNotEquals:
      return {Family::kString, true};
    case ConditionOp::kStringEqualsIgnoreCase:
      return {Family::kStringIgnoreCase, false};
    case ConditionOp::kStringNotEqualsIgnoreCase:
      return {Family::kStringIgnoreCase, true};
    case ConditionOp::kStringLike:
      return {Family::kStringLike, false};
    case ConditionOp::kStringNotLike:
      return {Family::kStringLike, true};
    case ConditionOp::kNumericEquals:
    case ConditionOp::kNumericLessThan:
    case ConditionOp::kNumericLessThanEquals:
    case ConditionOp::kNumericGreaterThan:
    case ConditionOp::kNumericGreaterThanEquals:
      return {Family::kNumeric, false};
    case ConditionOp::kNumericNotEquals:
      return {Family::kNumeric, true};
    case ConditionOp::kDateEquals:
    case ConditionOp::kDateLessThan:
    case ConditionOp::kDateLessThanEquals:
    case ConditionOp::kDateGreaterThan:
    case ConditionOp::kDateGreaterThanEquals:
      return {Family::kDate, false};
    case ConditionOp::kDateNotEquals:
      return {Family::kDate, true};
    case ConditionOp::kBool:
      return {Family::kBool, false};
    case ConditionOp::kIpAddress:
      return {Family::kIp, false};
    case ConditionOp::kNotIpAddress:
      return {Family::kIp, true};
    case ConditionOp::kArnEquals:
    case ConditionOp::kArnLike:
      return {Family::kArn, false};
    case ConditionOp::kArnNotEquals:
    case ConditionOp::kArnNotLike:
      return {Family::kArn, true};
    case ConditionOp::kNull:
      return {Family::kNull, false};
  }
  return {Family::kNull, false};
}

// `context` compared with `bound` as the operator says (NotEquals compares as Equals; the
// caller negates).
template <class T>
bool Compare(ConditionOp op, T context, T bound) {
  switch (op) {
    case ConditionOp::kNumericLessThan:
    case ConditionOp::kDateLessThan:
      return context < bound;
    case ConditionOp::kNumericLessThanEquals:
    case ConditionOp::kDateLessThanEquals:
      return context <= bound;
    case ConditionOp::kNumericGreaterThan:
    case ConditionOp::kDateGreaterThan:
      return context > bound;
    case ConditionOp::kNumericGreaterThanEquals:
    case ConditionOp::kDateGreaterThanEquals:
      return context >= bound;
    default:
      return context == bound;
  }
}

std::optional<bool> ParseBool(std::string_view text) {
  if (EqualsIgnoreCase(text, "true")) return true;
  if (EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

// Calls fn(PatternRef) for each value of the condition, expanding policy variables when asked;
// true as soon as one call is. A value whose variables cannot be resolved matches nothing.
template <class Fn>
bool AnyValue(const Condition& c, const ContextKeys& keys, bool expand, Fn&& fn) {
  for (const std::string& value : c.values) {
    if (expand && value.find("${") != std::string::npos) {
      const std::optional<Pattern> pattern = ExpandPolicyVariables(value, keys);
      if (pattern && fn(PatternRef(*pattern))) return true;
    } else if (fn(PatternRef(value))) {
      return true;
    }
  }
  return false;
}

// Whether one context value matches any condition value under the operator's positive form.
bool ValueMatches(const Condition& c, Family family, const std::string& value,
                  const ContextKeys& keys, bool expand) {
  switch (family) {
    case Family::kString:
      return AnyValue(c, keys, expand, [&](PatternRef p) { return p.text == value; });
    case Family::kStringIgnoreCase:
      return AnyValue(c, keys, expand,
                      [&](PatternRef p) { return EqualsIgnoreCase(p.text, value); });
    case Family::kStringLike:
      return AnyValue(c, keys, expand, [&](PatternRef p) { return WildcardMatch(p, value); });
    case Family::kArn:
      return AnyValue(c, keys, expand, [&](PatternRef p) { return ArnMatch(p, value); });
    case Family::kNumeric: {
      const std::optional<double> v = ParseIamNumber(value);
      return v && std::any_of(c.numbers.begin(), c.numbers.end(),
                              [&](double bound) { return Compare(c.op, *v, bound); });
    }
    case Family::kDate: {
      const std::optional<int64_t> v = ParseIamTime(value);
      return v && std::any_of(c.times.begin(), c.times.end(),
                              [&](int64_t bound) { return Compare(c.op, *v, bound); });
    }
    case Family::kBool: {
      const std::optional<bool> v = ParseBool(value);
      return v && std::find(c.booleans.begin(), c.booleans.end(), *v) != c.booleans.end();
    }
    case Family::kIp:
      return std::any_of(c.ranges.begin(), c.ranges.end(),
                         [&](const IpRange& range) { return IpInRange(value, range); });
    case Family::kNull:
      return false;
  }
  return false;
}

}  // namespace

bool ParseConditionOperator(std::string_view name, Condition* out, std::string* error) {
  std::string_view rest = name;
  out->qualifier = SetQualifier::kNone;
  if (StartsWithIgnoreCase(rest, "ForAnyValue:")) {
    out->qualifier = SetQualifier::kForAnyValue;
    rest.remove_prefix(12);
  } else if (StartsWithIgnoreCase(rest, "ForAllValues:")) {
    out->qualifier = SetQualifier::kForAllValues;
    rest.remove_prefix(13);
  }
  out->if_exists = EndsWithIgnoreCase(rest, "IfExists");
  if (out->if_exists) rest.remove_suffix(8);
  for (const auto& [op_name, op] : kOperators) {
    if (!EqualsIgnoreCase(rest, op_name)) continue;
    if (op == ConditionOp::kNull && (out->if_exists || out->qualifier != SetQualifier::kNone)) {
      break;
    }
    out->op = op;
    out->op_name = std::string(name);
    return true;
  }
  *error = "Unsupported condition operator '" + std::string(name.substr(0, 128)) + "'";
  return false;
}

bool PrepareConditionValues(Condition* c, std::string* error) {
  auto fail = [&](std::string_view what, const std::string& value) {
    *error = "Condition " + c->op_name + " on " + c->key + ": " + std::string(what) + " '" +
             value.substr(0, 128) + "'";
    return false;
  };
  if (c->values.empty()) {
    *error = "Condition " + c->op_name + " on " + c->key + " has no values";
    return false;
  }
  c->numbers.clear();
  c->times.clear();
  c->ranges.clear();
  c->booleans.clear();
  const Family family = Traits(c->op).family;
  for (const std::string& value : c->values) {
    switch (family) {
      case Family::kNumeric:
        if (auto n = ParseIamNumber(value)) {
          c->numbers.push_back(*n);
        } else {
          return fail("not a number", value);
        }
        break;
      case Family::kDate:
        if (auto t = ParseIamTime(value)) {
          c->times.push_back(*t);
        } else {
          return fail("not an ISO 8601 date or epoch time", value);
        }
        break;
      case Family::kIp:
        if (auto r = ParseIpRange(value)) {
          c->ranges.push_back(*r);
        } else {
          return fail("not an IP address or CIDR block", value);
        }
        break;
      case Family::kBool:
      case Family::kNull:
        if (auto b = ParseBool(value)) {
          c->booleans.push_back(*b);
        } else {
          return fail("not \"true\" or \"false\"", value);
        }
        break;
      default:
        break;
    }
  }
  return true;
}

bool ConditionHolds(const Condition& c, const ContextKeys& keys, bool policy_variables) {
  const std::vector<std::string>* values = keys.Find(c.key);
  const bool absent = values == nullptr || values->empty();
  const OpTraits traits = Traits(c.op);
  if (traits.family == Family::kNull) {
    return std::find(c.booleans.begin(), c.booleans.end(), absent) != c.booleans.end();
  }
  if (absent) {
    if (c.if_exists || c.qualifier == SetQualifier::kForAllValues) return true;
    if (c.qualifier == SetQualifier::kForAnyValue) return false;
    return traits.negated;
  }
  auto holds = [&](const std::string& value) {
    return ValueMatches(c, traits.family, value, keys, policy_variables) != traits.negated;
  };
  if (c.qualifier == SetQualifier::kForAllValues) {
    return std::all_of(values->begin(), values->end(), holds);
  }
  return std::any_of(values->begin(), values->end(), holds);
}

}  // namespace spool::auth
