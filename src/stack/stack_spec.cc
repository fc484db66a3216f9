#include "stack/stack_spec.h"

#include <toml++/toml.h>

#include <boost/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "workers/function_config.h"

namespace spool::stack {
namespace {

namespace fs = std::filesystem;

// A problem at a place in the file (thrown inside the parser, caught at its top).
struct SpecError {
  toml::source_position where;
  std::string message;
};

[[noreturn]] void Fail(const toml::source_region& region, std::string message) {
  throw SpecError{region.begin, std::move(message)};
}

// Key names of a table must come from `allowed`.
void OnlyKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
              const std::string& what) {
  for (auto&& [key, value] : table) {
    bool known = false;
    for (auto a : allowed) known = known || key.str() == a;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Fail(key.source(),
           "unknown key '" + std::string(key.str()) + "' in " + what + " (known: " + list + ")");
    }
  }
}

const toml::table& TableAt(const toml::node& node, const std::string& what) {
  const toml::table* t = node.as_table();
  if (t == nullptr) Fail(node.source(), what + " must be a table");
  return *t;
}

std::string StringOf(const toml::node& node, const std::string& what) {
  auto v = node.value<std::string>();
  if (!node.is_string() || !v) Fail(node.source(), what + " must be a string");
  return *v;
}

int64_t IntOf(const toml::node& node, const std::string& what, int64_t lo, int64_t hi) {
  if (!node.is_integer()) Fail(node.source(), what + " must be an integer");
  int64_t v = *node.value<int64_t>();
  if (v < lo || v > hi) {
    Fail(node.source(), what + " must be from " + std::to_string(lo) + " to " + std::to_string(hi) +
                            ", got " + std::to_string(v));
  }
  return v;
}

bool BoolOf(const toml::node& node, const std::string& what) {
  if (!node.is_boolean()) Fail(node.source(), what + " must be true or false");
  return *node.value<bool>();
}

std::map<std::string, std::string> StringMap(const toml::node& node, const std::string& what) {
  std::map<std::string, std::string> out;
  for (auto&& [k, v] : TableAt(node, what)) {
    out[std::string(k.str())] = StringOf(v, what + "." + std::string(k.str()));
  }
  return out;
}

void JsonText(const toml::node& node, const std::string& text, const std::string& what) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) Fail(node.source(), what + " is not a JSON object");
}

