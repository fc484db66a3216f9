#include "bench/process_stats.h"

#include <dirent.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace spool::bench {
namespace {

// Caps on what is scanned, so a busy machine cannot make the search unbounded.
constexpr int kMaxProcesses = 100000;
constexpr int kMaxFdsPerProcess = 100000;

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t StatusField(const std::string& status, std::string_view name) {
  size_t at = status.find(name);
  if (at == std::string::npos) return 0;
  std::istringstream in(status.substr(at + name.size()));
  int64_t kb = 0;
  in >> kb;
  return kb;
}

// The inodes of LISTEN sockets on `port` in one /proc/net/tcp-style table.
void ListeningInodes(const std::string& table_path, uint16_t port, std::vector<uint64_t>* out) {
  std::ifstream in(table_path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    uint64_t inode = 0;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    if (!fields || state != "0A") continue;  // 0A: TCP_LISTEN
    size_t colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    unsigned local_port = 0;
    std::string_view hex = std::string_view(local).substr(colon + 1);
    auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), local_port, 16);
    if (ec == std::errc() && local_port == port && inode != 0) out->push_back(inode);
  }
}

bool IsDigits(const char* s) {
  if (*s == '\0') return false;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
  }
  return true;
}

bool ProcessHasSocket(const std::string& pid, const std::vector<std::string>& links) {
  const std::string fd_dir = "/proc/" + pid + "/fd";
  DIR* dir = opendir(fd_dir.c_str());
  if (!dir) return false;
  bool found = false;
  char target[64];
  int seen = 0;
  while (dirent* e = readdir(dir)) {
    if (++seen > kMaxFdsPerProcess) break;
    if (!IsDigits(e->d_name)) continue;
    const std::string path = fd_dir + "/" + e->d_name;
    ssize_t n = readlink(path.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    std::string_view link(target, static_cast<size_t>(n));
    for (const std::string& want : links) {
      if (link == want) found = true;
    }
    if (found) break;
  }
  closedir(dir);
  return found;
}

}  // namespace

std::optional<double> CpuSecondsFromStat(std::string_view line, long ticks_per_second) {
  // The command name (field 2) is in parentheses and may hold spaces or ')': skip to the last.
  size_t close = line.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::istringstream in{std::string(line.substr(close + 1))};
  std::string field;
  // After the name: state (3), ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt,
  // majflt, cmajflt (13), utime (14), stime (15).
  for (int i = 3; i <= 13; ++i) in >> field;
  uint64_t utime = 0, stime = 0;
  in >> utime >> stime;
  if (!in) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
}

std::optional<ProcessSample> SampleProcess(int pid) {
  if (pid <= 0) return std::nullopt;
  const std::string base = "/proc/" + std::to_string(pid);
  auto stat = ReadFile(base + "/stat");
  auto status = ReadFile(base + "/status");
  if (!stat || !status) return std::nullopt;
  auto cpu = CpuSecondsFromStat(*stat, sysconf(_SC_CLK_TCK));
  if (!cpu) return std::nullopt;
  ProcessSample s;
  s.cpu_seconds = *cpu;
  s.peak_rss_kb = StatusField(*status, "VmHWM:");
  s.rss_kb = StatusField(*status, "VmRSS:");
  return s;
}

int FindListeningProcess(uint16_t port) {
  std::vector<uint64_t> inodes;
  ListeningInodes("/proc/net/tcp", port, &inodes);
  ListeningInodes("/proc/net/tcp6", port, &inodes);
  if (inodes.empty()) return 0;
  std::vector<std::string> links;
  for (uint64_t inode : inodes) links.push_back("socket:[" + std::to_string(inode) + "]");
  DIR* proc = opendir("/proc");
  if (!proc) return 0;
  int found = 0;
  int seen = 0;
  while (dirent* e = readdir(proc)) {
    if (++seen > kMaxProcesses) break;
    if (!IsDigits(e->d_name)) continue;
    if (ProcessHasSocket(e->d_name, links)) {
      found = std::stoi(e->d_name);
      break;
    }
  }
  closedir(proc);
  return found;
}

}  // namespace spool::bench
