#pragma once
// The `spool bench` subcommand: its flags, environment variables and help text. The composition
// root (server/main.cc) registers it and runs it when it was chosen.

#include <string>

#include "bench/options.h"

namespace CLI {
class App;
}

namespace spool::bench {

class BenchCommand {
 public:
  // Adds the `bench` subcommand to `app`. The object must outlive parsing and Run().
  void Register(CLI::App& app);
  // True when `spool bench ...` was parsed.
  bool parsed() const;
  // Applies the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION unless flags
  // were given), validates, runs. Returns the exit code.
  int Run();

  // For tests: the options as parsed, before the environment and validation.
  const BenchOptions& options() const { return options_; }

 private:
  CLI::App* command_ = nullptr;
  BenchOptions options_;
  std::string workload_;
  bool no_sign_ = false;
  bool no_fair_groups_ = false;
};

}  // namespace spool::bench
