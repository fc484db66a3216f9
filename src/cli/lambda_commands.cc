#include "cli/lambda_commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>

#include "cli/lambda_verbs.h"

namespace spool::cli {

bool LambdaFlags::has(const std::string& flag) const {
  return std::any_of(options.begin(), options.end(), [&](const CLI::Option* o) {
    return o->check_lname(flag.substr(2)) && o->count() > 0;
  });
}

void LambdaCommands::Register(CLI::App& app) {
  LambdaFlags& f = flags_;
  auto common = [&](CLI::App* c, const char* verbs) {
    c->add_option("verb", f.verb, verbs)->required();
    c->add_option("args", f.args, "The function's name or the mapping's UUID");
    c->add_option("--endpoint-url", f.endpoint,
                  "Spool's endpoint (env SPOOL_ENDPOINT; default http://127.0.0.1:9324)");
    c->add_flag("--json", f.json, "Print the API's JSON instead of a summary");
  };
  auto opt = [&](CLI::App* c, const char* name, auto& var, const char* help) {
    f.options.push_back(c->add_option(name, var, help));
  };
  auto flag = [&](CLI::App* c, const char* name, bool& var, const char* help) {
    f.options.push_back(c->add_flag(name, var, help));
  };

  functions_ = app.add_subcommand("functions",
                                  "Manage functions (through the Lambda API of a running server).");
  common(functions_, "create NAME | list | get NAME | update NAME | delete NAME | invoke NAME");
  CLI::App* c = functions_;
  opt(c, "--runtime", f.runtime, "nodejs, python, provided or exec (or a Lambda runtime id)");
  opt(c, "--handler", f.handler, "file.export (nodejs), module.function (python), executable");
  opt(c, "--code", f.code, "The code directory (made absolute; it must be on the server host)");
  opt(c, "--zip", f.zip, "A zip archive of the code (a deployment package), uploaded");
  opt(c, "--timeout", f.timeout, "Seconds an invocation may run, 1..900 (3)");
  opt(c, "--memory", f.memory, "Memory in MB, 128..10240 (128)");
  opt(c, "--env", f.env, "K=V environment variable (repeatable; update replaces them all)");
  opt(c, "--concurrency", f.concurrency, "Reserved concurrency: most environments at once");
  opt(c, "--description", f.description, "A description");
  opt(c, "--payload", f.payload, "invoke: the event JSON ({})");
  opt(c, "--payload-file", f.payload_file, "invoke: a file holding the event JSON");
  flag(c, "--log", f.log, "invoke: print the invocation's log tail to stderr");

  mappings_ = app.add_subcommand("mappings",
                                 "Manage event source mappings: which queue feeds which function.");
  common(mappings_,
         "create | list | get UUID | update UUID | enable UUID | disable UUID | delete UUID");
  c = mappings_;
  opt(c, "--queue", f.queue, "The source queue (name or ARN)");
  opt(c, "--function", f.function, "The function (name or ARN)");
  opt(c, "--batch-size", f.batch_size, "Messages per batch, 1..10000 (10; FIFO at most 10)");
  opt(c, "--batching-window", f.batching_window, "Seconds to gather a batch, 0..300 (0)");
  flag(c, "--report-batch-item-failures", f.report_failures,
       "The function reports failed messages (partial batch responses)");
  flag(c, "--no-report-batch-item-failures", f.no_report_failures,
       "update: whole batches succeed or fail");
  opt(c, "--max-concurrency", f.max_concurrency, "Most concurrent batches, 2..1000");
  opt(c, "--filter", f.filters, "A FilterCriteria pattern (JSON; repeatable)");
  flag(c, "--no-filters", f.no_filters, "update: remove every filter");
  opt(c, "--retry-backoff", f.retry_backoff,
      "BASE:MAX seconds: failed messages come back after an exponential backoff");
  flag(c, "--no-retry-backoff", f.no_retry_backoff, "update: remove the retry backoff");
  flag(c, "--disabled", f.disabled, "create: the mapping starts disabled");
}

bool LambdaCommands::parsed() const {
  return (functions_ && functions_->parsed()) || (mappings_ && mappings_->parsed());
}

int LambdaCommands::Run() {
  ClientSettings settings;
  std::string error;
  if (!LoadSettings(flags_.endpoint, &settings, &error)) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 2;
  }
  LambdaClient client(settings);
  if (functions_->parsed()) return RunFunctionVerb(client, flags_);
  return RunMappingVerb(client, flags_);
}

}  // namespace spool::cli
