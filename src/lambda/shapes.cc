#include "lambda/shapes.h"

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>

namespace spool::lambda {

std::string FunctionArn(const Scope& scope, std::string_view name) {
  return "arn:aws:lambda:" + scope.region + ":" + scope.account_id +
         ":function:" + std::string(name);
}

std::string MappingArn(const Scope& scope, std::string_view uuid) {
  return "arn:aws:lambda:" + scope.region + ":" + scope.account_id +
         ":event-source-mapping:" + std::string(uuid);
}

std::string QueueArn(const Scope& scope, std::string_view queue) {
  return "arn:aws:sqs:" + scope.region + ":" + scope.account_id + ":" + std::string(queue);
}

std::optional<std::string> ResolveFunctionName(const Scope& scope, std::string_view text,
                                               std::string* error, bool* not_found) {
  *not_found = false;
  std::string_view rest = text;
  std::string arn_prefix = "arn:aws:lambda:" + scope.region + ":" + scope.account_id + ":";
  if (rest.starts_with("arn:")) {
    if (!rest.starts_with(arn_prefix)) {
      *error = "The function ARN " + std::string(text) + " is not of this region and account (" +
               arn_prefix + "function:NAME).";
      return std::nullopt;
    }
    rest.remove_prefix(arn_prefix.size());
    if (!rest.starts_with("function:")) {
      *error = "Not a function ARN: " + std::string(text);
      return std::nullopt;
    }
    rest.remove_prefix(9);
  } else if (std::string partial = scope.account_id + ":function:"; rest.starts_with(partial)) {
    rest.remove_prefix(partial.size());
  }
  std::string_view qualifier;
  if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    qualifier = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  if (!workers::IsValidFunctionName(rest)) {
    *error = "1 validation error detected: Value '" + std::string(text) +
             "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
             "expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?"
             "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
    return std::nullopt;
  }
  if (!qualifier.empty() && qualifier != "$LATEST") {
    *not_found = true;
    *error = "Function not found: " + FunctionArn(scope, rest) + ":" + std::string(qualifier);
    return std::nullopt;
  }
  return std::string(rest);
}

std::optional<std::string> QueueOfArn(const Scope& scope, std::string_view arn) {
  std::string prefix = "arn:aws:sqs:" + scope.region + ":" + scope.account_id + ":";
  if (!arn.starts_with(prefix)) return std::nullopt;
  std::string_view name = arn.substr(prefix.size());
  if (!workers::IsValidQueueName(name)) return std::nullopt;
  return std::string(name);
}

std::string LambdaTime(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return buf;
}

boost::json::object FunctionConfigurationJson(const Scope& scope,
                                              const workers::FunctionConfig& f) {
  boost::json::object o;
  o["FunctionName"] = f.name;
  o["FunctionArn"] = FunctionArn(scope, f.name);
  o["Runtime"] = f.runtime_id.empty() ? std::string(workers::RuntimeName(f.runtime)) : f.runtime_id;
  o["Handler"] = f.handler;
  o["CodeSize"] = f.code_size;
  if (!f.code_sha256.empty()) o["CodeSha256"] = f.code_sha256;
  o["Description"] = f.description;
  o["Timeout"] = f.timeout_seconds;
  o["MemorySize"] = f.memory_mb;
  o["LastModified"] = LambdaTime(f.last_modified_ms);
  o["Version"] = "$LATEST";
  if (!f.environment.empty()) {
    boost::json::object variables;
    for (const auto& [k, v] : f.environment) variables[k] = v;
    o["Environment"] = boost::json::object{{"Variables", std::move(variables)}};
  }
  o["RevisionId"] = f.revision_id;
  o["State"] = "Active";
  o["LastUpdateStatus"] = "Successful";
  o["PackageType"] = "Zip";
  o["Architectures"] = boost::json::array{"x86_64"};
  return o;
}

boost::json::object MappingJson(const Scope& scope, const workers::MappingConfig& m,
                                std::string_view state) {
  boost::json::object o;
  o["UUID"] = m.uuid;
  o["BatchSize"] = m.batch_size;
  o["MaximumBatchingWindowInSeconds"] = m.batching_window_seconds;
  o["EventSourceArn"] = QueueArn(scope, m.queue_name);
  o["FunctionArn"] = FunctionArn(scope, m.function_name);
  o["LastModified"] = static_cast<double>(m.last_modified_ms) / 1000.0;
  o["State"] = state;
  o["StateTransitionReason"] = "USER_INITIATED";
  boost::json::array types;
  if (m.report_batch_item_failures) types.emplace_back("ReportBatchItemFailures");
  o["FunctionResponseTypes"] = std::move(types);
  if (!m.filter_patterns.empty()) {
    boost::json::array filters;
    for (const auto& p : m.filter_patterns) filters.push_back(boost::json::object{{"Pattern", p}});
    o["FilterCriteria"] = boost::json::object{{"Filters", std::move(filters)}};
  }
  if (m.maximum_concurrency) {
    o["ScalingConfig"] = boost::json::object{{"MaximumConcurrency", *m.maximum_concurrency}};
  }
  if (m.retry_backoff) {
    o["SpoolRetryBackoff"] = boost::json::object{{"BaseSeconds", m.retry_backoff->base_seconds},
                                                 {"MaxSeconds", m.retry_backoff->max_seconds}};
  }
  o["EventSourceMappingArn"] = MappingArn(scope, m.uuid);
  return o;
}

}  // namespace spool::lambda
