#pragma once
// String tests of filter patterns (internal to filter*.cc): prefix, suffix, equals-ignore-case
// and wildcard, each in time linear in the tested string, whatever the pattern.
//
// Ignoring case folds ASCII letters only; other bytes compare as they are.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spool::workers::filter_detail {

// "*" matches any run of characters (none included); "\*" is a literal star and "\\" a literal
// backslash. Matching is greedy over the literal pieces between stars, each found with
// Knuth-Morris-Pratt, so a string is read a bounded number of times.
class Wildcard {
 public:
  // nullopt with *error for "**", a backslash before anything but "*" or "\", or a final "\".
  static std::optional<Wildcard> Parse(std::string_view pattern, std::string* error);
  bool Matches(std::string_view s) const;

 private:
  struct Piece {
    std::string text;
    std::vector<uint32_t> fail;  // KMP failure function of text
  };
  bool stars_ = false;         // false: pieces_ holds one piece that must equal the string
  std::vector<Piece> pieces_;  // the literal runs around the stars, first and last included
};

struct TextTest {
  enum class Op { kPrefix, kSuffix, kEquals, kWildcard };
  Op op = Op::kEquals;
  bool ignore_case = false;
  std::string text;
  std::optional<Wildcard> wildcard;  // kWildcard

  bool Matches(std::string_view s) const;
};

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

}  // namespace spool::workers::filter_detail
