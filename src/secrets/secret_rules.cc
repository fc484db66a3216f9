#include "secrets/secret_rules.h"

#include <algorithm>
#include <set>

#include "common/crypto.h"

namespace spool::secrets {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

Error Invalid(std::string message) { return Error{Errc::kInvalidParameter, std::move(message)}; }

// ^!?[a-zA-Z0-9 :_@/+=.\-!]*$
bool ValidFilterValue(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) {
    return IsAlnum(c) || std::string_view(" :_@/+=.-!").find(c) != std::string_view::npos;
  });
}

bool AnyWordStartsWith(const std::vector<std::string>& words, std::string_view prefix) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return w.starts_with(prefix); });
}

// Whether one (non-negated) filter value matches the secret.
bool MatchesValue(const SecretInfo& s, std::string_view key, std::string_view value) {
  if (key == "name") return s.name.starts_with(value);
  if (key == "description") {
    return s.description && LowerCase(*s.description).starts_with(LowerCase(value));
  }
  if (key == "tag-key" || key == "tag-value") {
    return std::any_of(s.tags.begin(), s.tags.end(), [&](const auto& tag) {
      return (key == "tag-key" ? tag.first : tag.second).starts_with(value);
    });
  }
  // "all": any word of the value is a prefix of a word of the name, description or tags.
  std::vector<std::string> words = SearchWords(s.name);
  auto add = [&](std::string_view text) {
    for (auto& w : SearchWords(text)) words.push_back(std::move(w));
  };
  if (s.description) add(*s.description);
  for (const auto& [k, v] : s.tags) {
    add(k);
    add(v);
  }
  std::vector<std::string> wanted = SearchWords(value);
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return AnyWordStartsWith(words, w); });
}

}  // namespace

std::string Printable(std::string_view text, size_t max) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

Error LengthError(std::string_view member, size_t min, size_t max) {
  std::string bound = min > 0 ? "greater than or equal to " + std::to_string(min) +
                                    " and less than or equal to " + std::to_string(max)
                              : "less than or equal to " + std::to_string(max);
  return Error{Errc::kInvalidInput,
               "1 validation error detected: Value at '" + std::string(member) +
                   "' failed to satisfy constraint: Member must have length " + bound};
}

std::optional<Error> CheckName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return LengthError("name", 1, kMaxNameLength);
  bool ok = std::all_of(name.begin(), name.end(), [](char c) {
    return IsAlnum(c) || std::string_view("/_+=.@-").find(c) != std::string_view::npos;
  });
  if (ok) return std::nullopt;
  return Error{Errc::kInvalidInput,
               "Invalid name. Must be a valid name containing alphanumeric characters, or any "
               "of the following: -/_+=.@!"};
}

std::optional<Error> CheckValue(const SecretValue& value) {
  if (value.bytes.size() <= kMaxValueBytes) return std::nullopt;
  return LengthError(value.binary ? "secretBinary" : "secretString", 0, kMaxValueBytes);
}

std::optional<Error> CheckVersionId(std::string_view id) {
  if (id.size() < kMinVersionIdLength || id.size() > kMaxVersionIdLength) {
    return LengthError("clientRequestToken", kMinVersionIdLength, kMaxVersionIdLength);
  }
  bool printable = std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (!printable) return Invalid("The ClientRequestToken must contain only printable characters.");
  return std::nullopt;
}

std::optional<Error> CheckStages(const std::vector<std::string>& stages) {
  if (stages.empty() || stages.size() > kMaxStages) {
    return Error{Errc::kInvalidInput,
                 "1 validation error detected: Value at 'versionStages' failed to satisfy "
                 "constraint: Member must have length less than or equal to 20 and greater than "
                 "or equal to 1"};
  }
  std::set<std::string_view> seen;
  for (const auto& s : stages) {
    if (s.empty() || s.size() > kMaxStageLength) {
      return LengthError("versionStages.member", 1, kMaxStageLength);
    }
    if (!seen.insert(s).second) return Invalid("The staging label " + s + " is repeated.");
  }
  return std::nullopt;
}

std::optional<Error> CheckDescription(std::string_view description) {
  if (description.size() <= kMaxDescriptionLength) return std::nullopt;
  return LengthError("description", 0, kMaxDescriptionLength);
}

