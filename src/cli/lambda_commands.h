#pragma once
// `spool functions ...` and `spool mappings ...`: functions and event source mappings through
// the server's Lambda API (README.md). The composition root (server/main.cc) registers them and
// runs the one that was chosen.

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace spool::cli {

// The flags of both command families (one is parsed per run).
struct LambdaFlags {
  std::string endpoint;
  std::string verb;
  std::vector<std::string> args;
  bool json = false;
  // functions
  std::string runtime, handler, code, zip, description, payload, payload_file;
  int64_t timeout = 0, memory = 0, concurrency = 0;
  std::vector<std::string> env;
  bool log = false;
  // mappings
  std::string queue, function, retry_backoff;
  int64_t batch_size = 0, batching_window = 0, max_concurrency = 0;
  std::vector<std::string> filters;
  bool report_failures = false, no_report_failures = false, disabled = false, enabled = false,
       no_filters = false, no_retry_backoff = false;
  // Which optional flags were given (set from the parsed options).
  bool has(const std::string& flag) const;
  std::vector<CLI::Option*> options;
};

class LambdaCommands {
 public:
  // Adds `functions` and `mappings` to `app`. The object must outlive parsing and Run().
  void Register(CLI::App& app);
  bool parsed() const;
  // Runs the parsed command; the exit code (README.md).
  int Run();

 private:
  CLI::App* functions_ = nullptr;
  CLI::App* mappings_ = nullptr;
  LambdaFlags flags_;
};

}  // namespace spool::cli
