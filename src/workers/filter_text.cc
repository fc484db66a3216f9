// String tests of filter patterns (filter_text.h).

#include "workers/filter_text.h"

namespace spool::workers::filter_detail {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::vector<uint32_t> FailureFunction(std::string_view p) {
  std::vector<uint32_t> fail(p.size(), 0);
  uint32_t k = 0;
  for (size_t i = 1; i < p.size(); ++i) {
    while (k > 0 && p[i] != p[k]) k = fail[k - 1];
    if (p[i] == p[k]) ++k;
    fail[i] = k;
  }
  return fail;
}

// The first position at or after `from` where p occurs in s, or npos.
size_t Find(std::string_view s, size_t from, std::string_view p,
            const std::vector<uint32_t>& fail) {
  if (p.empty()) return from;
  uint32_t k = 0;
  for (size_t i = from; i < s.size(); ++i) {
    while (k > 0 && s[i] != p[k]) k = fail[k - 1];
    if (s[i] == p[k]) ++k;
    if (k == p.size()) return i + 1 - p.size();
  }
  return std::string_view::npos;
}

}  // namespace

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<Wildcard> Wildcard::Parse(std::string_view pattern, std::string* error) {
  Wildcard w;
  std::string piece;
  bool after_star = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    const bool star = c == '*';
    if (star) {
      if (after_star) {
        *error = "consecutive wildcard characters at position " + std::to_string(i);
        return std::nullopt;
      }
      w.stars_ = true;
      w.pieces_.push_back(Piece{std::move(piece), {}});
      piece.clear();
    } else if (c == '\\') {
      if (i + 1 == pattern.size() || (pattern[i + 1] != '*' && pattern[i + 1] != '\\')) {
        *error = "a backslash may only escape \"*\" or \"\\\" (position " + std::to_string(i) + ")";
        return std::nullopt;
      }
      piece += pattern[++i];
    } else {
      piece += c;
    }
    after_star = star;
  }
  w.pieces_.push_back(Piece{std::move(piece), {}});
  for (Piece& p : w.pieces_) p.fail = FailureFunction(p.text);
  return w;
}

bool Wildcard::Matches(std::string_view s) const {
  if (!stars_) return s == pieces_.front().text;
  const std::string& first = pieces_.front().text;
  const std::string& last = pieces_.back().text;
  if (s.size() < first.size() + last.size()) return false;
  if (s.substr(0, first.size()) != first) return false;
  if (s.substr(s.size() - last.size()) != last) return false;
  // The middle pieces, leftmost first, between the anchored ends: taking the earliest
  // occurrence of each never loses a match a later occurrence would have allowed.
  const std::string_view middle = s.substr(first.size(), s.size() - first.size() - last.size());
  size_t at = 0;
  for (size_t i = 1; i + 1 < pieces_.size(); ++i) {
    const size_t found = Find(middle, at, pieces_[i].text, pieces_[i].fail);
    if (found == std::string_view::npos) return false;
    at = found + pieces_[i].text.size();
  }
  return true;
}

bool TextTest::Matches(std::string_view s) const {
  switch (op) {
    case Op::kPrefix:
      if (s.size() < text.size()) return false;
      s = s.substr(0, text.size());
      break;
    case Op::kSuffix:
      if (s.size() < text.size()) return false;
      s = s.substr(s.size() - text.size());
      break;
    case Op::kEquals:
      break;
    case Op::kWildcard:
      return wildcard->Matches(s);
  }
  return ignore_case ? EqualsIgnoreAsciiCase(s, text) : s == text;
}

}  // namespace spool::workers::filter_detail
