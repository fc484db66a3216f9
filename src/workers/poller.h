#pragma once
// Poller: one event source mapping at work (workers.md 2.13). Runs `target` slots, each a loop
// of: receive (long poll, all attributes) until BatchSize, the batching window or the 6 MB
// event budget; delete the messages no filter matches; invoke the function with the Lambda
// event; settle: delete what succeeded (all, or what a ReportBatchItemFailures response does
// not list; on FIFO queues a failed message also keeps every later message of its group),
// leave the rest to the visibility timeout, or hide it for the mapping's RetryBackoff delay.
// A Scaler sets `target` every tick from the slots' utilisation and the queue's backlog.
//
// Threading: one io_context thread. Stop() lets the slots finish their batch; messages a slot
// receives after Stop() are made visible again at once.

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "workers/filter.h"
#include "workers/function_config.h"
#include "workers/function_pool.h"
#include "workers/scaler.h"
#include "workers/sqs_port.h"
#include "workers/status.h"

namespace spool::workers {

struct PollerOptions {
  std::string region;
  ScalerOptions scaler;
  std::chrono::milliseconds tick{1000};
  int wait_seconds = 20;  // long poll of each receive
};

class Poller : public std::enable_shared_from_this<Poller> {
 public:
  // `pool_of` finds the pool of the mapping's function (null when it is gone).
  Poller(boost::asio::io_context& io, MappingConfig mapping, SqsTransport* transport,
         std::function<std::shared_ptr<FunctionPool>(const std::string&)> pool_of,
         PollerOptions options);
  void Start();
  // Stops taking batches; the slots finish theirs (a receive in progress ends with its wait).
  void Stop();
  // True once every coroutine of the poller has ended (after Stop()).
  bool finished() const { return live_ == 0; }
  int64_t live() const { return live_; }
  const MappingConfig& mapping() const { return mapping_; }
  MappingStats stats() const;

 private:
  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<void> Slot();
  boost::asio::awaitable<std::vector<QueueMessage>> Collect(std::vector<QueueMessage>& carry);
  // A slot's deletes run in the background, one call at a time: the slot takes its next batch
  // while the last one's deletes become durable.
  struct DeleteLane {
    explicit DeleteLane(boost::asio::io_context& io) : signal(io) {}
    bool busy = false;
    boost::asio::steady_timer signal;  // cancelled when a delete ends
  };
  boost::asio::awaitable<void> Drain(std::shared_ptr<DeleteLane> lane);
  boost::asio::awaitable<void> DeleteInBackground(std::shared_ptr<DeleteLane> lane,
                                                  std::vector<Settlement> entries);
  struct BatchRun {
    double handler_ms = -1;  // the handler's own time, when it succeeded
    bool throttled = false;  // no environment could be had
  };
  boost::asio::awaitable<BatchRun> Process(std::vector<QueueMessage> batch,
                                           std::shared_ptr<DeleteLane> lane);
  boost::asio::awaitable<InvokeOutcome> InvokeFunction(std::string event,
                                                       std::chrono::steady_clock::duration wait);
  boost::asio::awaitable<void> Settle(const std::vector<QueueMessage>& batch,
                                      const std::set<std::string>& failed_ids,
                                      std::shared_ptr<DeleteLane> lane);
  void SpawnSlots();

  // Counts the poller's running coroutines (RAII, one per coroutine).
  struct Live {
    explicit Live(Poller* p) : poller(p) { ++poller->live_; }
    ~Live() { --poller->live_; }
    Live(const Live&) = delete;
    Live& operator=(const Live&) = delete;
    Poller* poller;
  };
  int64_t live_ = 0;

  boost::asio::io_context& io_;
  boost::asio::any_io_executor executor_;
  MappingConfig mapping_;
  QueueClient client_;
  std::function<std::shared_ptr<FunctionPool>(const std::string&)> pool_of_;
  PollerOptions options_;
  std::optional<FilterSet> filters_;
  Scaler scaler_;
  QueueInfo queue_;
  bool running_ = false;
  int64_t active_slots_ = 0;
  std::chrono::steady_clock::duration busy_{};  // slot time spent on batches since the last tick
  std::chrono::steady_clock::duration throttle_pause_{};
  MappingStats stats_;
  std::vector<int64_t> overheads_;  // ring of the last 1024, microseconds
  size_t overhead_next_ = 0;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace spool::workers
