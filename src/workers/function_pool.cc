#include "workers/function_pool.h"

#include <algorithm>

#include "common/log.h"

namespace spool::workers {
using common::Log;
using common::LogLevel;

FunctionPool::FunctionPool(boost::asio::io_context& io, const RuntimeContext* context,
                           logs::LogStore* logs, int64_t default_cap)
    : io_(io), context_(context), logs_(logs), default_cap_(default_cap), timer_(io) {}

FunctionPool::~FunctionPool() {
  Log(LogLevel::kDebug, "function_pool_destroyed", {{"function", function_.name}});
  Shutdown();
}

void FunctionPool::Configure(FunctionConfig function) {
  function_ = std::move(function);
  failed_starts_ = 0;
  next_start_ = {};
  Dispatch();
}

int64_t FunctionPool::cap() const { return function_.reserved_concurrency.value_or(default_cap_); }

void FunctionPool::Invoke(std::string payload, Clock::duration max_wait,
                          std::function<void(InvokeOutcome)> done) {
  if (shut_down_) {
    InvokeOutcome out;
    out.status = InvokeOutcome::kThrottled;
    out.error_type = "TooManyRequestsException";
    return done(std::move(out));
  }
  waiters_.push_back({std::move(payload), Clock::now() + max_wait, std::move(done)});
  Dispatch();
}

void FunctionPool::Dispatch() {
  if (shut_down_) return;
  auto now = Clock::now();
  // Forget the dead; retire idle environments of an older revision.
  std::erase_if(environments_, [&](const std::shared_ptr<Environment>& env) {
    if (env->dead()) return true;
    if (env->available() && env->revision() != function_.revision_id) {
      env->Kill();
      return true;
    }
    return false;
  });
  while (!waiters_.empty()) {
    std::shared_ptr<Environment> chosen;
    for (auto& env : environments_) {
      if (env->available() && env->revision() == function_.revision_id &&
          (!chosen || (env->initialized() && !chosen->initialized()))) {
        chosen = env;
      }
    }
    if (!chosen) {
      if (static_cast<int64_t>(environments_.size()) >= cap()) break;
      if (now < next_start_) break;
      EnvironmentSpec spec;
      spec.function = function_;
      spec.log_stream = NewLogStreamName();
      spec.argv = RuntimeCommand(function_, *context_);
      spec.environment = RuntimeEnvironment(function_, *context_, spec.log_stream);
      spec.function_arn = FunctionArn(*context_, function_.name);
      spec.logs = logs_;
      auto env = std::make_shared<Environment>(io_, std::move(spec));
      std::weak_ptr<FunctionPool> weak = weak_from_this();
      env->set_on_change([weak] {
        if (auto pool = weak.lock()) pool->Dispatch();
      });
      std::string error;
      ++counters_.cold_starts;
      if (!env->Start(&error)) {
        Log(LogLevel::kWarn, "environment_start_failed",
            {{"function", function_.name}, {"error", error}});
        if (logs_ != nullptr) {
          logs_->Append(function_.name, "spool", 0, "Cannot start the runtime: " + error);
        }
        ++failed_starts_;
        next_start_ = now + std::min<Clock::duration>(
                                std::chrono::milliseconds(100) * (1 << std::min(failed_starts_, 9)),
                                std::chrono::seconds(30));
        break;
      }
      environments_.push_back(env);
      chosen = env;
    }
    Waiter waiter = std::move(waiters_.front());
    waiters_.pop_front();
    Run(chosen, std::move(waiter));
  }
  // Throttle what waited too long; wake up for the next expiry or the end of a start backoff.
  Clock::time_point wake = Clock::time_point::max();
  while (!waiters_.empty() && waiters_.front().expiry <= now) {
    Waiter w = std::move(waiters_.front());
    waiters_.pop_front();
    ++counters_.throttles;
    InvokeOutcome out;
    out.status = InvokeOutcome::kThrottled;
    out.error_type = "TooManyRequestsException";
    out.payload = R"({"errorType":"TooManyRequestsException","errorMessage":"Rate Exceeded."})";
    w.done(std::move(out));
  }
  for (const auto& w : waiters_) wake = std::min(wake, w.expiry);
  if (!waiters_.empty() && next_start_ > now) wake = std::min(wake, next_start_);
  if (wake != Clock::time_point::max()) ArmTimer(wake);
}

void FunctionPool::Run(const std::shared_ptr<Environment>& env, Waiter waiter) {
  ++counters_.invocations;
  bool cold = !env->initialized();
  std::weak_ptr<FunctionPool> weak = weak_from_this();
  env->Invoke(std::move(waiter.payload), [weak, env, cold,
                                          done = std::move(waiter.done)](InvokeOutcome outcome) {
    if (auto pool = weak.lock()) {
      if (outcome.status != InvokeOutcome::kSuccess) ++pool->counters_.errors;
      if (cold) {
        if (env->initialized()) {
          pool->failed_starts_ = 0;
        } else {
          ++pool->failed_starts_;
          pool->next_start_ =
              Clock::now() + std::min<Clock::duration>(std::chrono::milliseconds(100) *
                                                           (1 << std::min(pool->failed_starts_, 9)),
                                                       std::chrono::seconds(30));
        }
      }
    }
    done(std::move(outcome));
  });
}

void FunctionPool::ArmTimer(Clock::time_point when) {
  timer_.expires_at(when);
  std::weak_ptr<FunctionPool> weak = weak_from_this();
  timer_.async_wait([weak](boost::system::error_code ec) {
    if (ec) return;
    if (auto pool = weak.lock()) pool->Dispatch();
  });
}

void FunctionPool::Reap(Clock::duration idle) {
  auto now = Clock::now();
  std::erase_if(environments_, [&](const std::shared_ptr<Environment>& env) {
    if (env->dead()) return true;
    if (env->available() && now - env->idle_since() > idle) {
      env->Kill();
      return true;
    }
    return false;
  });
}

void FunctionPool::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  timer_.cancel();
  for (auto& env : environments_) env->Kill();
  environments_.clear();
  while (!waiters_.empty()) {
    Waiter w = std::move(waiters_.front());
    waiters_.pop_front();
    InvokeOutcome out;
    out.status = InvokeOutcome::kThrottled;
    out.error_type = "TooManyRequestsException";
    w.done(std::move(out));
  }
}

PoolStats FunctionPool::stats() const {
  PoolStats s = counters_;
  s.environments = static_cast<int64_t>(environments_.size());
  s.busy = std::count_if(environments_.begin(), environments_.end(),
                         [](const auto& e) { return !e->available() && !e->dead(); });
  s.waiting = static_cast<int64_t>(waiters_.size());
  return s;
}

}  // namespace spool::workers
