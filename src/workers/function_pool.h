#pragma once
// FunctionPool: the execution environments of one function (workers.md 2.13 steps 5-6).
//
// An invocation takes an idle environment of the function's current revision, or starts a new
// one while the pool is under its cap (the function's reserved concurrency, else the service's
// default); otherwise it waits, first come first served, up to its `max_wait`, and then fails
// as throttled. Environments of an older revision are retired once idle. A runtime that keeps
// failing to start is restarted with exponential backoff (100 ms doubling to 30 s). Idle
// environments are stopped by Reap().
//
// Threading: one io_context thread for everything, `done` included.

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "logs/log_store.h"
#include "workers/environment.h"
#include "workers/function_config.h"
#include "workers/runtimes.h"
#include "workers/status.h"

namespace spool::workers {

class FunctionPool : public std::enable_shared_from_this<FunctionPool> {
 public:
  using Clock = std::chrono::steady_clock;

  FunctionPool(boost::asio::io_context& io, const RuntimeContext* context, logs::LogStore* logs,
               int64_t default_cap);
  ~FunctionPool();

  void Configure(FunctionConfig function);
  const FunctionConfig& function() const { return function_; }

  void Invoke(std::string payload, Clock::duration max_wait,
              std::function<void(InvokeOutcome)> done);
  // Stops environments idle for longer than `idle`.
  void Reap(Clock::duration idle);
  // Kills every environment; waiting invocations fail as throttled.
  void Shutdown();

  PoolStats stats() const;
  int64_t cap() const;

 private:
  struct Waiter {
    std::string payload;
    Clock::time_point expiry;
    std::function<void(InvokeOutcome)> done;
  };
  void Dispatch();
  void Run(const std::shared_ptr<Environment>& env, Waiter waiter);
  void ArmTimer(Clock::time_point when);

  boost::asio::io_context& io_;
  const RuntimeContext* context_;
  logs::LogStore* logs_;
  int64_t default_cap_;
  FunctionConfig function_;
  std::vector<std::shared_ptr<Environment>> environments_;
  std::deque<Waiter> waiters_;
  boost::asio::steady_timer timer_;
  Clock::time_point next_start_{};
  int failed_starts_ = 0;
  bool shut_down_ = false;
  PoolStats counters_;
};

}  // namespace spool::workers
