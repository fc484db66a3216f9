#pragma once
// The forms Secrets Manager accepts (README.md): names, values, version ids, labels, tags, list
// filters, and ARNs. Pure functions; each check returns the error to answer, or nullopt.
//
// Threading: no shared state. Errors: messages name the member, never its value when the member
// is a secret value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secrets/secret_types.h"

namespace spool::secrets {

inline constexpr size_t kMaxNameLength = 512;
inline constexpr size_t kMaxValueBytes = 65536;
inline constexpr size_t kMaxDescriptionLength = 2048;
inline constexpr size_t kMaxKmsKeyIdLength = 2048;
inline constexpr size_t kMinVersionIdLength = 32;
inline constexpr size_t kMaxVersionIdLength = 64;
inline constexpr size_t kMaxStages = 20;
inline constexpr size_t kMaxStageLength = 256;
inline constexpr size_t kMaxTags = 50;
inline constexpr size_t kMaxTagKeyLength = 128;
inline constexpr size_t kMaxTagValueLength = 256;
inline constexpr size_t kMaxFilters = 10;
inline constexpr size_t kMaxFilterValues = 10;
inline constexpr size_t kMaxFilterValueLength = 512;
inline constexpr int64_t kMinRecoveryDays = 7;
inline constexpr int64_t kMaxRecoveryDays = 30;
inline constexpr int64_t kDefaultRecoveryDays = 30;
inline constexpr size_t kArnSuffixLength = 6;  // "-" + this many letters and digits

// `text` fit for an error message whatever it holds: at most `max` bytes, every byte that is not
// printable ASCII replaced by '?' (so a cut never splits a UTF-8 sequence and the JSON answer
// stays valid).
std::string Printable(std::string_view text, size_t max);

// AWS's request-validation message for a member outside its length range.
Error LengthError(std::string_view member, size_t min, size_t max);

std::optional<Error> CheckName(std::string_view name);
std::optional<Error> CheckValue(const SecretValue& value);
std::optional<Error> CheckVersionId(std::string_view id);
std::optional<Error> CheckStages(const std::vector<std::string>& stages);
std::optional<Error> CheckDescription(std::string_view description);
std::optional<Error> CheckKmsKeyId(std::string_view kms_key_id);
std::optional<Error> CheckTags(const Tags& tags);
std::optional<Error> CheckTagKeys(const std::vector<std::string>& keys);

std::optional<Error> CheckFilters(const std::vector<ListFilter>& filters);
// Whether `secret` passes every filter (AND across filters, OR across a filter's values).
bool MatchesFilters(const SecretInfo& secret, const std::vector<ListFilter>& filters);
// The words of `text` for the "all" filter, lower case: split at anything but letters and
// digits, at a change from lower to upper case, and between letters and digits.
std::vector<std::string> SearchWords(std::string_view text);

// "arn:aws:secretsmanager:REGION:ACCOUNT:secret:"
std::string ArnPrefix(std::string_view region, std::string_view account_id);
// "-" and six random letters and digits.
std::string NewArnSuffix();
// An ARN's secret name part when `arn` is an ARN of this prefix with a name and the suffix
// ("NAME-XXXXXX" gives "NAME"), else nullopt.
std::optional<std::string_view> NameOfArn(std::string_view arn, std::string_view prefix);

}  // namespace spool::secrets
