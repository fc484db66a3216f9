#include "auth/match.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace spool::auth {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Length of the UTF-8 sequence starting at text[i] (1 for ASCII or a stray byte).
size_t CodePointLength(std::string_view text, size_t i) {
  size_t n = 1;
  while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

// Start offsets of the six ARN fields and the end; nullopt when not an ARN.
std::optional<std::array<size_t, 7>> ArnFieldOffsets(std::string_view arn) {
  if (!arn.starts_with("arn:")) return std::nullopt;
  std::array<size_t, 7> at{};
  at[0] = 0;
  size_t pos = 0;
  for (int field = 1; field < 6; ++field) {
    const size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    at[field] = colon + 1;
    pos = colon + 1;
  }
  at[6] = arn.size() + 1;  // as if a ':' followed the resource
  return at;
}

PatternRef Slice(PatternRef p, size_t begin, size_t end, std::vector<bool>* storage) {
  PatternRef out(p.text.substr(begin, end - begin));
  if (p.literal != nullptr) {
    storage->assign(p.literal->begin() + static_cast<ptrdiff_t>(begin),
                    p.literal->begin() + static_cast<ptrdiff_t>(end));
    out.literal = storage;
  }
  return out;
}

bool ParseAddress(std::string_view text, std::array<uint8_t, 16>* out, bool* v4) {
  if (text.empty() || text.size() > 64) return false;
  char buf[65];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (text.find(':') != std::string_view::npos) {
    *v4 = false;
    return inet_pton(AF_INET6, buf, out->data()) == 1;
  }
  *v4 = true;
  uint8_t four[4];
  if (inet_pton(AF_INET, buf, four) != 1) return false;
  out->fill(0);
  (*out)[10] = 0xff;
  (*out)[11] = 0xff;
  std::memcpy(out->data() + 12, four, 4);
  return true;
}

bool PrefixEquals(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  const int bytes = bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(bytes)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[static_cast<size_t>(bytes)] & mask) == (b[static_cast<size_t>(bytes)] & mask);
}

// Reads exactly `n` digits at *pos.
bool ReadDigits(std::string_view text, size_t* pos, size_t n, int* out) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

// ---- Wildcards ----

bool WildcardMatch(PatternRef pattern, std::string_view text, bool ignore_case) {
  const std::string_view p = pattern.text;
  auto special = [&](size_t i, char c) { return p[i] == c && !pattern.IsLiteral(i); };
  auto same = [&](char a, char b) { return ignore_case ? AsciiLower(a) == AsciiLower(b) : a == b; };
  size_t pi = 0, ti = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (ti < text.size()) {
    if (pi < p.size() && special(pi, '*')) {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && special(pi, '?')) {
      ti += CodePointLength(text, ti);
      ++pi;
    } else if (pi < p.size() && same(p[pi], text[ti])) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      // Let the last '*' swallow one more character and retry from there.
      pi = star + 1;
      mark += CodePointLength(text, mark);
      ti = mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && special(pi, '*')) ++pi;
  return pi == p.size();
}

