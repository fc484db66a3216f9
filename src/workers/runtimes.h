#pragma once
// Runtimes: how an environment of a function is started (the command line and the Lambda
// environment variables of workers.md 3.10).
//
// - nodejs: `node BOOTSTRAP/node.mjs`, handler from _HANDLER (Spool's bootstrap, no install);
// - python: `python3 BOOTSTRAP/python.py`, likewise;
// - provided: CODE/bootstrap (Lambda's custom-runtime convention), else CODE/HANDLER when that
//   is an executable file; _HANDLER is passed through;
// - exec: `spool exec-runtime` (this binary), which runs CODE/HANDLER once per invocation with
//   the event on stdin.
//
// Threading: pure functions; WriteBootstraps writes files.

#include <map>
#include <string>
#include <vector>

#include "workers/function_config.h"

namespace spool::workers {

struct RuntimeContext {
  std::string bootstrap_dir;  // where node.mjs and python.py were written
  std::string spool_binary;   // for exec-runtime
  std::string region;
  std::string account_id;
  std::string sqs_endpoint;  // AWS_ENDPOINT_URL_SQS for handlers that call back ("" : none)
};

// Writes the embedded bootstraps into `dir` (created if needed). False with *error.
bool WriteBootstraps(const std::string& dir, std::string* error);

std::vector<std::string> RuntimeCommand(const FunctionConfig& function,
                                        const RuntimeContext& context);

std::map<std::string, std::string> RuntimeEnvironment(const FunctionConfig& function,
                                                      const RuntimeContext& context,
                                                      const std::string& log_stream);

// "YYYY/MM/DD/[$LATEST]<32 hex>" for a new environment.
std::string NewLogStreamName();

std::string FunctionArn(const RuntimeContext& context, const std::string& name);

}  // namespace spool::workers
