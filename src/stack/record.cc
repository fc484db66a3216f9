#include "stack/record.h"

#include <boost/json.hpp>

namespace spool::stack {
namespace {

namespace json = boost::json;

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

bool ReadStrings(const json::object& o, const char* key, std::vector<std::string>* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return false;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return false;
    out->emplace_back(item.get_string());
  }
  return true;
}

bool ReadString(const json::object& o, const char* key, std::string* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return false;
  *out = std::string(v->get_string());
  return true;
}

}  // namespace

std::string RecordSecretName(const std::string& stack) { return "spool-stack/" + stack; }

std::string SerializeRecord(const Record& r) {
  json::array mappings;
  for (const auto& m : r.mappings) {
    mappings.push_back(
        json::object{{"function", m.function}, {"queue", m.queue}, {"uuid", m.uuid}});
  }
  json::array users;
  for (const auto& u : r.users) {
    users.push_back(json::object{
        {"name", u.name}, {"access_key_id", u.access_key_id}, {"key_secret", u.key_secret}});
  }
  return json::serialize(json::object{{"version", 1},
                                      {"stack", r.stack},
                                      {"queues", Strings(r.queues)},
                                      {"functions", Strings(r.functions)},
                                      {"mappings", std::move(mappings)},
                                      {"users", std::move(users)},
                                      {"secrets", Strings(r.secrets)}});
}

std::optional<Record> ParseRecord(const std::string& text, std::string* error) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  Record r;
  auto bad = [&](const std::string& what) {
    *error = "the stack record is damaged: " + what;
    return std::nullopt;
  };
  if (ec || !v.is_object()) return bad("not a JSON object");
  const json::object& o = v.get_object();
  const json::value* version = o.if_contains("version");
  if (version == nullptr || !version->is_int64() || version->get_int64() != 1) {
    return bad("unknown version");
  }
  if (!ReadString(o, "stack", &r.stack) || !ReadStrings(o, "queues", &r.queues) ||
      !ReadStrings(o, "functions", &r.functions) || !ReadStrings(o, "secrets", &r.secrets)) {
    return bad("a member is missing or of the wrong type");
  }
  const json::value* mappings = o.if_contains("mappings");
  const json::value* users = o.if_contains("users");
  if (mappings == nullptr || !mappings->is_array() || users == nullptr || !users->is_array()) {
    return bad("mappings or users is not an array");
  }
  for (const auto& item : mappings->get_array()) {
    RecordedMapping m;
    if (!item.is_object() || !ReadString(item.get_object(), "function", &m.function) ||
        !ReadString(item.get_object(), "queue", &m.queue) ||
        !ReadString(item.get_object(), "uuid", &m.uuid)) {
      return bad("a mapping entry");
    }
    r.mappings.push_back(std::move(m));
  }
  for (const auto& item : users->get_array()) {
    RecordedUser u;
    if (!item.is_object() || !ReadString(item.get_object(), "name", &u.name) ||
        !ReadString(item.get_object(), "access_key_id", &u.access_key_id) ||
        !ReadString(item.get_object(), "key_secret", &u.key_secret)) {
      return bad("a user entry");
    }
    r.users.push_back(std::move(u));
  }
  return r;
}

}  // namespace spool::stack