std::optional<Pattern> ExpandPolicyVariables(std::string_view value, const ContextKeys& keys) {
  Pattern out;
  auto append = [&](std::string_view s, bool literal) {
    out.text += s;
    out.literal.insert(out.literal.end(), s.size(), literal);
  };
  size_t i = 0;
  while (i < value.size()) {
    if (value[i] != '$' || i + 1 >= value.size() || value[i + 1] != '{') {
      append(value.substr(i, 1), false);
      ++i;
      continue;
    }
    const size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view inner = Trim(value.substr(i + 2, close - i - 2));
    i = close + 1;
    if (inner == "*" || inner == "?" || inner == "$") {
      append(inner, true);
      continue;
    }
    const size_t comma = inner.find(',');
    const std::string_view name = Trim(inner.substr(0, comma));
    std::optional<std::string_view> fallback;
    if (comma != std::string_view::npos) {
      const std::string_view d = Trim(inner.substr(comma + 1));
      if (d.size() < 2 || d.front() != '\'' || d.back() != '\'') return std::nullopt;
      fallback = d.substr(1, d.size() - 2);
    }
    const std::vector<std::string>* values = keys.Find(name);
    if (values != nullptr && !values->empty()) {
      append(values->front(), true);
    } else if (fallback) {
      append(*fallback, true);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// ---- ARNs ----

std::optional<ArnParts> SplitArn(std::string_view arn) {
  const auto at = ArnFieldOffsets(arn);
  if (!at) return std::nullopt;
  auto field = [&](int i) { return arn.substr((*at)[i], (*at)[i + 1] - 1 - (*at)[i]); };
  return ArnParts{field(1), field(2), field(3), field(4), field(5)};
}

bool ArnMatch(PatternRef pattern, std::string_view arn) {
  if (pattern.text == "*" && !pattern.IsLiteral(0)) return SplitArn(arn).has_value();
  const auto p = ArnFieldOffsets(pattern.text);
  const auto a = ArnFieldOffsets(arn);
  if (!p || !a) return false;
  std::vector<bool> storage;
  for (int i = 1; i < 6; ++i) {
    const PatternRef field = Slice(pattern, (*p)[i], (*p)[i + 1] - 1, &storage);
    if (!WildcardMatch(field, arn.substr((*a)[i], (*a)[i + 1] - 1 - (*a)[i]))) return false;
  }
  return true;
}

bool ResourceMatch(PatternRef pattern, std::string_view resource) {
  if (pattern.text == "*" && !pattern.IsLiteral(0)) return true;
  if (ArnFieldOffsets(pattern.text) && ArnFieldOffsets(resource)) {
    return ArnMatch(pattern, resource);
  }
  return WildcardMatch(pattern, resource);
}

std::string_view ArnAccount(std::string_view arn) {
  const auto parts = SplitArn(arn);
  return parts ? parts->account : std::string_view();
}

// ---- IP addresses ----

std::optional<IpRange> ParseIpRange(std::string_view text) {
  const size_t slash = text.find('/');
  IpRange range;
  bool v4 = false;
  if (!ParseAddress(text.substr(0, slash), &range.address, &v4)) return std::nullopt;
  const int max_bits = v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (ec != std::errc() || end != digits.data() + digits.size() || bits < 0 || bits > max_bits) {
      return std::nullopt;
    }
  }
  range.prefix = v4 ? bits + 96 : bits;
  for (int bit = range.prefix; bit < 128; ++bit) {
    range.address[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  return range;
}

bool IpInRange(std::string_view ip, const IpRange& range) {
  std::array<uint8_t, 16> address;
  bool v4 = false;
  if (ip.find('/') != std::string_view::npos || !ParseAddress(ip, &address, &v4)) return false;
  return PrefixEquals(address, range.address, range.prefix);
}

// ---- Dates ----

std::optional<int64_t> ParseIamTime(std::string_view text) {
  using namespace std::chrono;
  if (!text.empty() && std::all_of(text.begin(), text.end(), IsDigit)) {
    if (text.size() > 12) return std::nullopt;
    int64_t seconds = 0;
    std::from_chars(text.data(), text.data() + text.size(), seconds);
    return seconds * 1000;
  }
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return std::nullopt;
  }
  int64_t millis = 0;
  int64_t offset_minutes = 0;
  if (pos < text.size()) {
    if (!Expect(text, &pos, 'T') || !ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadDigits(text, &pos, 2, &second)) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int64_t scale = 100;
        const size_t start = pos;
        while (pos < text.size() && IsDigit(text[pos])) {
          millis += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start || pos - start > 9) return std::nullopt;
      }
    }
    if (pos >= text.size()) return std::nullopt;  // a time needs a zone
    if (text[pos] == 'Z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      const int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int oh = 0, om = 0;
      if (!ReadDigits(text, &pos, 2, &oh)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (!ReadDigits(text, &pos, 2, &om) || oh > 23 || om > 59) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (pos != text.size() || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const int64_t seconds_since_epoch = sys_days{ymd}.time_since_epoch().count() * 86400LL +
                                      hour * 3600LL + minute * 60LL + second - offset_minutes * 60;
  return seconds_since_epoch * 1000 + millis;
}

std::string FormatIsoTime(common::TimePoint time) {
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(time - day)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

// ---- Numbers ----

std::optional<double> ParseIamNumber(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  for (char c : text) {
    if (!IsDigit(c) && c != '-' && c != '.' && c != 'e' && c != 'E' && c != '+') {
      return std::nullopt;
    }
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace spool::auth
