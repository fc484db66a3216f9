#include "workers/poller.h"

#include <algorithm>

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "common/log.h"
#include "workers/event.h"

namespace spool::workers {
namespace asio = boost::asio;
using common::Log;
using common::LogLevel;
using Clock = std::chrono::steady_clock;

namespace {

asio::awaitable<void> Sleep(Clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

std::string GroupOf(const QueueMessage& m) {
  if (!m.attributes.is_object()) return "";
  auto* g = m.attributes.as_object().if_contains("MessageGroupId");
  return g != nullptr && g->is_string() ? std::string(g->as_string()) : std::string();
}

}  // namespace

Poller::Poller(asio::io_context& io, MappingConfig mapping, SqsTransport* transport,
               std::function<std::shared_ptr<FunctionPool>(const std::string&)> pool_of,
               PollerOptions options)
    : io_(io),
      executor_(io.get_executor()),
      mapping_(std::move(mapping)),
      client_(transport, io.get_executor()),
      pool_of_(std::move(pool_of)),
      options_(options),
      scaler_([&] {
        ScalerOptions s = options.scaler;
        if (mapping_.maximum_concurrency) s.max = std::min(s.max, *mapping_.maximum_concurrency);
        return s;
      }()) {
  std::string error;
  filters_ = FilterSet::Compile(mapping_.filter_patterns, &error);
  if (!filters_) {
    Log(LogLevel::kWarn, "mapping_filter_invalid", {{"uuid", mapping_.uuid}, {"error", error}});
  }
  stats_.uuid = mapping_.uuid;
  stats_.function = mapping_.function_name;
  stats_.queue = mapping_.queue_name;
  stats_.state = "Starting";
}

void Poller::Start() {
  running_ = true;
  asio::co_spawn(io_, Run(), asio::detached);
}

void Poller::Stop() {
  running_ = false;
  stats_.state = "Stopped";
}

MappingStats Poller::stats() const {
  MappingStats s = stats_;
  if (!overheads_.empty()) {
    std::vector<int64_t> sorted = overheads_;
    std::sort(sorted.begin(), sorted.end());
    s.overhead_p50_us = sorted[sorted.size() / 2];
    s.overhead_p99_us = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
  }
  s.target_concurrency = scaler_.target();
  s.active_slots = active_slots_;
  return s;
}

asio::awaitable<void> Poller::Run() {
  auto self = shared_from_this();
  Live live(this);
  // The queue: retried while it is missing (a mapping may be made before its queue).
  while (running_) {
    auto info = co_await client_.Describe(mapping_.queue_name);
    if (info.ok()) {
      queue_ = *info.value;
      break;
    }
    stats_.state = "QueueMissing";
    stats_.last_result = "PROBLEM: " + info.error.code + ": " + info.error.message;
    for (int i = 0; i < 20 && running_; ++i) co_await Sleep(std::chrono::milliseconds(250));
  }
  if (!running_) co_return;
  stats_.state = "Polling";
  if (auto pool = pool_of_(mapping_.function_name)) {
    if (pool->function().timeout_seconds > queue_.visibility_timeout) {
      Log(LogLevel::kWarn, "visibility_shorter_than_timeout",
          {{"queue", mapping_.queue_name},
           {"function", mapping_.function_name},
           {"detail",
            "the queue's visibility timeout is shorter than the function's timeout: "
            "messages can be received again while their invocation still runs"}});
    }
  }
  SpawnSlots();
  // The scaler's tick.
  while (running_) {
    co_await Sleep(options_.tick);
    if (!running_) break;
    double capacity =
        static_cast<double>(
            std::chrono::duration_cast<std::chrono::microseconds>(options_.tick).count()) *
        static_cast<double>(std::max<int64_t>(1, scaler_.target()));
    double used =
        static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(busy_).count());
    busy_ = {};
    int64_t backlog = 0;
    auto b = co_await client_.Backlog(queue_.url);
    if (b.ok()) backlog = *b.value;
    if (auto pool = pool_of_(mapping_.function_name)) {
      int64_t cap = pool->cap();
      int64_t max = options_.scaler.max;
      if (mapping_.maximum_concurrency) max = std::min(max, *mapping_.maximum_concurrency);
      if (queue_.fifo) max = std::min<int64_t>(max, std::max<int64_t>(1, backlog));
      scaler_.set_max(std::max<int64_t>(1, std::min(max, std::max<int64_t>(cap, 1))));
    }
    scaler_.Tick(capacity > 0 ? used / capacity : 0, backlog);
    SpawnSlots();
  }
}

void Poller::SpawnSlots() {
  while (running_ && active_slots_ < scaler_.target()) {
    ++active_slots_;
    asio::co_spawn(io_, Slot(), asio::detached);
  }
}

asio::awaitable<void> Poller::Slot() {
  auto self = shared_from_this();
  Live live(this);
  auto lane = std::make_shared<DeleteLane>(io_);
  std::vector<QueueMessage> carry;
  while (running_) {
    if (active_slots_ > scaler_.target()) break;  // scaled down: this slot ends
    auto batch = co_await Collect(carry);
    if (batch.empty()) continue;
    if (!running_) {
      // Stopped while receiving: the messages go back at once.
      for (auto& m : batch) carry.push_back(std::move(m));
      break;
    }
    auto started = Clock::now();
    BatchRun run = co_await Process(std::move(batch), lane);
    auto spent = Clock::now() - started;
    if (run.throttled) {
      // The function is at its concurrency cap: the time waited is not work (the scaler must
      // not grow on it), and the slot pauses before it takes more messages.
      throttle_pause_ = std::min<Clock::duration>(
          std::max<Clock::duration>(throttle_pause_ * 2, std::chrono::milliseconds(100)),
          std::chrono::seconds(5));
      co_await Sleep(throttle_pause_);
      continue;
    }
    throttle_pause_ = {};
    busy_ += spent;
    if (run.handler_ms >= 0) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(spent).count() -
                static_cast<int64_t>(run.handler_ms * 1000);
      if (overheads_.size() < 1024) {
        overheads_.push_back(std::max<int64_t>(0, us));
      } else {
        overheads_[overhead_next_++ % 1024] = std::max<int64_t>(0, us);
      }
    }
  }
  --active_slots_;
  co_await Drain(lane);
  if (!carry.empty()) {
    std::vector<Settlement> release;
    for (auto& m : carry) release.push_back({m.receipt_handle, 0});
    co_await client_.ChangeVisibility(queue_.url, std::move(release));
  }
}