bool IsStackName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool IsUserName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("+=,.@_-").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsSecretName(std::string_view s) {
  if (s.empty() || s.size() > 512) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("/_+=.@-").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

QueueSpec ParseQueue(const toml::key& key, const toml::node& node) {
  QueueSpec q;
  q.name = std::string(key.str());
  const std::string what = "queue " + q.name;
  if (!workers::IsValidQueueName(q.name)) {
    Fail(key.source(), "'" + q.name + "' is not a queue name (1..80 of A-Za-z0-9_-, '.fifo' last)");
  }
  const toml::table& t = TableAt(node, what);
  OnlyKeys(t,
           {"visibility_timeout", "message_retention_seconds", "delay_seconds",
            "maximum_message_size", "receive_wait_time_seconds", "fifo",
            "content_based_deduplication", "dead_letter", "redrive_allow_policy", "tags"},
           what);
  struct Number {
    const char* key;
    const char* attribute;
    int64_t lo, hi;
  };
  for (const Number& n :
       {Number{"visibility_timeout", "VisibilityTimeout", 0, 43200},
        Number{"message_retention_seconds", "MessageRetentionPeriod", 60, 1209600},
        Number{"delay_seconds", "DelaySeconds", 0, 900},
        Number{"maximum_message_size", "MaximumMessageSize", 1024, 1048576},
        Number{"receive_wait_time_seconds", "ReceiveMessageWaitTimeSeconds", 0, 20}}) {
    if (const toml::node* v = t.get(n.key)) {
      q.attributes[n.attribute] = std::to_string(IntOf(*v, what + " " + n.key, n.lo, n.hi));
    }
  }
  q.fifo = q.name.ends_with(".fifo");
  if (const toml::node* v = t.get("fifo")) {
    if (BoolOf(*v, what + " fifo") != q.fifo) {
      Fail(v->source(), "a FIFO queue's name ends in .fifo, and only a FIFO queue's does");
    }
  }
  if (q.fifo) q.attributes["FifoQueue"] = "true";
  if (const toml::node* v = t.get("content_based_deduplication")) {
    bool on = BoolOf(*v, what + " content_based_deduplication");
    if (!q.fifo) Fail(v->source(), "content_based_deduplication is for FIFO queues only");
    q.attributes["ContentBasedDeduplication"] = on ? "true" : "false";
  }
  if (const toml::node* v = t.get("dead_letter")) {
    const toml::table& d = TableAt(*v, what + " dead_letter");
    OnlyKeys(d, {"queue", "max_receive_count"}, what + " dead_letter");
    const toml::node* dq = d.get("queue");
    const toml::node* mrc = d.get("max_receive_count");
    if (dq == nullptr || mrc == nullptr) {
      Fail(v->source(), what + " dead_letter needs queue and max_receive_count");
    }
    q.dead_letter_queue = StringOf(*dq, what + " dead_letter.queue");
    q.max_receive_count = IntOf(*mrc, what + " dead_letter.max_receive_count", 1, 1000);
  }
  if (const toml::node* v = t.get("redrive_allow_policy")) {
    std::string text = StringOf(*v, what + " redrive_allow_policy");
    JsonText(*v, text, what + " redrive_allow_policy");
    q.attributes["RedriveAllowPolicy"] = text;
  }
  if (const toml::node* v = t.get("tags")) q.tags = StringMap(*v, what + " tags");
  return q;
}

FunctionSpec ParseFunction(const fs::path& base, const toml::key& key, const toml::node& node) {
  FunctionSpec f;
  f.name = std::string(key.str());
  const std::string what = "function " + f.name;
  if (!workers::IsValidFunctionName(f.name)) {
    Fail(key.source(), "'" + f.name + "' is not a function name (1..64 of A-Za-z0-9_-)");
  }
  const toml::table& t = TableAt(node, what);
  OnlyKeys(t,
           {"runtime", "handler", "code", "timeout", "memory", "description", "environment",
            "reserved_concurrency"},
           what);
  for (const char* required : {"runtime", "handler", "code"}) {
    if (!t.contains(required)) Fail(node.source(), what + " needs " + required);
  }
  f.runtime = StringOf(*t.get("runtime"), what + " runtime");
  if (!workers::ParseRuntime(f.runtime)) {
    Fail(t.get("runtime")->source(), "unknown runtime '" + f.runtime +
                                         "' (nodejs20.x, python3.12, provided.al2023, exec, ...)");
  }
  f.handler = StringOf(*t.get("handler"), what + " handler");
  if (f.handler.empty() || f.handler.size() > 128) {
    Fail(t.get("handler")->source(), what + " handler must be 1..128 characters");
  }
  const toml::node* code = t.get("code");
  fs::path dir = StringOf(*code, what + " code");
  if (dir.is_relative()) dir = base / dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    Fail(code->source(), what + " code: " + dir.string() + " is not a directory");
  }
  f.code_dir = fs::weakly_canonical(dir, ec).string();
  if (const toml::node* v = t.get("timeout")) f.timeout = IntOf(*v, what + " timeout", 1, 900);
  if (const toml::node* v = t.get("memory")) f.memory = IntOf(*v, what + " memory", 128, 10240);
  if (const toml::node* v = t.get("description")) {
    f.description = StringOf(*v, what + " description");
  }
  if (const toml::node* v = t.get("environment")) {
    f.environment = StringMap(*v, what + " environment");
  }
  if (const toml::node* v = t.get("reserved_concurrency")) {
    f.reserved_concurrency = IntOf(*v, what + " reserved_concurrency", 0, 1000);
  }
  return f;
}

