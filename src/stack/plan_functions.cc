// Functions and their event source mappings. A function's code is its directory zipped
// deterministically (workers::BuildPackage): the code is uploaded when its CodeSha256 differs.
// A mapping is identified by its function and queue.

#include "common/encoding.h"
#include "stack/planner.h"
#include "workers/code_package.h"

namespace spool::stack {
namespace {

namespace json = boost::json;

const std::string kFunctions = "/2015-03-31/functions/";
const std::string kMappings = "/2015-03-31/event-source-mappings/";

json::object Configuration(const FunctionSpec& f) {
  json::object c{{"Runtime", f.runtime}, {"Handler", f.handler}};
  if (f.timeout) c["Timeout"] = *f.timeout;
  if (f.memory) c["MemorySize"] = *f.memory;
  if (f.description) c["Description"] = *f.description;
  json::object variables;
  for (const auto& [k, v] : f.environment) variables[k] = v;
  c["Environment"] = json::object{{"Variables", std::move(variables)}};
  return c;
}

std::map<std::string, std::string> Environment(const json::object& configuration) {
  std::map<std::string, std::string> out;
  const json::value* env = configuration.if_contains("Environment");
  if (env == nullptr || !env->is_object()) return out;
  const json::value* vars = env->get_object().if_contains("Variables");
  if (vars == nullptr || !vars->is_object()) return out;
  for (const auto& [k, v] : vars->get_object()) {
    if (v.is_string()) out[std::string(k)] = std::string(v.get_string());
  }
  return out;
}

json::object MappingBody(const MappingSpec& m) {
  json::object b;
  if (m.batch_size) b["BatchSize"] = *m.batch_size;
  if (m.batching_window) b["MaximumBatchingWindowInSeconds"] = *m.batching_window;
  if (m.report_batch_item_failures) {
    json::array types;
    if (*m.report_batch_item_failures) types.emplace_back("ReportBatchItemFailures");
    b["FunctionResponseTypes"] = std::move(types);
  }
  if (m.maximum_concurrency) {
    b["ScalingConfig"] = json::object{{"MaximumConcurrency", *m.maximum_concurrency}};
  }
  if (m.enabled) b["Enabled"] = *m.enabled;
  if (m.filters) {
    json::array filters;
    for (const auto& p : *m.filters) filters.push_back(json::object{{"Pattern", p}});
    b["FilterCriteria"] = json::object{{"Filters", std::move(filters)}};
  }
  if (m.retry_backoff) {
    b["SpoolRetryBackoff"] = json::object{{"BaseSeconds", m.retry_backoff->first},
                                          {"MaxSeconds", m.retry_backoff->second}};
  }
  return b;
}

// What of the mapping body differs from the live mapping, as "X a -> b" parts.
std::string MappingDiff(const json::object& want, const json::object& live) {
  std::string detail;
  auto add = [&](const std::string& part) { detail += (detail.empty() ? "" : ", ") + part; };
  for (const auto& [k, v] : want) {
    if (k == "Enabled") {
      std::string state = Text(live, "State");
      bool on = state == "Enabled" || state == "Enabling" || state == "Creating";
      if (on != v.as_bool()) add(Arrow("Enabled", on ? "true" : "false", on ? "false" : "true"));
      continue;
    }
    const json::value* now = live.if_contains(k);
    json::value was = now == nullptr ? json::value(nullptr) : *now;
    if (k == "FunctionResponseTypes" && was.is_null()) was = json::array{};
    if (was == v) continue;
    add(Arrow(std::string(k), json::serialize(was), json::serialize(v)));
  }
  return detail;
}

}  // namespace

void Planner::PlanFunctions() {
  if (spec != nullptr) {
    for (const FunctionSpec& f : spec->functions) {
      next.functions.push_back(f.name);
      std::string zip, problem;
      if (!workers::BuildPackage(f.code_dir, &zip, &problem)) {
        Problem("function " + f.name + ": " + problem);
        continue;
      }
      std::string sha = workers::PackageSha256(zip);
      Result got = remote->Lambda("GET", kFunctions + f.name);
      if (got.code == "ResourceNotFoundException") {
        Step step{
            '+', "function " + f.name,
            f.runtime + ", " + std::to_string(zip.size()) + " bytes of code from " + f.code_dir,
            nullptr, nullptr};
        step.run = [this, f, zip]() -> std::string {
          json::object body = Configuration(f);
          body["FunctionName"] = f.name;
          body["Code"] = json::object{{"ZipFile", common::Base64Encode(zip)}};
          Result r = remote->Lambda("POST", kFunctions, body);
          if (!r.ok()) return r.Describe();
          if (f.reserved_concurrency) {
            Result c = remote->Lambda(
                "PUT", "/2017-10-31/functions/" + f.name + "/concurrency",
                json::object{{"ReservedConcurrentExecutions", *f.reserved_concurrency}});
            if (!c.ok()) return c.Describe();
          }
          return "";
        };
        step.undo = [this, name = f.name] { remote->Lambda("DELETE", kFunctions + name); };
        changes.push_back(std::move(step));
        continue;
      }
      if (!got.ok()) {
        Problem("function " + f.name + ": " + got.Describe());
        continue;
      }
      if (!MayChange(old.functions, "function", f.name)) continue;
      const json::value* cv = got.json.if_contains("Configuration");
      json::object live = cv != nullptr && cv->is_object() ? cv->get_object() : json::object{};
      json::object want = Configuration(f);
      json::object update, restore;
      std::string detail;
      auto add = [&](const std::string& part) { detail += (detail.empty() ? "" : ", ") + part; };
      for (const auto& [k, v] : want) {
        if (k == "Environment") {
          auto before = Environment(live);
          if (before != f.environment) {
            update[k] = v;
            json::object vars;
            for (const auto& [name, value] : before) vars[name] = value;
            restore[k] = json::object{{"Variables", std::move(vars)}};
            add("Environment");
          }
          continue;
        }
        const json::value* now = live.if_contains(k);
        if (now != nullptr && *now == v) continue;
        update[k] = v;
        if (now != nullptr) restore[k] = *now;
        add(Arrow(std::string(k),
                  now == nullptr
                      ? ""
                      : (now->is_string() ? std::string(now->get_string()) : json::serialize(*now)),
                  v.is_string() ? std::string(v.get_string()) : json::serialize(v)));
      }
      bool new_code = Text(live, "CodeSha256") != sha;
      if (new_code)
        add("code " + Text(live, "CodeSha256").substr(0, 8) + " -> " + sha.substr(0, 8));
      std::optional<int64_t> concurrency_now;
      if (const json::value* c = got.json.if_contains("Concurrency"); c && c->is_object()) {
        concurrency_now = Integer(c->get_object(), "ReservedConcurrentExecutions");
      }
      bool new_concurrency = f.reserved_concurrency && f.reserved_concurrency != concurrency_now;
      if (new_concurrency) {
        add(Arrow("ReservedConcurrency",
                  concurrency_now ? std::to_string(*concurrency_now) : "none",
                  std::to_string(*f.reserved_concurrency)));
      }
      if (update.empty() && !new_code && !new_concurrency) continue;
      bool had_package = !Text(live, "CodeSha256").empty();
      auto old_zip = std::make_shared<std::string>();
      Step step{'~', "function " + f.name, detail, nullptr, nullptr};
      step.run = [this, f, update, new_code, new_concurrency, zip, had_package,
                  old_zip]() -> std::string {
        if (!update.empty()) {
          Result r = remote->Lambda("PUT", kFunctions + f.name + "/configuration", update);
          if (!r.ok()) return r.Describe();
        }
        if (new_code) {
          if (had_package) {  // kept so that an undo can put it back
            Result z = remote->Lambda("GET", kFunctions + f.name + "/spool-code");
            if (z.ok()) *old_zip = z.body;
          }
          Result r = remote->Lambda("PUT", kFunctions + f.name + "/code",
                                    json::object{{"ZipFile", common::Base64Encode(zip)}});
          if (!r.ok()) return r.Describe();
        }
        if (new_concurrency) {
          Result c = remote->Lambda(
              "PUT", "/2017-10-31/functions/" + f.name + "/concurrency",
              json::object{{"ReservedConcurrentExecutions", *f.reserved_concurrency}});
          if (!c.ok()) return c.Describe();
        }
        return "";
      };
      step.undo = [this, name = f.name, restore, old_zip] {
        if (!restore.empty()) {
          remote->Lambda("PUT", kFunctions + name + "/configuration", restore);
        }
        if (!old_zip->empty()) {
          remote->Lambda("PUT", kFunctions + name + "/code",
                         json::object{{"ZipFile", common::Base64Encode(*old_zip)}});
        }
      };
      changes.push_back(std::move(step));
    }
    // Mappings.
    for (const MappingSpec& m : spec->mappings) {
      RecordedMapping recorded{m.function, m.queue, ""};
      for (const auto& r : old.mappings) {
        if (r.function == m.function && r.queue == m.queue) recorded.uuid = r.uuid;
      }
      bool queue_in_file = false;
      for (const auto& q : spec->queues) queue_in_file = queue_in_file || q.name == m.queue;
      if (!queue_in_file && remote->QueueUrl(m.queue).empty()) {
        Problem("mapping " + m.queue + " -> " + m.function + ": queue " + m.queue +
                " does not exist and is not declared in the file");
        continue;
      }
      next.mappings.push_back(recorded);
      size_t index = next.mappings.size() - 1;
      // The live mapping of this function and queue, if any.
      json::object live;
      Result listed = remote->Lambda("GET", kMappings, std::nullopt, "FunctionName=" + m.function);
      if (const json::value* list = listed.json.if_contains("EventSourceMappings");
          list != nullptr && list->is_array()) {
        for (const auto& item : list->get_array()) {
          if (item.is_object() &&
              Text(item.get_object(), "EventSourceArn").ends_with(":" + m.queue)) {
            live = item.get_object();
          }
        }
      }
      json::object body = MappingBody(m);
      std::string what = "mapping " + m.queue + " -> " + m.function;
      if (live.empty()) {
        Step step{'+', what, "", nullptr, nullptr};
        step.run = [this, m, body, index]() -> std::string {
          std::string arn = remote->QueueArn(m.queue);
          if (arn.empty()) return "queue " + m.queue + " does not exist";
          json::object b = body;
          b["FunctionName"] = m.function;
          b["EventSourceArn"] = arn;
          Result r = remote->Lambda("POST", kMappings, b);
          if (!r.ok()) return r.Describe();
          next.mappings[index].uuid = Text(r.json, "UUID");
          return "";
        };
        step.undo = [this, index] {
          if (!next.mappings[index].uuid.empty()) {
            remote->Lambda("DELETE", kMappings + next.mappings[index].uuid);
          }
        };
        changes.push_back(std::move(step));
        continue;
      }
      std::string uuid = Text(live, "UUID");
      next.mappings[index].uuid = uuid;
      bool owned = !recorded.uuid.empty() && recorded.uuid == uuid;
      if (!owned && !adopt) {
        Problem(what + " exists and is not part of stack " + spec->name +
                " (spool apply --adopt takes it over)");
        continue;
      }
      std::string detail = MappingDiff(body, live);
      if (detail.empty()) continue;
      json::object restore;
      for (const auto& [k, v] : body) {
        if (k == "Enabled") {
          std::string state = Text(live, "State");
          restore[k] = state != "Disabled" && state != "Disabling";
        } else if (const json::value* now = live.if_contains(k)) {
          restore[k] = *now;
        }
      }
      Step step{'~', what, detail, nullptr, nullptr};
      step.run = [this, uuid, body]() -> std::string {
        Result r = remote->Lambda("PUT", kMappings + uuid, body);
        return r.ok() ? "" : r.Describe();
      };
      step.undo = [this, uuid, restore] { remote->Lambda("PUT", kMappings + uuid, restore); };
      changes.push_back(std::move(step));
    }
  }
  // Mappings, then functions, that go.
  for (const RecordedMapping& r : old.mappings) {
    bool kept = false;
    for (const auto& n : next.mappings)
      kept = kept || (n.function == r.function && n.queue == r.queue);
    if (kept || r.uuid.empty()) continue;
    deletes.push_back({'-', "mapping " + r.queue + " -> " + r.function, "",
                       [this, uuid = r.uuid]() -> std::string {
                         Result d = remote->Lambda("DELETE", kMappings + uuid);
                         return d.ok() || d.code == "ResourceNotFoundException" ? "" : d.Describe();
                       },
                       nullptr});
  }
  for (const std::string& name : old.functions) {
    bool kept = false;
    for (const auto& n : next.functions) kept = kept || n == name;
    if (kept) continue;
    deletes.push_back({'-', "function " + name, "",
                       [this, name]() -> std::string {
                         Result d = remote->Lambda("DELETE", kFunctions + name);
                         return d.ok() || d.code == "ResourceNotFoundException" ? "" : d.Describe();
                       },
                       nullptr});
  }
}

}  // namespace spool::stack
