#pragma once
// `spool secrets create|get|put|list|describe|update|delete|restore`: secrets through the
// server's Secrets Manager API (AWS JSON 1.1, SigV4-signed for service "secretsmanager"), so the
// command line and the SDKs share one implementation (src/secrets/README.md).
//
// Values come from `--value TEXT`, `--value -` (standard input) or `--from-file FILE`, taken as
// exactly those bytes (`--binary` stores them as SecretBinary). `get` writes the value raw to
// standard output, with nothing added, so `$(spool secrets get NAME)` is the secret.
//
// Exit status: 0 on success, 1 when the server answered with an error (printed as
// `spool: TYPE: message`), 2 when it could not be reached or the command line was wrong.

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace spool::cli {

class SecretsCommand {
 public:
  // Adds the subcommand to `app`. The object must outlive parsing and Run().
  void Register(CLI::App& app);
  bool parsed() const;
  int Run();

 private:
  CLI::App* command_ = nullptr;
  std::string endpoint_;
  std::string verb_;
  std::string name_;
  std::string value_, from_file_, description_, kms_key_id_, version_id_;
  std::vector<std::string> stages_, tags_, filters_;
  int64_t recovery_days_ = 0;
  bool binary_ = false, force_ = false, include_deleted_ = false, json_ = false;
  CLI::Option* value_option_ = nullptr;
  CLI::Option* description_option_ = nullptr;
  CLI::Option* kms_option_ = nullptr;
  CLI::Option* recovery_option_ = nullptr;
};

}  // namespace spool::cli
