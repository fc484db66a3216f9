#include "workers/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace spool::workers {

namespace {

struct Pipe {
  int read = -1;
  int write = -1;
};

bool MakePipe(Pipe* p) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  p->read = fds[0];
  p->write = fds[1];
  return true;
}

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

}  // namespace

std::optional<SpawnedProcess> Spawn(const SpawnSpec& spec, std::string* error) {
  if (spec.argv.empty()) {
    *error = "nothing to run";
    return std::nullopt;
  }
  Pipe out, err;
  if (!MakePipe(&out) || !MakePipe(&err)) {
    *error = std::string("pipe: ") + std::strerror(errno);
    CloseAll({out.read, out.write, err.read, err.write});
    return std::nullopt;
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, spec.stdin_fd >= 0 ? spec.stdin_fd : null_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  // Nothing but 0-2: sockets (the API listener, other environments' Runtime API, clients'
  // connections) are not all close-on-exec, and a runtime must not hold any of them.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);  // the server blocks SIGINT/SIGTERM; children not
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.environment) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = spec.argv[0].find('/') == std::string::npos
               ? posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data())
               : posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  CloseAll({out.write, err.write, null_fd});
  if (rc != 0) {
    *error = "cannot start " + spec.argv[0] + ": " + std::strerror(rc);
    CloseAll({out.read, err.read});
    return std::nullopt;
  }
  SpawnedProcess p;
  p.pid = pid;
  p.pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (p.pidfd < 0) {
    *error = std::string("pidfd_open: ") + std::strerror(errno);
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    CloseAll({out.read, err.read});
    return std::nullopt;
  }
  fcntl(p.pidfd, F_SETFD, FD_CLOEXEC);
  fcntl(out.read, F_SETFL, fcntl(out.read, F_GETFL) | O_NONBLOCK);
  fcntl(err.read, F_SETFL, fcntl(err.read, F_GETFL) | O_NONBLOCK);
  p.stdout_fd = out.read;
  p.stderr_fd = err.read;
  return p;
}

void KillGroup(pid_t pgid) {
  if (pgid > 0) kill(-pgid, SIGKILL);
}

ExitInfo Reap(pid_t pid) {
  ExitInfo info;
  int status = 0;
  struct rusage usage {};
  pid_t r;
  do {
    r = wait4(pid, &status, 0, &usage);
  } while (r < 0 && errno == EINTR);
  if (r != pid) {
    info.description = "exit status unknown";
    return info;
  }
  info.max_rss_kib = usage.ru_maxrss;
  if (WIFEXITED(status)) {
    info.description = "exit status " + std::to_string(WEXITSTATUS(status));
    info.clean = WEXITSTATUS(status) == 0;
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    info.description = sig == SIGKILL ? "signal: killed" : "signal: " + std::string(strsignal(sig));
  }
  return info;
}

int64_t PeakRssMib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) {
      int64_t kib = std::atoll(line.c_str() + 6);
      return (kib + 1023) / 1024;
    }
  }
  return 0;
}

}  // namespace spool::workers