asio::awaitable<std::vector<QueueMessage>> Poller::Collect(std::vector<QueueMessage>& carry) {
  std::vector<QueueMessage> batch = std::move(carry);
  carry.clear();
  size_t budget = 64;
  for (auto& m : batch) budget += m.body.size() + 1024;
  int64_t want = mapping_.batch_size;
  std::optional<Clock::time_point> window_end;
  if (!batch.empty() && mapping_.batching_window_seconds > 0) {
    window_end = Clock::now() + std::chrono::seconds(mapping_.batching_window_seconds);
  }
  while (running_ && static_cast<int64_t>(batch.size()) < want) {
    int wait = options_.wait_seconds;
    if (window_end) {
      auto left = std::chrono::duration_cast<std::chrono::seconds>(*window_end - Clock::now());
      if (left.count() <= 0) break;
      wait = static_cast<int>(std::min<int64_t>(wait, left.count()));
    } else if (!batch.empty()) {
      wait = 0;
    }
    int max = static_cast<int>(std::min<int64_t>(10, want - static_cast<int64_t>(batch.size())));
    auto received = co_await client_.Receive(queue_.url, max, wait);
    if (!received.ok()) {
      stats_.last_result = "PROBLEM: " + received.error.code + ": " + received.error.message;
      if (received.error.code == "QueueDoesNotExist" ||
          received.error.code == "AWS.SimpleQueueService.NonExistentQueue") {
        stats_.state = "QueueMissing";
      }
      co_await Sleep(std::chrono::seconds(1));
      if (batch.empty()) co_return batch;
      break;
    }
    auto& messages = *received.value;
    stats_.received += static_cast<int64_t>(messages.size());
    if (messages.empty()) {
      if (!window_end) break;  // window 0: whatever one receive gave (possibly nothing)
      continue;
    }
    std::vector<Settlement> release;
    for (auto& m : messages) {
      size_t size = m.body.size() + 1024;
      if (budget + size > kMaxEventBytes && !batch.empty()) {
        if (queue_.fifo) {
          // Not carried on a FIFO queue: if this batch fails, a later message of a failed
          // group must not run first. It goes back now (its group stays locked meanwhile).
          release.push_back({m.receipt_handle, 0});
        } else {
          carry.push_back(std::move(m));  // the next batch starts with it
        }
      } else {
        budget += size;
        batch.push_back(std::move(m));
      }
    }
    if (!release.empty()) {
      co_await client_.ChangeVisibility(queue_.url, std::move(release));
      break;
    }
    if (!carry.empty()) break;
    if (mapping_.batching_window_seconds == 0) break;
    if (!window_end) {
      window_end = Clock::now() + std::chrono::seconds(mapping_.batching_window_seconds);
    }
  }
  co_return batch;
}

