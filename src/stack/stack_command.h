#pragma once
// `spool apply FILE [--plan] [--adopt] [--show-keys]` and `spool destroy FILE [--plan]`
// (README.md). The server comes from --endpoint-url, SPOOL_ENDPOINT or the default, and the
// credentials as for every client command (environment, AWS_SHARED_CREDENTIALS_FILE,
// ./spool-data/root-credentials).
//
// Exit status: 0 done, 1 a bad file, a plan that cannot be made or a failed (and undone)
// apply, 2 the server could not be reached.

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace spool::stack {

class StackCommands {
 public:
  // Adds `apply` and `destroy` to `app`. The object must outlive parsing and Run().
  void Register(CLI::App& app);
  bool parsed() const;
  int Run();

 private:
  CLI::App* apply_ = nullptr;
  CLI::App* destroy_ = nullptr;
  std::string file_;
  std::string endpoint_;
  bool plan_ = false, adopt_ = false, show_keys_ = false;
};

}  // namespace spool::stack
