#pragma once
// Route: which Lambda action a request's method and path name (the REST paths of the Lambda
// API, version 2015-03-31, with concurrency under 2017-10-31 and 2019-09-30), and the path's
// parameters, percent-decoded.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spool::lambda {

enum class Action {
  kCreateFunction,
  kListFunctions,
  kGetFunction,
  kDeleteFunction,
  kGetFunctionConfiguration,
  kUpdateFunctionConfiguration,
  kUpdateFunctionCode,
  // Spool's extension, GET /2015-03-31/functions/{name}/spool-code: the function's deployment
  // package (the zip archive), what GetFunction's Code.Location names; authorised as
  // lambda:GetFunction.
  kGetFunctionCode,
  kInvoke,
  kPutFunctionConcurrency,
  kGetFunctionConcurrency,
  kDeleteFunctionConcurrency,
  kCreateEventSourceMapping,
  kListEventSourceMappings,
  kGetEventSourceMapping,
  kUpdateEventSourceMapping,
  kDeleteEventSourceMapping,
};

std::string_view ActionName(Action action);  // "CreateFunction", ...
// The IAM action that authorises it: "lambda:" + the name; Invoke is lambda:InvokeFunction.
std::string IamActionOf(Action action);

struct Route {
  Action action = Action::kListFunctions;
  std::string function;                      // {FunctionName} as sent (a name or an ARN), decoded
  std::string uuid;                          // {UUID}
  std::map<std::string, std::string> query;  // decoded query parameters (last one wins)
};

// nullopt when no action lives at this method and path.
std::optional<Route> ParseRoute(std::string_view method, std::string_view path,
                                std::string_view query);

}  // namespace spool::lambda