namespace {

// FunctionPool::Invoke as an asynchronous operation; a plain function for the reason given at
// AsyncCall in queue_client.cc.
template <class Token>
auto AsyncInvoke(std::shared_ptr<FunctionPool> pool, asio::any_io_executor executor,
                 std::string event, Clock::duration wait, Token&& token) {
  return asio::async_initiate<Token, void(InvokeOutcome)>(
      [executor, wait](auto handler, std::shared_ptr<FunctionPool> pool, std::string event) {
        using Handler = decltype(handler);
        auto* held = new Handler(std::move(handler));
        pool->Invoke(std::move(event), wait, [held, executor](InvokeOutcome outcome) {
          asio::post(executor, [held, outcome = std::move(outcome)]() mutable {
            std::unique_ptr<Handler> owned(held);
            (*owned)(std::move(outcome));
          });
        });
      },
      token, std::move(pool), std::move(event));
}

}  // namespace

asio::awaitable<InvokeOutcome> Poller::InvokeFunction(std::string event, Clock::duration wait) {
  std::shared_ptr<FunctionPool> pool = pool_of_(mapping_.function_name);
  if (!pool) {
    InvokeOutcome out;
    out.status = InvokeOutcome::kNotFound;
    out.error_type = "ResourceNotFoundException";
    co_return out;
  }
  co_return co_await AsyncInvoke(std::move(pool), executor_, std::move(event), wait,
                                 asio::use_awaitable);
}

