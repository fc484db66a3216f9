#pragma once
// The outcome of one run and its two renderings: a table for people, one JSON object for
// scripts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/latency.h"
#include "bench/options.h"

namespace spool::bench {

struct Report {
  BenchOptions options;        // as validated
  uint64_t messages = 0;       // sent (produce), consumed (consume), received and deleted (others)
  double seconds = 0;          // the measured phase
  LatencyRecorder send;        // per SendMessage(Batch) request
  LatencyRecorder receive;     // per ReceiveMessage request that returned messages
  LatencyRecorder remove;      // per DeleteMessageBatch request
  LatencyRecorder end_to_end;  // send request start -> a consumer has the message (latency)
  // Exactly-once accounting; nullopt where the workload cannot tell (produce; consume of a
  // queue holding messages this run did not send).
  std::optional<uint64_t> losses;
  std::optional<uint64_t> duplicates;
  uint64_t foreign = 0;  // received messages not sent by this run (earlier runs, other clients)
  uint64_t errors = 0;
  std::vector<std::string> error_samples;  // "Code: message (xN)", a few distinct ones
  bool completed = true;  // false when the duration cap or the idle limit ended the run
  std::string stop_reason;
  int server_pid = 0;
  std::optional<double> server_cpu_seconds;
  std::optional<double> client_cpu_seconds;  // this process, over the same interval
  std::optional<int64_t> server_peak_rss_kb;
  std::optional<int64_t> server_rss_kb;

  double MessagesPerSecond() const { return seconds > 0 ? double(messages) / seconds : 0; }
  std::optional<double> MessagesPerServerCpuSecond() const;
  // Non-zero exit when something was lost, failed or left unfinished.
  bool Failed() const;
};

std::string FormatTable(const Report& r);
std::string FormatJson(const Report& r);

}  // namespace spool::bench
