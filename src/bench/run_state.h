#pragma once
// RunState: what the coroutines of one phase of a run share, and the coroutines themselves.
//
// A phase is a set of worker coroutines (producers, consumers), one per connection, plus a
// monitor. Every worker loop is bounded twice: by a count (sequence numbers to send, messages to
// consume) and by the phase deadline; the monitor also ends a phase that stopped making
// progress. Finish() ends a phase: workers stop after their current request (no long poll is
// abandoned on the server), and the time of the first Finish() is the end of the measurement.
//
// Threading: workers may run on several threads (one strand per connection). Counters are
// atomics; error samples are under a mutex; latency recorders are per worker, merged at the end.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "bench/http_client.h"
#include "bench/latency.h"
#include "bench/options.h"
#include "bench/tracker.h"

namespace spool::bench {

// Steady-clock nanoseconds: the time base of latencies and of the send time in bodies.
int64_t NowNanos();

struct WorkerStats {
  LatencyRecorder send;
  LatencyRecorder receive;
  LatencyRecorder remove;
  LatencyRecorder end_to_end;
};

struct RunState {
  RunState(const BenchOptions& options, uint64_t run_id, std::vector<std::string> queue_urls);

  const BenchOptions& options;
  const uint64_t run_id;
  const std::vector<std::string> queue_urls;
  ExactlyOnceTracker tracker;  // sequence numbers 0 .. options.messages-1 (and prefill)

  // Set before a phase starts.
  uint64_t send_limit = 0;      // producers send sequence numbers [first_seq, send_limit)
  uint64_t consume_target = 0;  // consume: the phase is complete at this many messages
  bool consumers_wait_for_producers = false;  // lifecycle, latency: complete when all sent are in
  int64_t start_nanos = 0;
  int64_t deadline_nanos = 0;
  // Called once, by the first Finish(), on the thread that calls it (to sample the server's CPU
  // time at the end of the measurement rather than after the workers have wound down).
  std::function<void()> on_finish;

  std::atomic<uint64_t> next_seq{0};
  std::atomic<uint64_t> sent{0};      // sends acknowledged in this phase
  std::atomic<uint64_t> consumed{0};  // first receipts of ours plus foreign messages
  std::atomic<uint64_t> deleted{0};
  std::atomic<uint64_t> foreign{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<int> producers_running{0};
  std::atomic<int> workers_running{0};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> end_nanos{0};
  std::atomic<int64_t> last_progress_nanos{0};

  // Resets the per-phase counters (not the tracker) for a new phase.
  void BeginPhase(int64_t now, double duration_seconds);
  // Ends the phase once; later calls do nothing. `completed` false: it ended early.
  void Finish(std::string_view reason, bool completed);
  // Calls Finish when the phase's completion condition holds.
  void MaybeFinish();
  bool completed() const;
  std::string stop_reason() const;

  // Counts one error and keeps a sample of its text (a few distinct ones, with counts).
  void RecordError(std::string_view what);
  std::vector<std::string> ErrorSamples() const;

 private:
  mutable std::mutex mu_;
  bool completed_ = false;                   // guarded by mu_
  std::string stop_reason_;                  // guarded by mu_
  std::map<std::string, uint64_t> samples_;  // guarded by mu_
};

// Sends batches of `options.batch` (SendMessageBatch) to queue `queue` until the sequence
// numbers or the time run out.
boost::asio::awaitable<void> Produce(RunState* s, Connection* c, int queue, WorkerStats* stats);
// Sends single messages (SendMessage) at `options.rate`, round-robin over the queues.
boost::asio::awaitable<void> ProduceAtRate(RunState* s, Connection* c, WorkerStats* stats);
// Receives (long polling) from queue `queue` and deletes what it got, until the phase ends.
boost::asio::awaitable<void> Consume(RunState* s, Connection* c, int queue, WorkerStats* stats);

}  // namespace spool::bench