std::optional<Error> CheckKmsKeyId(std::string_view kms_key_id) {
  if (kms_key_id.size() <= kMaxKmsKeyIdLength) return std::nullopt;
  return LengthError("kmsKeyId", 0, kMaxKmsKeyIdLength);
}

std::optional<Error> CheckTags(const Tags& tags) {
  if (tags.size() > kMaxTags) return Invalid("A secret can have at most 50 tags.");
  std::set<std::string_view> keys;
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > kMaxTagKeyLength) {
      return LengthError("tags.member.key", 1, kMaxTagKeyLength);
    }
    if (v.size() > kMaxTagValueLength)
      return LengthError("tags.member.value", 0, kMaxTagValueLength);
    if (LowerCase(k).starts_with("aws:")) {
      return Invalid("Tag keys starting with aws: are reserved for AWS use.");
    }
    if (!keys.insert(k).second) return Invalid("The tag key " + k + " is repeated.");
  }
  return std::nullopt;
}

std::optional<Error> CheckTagKeys(const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (k.empty() || k.size() > kMaxTagKeyLength) {
      return LengthError("tagKeys.member", 1, kMaxTagKeyLength);
    }
  }
  return std::nullopt;
}

std::optional<Error> CheckFilters(const std::vector<ListFilter>& filters) {
  if (filters.size() > kMaxFilters) return Invalid("You can use at most 10 filters.");
  static constexpr std::string_view kKeys[] = {"name", "description", "tag-key", "tag-value",
                                               "all"};
  for (const auto& f : filters) {
    if (std::find(std::begin(kKeys), std::end(kKeys), f.key) == std::end(kKeys)) {
      return Invalid("Invalid filter key: " + Printable(f.key, 64) +
                     ". Spool supports name, description, tag-key, tag-value and all.");
    }
    if (f.values.empty() || f.values.size() > kMaxFilterValues) {
      return Invalid("A filter must have between 1 and 10 values.");
    }
    for (const auto& v : f.values) {
      if (v.size() > kMaxFilterValueLength || !ValidFilterValue(v)) {
        return Invalid(
            "Invalid filter value. Values contain at most 512 of the characters "
            "a-z A-Z 0-9 space :_@/+=.-! (a leading ! negates).");
      }
    }
  }
  return std::nullopt;
}

bool MatchesFilters(const SecretInfo& secret, const std::vector<ListFilter>& filters) {
  for (const auto& f : filters) {
    bool any = false;
    for (const auto& v : f.values) {
      bool negated = v.starts_with('!');
      std::string_view value = negated ? std::string_view(v).substr(1) : std::string_view(v);
      if (MatchesValue(secret, f.key, value) != negated) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  char prev = 0;
  for (char c : text) {
    bool boundary = !IsAlnum(c) || (IsUpper(c) && IsLower(prev)) ||
                    (IsDigit(c) != IsDigit(prev) && IsAlnum(prev));
    if (boundary && !word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    if (IsAlnum(c)) word.push_back(Lower(c));
    prev = c;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string ArnPrefix(std::string_view region, std::string_view account_id) {
  return "arn:aws:secretsmanager:" + std::string(region) + ":" + std::string(account_id) +
         ":secret:";
}

std::string NewArnSuffix() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";  // 62
  std::string out = "-";
  while (out.size() <= kArnSuffixLength) {
    unsigned char b = 0;
    common::RandomBytes(&b, 1);
    if (b < 248) out.push_back(kAlphabet[b % 62]);  // 248 = 4 * 62: no bias
  }
  return out;
}

std::optional<std::string_view> NameOfArn(std::string_view arn, std::string_view prefix) {
  if (!arn.starts_with(prefix)) return std::nullopt;
  std::string_view rest = arn.substr(prefix.size());
  if (rest.size() < kArnSuffixLength + 2) return std::nullopt;
  std::string_view suffix = rest.substr(rest.size() - kArnSuffixLength - 1);
  if (suffix[0] != '-' || !std::all_of(suffix.begin() + 1, suffix.end(), IsAlnum)) {
    return std::nullopt;
  }
  return rest.substr(0, rest.size() - kArnSuffixLength - 1);
}

}  // namespace spool::secrets
