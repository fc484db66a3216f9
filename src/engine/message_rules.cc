#include "engine/message_rules.h"

#include <algorithm>
#include <cctype>

#include "common/ascii_scan.h"

namespace spool::engine {
namespace {

// Decodes one UTF-8 code point at *i; returns -1 when malformed.
int32_t NextCodePoint(std::string_view s, size_t* i) {
  auto b = static_cast<unsigned char>(s[*i]);
  int len;
  int32_t cp;
  if (b < 0x80) {
    ++*i;
    return b;
  } else if ((b & 0xE0) == 0xC0) {
    len = 2;
    cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3;
    cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4;
    cp = b & 0x07;
  } else {
    return -1;
  }
  if (*i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[*i + k]);
    if ((c & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (c & 0x3F);
  }
  // Reject overlong forms and surrogates.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return -1;
  }
  *i += len;
  return cp;
}

bool IsAllowedCodePoint(int32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

Error InvalidAttr(const std::string& msg) { return MakeError(Errc::kInvalidParameterValue, msg); }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool IsValidAttributeName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  if (name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  if (StartsWithNoCase(name, "AWS.") || StartsWithNoCase(name, "Amazon.")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

enum class BaseType { kString, kNumber, kBinary, kInvalid };

BaseType BaseOf(std::string_view type) {
  auto base = type.substr(0, type.find('.'));
  if (type.size() > 256) return BaseType::kInvalid;
  if (base.size() != type.size() && base.size() + 1 == type.size()) return BaseType::kInvalid;
  if (base == "String") return BaseType::kString;
  if (base == "Number") return BaseType::kNumber;
  if (base == "Binary") return BaseType::kBinary;
  return BaseType::kInvalid;
}

// A decimal number: optional sign, digits with an optional fraction, optional exponent.
bool IsNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size() && digits <= 38;
}

Result<int64_t> ValidateOne(const std::string& name, const AttributeValue& v) {
  if (!IsValidAttributeName(name)) {
    return InvalidAttr("Message attribute name '" + name +
                       "' is invalid. Names may contain alphanumeric characters, hyphens, "
                       "underscores and periods, must not start or end with a period, must not "
                       "contain consecutive periods, and must not start with AWS. or Amazon.");
  }
  if (v.data_type.empty()) {
    return InvalidAttr("The message attribute '" + name + "' must contain a non-empty message " +
                       "attribute type.");
  }
  BaseType base = BaseOf(v.data_type);
  if (base == BaseType::kInvalid) {
    return InvalidAttr("The type of message (user) attribute '" + name +
                       "' is invalid. You must use only the following supported type prefixes: "
                       "Binary, Number, String.");
  }
  int64_t size = static_cast<int64_t>(name.size() + v.data_type.size());
  bool has_lists = !v.string_list_values.empty() || !v.binary_list_values.empty();
  if (base == BaseType::kBinary) {
    if (v.binary_value.empty() && !has_lists) {
      return InvalidAttr("The message attribute '" + name +
                         "' with type 'Binary' must use field 'Binary'.");
    }
    if (!v.string_value.empty()) {
      return InvalidAttr("The message attribute '" + name +
                         "' with type 'Binary' must use field 'Binary'.");
    }
    size += static_cast<int64_t>(v.binary_value.size());
  } else {
    if (v.string_value.empty() && !has_lists) {
      return InvalidAttr("The message attribute '" + name + "' must contain a non-empty value " +
                         "of message attribute type '" + v.data_type + "'.");
    }
    if (!v.binary_value.empty()) {
      return InvalidAttr("The message attribute '" + name + "' with type '" +
                         std::string(base == BaseType::kNumber ? "Number" : "String") +
                         "' must use field 'String'.");
    }
    if (!IsAllowedMessageText(v.string_value)) {
      return MakeError(
          Errc::kInvalidMessageContents,
          "Invalid characters found in the value of message attribute '" + name + "'.");
    }
    if (base == BaseType::kNumber && !v.string_value.empty() && !IsNumber(v.string_value)) {
      return InvalidAttr("Can't cast the value of message (user) attribute '" + name +
                         "' to a number.");
    }
    size += static_cast<int64_t>(v.string_value.size());
  }
  for (const auto& s : v.string_list_values) size += static_cast<int64_t>(s.size());
  for (const auto& s : v.binary_list_values) size += static_cast<int64_t>(s.size());
  return size;
}

void AppendLengthPrefixed(common::Md5Builder& md5, std::string_view s) {
  md5.UpdateU32BigEndian(static_cast<uint32_t>(s.size()));
  md5.Update(s);
}

}  // namespace

bool IsAllowedMessageText(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    i = common::SkipPlainAscii(text, i);  // printable ASCII, eight bytes at a time
    if (i == text.size()) break;
    int32_t cp = NextCodePoint(text, &i);
    if (cp < 0 || !IsAllowedCodePoint(cp)) return false;
  }
  return true;
}

Result<int64_t> ValidateMessageAttributes(MessageAttributes* attributes) {
  if (attributes->size() > 10) {
    return InvalidAttr("Number of message attributes [" + std::to_string(attributes->size()) +
                       "] exceeds the allowed maximum [10].");
  }
  std::sort(attributes->begin(), attributes->end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  int64_t total = 0;
  for (size_t i = 0; i < attributes->size(); ++i) {
    const auto& [name, value] = (*attributes)[i];
    if (i > 0 && (*attributes)[i - 1].first == name) {
      return InvalidAttr("Message attribute name '" + name + "' is repeated.");
    }
    auto r = ValidateOne(name, value);
    if (!r.ok()) return r.error();
    total += r.value();
  }
  return total;
}

Result<Empty> ValidateSystemAttributes(MessageAttributes* attributes) {
  for (const auto& [name, value] : *attributes) {
    if (name != "AWSTraceHeader") {
      return InvalidAttr("Message system attribute name '" + name + "' is invalid.");
    }
    if (value.data_type != "String" || value.string_value.empty()) {
      return InvalidAttr("Message system attribute '" + name +
                         "' must be of type String with a non-empty value.");
    }
  }
  if (attributes->size() > 1) {
    return InvalidAttr("Message system attribute name 'AWSTraceHeader' is repeated.");
  }
  return Empty{};
}

bool IsValidBatchEntryId(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool IsValidTokenId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
}

void AppendAttributeToMd5(common::Md5Builder& md5, const std::string& name,
                          const AttributeValue& value) {
  AppendLengthPrefixed(md5, name);
  AppendLengthPrefixed(md5, value.data_type);
  if (!value.string_list_values.empty()) {
    md5.Update(std::string_view("\x03", 1));
    for (const auto& s : value.string_list_values) AppendLengthPrefixed(md5, s);
  } else if (!value.binary_list_values.empty()) {
    md5.Update(std::string_view("\x04", 1));
    for (const auto& s : value.binary_list_values) AppendLengthPrefixed(md5, s);
  } else if (BaseOf(value.data_type) == BaseType::kBinary) {
    md5.Update(std::string_view("\x02", 1));
    AppendLengthPrefixed(md5, value.binary_value);
  } else {
    md5.Update(std::string_view("\x01", 1));
    AppendLengthPrefixed(md5, value.string_value);
  }
}

Md5Digest AttributesMd5(const MessageAttributes& attributes) {
  common::Md5Builder md5;
  for (const auto& [name, value] : attributes) AppendAttributeToMd5(md5, name, value);
  return md5.Finish();
}

}  // namespace spool::engine
