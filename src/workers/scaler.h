#pragma once
// Scaler: how many concurrent batches a mapping runs (workers.md 2.8, scaled to one host).
// Starts at `initial`; each tick (about a second) it adds one while every slot was busy
// (utilisation >= 90%) and the queue still has a backlog; after `shrink_after` ticks in a row
// below 50% utilisation it removes one. Never below `min` nor above `max`.
//
// Threading: a value type, used by one thread. Pure logic, so it is tested on its own.

#include <algorithm>
#include <cstdint>

namespace spool::workers {

struct ScalerOptions {
  int64_t initial = 2;
  int64_t min = 1;
  int64_t max = 10;
  int shrink_after = 5;
};

class Scaler {
 public:
  explicit Scaler(ScalerOptions options)
      : options_(options),
        target_(std::clamp(options.initial, std::min(options.min, options.max), options.max)) {}

  int64_t target() const { return target_; }
  void set_max(int64_t max) {
    options_.max = std::max<int64_t>(1, max);
    target_ = std::min(target_, options_.max);
  }

  // `utilisation`: busy slot-time over target * tick; `backlog`: visible messages.
  void Tick(double utilisation, int64_t backlog) {
    if (utilisation >= 0.9 && backlog > 0) {
      quiet_ticks_ = 0;
      target_ = std::min(target_ + 1, options_.max);
      return;
    }
    if (utilisation < 0.5) {
      if (++quiet_ticks_ >= options_.shrink_after) {
        quiet_ticks_ = 0;
        target_ = std::max(target_ - 1, std::min(options_.min, options_.max));
      }
      return;
    }
    quiet_ticks_ = 0;
  }

 private:
  ScalerOptions options_;
  int64_t target_;
  int quiet_ticks_ = 0;
};

}  // namespace spool::workers
