#pragma once
// Service: the workers of one process. Owns a thread with one io_context, a FunctionPool per
// function and a Poller per enabled mapping, and reconciles them with the registry's
// snapshot whenever it changes (Apply). Inside `spool serve` the snapshot comes from the
// registry and the SQS calls go in process; `spool worker` feeds it the snapshot it reads from
// a remote Spool's Lambda API and sends the SQS calls over signed HTTP.
//
// Threading: Apply, Invoke, Status and Stop may be called from any thread; the work happens on
// the service's thread.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "logs/log_store.h"
#include "workers/function_pool.h"
#include "workers/invoker.h"
#include "workers/poller.h"
#include "workers/registry.h"
#include "workers/runtimes.h"
#include "workers/sqs_port.h"

namespace spool::workers {

struct ServiceOptions {
  RuntimeContext runtime;
  // Environments per function when it has no reserved concurrency; also the most batches a
  // mapping runs at once without a MaximumConcurrency.
  int64_t default_concurrency = 10;
  int64_t initial_concurrency = 2;
  // An environment idle this long is stopped.
  std::chrono::seconds idle_timeout{60};
  std::chrono::milliseconds tick{1000};
  // Mappings run here only for these functions (empty: all).
  std::vector<std::string> only_functions;
  // Code directories to use instead of the registered ones (spool worker --code NAME=DIR).
  std::map<std::string, std::string> code_overrides;
};

class Service final : public Invoker {
 public:
  Service(ServiceOptions options, SqsTransport* transport, logs::LogStore* logs);
  ~Service() override;

  // Before Start(): the endpoint handlers get as AWS_ENDPOINT_URL_SQS.
  void SetSqsEndpoint(std::string url) { options_.runtime.sqs_endpoint = std::move(url); }
  void Start();  // starts the thread
  // Stops the pollers from taking batches (call before the engine's Shutdown(), which ends
  // their waiting receives). Stop() does it too.
  void BeginStop();
  // Waits (up to 10 s) for the pollers to finish their batches, kills the environments, joins
  // the thread. Idempotent.
  void Stop();

  void Apply(RegistrySnapshot snapshot);
  void Invoke(const std::string& function, std::string payload,
              std::function<void(InvokeOutcome)> done) override;
  WorkersStatus Status() const override;  // as of the last tick

 private:
  void Reconcile(const RegistrySnapshot& snapshot);
  void Tick();

  ServiceOptions options_;
  SqsTransport* transport_;
  logs::LogStore* logs_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::map<std::string, std::shared_ptr<FunctionPool>> pools_;
  std::map<std::string, std::shared_ptr<Poller>> pollers_;  // by mapping uuid
  // Stopped pollers whose last batches are still at work (a mapping changed or went away).
  std::vector<std::shared_ptr<Poller>> retiring_;
  std::unique_ptr<boost::asio::steady_timer> tick_timer_;
  mutable std::mutex status_mu_;
  WorkersStatus status_;
  std::atomic<bool> stopped_{false};      // set on the thread once stopping began
  std::atomic<bool> stop_called_{false};  // Stop() ran (it is idempotent)
};

}  // namespace spool::workers
