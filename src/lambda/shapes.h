#pragma once
// The Lambda API's names and JSON shapes for Spool's functions and mappings: ARNs, function
// names given as names or ARNs, timestamps, FunctionConfiguration and
// EventSourceMappingConfiguration.

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "workers/function_config.h"

namespace spool::lambda {

struct Scope {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
};

std::string FunctionArn(const Scope& scope, std::string_view name);
std::string MappingArn(const Scope& scope, std::string_view uuid);
std::string QueueArn(const Scope& scope, std::string_view queue);

// The function a FunctionName parameter names: "NAME", "NAME:$LATEST", "ACCOUNT:function:NAME"
// or "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:$LATEST]" of this region and account.
// nullopt with *error (an InvalidParameterValueException message) otherwise; a qualifier other
// than $LATEST sets *not_found (Spool has no versions or aliases).
std::optional<std::string> ResolveFunctionName(const Scope& scope, std::string_view text,
                                               std::string* error, bool* not_found);
// The queue of an SQS queue ARN of this region and account; nullopt when it is not one.
std::optional<std::string> QueueOfArn(const Scope& scope, std::string_view arn);

// Lambda's LastModified of functions: 2026-11-29T10:00:00.000+0000 (UTC).
std::string LambdaTime(int64_t epoch_ms);

boost::json::object FunctionConfigurationJson(const Scope& scope,
                                              const workers::FunctionConfig& function);
// `state`: Enabled, Disabled (the registry's change is in effect at once) or Deleting.
boost::json::object MappingJson(const Scope& scope, const workers::MappingConfig& mapping,
                                std::string_view state);
inline std::string_view MappingState(const workers::MappingConfig& mapping) {
  return mapping.enabled ? "Enabled" : "Disabled";
}

}  // namespace spool::lambda
