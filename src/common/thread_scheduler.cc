#include "common/thread_scheduler.h"

namespace spool::common {

ThreadScheduler::ThreadScheduler(const Clock* clock) : clock_(clock) {
  thread_ = std::thread([this] { Run(); });
}

ThreadScheduler::~ThreadScheduler() { Stop(); }

Scheduler::TimerId ThreadScheduler::RunAt(TimePoint when, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  TimerId id = ++next_id_;
  bool earliest = timers_.empty() || when < timers_.begin()->first.first;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  when_.emplace(id, when);
  if (earliest) cv_.notify_one();
  return id;
}

void ThreadScheduler::Cancel(TimerId id) {
  if (id == 0) return;
  std::lock_guard lock(mu_);
  auto it = when_.find(id);
  if (it == when_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  when_.erase(it);
}

void ThreadScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    timers_.clear();
    when_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void ThreadScheduler::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto it = timers_.begin();
    TimePoint now = clock_->Now();
    if (it->first.first > now) {
      // Wake at the due time, or earlier when an earlier timer arrives.
      cv_.wait_for(lock, it->first.first - now);
      continue;
    }
    std::function<void()> fn = std::move(it->second);
    when_.erase(it->first.second);
    timers_.erase(it);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace spool::common
