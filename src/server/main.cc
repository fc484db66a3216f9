// The `spool` command line.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

#include "bench/cli.h"
#include "cli/identity_commands.h"
#include "cli/lambda_commands.h"
#include "cli/logs_command.h"
#include "cli/secrets_command.h"
#include "common/log.h"
#include "server/config.h"
#include "server/data_dir.h"
#include "server/serve.h"
#include "server/worker.h"
#include "stack/stack_command.h"
#include "workers/exec_runtime.h"

int main(int argc, char** argv) {
  using spool::server::ServeConfig;
  CLI::App app{"Spool: a self-hosted work-queue system that speaks the Amazon SQS API."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "spool 0.1.0");

  auto* serve = app.add_subcommand("serve", "Run the broker (SQS API on HTTP).");
  serve->footer(
      "Every request must be signed (AWS Signature Version 4) with a key Spool knows. The "
      "account root's key is made at the first start of a data directory (printed once, kept in "
      "DATA_DIR/root-credentials), or set with SPOOL_ROOT_ACCESS_KEY_ID and "
      "SPOOL_ROOT_SECRET_ACCESS_KEY. More keys: spool users / keys / policies, or aws iam.");
  std::string config_file, listen, region, account_id, public_url, log_level;
  unsigned threads = 0;
  bool no_auth = false;
  std::string data_dir, fsync;
  bool in_memory = false;
  serve->add_option("--config", config_file, "TOML config file (env SPOOL_CONFIG)");
  serve->add_option("--listen", listen,
                    "Address to listen on, HOST:PORT; port 0 picks a free one "
                    "(env SPOOL_LISTEN; default 127.0.0.1:9324)");
  serve->add_option("--region", region, "Region in queue ARNs (env SPOOL_REGION; us-east-1)");
  serve->add_option("--account-id", account_id,
                    "12-digit account id in queue URLs and ARNs (env SPOOL_ACCOUNT_ID; "
                    "000000000000)");
  serve->add_option("--public-url", public_url,
                    "Base of the queue URLs handed out, e.g. http://queues.internal:9324 "
                    "(env SPOOL_PUBLIC_URL; default: from each request's Host header)");
  serve->add_option("--threads", threads, "I/O threads, 0 = one per core (env SPOOL_THREADS)");
  serve->add_option("--log-level", log_level, "debug, info, warn or error (env SPOOL_LOG_LEVEL)");
  serve->add_option("--data-dir", data_dir,
                    "Where queues and messages are stored (env SPOOL_DATA_DIR; ./spool-data)");
  serve->add_option("--fsync", fsync,
                    "always: acknowledge only what is on disk (default); batch: sync every "
                    "10 ms; never: leave it to the OS (env SPOOL_FSYNC)");
  serve->add_flag("--in-memory", in_memory, "Store nothing: a restart loses every message");
  bool no_workers = false;
  int64_t worker_concurrency = 10, worker_idle = 60;
  serve->add_flag("--no-workers", no_workers,
                  "Run no functions here (spool worker processes elsewhere run them)");
  serve
      ->add_option("--worker-concurrency", worker_concurrency,
                   "Environments per function without reserved concurrency, and batches per "
                   "mapping without MaximumConcurrency (10)")
      ->check(CLI::Range(1, 1000));
  serve
      ->add_option("--worker-idle-timeout", worker_idle,
                   "Seconds an idle function environment is kept (60)")
      ->check(CLI::Range(1, 86400));
  serve->add_flag("--insecure-no-auth", no_auth,
                  "Accept requests without checking signatures; every request acts as the "
                  "account root (loopback addresses only; for local experiments)");

  auto* repair = app.add_subcommand(
      "repair", "Salvage a damaged journal: keep every valid record, drop the damaged ones.");
  std::string repair_dir = "spool-data";
  repair->add_option("--data-dir", repair_dir, "The data directory to repair (./spool-data)");

  spool::bench::BenchCommand bench;
  bench.Register(app);
  spool::cli::IdentityCommands identities;
  identities.Register(app);
  spool::cli::LambdaCommands lambda_commands;
  lambda_commands.Register(app);
  spool::cli::LogsCommand logs_command;
  logs_command.Register(app);
  spool::cli::SecretsCommand secrets_command;
  secrets_command.Register(app);
  spool::stack::StackCommands stack_commands;
  stack_commands.Register(app);

  auto* worker = app.add_subcommand(
      "worker", "Run the functions of a remote Spool on this host (its mappings, its queues).");
  spool::server::WorkerConfig worker_config;
  std::vector<std::string> code_flags;
  worker->add_option("--endpoint-url", worker_config.endpoint,
                     "The Spool to work for (env SPOOL_ENDPOINT; http://127.0.0.1:9324)");
  worker->add_option("--function", worker_config.functions,
                     "Run only this function's mappings (repeatable; default: all)");
  worker->add_option("--code", code_flags,
                     "NAME=DIR: the function's code is in DIR on this host (repeatable)");
  worker
      ->add_option("--concurrency", worker_config.concurrency,
                   "Environments per function and batches per mapping at most (10)")
      ->check(CLI::Range(1, 1000));
  worker
      ->add_option("--idle-timeout", worker_config.idle_seconds,
                   "Seconds an idle environment is kept (60)")
      ->check(CLI::Range(1, 86400));
  worker
      ->add_option("--refresh", worker_config.refresh_seconds,
                   "Seconds between reads of the server's functions and mappings (10)")
      ->check(CLI::Range(1, 3600));
  worker->add_option("--data-dir", worker_config.data_dir,
                     "Keep the functions' logs in DIR/logs too (default: only printed)");
  worker->footer(
      "Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_SHARED_CREDENTIALS_FILE) "
      "of a key allowed the SQS actions on the mapped queues and lambda:GetFunction, "
      "lambda:ListFunctions and lambda:ListEventSourceMappings.");

  // The runtime of functions of runtime "exec" (started by the workers, not by people).
  auto* exec_runtime =
      app.add_subcommand("exec-runtime", "Run an exec function's handler per invocation")
          ->group("");

  CLI11_PARSE(app, argc, argv);

  if (exec_runtime->parsed()) return spool::workers::RunExecRuntime();
  if (worker->parsed()) {
    for (const auto& flag : code_flags) {
      auto eq = flag.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::fprintf(stderr, "spool worker: --code takes NAME=DIR, got '%s'\n", flag.c_str());
        return 2;
      }
      std::string dir = flag.substr(eq + 1);
      std::error_code ec;
      auto absolute = std::filesystem::absolute(dir, ec);
      worker_config.code_dirs[flag.substr(0, eq)] = ec ? dir : absolute.string();
    }
    return spool::server::RunWorker(worker_config);
  }

  if (repair->parsed()) return spool::server::RunRepair(repair_dir);
  if (bench.parsed()) return bench.Run();
  if (identities.parsed()) return identities.Run();
  if (lambda_commands.parsed()) return lambda_commands.Run();
  if (logs_command.parsed()) return logs_command.Run();
  if (secrets_command.parsed()) return secrets_command.Run();
  if (stack_commands.parsed()) return stack_commands.Run();

  if (serve->parsed()) {
    ServeConfig config;
    std::string error;
    if (config_file.empty()) {
      if (const char* env = std::getenv("SPOOL_CONFIG")) config_file = env;
    }
    if (!config_file.empty() && !spool::server::LoadConfigFile(config_file, &config, &error)) {
      std::fprintf(stderr, "spool: %s\n", error.c_str());
      return 2;
    }
    if (!spool::server::LoadEnvironment(&config, &error)) {
      std::fprintf(stderr, "spool: %s\n", error.c_str());
      return 2;
    }
    if (!listen.empty() &&
        !spool::server::ParseListen(listen, &config.listen_host, &config.listen_port)) {
      std::fprintf(stderr, "spool: --listen must be HOST:PORT, got '%s'\n", listen.c_str());
      return 2;
    }
    if (!region.empty()) config.region = region;
    if (!account_id.empty()) config.account_id = account_id;
    if (!public_url.empty()) config.public_url = public_url;
    if (serve->count("--threads") > 0) config.threads = threads;
    if (!log_level.empty()) config.log_level = log_level;
    config.insecure_no_auth = no_auth;
    if (!data_dir.empty()) config.data_dir = data_dir;
    if (!fsync.empty()) config.fsync = fsync;
    if (in_memory) config.in_memory = true;
    config.workers = !no_workers;
    config.worker_concurrency = worker_concurrency;
    config.worker_idle_seconds = worker_idle;
    spool::common::LogLevel level;
    if (!spool::common::ParseLogLevel(config.log_level, &level)) {
      std::fprintf(stderr, "spool: unknown log level '%s'\n", config.log_level.c_str());
      return 2;
    }
    spool::common::SetLogLevel(level);
    if (!spool::server::ValidateConfig(config, &error)) {
      std::fprintf(stderr, "spool: %s\n", error.c_str());
      return 2;
    }
    return spool::server::RunServe(config);
  }
  return 0;
}
