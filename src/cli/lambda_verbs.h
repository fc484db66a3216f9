#pragma once
// The verbs of `spool functions` (function_verbs.cc) and `spool mappings` (mapping_verbs.cc).

#include <string>

#include "cli/lambda_client.h"
#include "cli/lambda_commands.h"

namespace spool::cli {

int RunFunctionVerb(const LambdaClient& client, const LambdaFlags& flags);
int RunMappingVerb(const LambdaClient& client, const LambdaFlags& flags);

// Prints `text` to stderr as `spool: text` and returns 2 (a wrong command line).
int UsageError(const std::string& text);
// A member of a JSON object as text ("" when absent; numbers and booleans as written).
std::string Member(const boost::json::value& object, const char* key);
// The part of an ARN after its last ':' (a function's or queue's name).
std::string NameOfArn(const std::string& arn);

}  // namespace spool::cli
