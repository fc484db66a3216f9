#pragma once
// ThreadScheduler: a Scheduler backed by one thread and the system clock.
// Callbacks run on that thread, one at a time, outside the internal lock; they must be short
// (the engine's take a lock and hand completions to other executors).
// Stop() (or the destructor) drops pending timers and joins the thread; after it returns no
// callback runs.

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/clock.h"

namespace spool::common {

class ThreadScheduler final : public Scheduler {
 public:
  explicit ThreadScheduler(const Clock* clock);
  ~ThreadScheduler() override;
  ThreadScheduler(const ThreadScheduler&) = delete;
  ThreadScheduler& operator=(const ThreadScheduler&) = delete;

  TimerId RunAt(TimePoint when, std::function<void()> fn) override;
  void Cancel(TimerId id) override;
  void Stop();

 private:
  void Run();

  const Clock* clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                                                  // guarded by mu_
  TimerId next_id_ = 0;                                                    // guarded by mu_
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;  // guarded by mu_
  std::unordered_map<TimerId, TimePoint> when_;                            // guarded by mu_
  std::thread thread_;
};

}  // namespace spool::common
