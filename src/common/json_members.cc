#include "common/json_members.h"

#include <boost/json.hpp>

#include <cstdlib>

namespace spool::common {

namespace json = boost::json;

void JsonMembers::Wrong(std::string_view name, std::string_view expected) const {
  wrong_type_(name, expected);
  std::abort();  // the contract: wrong_type throws
}

const json::value* JsonMembers::Get(std::string_view name) const {
  auto it = body_.find(name);
  if (it == body_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::optional<std::string> JsonMembers::String(std::string_view name) const {
  const json::value* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) Wrong(name, "a string");
  return std::string(v->get_string());
}

std::optional<int64_t> JsonMembers::Long(std::string_view name) const {
  const json::value* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= uint64_t{INT64_MAX}) {
    return static_cast<int64_t>(v->get_uint64());
  }
  Wrong(name, "an integer");
}

std::optional<bool> JsonMembers::Bool(std::string_view name) const {
  const json::value* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) Wrong(name, "a boolean");
  return v->get_bool();
}

std::optional<std::vector<std::string>> JsonMembers::StringList(std::string_view name) const {
  const json::value* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) Wrong(name, "a list of strings");
  std::vector<std::string> out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) Wrong(name, "a list of strings");
    out.emplace_back(item.get_string());
  }
  return out;
}

}  // namespace spool::common
