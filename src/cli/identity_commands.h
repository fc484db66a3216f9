#pragma once
// `spool users ...`, `spool keys ...`, `spool policies ...`: identity management through the
// server's IAM API (README.md). The composition root (server/main.cc) registers them and runs
// the one that was chosen.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace spool::cli {

class IdentityCommands {
 public:
  // Adds the three subcommands to `app`. The object must outlive parsing and Run().
  void Register(CLI::App& app);
  bool parsed() const;
  // Runs the parsed command; the exit code (README.md).
  int Run();

 private:
  CLI::App* users_ = nullptr;
  CLI::App* keys_ = nullptr;
  CLI::App* policies_ = nullptr;
  std::string endpoint_;
  std::string verb_;
  std::vector<std::string> args_;
  std::string document_;
};

}  // namespace spool::cli