asio::awaitable<Poller::BatchRun> Poller::Process(std::vector<QueueMessage> batch,
                                                  std::shared_ptr<DeleteLane> lane) {
  // The batch's messages stay hidden from the earliest receive among them.
  auto received_at = Clock::now();
  for (const auto& m : batch) {
    if (m.received_at != Clock::time_point{}) received_at = std::min(received_at, m.received_at);
  }
  // Filters: what matches none is deleted without reaching the function.
  if (filters_ && !filters_->empty()) {
    std::vector<Settlement> drop;
    std::vector<QueueMessage> kept;
    for (auto& m : batch) {
      if (filters_->Matches(m.body)) {
        kept.push_back(std::move(m));
      } else {
        drop.push_back({m.receipt_handle, 0});
      }
    }
    if (!drop.empty()) {
      stats_.filtered_out += static_cast<int64_t>(drop.size());
      co_await client_.Delete(queue_.url, std::move(drop));
    }
    batch = std::move(kept);
    if (batch.empty()) co_return BatchRun{};
  }
  std::vector<std::string> records;
  std::set<std::string> ids;
  records.reserve(batch.size());
  for (const auto& m : batch) {
    records.push_back(EventRecord(m, queue_.arn, options_.region));
    ids.insert(m.message_id);
  }
  // Wait for an environment no longer than the messages stay hidden, less the run itself.
  int64_t timeout = 3;
  if (auto pool = pool_of_(mapping_.function_name)) timeout = pool->function().timeout_seconds;
  auto hidden_until = received_at + std::chrono::seconds(queue_.visibility_timeout);
  auto wait = hidden_until - Clock::now() - std::chrono::seconds(timeout + 1);
  if (wait < Clock::duration::zero()) wait = Clock::duration::zero();
  ++stats_.invocations;
  InvokeOutcome outcome = co_await InvokeFunction(EventOf(records), wait);

  std::set<std::string> failed;
  if (outcome.status != InvokeOutcome::kSuccess) {
    ++stats_.failed;
    failed = ids;
    stats_.last_result = "PROBLEM: Function call failed: " + outcome.error_type;
  } else if (mapping_.report_batch_item_failures) {
    BatchVerdict verdict = JudgeBatchResponse(outcome.payload, ids);
    if (verdict.whole_batch_failed) {
      ++stats_.failed;
      failed = ids;
      stats_.last_result = "PROBLEM: Invalid partial batch response: " + verdict.reason;
      Log(LogLevel::kWarn, "partial_batch_response_rejected",
          {{"request_id", outcome.request_id}, {"reason", verdict.reason}});
    } else {
      failed = std::move(verdict.failed_ids);
      if (!failed.empty()) ++stats_.partial;
      stats_.last_result = "OK";
    }
  } else {
    stats_.last_result = "OK";
  }
  if (failed.empty()) ++stats_.succeeded;
  // FIFO: a failed message holds back every later message of its group in this batch.
  if (queue_.fifo && !failed.empty() && failed.size() < ids.size()) {
    std::set<std::string> stopped_groups;
    for (const auto& m : batch) {
      std::string group = GroupOf(m);
      if (stopped_groups.contains(group)) failed.insert(m.message_id);
      if (failed.contains(m.message_id)) stopped_groups.insert(group);
    }
  }
  co_await Settle(batch, failed, std::move(lane));
  BatchRun run;
  run.throttled = outcome.status == InvokeOutcome::kThrottled;
  if (outcome.status == InvokeOutcome::kSuccess) run.handler_ms = outcome.duration_ms;
  co_return run;
}

asio::awaitable<void> Poller::Drain(std::shared_ptr<DeleteLane> lane) {
  while (lane->busy) {
    lane->signal.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await lane->signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Poller::DeleteInBackground(std::shared_ptr<DeleteLane> lane,
                                                 std::vector<Settlement> entries) {
  auto self = shared_from_this();
  Live live(this);
  size_t n = entries.size();
  auto r = co_await client_.Delete(queue_.url, std::move(entries));
  if (r.ok()) {
    stats_.deleted += static_cast<int64_t>(n) - *r.value;
  } else {
    Log(LogLevel::kWarn, "delete_failed",
        {{"queue", mapping_.queue_name}, {"error", r.error.code + ": " + r.error.message}});
  }
  lane->busy = false;
  lane->signal.cancel();
}

asio::awaitable<void> Poller::Settle(const std::vector<QueueMessage>& batch,
                                     const std::set<std::string>& failed_ids,
                                     std::shared_ptr<DeleteLane> lane) {
  std::vector<Settlement> done, retry;
  for (const auto& m : batch) {
    if (!failed_ids.contains(m.message_id)) {
      done.push_back({m.receipt_handle, 0});
    } else if (mapping_.retry_backoff) {
      const RetryBackoff& b = *mapping_.retry_backoff;
      int64_t n = std::max<int64_t>(1, m.receive_count);
      int64_t cap = b.base_seconds;
      for (int64_t i = 1; i < n && cap < b.max_seconds; ++i) cap *= 2;
      cap = std::min(cap, b.max_seconds);
      int64_t half = cap / 2;
      int64_t delay =
          half + static_cast<int64_t>(random_() % static_cast<uint64_t>(cap - half + 1));
      retry.push_back({m.receipt_handle, std::min<int64_t>(delay, 43200)});
    }
  }
  if (!done.empty()) {
    co_await Drain(lane);
    lane->busy = true;
    asio::co_spawn(io_, DeleteInBackground(lane, std::move(done)), asio::detached);
  }
  if (!retry.empty()) co_await client_.ChangeVisibility(queue_.url, std::move(retry));
}

}  // namespace spool::workers