MappingSpec ParseMapping(const toml::node& node, size_t index) {
  MappingSpec m;
  const std::string what = "mappings[" + std::to_string(index) + "]";
  const toml::table& t = TableAt(node, what);
  OnlyKeys(t,
           {"queue", "function", "batch_size", "batching_window", "report_batch_item_failures",
            "maximum_concurrency", "enabled", "filters", "retry_backoff"},
           what);
  if (!t.contains("queue") || !t.contains("function")) {
    Fail(node.source(), what + " needs queue and function");
  }
  m.queue = StringOf(*t.get("queue"), what + " queue");
  m.function = StringOf(*t.get("function"), what + " function");
  if (const toml::node* v = t.get("batch_size")) {
    m.batch_size = IntOf(*v, what + " batch_size", 1, 10000);
  }
  if (const toml::node* v = t.get("batching_window")) {
    m.batching_window = IntOf(*v, what + " batching_window", 0, 300);
  }
  if (const toml::node* v = t.get("report_batch_item_failures")) {
    m.report_batch_item_failures = BoolOf(*v, what + " report_batch_item_failures");
  }
  if (const toml::node* v = t.get("maximum_concurrency")) {
    m.maximum_concurrency = IntOf(*v, what + " maximum_concurrency", 2, 1000);
  }
  if (const toml::node* v = t.get("enabled")) m.enabled = BoolOf(*v, what + " enabled");
  if (const toml::node* v = t.get("filters")) {
    const toml::array* a = v->as_array();
    if (a == nullptr) Fail(v->source(), what + " filters must be an array of JSON strings");
    m.filters.emplace();
    for (const toml::node& f : *a) {
      std::string text = StringOf(f, what + " filters[]");
      JsonText(f, text, what + " filter");
      m.filters->push_back(text);
    }
  }
  if (const toml::node* v = t.get("retry_backoff")) {
    const toml::table& r = TableAt(*v, what + " retry_backoff");
    OnlyKeys(r, {"base", "max"}, what + " retry_backoff");
    int64_t base =
        r.contains("base") ? IntOf(*r.get("base"), what + " retry_backoff.base", 1, 43200) : 5;
    int64_t max = r.contains("max") ? IntOf(*r.get("max"), what + " retry_backoff.max", base, 43200)
                                    : std::max<int64_t>(900, base);
    m.retry_backoff = std::make_pair(base, max);
  }
  return m;
}

UserSpec ParseUser(const std::string& stack, const toml::key& key, const toml::node& node) {
  UserSpec u;
  u.name = std::string(key.str());
  const std::string what = "user " + u.name;
  if (!IsUserName(u.name)) Fail(key.source(), "'" + u.name + "' is not an IAM user name");
  const toml::table& t = TableAt(node, what);
  OnlyKeys(t, {"policy", "policies", "access_key"}, what);
  if (const toml::node* v = t.get("policy")) {
    std::string text = StringOf(*v, what + " policy");
    JsonText(*v, text, what + " policy");
    u.policies[stack] = text;
  }
  if (const toml::node* v = t.get("policies")) {
    for (auto&& [k, doc] : TableAt(*v, what + " policies")) {
      std::string text = StringOf(doc, what + " policies." + std::string(k.str()));
      JsonText(doc, text, what + " policies." + std::string(k.str()));
      u.policies[std::string(k.str())] = text;
    }
  }
  if (const toml::node* v = t.get("access_key")) {
    const toml::table& k = TableAt(*v, what + " access_key");
    OnlyKeys(k, {"secret"}, what + " access_key");
    if (!k.contains("secret")) Fail(v->source(), what + " access_key needs secret = \"NAME\"");
    u.key_secret = StringOf(*k.get("secret"), what + " access_key.secret");
    if (!IsSecretName(*u.key_secret)) {
      Fail(k.get("secret")->source(), "'" + *u.key_secret + "' is not a secret name");
    }
  }
  return u;
}

SecretSpec ParseSecret(const toml::key& key, const toml::node& node) {
  SecretSpec s;
  s.name = std::string(key.str());
  const std::string what = "secret " + s.name;
  if (!IsSecretName(s.name)) {
    Fail(key.source(), "'" + s.name + "' is not a secret name (1..512 of A-Za-z0-9/_+=.@-)");
  }
  const toml::table& t = TableAt(node, what);
  OnlyKeys(t, {"value", "value_from_env", "generate", "description"}, what);
  int sources = 0;
  if (const toml::node* v = t.get("value")) {
    s.source = SecretSpec::Source::kValue;
    s.value = StringOf(*v, what + " value");
    ++sources;
  }
  if (const toml::node* v = t.get("value_from_env")) {
    s.source = SecretSpec::Source::kEnvironment;
    s.value = StringOf(*v, what + " value_from_env");
    ++sources;
  }
  if (const toml::node* v = t.get("generate")) {
    s.source = SecretSpec::Source::kGenerate;
    s.generate = IntOf(*v, what + " generate", 8, 4096);
    ++sources;
  }
  if (sources != 1) {
    Fail(node.source(), what + " needs exactly one of value, value_from_env and generate");
  }
  if (const toml::node* v = t.get("description")) {
    s.description = StringOf(*v, what + " description");
  }
  return s;
}

