#pragma once
// What the kernel says about the server process under test (Linux /proc): CPU time and memory,
// and which local process listens on a TCP port.
//
// Every function returns "nothing" rather than failing loudly: the figures are extras, and the
// process may be another user's or gone.

#include <cstdint>
#include <optional>
#include <string_view>

namespace spool::bench {

struct ProcessSample {
  double cpu_seconds = 0;   // utime + stime since the process started
  int64_t peak_rss_kb = 0;  // VmHWM: the largest resident set so far
  int64_t rss_kb = 0;       // VmRSS: the resident set now
};

std::optional<ProcessSample> SampleProcess(int pid);

// The CPU seconds field of a /proc/PID/stat line (exposed for tests); nullopt if malformed.
std::optional<double> CpuSecondsFromStat(std::string_view stat_line, long ticks_per_second);

// The id of the process with a listening TCP socket on `port` (IPv4 or IPv6, any local
// address), found by matching /proc/net/tcp{,6} inodes against /proc/*/fd links; 0 if none is
// visible to us.
int FindListeningProcess(uint16_t port);

}  // namespace spool::bench
