#include "client/env.h"

#include <cstdlib>

namespace spool::client {

Env Env::Process() {
  return Env([](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

Env Env::FromMap(std::map<std::string, std::string, std::less<>> vars) {
  return Env([vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

std::string Env::Get(std::string_view name) const { return lookup_(name).value_or(""); }

std::string Env::First(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) {
    std::string v = Get(name);
    if (!v.empty()) return v;
  }
  return "";
}

std::string Env::ExpandHome(const std::string& path) const {
  if (path == "~" || path.starts_with("~/")) return Get("HOME") + path.substr(1);
  return path;
}

}  // namespace spool::client