// Dead-letter queues of the stack before the queues that name them (a cycle is an error).
void OrderQueues(const toml::table& root, std::vector<QueueSpec>* queues) {
  std::vector<QueueSpec> ordered;
  std::set<std::string> placed;
  std::map<std::string, const QueueSpec*> by_name;
  for (const auto& q : *queues) by_name[q.name] = &q;
  while (ordered.size() < queues->size()) {
    bool progress = false;
    for (const auto& q : *queues) {
      if (placed.contains(q.name)) continue;
      bool ready = !q.dead_letter_queue || !by_name.contains(*q.dead_letter_queue) ||
                   placed.contains(*q.dead_letter_queue) || *q.dead_letter_queue == q.name;
      if (!ready) continue;
      ordered.push_back(q);
      placed.insert(q.name);
      progress = true;
    }
    if (!progress) Fail(root.source(), "the queues' dead_letter references form a cycle");
  }
  *queues = std::move(ordered);
}

StackSpec ParseTable(const std::string& path, const toml::table& root) {
  StackSpec spec;
  spec.file = path;
  OnlyKeys(root, {"stack", "queues", "functions", "mappings", "users", "secrets"}, "the stack");
  const toml::node* name = root.get("stack");
  if (name == nullptr) Fail(root.source(), "the file must name its stack: stack = \"NAME\"");
  spec.name = StringOf(*name, "stack");
  if (!IsStackName(spec.name)) {
    Fail(name->source(), "'" + spec.name + "' is not a stack name (1..64 of A-Za-z0-9_-)");
  }
  fs::path base = fs::absolute(fs::path(path)).parent_path();
  if (const toml::node* qs = root.get("queues")) {
    for (auto&& [k, v] : TableAt(*qs, "queues")) spec.queues.push_back(ParseQueue(k, v));
    for (const auto& q : spec.queues) {
      if (q.dead_letter_queue && *q.dead_letter_queue == q.name) {
        Fail(qs->source(), "queue " + q.name + " cannot be its own dead-letter queue");
      }
      if (q.dead_letter_queue && !workers::IsValidQueueName(*q.dead_letter_queue)) {
        Fail(qs->source(),
             "queue " + q.name + ": '" + *q.dead_letter_queue + "' is not a queue name");
      }
    }
    OrderQueues(root, &spec.queues);
  }
  if (const toml::node* fs_node = root.get("functions")) {
    for (auto&& [k, v] : TableAt(*fs_node, "functions")) {
      spec.functions.push_back(ParseFunction(base, k, v));
    }
  }
  if (const toml::node* ms = root.get("mappings")) {
    const toml::array* a = ms->as_array();
    if (a == nullptr) Fail(ms->source(), "mappings must be an array of tables: [[mappings]]");
    std::set<std::pair<std::string, std::string>> seen;
    for (size_t i = 0; i < a->size(); ++i) {
      MappingSpec m = ParseMapping((*a)[i], i);
      bool known = false;
      for (const auto& f : spec.functions) known = known || f.name == m.function;
      if (!known) {
        Fail((*a)[i].source(), "mapping of queue " + m.queue + ": function '" + m.function +
                                   "' is not declared in this file");
      }
      if (!seen.insert({m.function, m.queue}).second) {
        Fail((*a)[i].source(),
             "a second mapping of queue " + m.queue + " to function " + m.function);
      }
      spec.mappings.push_back(std::move(m));
    }
  }
  if (const toml::node* us = root.get("users")) {
    for (auto&& [k, v] : TableAt(*us, "users")) spec.users.push_back(ParseUser(spec.name, k, v));
  }
  if (const toml::node* ss = root.get("secrets")) {
    for (auto&& [k, v] : TableAt(*ss, "secrets")) spec.secrets.push_back(ParseSecret(k, v));
  }
  // A secret is made by the file or by a user's key, not both; no two keys share one.
  std::set<std::string> secret_names;
  for (const auto& s : spec.secrets) secret_names.insert(s.name);
  for (const auto& u : spec.users) {
    if (u.key_secret && !secret_names.insert(*u.key_secret).second) {
      Fail(root.get("users")->source(), "user " + u.name + "'s access_key secret '" +
                                            *u.key_secret +
                                            "' is also declared elsewhere in this file");
    }
  }
  return spec;
}

}  // namespace

std::optional<StackSpec> ParseStack(const std::string& path, const std::string& text,
                                    std::string* error) {
  auto where = [&](const toml::source_position& p) {
    return path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
  };
  try {
    toml::table root = toml::parse(text, path);
    return ParseTable(path, root);
  } catch (const toml::parse_error& e) {
    *error = where(e.source().begin) + std::string(e.description());
  } catch (const SpecError& e) {
    *error = where(e.where) + e.message;
  }
  return std::nullopt;
}

std::optional<StackSpec> LoadStack(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot be read";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseStack(path, text.str(), error);
}

}  // namespace spool::stack
