#include "auth/canonical.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/encoding.h"

namespace spool::auth {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Parses `n` decimal digits at `text[pos]`; -1 when any is not a digit.
int Digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

std::optional<common::TimePoint> MakeTime(int year, int month, int day, int hour, int minute,
                                          int second) {
  using namespace std::chrono;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const sys_seconds t = sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second};
  return time_point_cast<common::Millis>(t);
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path, const UriOptions& options) {
  if (raw_path.empty()) return "/";
  if (!options.normalize) {
    return options.encode ? UriEncode(raw_path, /*keep_slash=*/true) : std::string(raw_path);
  }
  // Remove empty, "." and ".." segments (RFC 3986 section 5.2.4, plus "//" collapsing).
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= raw_path.size()) {
    size_t slash = raw_path.find('/', pos);
    if (slash == std::string_view::npos) slash = raw_path.size();
    const std::string_view segment = raw_path.substr(pos, slash - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    pos = slash + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    if (options.encode) {
      out += UriEncode(segments[i], /*keep_slash=*/false);
    } else {
      out += segments[i];
    }
  }
  if (!segments.empty() && raw_path.back() == '/') out.push_back('/');
  return out;
}

std::string CanonicalQuery(std::string_view raw_query, std::string_view drop_name) {
  std::vector<std::pair<std::string, std::string>> params;
  ForEachQueryParam(raw_query, [&](const std::string& name, std::string_view raw_value) {
    if (drop_name.empty() || name != drop_name) {
      params.emplace_back(UriEncode(name, false), UriEncode(PercentDecode(raw_value), false));
    }
    return true;
  });
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view raw_value) {
  std::string out;
  out.reserve(raw_value.size());
  bool pending_space = false;
  for (char c : raw_value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalHeaders(std::span<const Header> headers, std::string_view signed_headers) {
  std::string out;
  size_t pos = 0;
  while (pos <= signed_headers.size()) {
    size_t semi = signed_headers.find(';', pos);
    if (semi == std::string_view::npos) semi = signed_headers.size();
    const std::string_view name = signed_headers.substr(pos, semi - pos);
    pos = semi + 1;
    for (char c : name) out.push_back(AsciiLower(c));
    out.push_back(':');
    bool first = true;
    for (const Header& h : headers) {
      if (!EqualsIgnoreCase(h.name, name)) continue;
      if (!first) out.push_back(',');
      first = false;
      out += CanonicalHeaderValue(h.value);
    }
    out.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(const CanonicalRequestParts& parts) {
  std::string out;
  out.reserve(parts.method.size() + parts.canonical_uri.size() + parts.canonical_query.size() +
              parts.canonical_headers.size() + parts.signed_headers.size() +
              parts.payload_hash.size() + 5);
  out += parts.method;
  out.push_back('\n');
  out += parts.canonical_uri;
  out.push_back('\n');
  out += parts.canonical_query;
  out.push_back('\n');
  out += parts.canonical_headers;
  out.push_back('\n');
  out += parts.signed_headers;
  out.push_back('\n');
  out += parts.payload_hash;
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + kScopeTerminator.size() + 3);
  out += date;
  out.push_back('/');
  out += region;
  out.push_back('/');
  out += service;
  out.push_back('/');
  out += kScopeTerminator;
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  out += kAlgorithm;
  out.push_back('\n');
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += common::Sha256Hex(canonical_request);
  return out;
}

common::Sha256Digest DeriveSigningKey(std::string_view secret, std::string_view date,
                                      std::string_view region, std::string_view service) {
  std::string first_key = "AWS4";
  first_key += secret;
  auto as_view = [](const common::Sha256Digest& d) {
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
  };
  const common::Sha256Digest k_date = common::HmacSha256(first_key, date);
  std::fill(first_key.begin(), first_key.end(), '\0');
  const common::Sha256Digest k_region = common::HmacSha256(as_view(k_date), region);
  const common::Sha256Digest k_service = common::HmacSha256(as_view(k_region), service);
  return common::HmacSha256(as_view(k_service), kScopeTerminator);
}

std::string SignatureHex(const common::Sha256Digest& signing_key, std::string_view string_to_sign) {
  const std::string_view key(reinterpret_cast<const char*>(signing_key.data()), signing_key.size());
  return common::ToHex(common::HmacSha256(key, string_to_sign));
}

std::string FormatAmzDate(common::TimePoint time) {
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(time - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<common::TimePoint> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const int year = Digits(text, 0, 4), month = Digits(text, 4, 2), day = Digits(text, 6, 2);
  const int hour = Digits(text, 9, 2), minute = Digits(text, 11, 2), second = Digits(text, 13, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  return MakeTime(year, month, day, hour, minute, second);
}

std::optional<common::TimePoint> ParseHttpDate(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters.
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  const int day = Digits(text, 5, 2), year = Digits(text, 12, 4);
  const int hour = Digits(text, 17, 2), minute = Digits(text, 20, 2), second = Digits(text, 23, 2);
  if (month == 0 || day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  return MakeTime(year, month, day, hour, minute, second);
}

}  // namespace spool::auth
