#pragma once
// `spool logs FUNCTION [--follow] [--since 10m] [--stream PREFIX] [--filter PATTERN] [--json]`:
// a function's log lines through the server's CloudWatch Logs API (FilterLogEvents on
// /aws/lambda/FUNCTION, SigV4-signed for service "logs"), printed as
// `<time> <stream> <message>` with the '\r' inside messages shown as newlines. With --follow it
// keeps asking, about once a second, for what came after the last event seen, until Ctrl-C.
//
// Exit status: 0 on success (and on Ctrl-C), 1 when the server answered with an error (printed as
// `spool: CODE: message`), 2 when it could not be reached or the command line was wrong.

#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace spool::cli {

class LogsCommand {
 public:
  // Adds the subcommand to `app`. The object must outlive parsing and Run().
  void Register(CLI::App& app);
  bool parsed() const;
  int Run();

 private:
  CLI::App* command_ = nullptr;
  std::string function_;
  std::string endpoint_;
  std::string since_ = "10m";
  std::string stream_;
  std::string filter_;
  bool follow_ = false;
  bool json_ = false;
};

// Milliseconds in "30s", "10m", "2h", "1d" or "1w"; nullopt for anything else.
std::optional<long long> ParseSince(const std::string& text);

}  // namespace spool::cli
