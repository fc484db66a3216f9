#include "bench/cli.h"

#include "cli/iam_client.h"

#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>

#include "bench/bench.h"

namespace spool::bench {

void BenchCommand::Register(CLI::App& app) {
  BenchOptions& o = options_;
  command_ =
      app.add_subcommand("bench",
                         "Load generator for any SQS endpoint (AWS JSON 1.0): throughput, latency, "
                         "exactly-once checks.");
  command_
      ->add_option("workload", workload_,
                   "produce | consume | lifecycle (send, receive and delete at once) | "
                   "latency (end to end at a fixed rate)")
      ->required();
  command_->add_option("--endpoint", o.endpoint, "SQS endpoint, http://HOST:PORT")
      ->capture_default_str();
  command_->add_option("--messages", o.messages,
                       "Messages to send or consume (default 100000; latency 2000)");
  command_->add_option("--body-size", o.body_size, "Bytes per message body")->capture_default_str();
  command_->add_option("--batch", o.batch, "Entries per batch request and per receive, 1-10")
      ->capture_default_str();
  command_->add_option("--connections", o.connections, "Keep-alive connections")
      ->capture_default_str();
  command_->add_option("--queues", o.queues, "Queues to spread the load over")
      ->capture_default_str();
  command_->add_option("--queue-prefix", o.queue_prefix, "Queues are named PREFIX-0, PREFIX-1, ...")
      ->capture_default_str();
  command_->add_flag("--fifo", o.fifo, "Use FIFO queues (PREFIX-N.fifo) with message groups");
  command_->add_option("--groups", o.groups, "Message groups per FIFO queue")
      ->capture_default_str();
  command_->add_option("--rate", o.rate, "Messages per second (latency workload)")
      ->capture_default_str();
  command_->add_option("--duration", o.duration_seconds, "Cap on the measured phase, seconds")
      ->capture_default_str();
  command_->add_option("--wait-seconds", o.wait_seconds, "WaitTimeSeconds of each receive, 0-20")
      ->capture_default_str();
  command_->add_flag("--prefill", o.prefill,
                     "consume: first fill the queues up to --messages (not measured)");
  command_->add_option("--noisy-backlog", o.noisy_backlog,
                       "latency: first queue N messages of one flooding tenant (group \"noisy\"); "
                       "the timed messages come from other tenants (fair queues)");
  command_->add_flag("--no-fair-groups", no_fair_groups_,
                     "with --noisy-backlog: send no group ids at all (to compare)");
  command_->add_option("--threads", o.threads, "Client threads")->capture_default_str();
  command_->add_flag("--json", o.json, "Print the result as one JSON object");
  command_->add_option("--server-pid", o.server_pid,
                       "Server process for CPU and memory figures (default: the local process "
                       "listening on the endpoint's port)");
  command_->add_option("--access-key", o.access_key,
                       "Access key id (env AWS_ACCESS_KEY_ID, else AWS_SHARED_CREDENTIALS_FILE, "
                       "else ./spool-data/root-credentials; default test)");
  command_->add_option("--secret-key", o.secret_key,
                       "Secret access key (env AWS_SECRET_ACCESS_KEY; default test)");
  command_->add_option("--region", o.region,
                       "Region in the signature's scope (env AWS_REGION; default us-east-1)");
  command_->add_flag("--no-sign", no_sign_, "Send requests without a SigV4 signature");
}

bool BenchCommand::parsed() const { return command_ != nullptr && command_->parsed(); }

int BenchCommand::Run() {
  BenchOptions o = options_;
  auto workload = ParseWorkload(workload_);
  if (!workload) {
    std::fprintf(stderr,
                 "spool bench: unknown workload '%s' (produce, consume, lifecycle, latency)\n",
                 workload_.c_str());
    return 2;
  }
  o.workload = *workload;
  o.sign = !no_sign_;
  o.fair_groups = !no_fair_groups_;
  auto from_env = [this](const char* flag, const char* var, std::string* field) {
    if (command_->count(flag) > 0) return;
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') *field = v;
  };
  if (command_->count("--access-key") == 0 && command_->count("--secret-key") == 0) {
    // The same chain as the other client commands: AWS_ACCESS_KEY_ID/SECRET, a credentials
    // file (AWS_SHARED_CREDENTIALS_FILE), a local server's ./spool-data/root-credentials;
    // else the defaults (test/test).
    cli::ClientSettings found;
    std::string ignored;
    if (cli::LoadSettings("", &found, &ignored)) {
      o.access_key = found.credentials.access_key_id;
      o.secret_key = found.credentials.secret_access_key;
    }
  }
  from_env("--region", "AWS_REGION", &o.region);
  std::string error;
  if (!Validate(&o, &error)) {
    std::fprintf(stderr, "spool bench: %s\n", error.c_str());
    return 2;
  }
  return RunBench(o);
}

}  // namespace spool::bench
