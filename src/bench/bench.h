#pragma once
// `spool bench`: drives an SQS endpoint with one workload and reports throughput, latency,
// exactly-once accounting and (for a local server) the server's CPU time and memory.

#include "bench/options.h"

namespace spool::bench {

// Runs the workload described by `options` (already validated) and prints the report on stdout
// (table or JSON) and progress on stderr. Returns the process exit code: 0 when every message
// arrived once and nothing failed, 1 on losses, errors or an unfinished run, 2 when the run could
// not start (endpoint unreachable, queues not created).
int RunBench(const BenchOptions& options);

}  // namespace spool::bench
