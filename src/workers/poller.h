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
  void Stop();
  const MappingConfig& mapping() const { return mapping_; }
  MappingStats stats() const;

 private:
  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<void> Slot();
  boost::asio::awaitable<std::vector<QueueMessage>> Collect(std::vector<QueueMessage>& carry);
  // The handler's duration in ms, or -1 when the batch did not run successfully.
  boost::asio::awaitable<double> Process(std::vector<QueueMessage> batch);
  boost::asio::awaitable<InvokeOutcome> InvokeFunction(std::string event,
                                                       std::chrono::steady_clock::duration wait);
  boost::asio::awaitable<void> Settle(const std::vector<QueueMessage>& batch,
                                      const std::set<std::string>& failed_ids);
  void SpawnSlots();

  boost::asio::io_context& io_;
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
  MappingStats stats_;
  std::vector<int64_t> overheads_;  // ring of the last 1024, microseconds
  size_t overhead_next_ = 0;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace spool::workers
