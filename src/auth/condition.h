#pragma once
// Condition blocks of IAM policy statements:
//   "Condition": {"<Operator>": {"<key>": "<value>" | ["<value>", ...]}, ...}
// Several operators, and several keys under one operator, must all hold (AND); several values
// of one key are alternatives (OR; for the negated operators: none may match).
//
// Operators: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike},
// Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals},
// Date{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}, Bool,
// IpAddress, NotIpAddress, Arn{Equals,Like,NotEquals,NotLike}, Null; each but Null also with the
// IfExists suffix (true when the key is absent) and the ForAnyValue: / ForAllValues: prefixes
// for multi-valued keys. Operator names are matched case-insensitively.
//
// A key absent from the request: the negated operators (String/Numeric/Date/Arn...Not...,
// NotIpAddress) hold, the others do not; IfExists makes every operator hold; ForAllValues
// holds, ForAnyValue does not. Null: "true" holds when the key is absent, "false" when present.
//
// Threading: a Condition is immutable after parsing; ConditionHolds may run on any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/match.h"
#include "auth/request_context.h"

namespace spool::auth {

enum class ConditionOp {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// One operator applied to one key with its values.
struct Condition {
  std::string op_name;  // as written, e.g. "ForAnyValue:StringLikeIfExists"
  ConditionOp op = ConditionOp::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;                  // as written; matched case-insensitively
  std::vector<std::string> values;  // as written (JSON numbers and booleans in text form)
  // Pre-parsed values, one per entry of `values`, for the operators that need them.
  std::vector<double> numbers;  // Numeric*
  std::vector<int64_t> times;   // Date*: ms since the epoch
  std::vector<IpRange> ranges;  // IpAddress, NotIpAddress
  std::vector<bool> booleans;   // Bool, Null
};

// Parses an operator name ("StringLike", "ForAllValues:StringEqualsIfExists", ...) into `out`
// (op_name, op, qualifier, if_exists). False with a message for an unknown operator.
bool ParseConditionOperator(std::string_view name, Condition* out, std::string* error);

// Checks `values` for the operator and fills the pre-parsed vectors. False with a message for a
// value the operator cannot use (a non-number for Numeric*, a bad CIDR, ...).
bool PrepareConditionValues(Condition* condition, std::string* error);

// Whether the condition holds for the request's keys. `policy_variables`: expand ${...} in the
// values of string and ARN operators (policies of Version 2012-10-17).
bool ConditionHolds(const Condition& condition, const ContextKeys& keys, bool policy_variables);

}  // namespace spool::auth
