#include "http/handler.h"

namespace spool::http {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool AsciiIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

const Header* Find(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (AsciiIEquals(h.name, name)) return &h;
  }
  return nullptr;
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
  const Header* h = Find(headers, name);
  return h ? std::string_view(h->value) : std::string_view();
}

bool Request::has_header(std::string_view name) const { return Find(headers, name) != nullptr; }

std::string_view Request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

}  // namespace spool::http
