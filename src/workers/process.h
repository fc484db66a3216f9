#pragma once
// Process: a child process in its own process group, with its stdout and stderr on pipes and
// a pidfd to learn of its exit without a SIGCHLD handler.
//
// Threading: one owner thread. Errors: Spawn returns nullopt with *error (the exec failure of a
// missing program shows as an exit with status 127 instead, as a shell's would).

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spool::workers {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::string cwd;
  std::map<std::string, std::string> environment;  // the whole environment
  int stdin_fd = -1;                               // -1: /dev/null
};

struct SpawnedProcess {
  pid_t pid = -1;      // also the process group id
  int pidfd = -1;      // readable once the process exited
  int stdout_fd = -1;  // read ends, non-blocking
  int stderr_fd = -1;
};

std::optional<SpawnedProcess> Spawn(const SpawnSpec& spec, std::string* error);

// SIGKILL to the whole process group (the runtime and anything it started).
void KillGroup(pid_t pgid);

// Reaps an exited child; "exit status N" or "signal: killed" (Lambda's wording); also its peak
// RSS in KiB from the rusage.
struct ExitInfo {
  std::string description;
  int64_t max_rss_kib = 0;
  bool clean = false;  // exited with status 0
};
ExitInfo Reap(pid_t pid);

// Peak resident set size of a live process in MiB (VmHWM), 0 when unknown.
int64_t PeakRssMib(pid_t pid);

}  // namespace spool::workers
