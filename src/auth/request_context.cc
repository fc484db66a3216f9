#include "auth/request_context.h"

#include <algorithm>

#include "auth/match.h"

namespace spool::auth {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

}  // namespace

void ContextKeys::Set(std::string_view key, std::string value) {
  Erase(key);
  Add(key, std::move(value));
}

void ContextKeys::Add(std::string_view key, std::string value) {
  for (auto& [name, values] : entries_) {
    if (EqualsIgnoreCase(name, key)) {
      values.push_back(std::move(value));
      return;
    }
  }
  std::string name(key);
  for (char& c : name) c = AsciiLower(c);
  entries_.emplace_back(std::move(name), std::vector<std::string>{std::move(value)});
}

void ContextKeys::Erase(std::string_view key) {
  std::erase_if(entries_, [&](const auto& entry) { return EqualsIgnoreCase(entry.first, key); });
}

const std::vector<std::string>* ContextKeys::Find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (EqualsIgnoreCase(entry.first, key)) return &entry.second;
  }
  return nullptr;
}

void ContextKeys::SetTime(common::TimePoint now) {
  Set("aws:CurrentTime", FormatIsoTime(now));
  Set("aws:EpochTime", std::to_string(common::ToEpochMillis(now) / 1000));
}

}  // namespace spool::auth
