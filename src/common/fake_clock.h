#pragma once
// FakeClock: a Clock and a Scheduler whose time only moves when a test says so.
// Advance() runs every timer that falls due, in time order, on the calling thread (outside the
// internal lock, so callbacks may schedule or cancel timers).

#include <map>
#include <mutex>
#include <utility>

#include "common/clock.h"

namespace spool::common {

class FakeClock final : public Clock, public Scheduler {
 public:
  explicit FakeClock(TimePoint start = FromEpochMillis(1'700'000'000'000)) : now_(start) {}

  TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }

  TimerId RunAt(TimePoint when, std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    TimerId id = ++next_id_;
    timers_.emplace(std::make_pair(when, id), std::move(fn));
    return id;
  }

  void Cancel(TimerId id) override {
    std::lock_guard lock(mu_);
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  // Moves time forward by `d`, running due timers as time passes them.
  void Advance(Millis d) { AdvanceTo(Now() + d); }

  void AdvanceTo(TimePoint target) {
    while (true) {
      std::function<void()> fn;
      {
        std::lock_guard lock(mu_);
        if (timers_.empty() || timers_.begin()->first.first > target) {
          if (now_ < target) now_ = target;
          return;
        }
        auto it = timers_.begin();
        if (now_ < it->first.first) now_ = it->first.first;
        fn = std::move(it->second);
        timers_.erase(it);
      }
      fn();
    }
  }

  size_t PendingTimers() const {
    std::lock_guard lock(mu_);
    return timers_.size();
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;                                                          // guarded by mu_
  TimerId next_id_ = 0;                                                    // guarded by mu_
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;  // guarded by mu_
};

}  // namespace spool::common
