#pragma once
// The matching rules of IAM policies: wildcards, ARNs, policy variables, IP ranges, dates.
//
// Threading: pure functions, callable from any thread.
// Errors: parsers return nullopt for invalid text; matchers return false.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/request_context.h"
#include "common/clock.h"

namespace spool::auth {

// ---- Wildcards ----

// A pattern whose characters may be marked literal (a '*' or '?' that came from a policy
// variable's value or from ${*} / ${?} must match only itself).
struct Pattern {
  std::string text;
  std::vector<bool> literal;  // empty, or one flag per byte of `text`
};

// A view of a pattern: plain text (no literal marks) or a Pattern.
struct PatternRef {
  PatternRef(std::string_view t) : text(t) {}    // NOLINT: implicit on purpose
  PatternRef(const char* t) : text(t) {}         // NOLINT
  PatternRef(const std::string& t) : text(t) {}  // NOLINT
  PatternRef(const Pattern& p)
      : text(p.text), literal(p.literal.empty() ? nullptr : &p.literal) {}  // NOLINT
  bool IsLiteral(size_t i) const { return literal != nullptr && (*literal)[i]; }

  std::string_view text;
  const std::vector<bool>* literal = nullptr;
};

// IAM wildcard matching over the whole text: '*' matches any run (also empty), '?' exactly one
// character (a whole UTF-8 sequence). ASCII case-insensitive when `ignore_case` (actions).
// Linear-time backtracking: at most O(|pattern| * |text|), never exponential.
bool WildcardMatch(PatternRef pattern, std::string_view text, bool ignore_case = false);

// Expands the policy variables of a value from a 2012-10-17 policy: ${key} is the context
// key's (first) value, ${key, 'default'} falls back to the default, and ${*}, ${?}, ${$} are
// the literal characters '*', '?', '$'. nullopt when a key is absent and has no default (the
// element then matches nothing) or when a ${ is not closed.
std::optional<Pattern> ExpandPolicyVariables(std::string_view value, const ContextKeys& keys);

// ---- ARNs ----

// arn:partition:service:region:account:resource (the resource part may contain ':').
struct ArnParts {
  std::string_view partition, service, region, account, resource;
};
// nullopt unless `arn` starts with "arn:" and has at least six ':'-separated fields.
std::optional<ArnParts> SplitArn(std::string_view arn);

// ArnLike / ArnEquals: both split into their six fields and every field matched with wildcards
// (case-sensitive), so '*' never crosses a ':' boundary. False when either is not an ARN.
// A pattern of exactly "*" matches any ARN.
bool ArnMatch(PatternRef pattern, std::string_view arn);

// The Resource element: "*" matches anything; two ARNs match field by field as ArnMatch;
// anything else is a case-sensitive wildcard match of the whole text.
bool ResourceMatch(PatternRef pattern, std::string_view resource);

// The account field of an ARN ("" when not an ARN).
std::string_view ArnAccount(std::string_view arn);

// ---- IP addresses ----

// An IPv4 or IPv6 network. IPv4 is kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d, prefix
// +96), so "::ffff:10.0.0.1" from a dual-stack socket matches "10.0.0.0/8".
struct IpRange {
  std::array<uint8_t, 16> address{};  // host bits cleared
  int prefix = 128;                   // in IPv6 bits
};

// "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128 network).
std::optional<IpRange> ParseIpRange(std::string_view text);
// Whether the address `ip` (no prefix allowed) lies in `range`; false when `ip` is not an address.
bool IpInRange(std::string_view ip, const IpRange& range);

// ---- Dates ----

// Milliseconds since the epoch of an IAM date: ISO 8601 ("2015-08-30", "2015-08-30T12:36Z",
// "2015-08-30T12:36:00Z", "2015-08-30T12:36:00.123+02:00") or epoch seconds ("1440938160").
std::optional<int64_t> ParseIamTime(std::string_view text);
// "2015-08-30T12:36:00Z" (the aws:CurrentTime form).
std::string FormatIsoTime(common::TimePoint time);

// ---- Numbers ----

// A decimal number as IAM conditions take it ("10", "-2.5", "1e3"); nullopt otherwise.
std::optional<double> ParseIamNumber(std::string_view text);

}  // namespace spool::auth
