#include "workers/registry_file.h"

#include <boost/json.hpp>

#include <stdexcept>

namespace spool::workers {
namespace {

namespace json = boost::json;

constexpr int kFormatVersion = 1;

json::value OptionalNumber(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object FunctionJson(const FunctionConfig& f) {
  json::object o;
  o["name"] = f.name;
  o["runtime"] = f.runtime_id.empty() ? std::string(RuntimeName(f.runtime)) : f.runtime_id;
  o["handler"] = f.handler;
  o["code_dir"] = f.code_dir;
  o["code_archive"] = f.code_archive;
  o["code_sha256"] = f.code_sha256;
  o["code_size"] = f.code_size;
  json::object env;
  for (const auto& [k, v] : f.environment) env[k] = v;
  o["environment"] = std::move(env);
  o["timeout_seconds"] = f.timeout_seconds;
  o["memory_mb"] = f.memory_mb;
  o["reserved_concurrency"] = OptionalNumber(f.reserved_concurrency);
  o["description"] = f.description;
  o["last_modified_ms"] = f.last_modified_ms;
  o["revision_id"] = f.revision_id;
  return o;
}

json::object MappingJson(const MappingConfig& m) {
  json::object o;
  o["uuid"] = m.uuid;
  o["function_name"] = m.function_name;
  o["queue_name"] = m.queue_name;
  o["batch_size"] = m.batch_size;
  o["batching_window_seconds"] = m.batching_window_seconds;
  o["report_batch_item_failures"] = m.report_batch_item_failures;
  o["maximum_concurrency"] = OptionalNumber(m.maximum_concurrency);
  o["enabled"] = m.enabled;
  json::array filters;
  for (const auto& p : m.filter_patterns) filters.emplace_back(p);
  o["filter_patterns"] = std::move(filters);
  if (m.retry_backoff) {
    o["retry_backoff"] = json::object{{"base_seconds", m.retry_backoff->base_seconds},
                                      {"max_seconds", m.retry_backoff->max_seconds}};
  } else {
    o["retry_backoff"] = nullptr;
  }
  o["last_modified_ms"] = m.last_modified_ms;
  return o;
}

// Accessors that throw std::invalid_argument naming the member (caught by ParseRegistry).
const json::value& At(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) throw std::invalid_argument(std::string("missing \"") + key + "\"");
  return it->value();
}

std::string Str(const json::object& o, const char* key) {
  const json::value& v = At(o, key);
  if (!v.is_string()) throw std::invalid_argument(std::string("\"") + key + "\" is not a string");
  return std::string(v.get_string());
}

int64_t Num(const json::object& o, const char* key) {
  const json::value& v = At(o, key);
  if (!v.is_int64() && !v.is_uint64()) {
    throw std::invalid_argument(std::string("\"") + key + "\" is not an integer");
  }
  return v.to_number<int64_t>();
}

std::optional<int64_t> OptNum(const json::object& o, const char* key) {
  if (At(o, key).is_null()) return std::nullopt;
  return Num(o, key);
}

bool Bool(const json::object& o, const char* key) {
  const json::value& v = At(o, key);
  if (!v.is_bool()) throw std::invalid_argument(std::string("\"") + key + "\" is not a boolean");
  return v.get_bool();
}

const json::object& Obj(const json::value& v, const char* what) {
  if (!v.is_object()) throw std::invalid_argument(std::string(what) + " is not an object");
  return v.get_object();
}

const json::array& Arr(const json::object& o, const char* key) {
  const json::value& v = At(o, key);
  if (!v.is_array()) throw std::invalid_argument(std::string("\"") + key + "\" is not an array");
  return v.get_array();
}

FunctionConfig ParseFunction(const json::object& o) {
  FunctionConfig f;
  f.name = Str(o, "name");
  auto runtime = ParseRuntime(Str(o, "runtime"));
  if (!runtime) throw std::invalid_argument("function " + f.name + ": unknown runtime");
  f.runtime = *runtime;
  f.runtime_id = Str(o, "runtime");
  f.handler = Str(o, "handler");
  f.code_dir = Str(o, "code_dir");
  if (o.contains("code_archive")) {
    f.code_archive = Str(o, "code_archive");
    f.code_sha256 = Str(o, "code_sha256");
    f.code_size = Num(o, "code_size");
  }
  for (const auto& [k, v] : Obj(At(o, "environment"), "\"environment\"")) {
    if (!v.is_string()) throw std::invalid_argument("an environment value is not a string");
    f.environment[std::string(k)] = std::string(v.get_string());
  }
  f.timeout_seconds = Num(o, "timeout_seconds");
  f.memory_mb = Num(o, "memory_mb");
  f.reserved_concurrency = OptNum(o, "reserved_concurrency");
  f.description = Str(o, "description");
  f.last_modified_ms = Num(o, "last_modified_ms");
  f.revision_id = Str(o, "revision_id");
  if (std::string problem = ValidateFunction(f); !problem.empty()) {
    throw std::invalid_argument("function " + f.name + ": " + problem);
  }
  return f;
}

MappingConfig ParseMapping(const json::object& o) {
  MappingConfig m;
  m.uuid = Str(o, "uuid");
  m.function_name = Str(o, "function_name");
  m.queue_name = Str(o, "queue_name");
  m.batch_size = Num(o, "batch_size");
  m.batching_window_seconds = Num(o, "batching_window_seconds");
  m.report_batch_item_failures = Bool(o, "report_batch_item_failures");
  m.maximum_concurrency = OptNum(o, "maximum_concurrency");
  m.enabled = Bool(o, "enabled");
  for (const auto& p : Arr(o, "filter_patterns")) {
    if (!p.is_string()) throw std::invalid_argument("a filter pattern is not a string");
    m.filter_patterns.emplace_back(p.get_string());
  }
  if (const json::value& b = At(o, "retry_backoff"); !b.is_null()) {
    const json::object& bo = Obj(b, "\"retry_backoff\"");
    m.retry_backoff = RetryBackoff{Num(bo, "base_seconds"), Num(bo, "max_seconds")};
  }
  m.last_modified_ms = Num(o, "last_modified_ms");
  if (m.uuid.empty()) throw std::invalid_argument("a mapping has no uuid");
  if (std::string problem = ValidateMapping(m); !problem.empty()) {
    throw std::invalid_argument("mapping " + m.uuid + ": " + problem);
  }
  return m;
}

}  // namespace

std::string SerializeRegistry(const RegistryContents& contents) {
  json::object root;
  root["version"] = kFormatVersion;
  json::array functions;
  for (const auto& [name, f] : contents.functions) functions.emplace_back(FunctionJson(f));
  root["functions"] = std::move(functions);
  json::array mappings;
  for (const auto& [uuid, m] : contents.mappings) mappings.emplace_back(MappingJson(m));
  root["mappings"] = std::move(mappings);
  return json::serialize(root) + "\n";
}

bool ParseRegistry(const std::string& text, RegistryContents* out, std::string* error) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    *error = "not valid JSON";
    return false;
  }
  RegistryContents contents;
  try {
    const json::object& root = v.get_object();
    if (Num(root, "version") != kFormatVersion) {
      *error = "unknown format version";
      return false;
    }
    for (const auto& f : Arr(root, "functions")) {
      FunctionConfig function = ParseFunction(Obj(f, "a function"));
      std::string name = function.name;
      if (!contents.functions.emplace(name, std::move(function)).second) {
        throw std::invalid_argument("function " + name + " appears twice");
      }
    }
    for (const auto& m : Arr(root, "mappings")) {
      MappingConfig mapping = ParseMapping(Obj(m, "a mapping"));
      if (!contents.functions.contains(mapping.function_name)) {
        throw std::invalid_argument("mapping " + mapping.uuid + " names unknown function " +
                                    mapping.function_name);
      }
      std::string uuid = mapping.uuid;
      if (!contents.mappings.emplace(uuid, std::move(mapping)).second) {
        throw std::invalid_argument("mapping " + uuid + " appears twice");
      }
    }
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  *out = std::move(contents);
  return true;
}

}  // namespace spool::workers
