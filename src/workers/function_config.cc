#include "workers/function_config.h"

#include <algorithm>
#include <array>

namespace spool::workers {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsNameChar(char c) { return IsAlnum(c) || c == '-' || c == '_'; }

// Lambda's wording for a value outside its constraint (as its validation errors read).
std::string Constraint(const std::string& value, std::string_view member,
                       std::string_view constraint) {
  return "1 validation error detected: Value '" + value + "' at '" + std::string(member) +
         "' failed to satisfy constraint: Member must " + std::string(constraint);
}

std::string Range(int64_t value, std::string_view member, int64_t lo, int64_t hi) {
  if (value < lo) {
    return Constraint(std::to_string(value), member,
                      "have value greater than or equal to " + std::to_string(lo));
  }
  if (value > hi) {
    return Constraint(std::to_string(value), member,
                      "have value less than or equal to " + std::to_string(hi));
  }
  return "";
}

// Set by Lambda (or by Spool's runtimes) for every environment; a function may not set them.
constexpr std::array<std::string_view, 12> kReservedVariables = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
};

constexpr size_t kMaxEnvironmentBytes = 4096;

std::string ValidateEnvironment(const std::map<std::string, std::string>& environment) {
  size_t bytes = 0;
  std::string reserved;
  for (const auto& [name, value] : environment) {
    if (std::find(kReservedVariables.begin(), kReservedVariables.end(), name) !=
        kReservedVariables.end()) {
      reserved += reserved.empty() ? name : "," + name;
      continue;
    }
    bool ok = !name.empty() &&
              ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')) &&
              std::all_of(name.begin(), name.end(), [](char c) { return IsAlnum(c) || c == '_'; });
    if (!ok) {
      return Constraint(name, "environment.variables",
                        "satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
    }
    bytes += name.size() + value.size();
  }
  if (!reserved.empty()) {
    return "Lambda was unable to configure your environment variables because the environment "
           "variables you have provided contains reserved keys that are currently not "
           "supported for modification. Reserved keys used in this request: " +
           reserved;
  }
  if (bytes > kMaxEnvironmentBytes) {
    return "Lambda was unable to configure your environment variables because the environment "
           "variables you have provided exceeded the 4KB limit.";
  }
  return "";
}

}  // namespace

std::string_view RuntimeName(Runtime runtime) {
  switch (runtime) {
    case Runtime::kNodejs:
      return "nodejs";
    case Runtime::kPython:
      return "python";
    case Runtime::kProvided:
      return "provided";
    case Runtime::kExec:
      break;
  }
  return "exec";
}

std::optional<Runtime> ParseRuntime(std::string_view text) {
  struct Known {
    std::string_view id;
    Runtime runtime;
  };
  static constexpr Known kKnown[] = {
      {"nodejs", Runtime::kNodejs},
      {"nodejs18.x", Runtime::kNodejs},
      {"nodejs20.x", Runtime::kNodejs},
      {"nodejs22.x", Runtime::kNodejs},
      {"python", Runtime::kPython},
      {"python3.9", Runtime::kPython},
      {"python3.10", Runtime::kPython},
      {"python3.11", Runtime::kPython},
      {"python3.12", Runtime::kPython},
      {"python3.13", Runtime::kPython},
      {"provided", Runtime::kProvided},
      {"provided.al2", Runtime::kProvided},
      {"provided.al2023", Runtime::kProvided},
      {"exec", Runtime::kExec},
  };
  for (const auto& k : kKnown) {
    if (k.id == text) return k.runtime;
  }
  return std::nullopt;
}

bool IsValidFunctionName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), IsNameChar);
}

std::string ValidateFunction(const FunctionConfig& function) {
  if (!IsValidFunctionName(function.name)) {
    return Constraint(function.name, "functionName",
                      "satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}");
  }
  if (function.handler.empty() || function.handler.size() > 128 ||
      std::any_of(function.handler.begin(), function.handler.end(),
                  [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    return Constraint(function.handler, "handler",
                      "satisfy regular expression pattern: [^\\s]+ (1 to 128 characters)");
  }
  if (function.code_dir.empty() || function.code_dir[0] != '/') {
    return "The code directory must be an absolute path, got '" + function.code_dir + "'.";
  }
  if (auto e = Range(function.timeout_seconds, "timeout", 1, 900); !e.empty()) return e;
  if (auto e = Range(function.memory_mb, "memorySize", 128, 10240); !e.empty()) return e;
  if (function.reserved_concurrency) {
    if (auto e = Range(*function.reserved_concurrency, "reservedConcurrentExecutions", 0, 1000);
        !e.empty()) {
      return e;
    }
  }
  if (function.description.size() > 256) {
    return Constraint(function.description.substr(0, 32) + "...", "description",
                      "have length less than or equal to 256");
  }
  return ValidateEnvironment(function.environment);
}

bool IsValidQueueName(std::string_view name) {
  std::string_view base = name;
  if (base.ends_with(".fifo")) base.remove_suffix(5);
  return !base.empty() && name.size() <= 80 && std::all_of(base.begin(), base.end(), IsNameChar);
}

std::string ValidateMapping(const MappingConfig& mapping) {
  if (!IsValidFunctionName(mapping.function_name)) {
    return Constraint(mapping.function_name, "functionName",
                      "satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}");
  }
  if (!IsValidQueueName(mapping.queue_name)) {
    return "The event source must be an SQS queue, got queue name '" + mapping.queue_name + "'.";
  }
  if (auto e = Range(mapping.batch_size, "batchSize", 1, 10000); !e.empty()) return e;
  if (auto e = Range(mapping.batching_window_seconds, "maximumBatchingWindowInSeconds", 0, 300);
      !e.empty()) {
    return e;
  }
  if (mapping.batch_size > 10 && mapping.batching_window_seconds < 1) {
    return "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
           "greater than 10";
  }
  if (mapping.maximum_concurrency) {
    if (auto e = Range(*mapping.maximum_concurrency, "scalingConfig.maximumConcurrency", 2, 1000);
        !e.empty()) {
      return e;
    }
  }
  if (mapping.filter_patterns.size() > kMaxFilters) {
    return "The FilterCriteria of an SQS event source mapping may have at most " +
           std::to_string(kMaxFilters) + " filters.";
  }
  for (const auto& pattern : mapping.filter_patterns) {
    if (pattern.size() > 4096) {
      return Constraint(pattern.substr(0, 32) + "...", "filterCriteria.filters.member.pattern",
                        "have length less than or equal to 4096");
    }
  }
  if (mapping.retry_backoff) {
    const RetryBackoff& b = *mapping.retry_backoff;
    if (auto e = Range(b.base_seconds, "spoolRetryBackoff.baseSeconds", 1, 43200); !e.empty()) {
      return e;
    }
    if (auto e = Range(b.max_seconds, "spoolRetryBackoff.maxSeconds", b.base_seconds, 43200);
        !e.empty()) {
      return e;
    }
  }
  return "";
}

}  // namespace spool::workers
