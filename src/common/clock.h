#pragma once
// Time as the rest of Spool sees it. Everything that depends on time (visibility timeouts,
// delays, retention, long-poll deadlines, cool-downs) takes a Clock and, when it must act later,
// a Scheduler, so tests drive time with FakeClock instead of sleeping.
//
// Threading: every implementation is safe to call from any thread.

#include <chrono>
#include <cstdint>
#include <functional>

namespace spool::common {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

inline int64_t ToEpochMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromEpochMillis(int64_t ms) { return TimePoint(Millis(ms)); }

// Wall-clock time in milliseconds since the Unix epoch.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  }
};

// Runs callbacks at (or soon after) a point in time of the paired Clock.
// Callbacks run on a thread of the scheduler's choosing, never inside RunAt or Cancel.
class Scheduler {
 public:
  using TimerId = uint64_t;
  virtual ~Scheduler() = default;
  // Schedules `fn` to run once at `when`. Never returns 0.
  virtual TimerId RunAt(TimePoint when, std::function<void()> fn) = 0;
  // Best effort: a timer that is already running or done is not affected. Cancel(0) is a no-op.
  virtual void Cancel(TimerId id) = 0;
};

}  // namespace spool::common
