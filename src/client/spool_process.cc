#include "client/spool_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace spool::client::testing {

SpoolProcess::SpoolProcess(std::string binary, std::string dir)
    : binary_(std::move(binary)), dir_(std::move(dir)) {}

SpoolProcess::~SpoolProcess() {
  if (pid_ > 0) Kill();
}

std::string SpoolProcess::Log() const {
  std::ifstream in(dir_ + "/spool.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool SpoolProcess::Start(int port, std::string* error) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("SPOOL_")) continue;
    env.emplace_back(*e);
  }
  env.emplace_back("SPOOL_ROOT_ACCESS_KEY_ID=test");
  env.emplace_back("SPOOL_ROOT_SECRET_ACCESS_KEY=test");
  std::vector<std::string> args = {
      binary_,      "serve",        "--listen",    "127.0.0.1:" + std::to_string(port),
      "--data-dir", dir_ + "/data", "--no-workers"};
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  const std::string log_path = dir_ + "/spool.log";
  const size_t log_start = Log().size();  // a restart appends to the same log
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) {
    *error = "cannot open " + log_path;
    return false;
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(log, 1);
    ::dup2(log, 2);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    if (::chdir(dir_.c_str()) != 0) _exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::close(log);
  if (pid_ < 0) {
    *error = "fork failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  constexpr std::string_view kListening = "Spool listening on ";
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = Log().substr(log_start);
    if (size_t at = text.find(kListening); at != std::string::npos) {
      size_t end = text.find_first_of(" \n", at + kListening.size());
      if (end != std::string::npos) {
        endpoint_ = text.substr(at + kListening.size(), end - at - kListening.size());
        while (endpoint_.ends_with('/')) endpoint_.pop_back();
        port_ = std::stoi(endpoint_.substr(endpoint_.rfind(':') + 1));
        return true;
      }
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "spool serve exited at start:\n" + text;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  *error = "spool serve did not listen within 30 s:\n" + Log().substr(log_start);
  return false;
}

int SpoolProcess::WaitExit(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

int SpoolProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int rc = WaitExit(std::chrono::seconds(30));
  if (rc == -1) Kill();
  return rc;
}

void SpoolProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace spool::client::testing
