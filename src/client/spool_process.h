#pragma once
// SpoolProcess (tests only): the real `spool serve` as a child process, on a loopback port and
// a data directory of the test's choosing, the way tests/integration starts it: a clean
// environment (no SPOOL_* settings but the root key test/test), output to a log file, the
// endpoint read from the "Spool listening on http://..." line.
//
// Threading: one thread at a time.

#include <sys/types.h>

#include <chrono>
#include <string>

namespace spool::client::testing {

class SpoolProcess {
 public:
  // `binary`: the spool executable; `dir`: a directory for the data directory and the log.
  SpoolProcess(std::string binary, std::string dir);
  ~SpoolProcess();  // SIGKILL if still running
  SpoolProcess(const SpoolProcess&) = delete;
  SpoolProcess& operator=(const SpoolProcess&) = delete;

  // Starts `spool serve --listen 127.0.0.1:PORT --data-dir DIR/data` (port 0: a free one) and
  // waits up to 30 s for it to listen. False with *error (and the log's tail) otherwise.
  bool Start(int port, std::string* error);
  // SIGTERM and wait: the exit status (0 for a clean stop), or -1 after 30 s.
  int Stop();
  // SIGKILL and wait, as a crash.
  void Kill();

  const std::string& endpoint() const { return endpoint_; }
  int port() const { return port_; }
  std::string Log() const;

 private:
  int WaitExit(std::chrono::seconds timeout);

  std::string binary_;
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string endpoint_;
};

}  // namespace spool::client::testing
