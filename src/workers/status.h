#pragma once
// What the workers are doing, for the CLI and the Lambda API (as of the service's last tick,
// about a second old at most).

#include <cstdint>
#include <string>
#include <vector>

namespace spool::workers {

struct PoolStats {
  int64_t environments = 0;
  int64_t busy = 0;
  int64_t waiting = 0;  // invocations waiting for an environment
  int64_t invocations = 0;
  int64_t errors = 0;  // function errors, timeouts, crashes
  int64_t throttles = 0;
  int64_t cold_starts = 0;
};

struct MappingStats {
  std::string uuid;
  std::string function;
  std::string queue;
  std::string state;  // "Starting", "Polling", "QueueMissing", "Stopped"
  int64_t target_concurrency = 0;
  int64_t active_slots = 0;
  int64_t received = 0;
  int64_t filtered_out = 0;
  int64_t invocations = 0;
  int64_t succeeded = 0;
  int64_t failed = 0;   // invocations that failed whole (error, timeout, crash, throttle)
  int64_t partial = 0;  // invocations with some failed items
  int64_t deleted = 0;
  std::string last_result;  // Lambda's LastProcessingResult: "OK" or "PROBLEM: ..."
  // What Spool adds to an invocation (event made, environment taken, Runtime API round trips,
  // settling: the batch in hand until its deletes are done, less the handler's own time), over
  // the last 1024 invocations, in microseconds.
  int64_t overhead_p50_us = 0;
  int64_t overhead_p99_us = 0;
};

struct FunctionStatus {
  std::string name;
  PoolStats pool;
};

struct WorkersStatus {
  bool running = false;  // false: this server runs no workers (--no-workers)
  std::vector<FunctionStatus> functions;
  std::vector<MappingStats> mappings;
};

}  // namespace spool::workers
