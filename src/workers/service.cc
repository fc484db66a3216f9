#include "workers/service.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <future>
#include <mutex>

#include "common/log.h"

namespace spool::workers {
namespace asio = boost::asio;
using common::Log;
using common::LogLevel;

Service::Service(ServiceOptions options, SqsTransport* transport, logs::LogStore* logs)
    : options_(std::move(options)), transport_(transport), logs_(logs), work_(io_.get_executor()) {}

Service::~Service() { Stop(); }

void Service::Start() {
  tick_timer_ = std::make_unique<asio::steady_timer>(io_);
  thread_ = std::thread([this] { io_.run(); });
  asio::post(io_, [this] { Tick(); });
}

void Service::BeginStop() {
  asio::post(io_, [this] {
    for (auto& [uuid, poller] : pollers_) poller->Stop();
  });
}

void Service::Stop() {
  if (stop_called_.exchange(true)) return;
  if (!thread_.joinable()) {
    stopped_ = true;
    return;
  }
  BeginStop();
  // Every poller's coroutines end (their receives return, their deletes complete), then the
  // environments are killed and their connections, pipes and exits are seen to the end, so
  // nothing is left half-done on the thread when it stops.
  auto drained = std::make_shared<std::promise<void>>();
  auto finished = drained->get_future();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto check = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak = check;  // no cycle: the timer holds it
  *check = [this, drained, deadline, weak] {
    bool done = true;
    for (auto& [uuid, poller] : pollers_) done = done && poller->finished();
    for (auto& poller : retiring_) done = done && poller->finished();
    if (!done && std::chrono::steady_clock::now() < deadline) {
      tick_timer_->expires_after(std::chrono::milliseconds(20));
      tick_timer_->async_wait([again = weak.lock()](boost::system::error_code) { (*again)(); });
      return;
    }
    if (!done) {
      std::string live;
      for (auto& [uuid, poller] : pollers_) live += std::to_string(poller->live()) + " ";
      for (auto& poller : retiring_) live += std::to_string(poller->live()) + " ";
      Log(LogLevel::kWarn, "workers_stop_timeout",
          {{"coroutines", live},
           {"detail",
            "batches still at work after 10 s are abandoned; their messages come "
            "back when their visibility timeout ends"}});
    }
    tick_timer_->cancel();
    for (auto& [name, pool] : pools_) pool->Shutdown();
    pollers_.clear();
    retiring_.clear();
    pools_.clear();
    drained->set_value();
  };
  asio::post(io_, [this, check] {
    tick_timer_->cancel();
    stopped_ = true;  // Tick() stops re-arming
    asio::post(io_, [check] { (*check)(); });
  });
  finished.wait();
  work_.reset();
  // What is left (sessions closing, exits being reaped) ends on its own; a watchdog stops the
  // loop if something still waits after 3 s.
  std::mutex mu;
  std::condition_variable cv;
  bool joined = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(3), [&] { return joined; })) io_.stop();
  });
  thread_.join();
  {
    std::lock_guard lock(mu);
    joined = true;
  }
  cv.notify_one();
  watchdog.join();
}

void Service::Apply(RegistrySnapshot snapshot) {
  asio::post(io_, [this, snapshot = std::move(snapshot)] {
    if (!stopped_) Reconcile(snapshot);
  });
}

void Service::Reconcile(const RegistrySnapshot& snapshot) {
  auto wanted = [&](const std::string& function) {
    if (options_.only_functions.empty()) return true;
    for (const auto& f : options_.only_functions) {
      if (f == function) return true;
    }
    return false;
  };
  // Functions: new pools, new revisions, gone ones.
  std::map<std::string, bool> seen;
  for (FunctionConfig f : snapshot.functions) {
    if (!wanted(f.name)) continue;
    seen[f.name] = true;
    if (auto it = options_.code_overrides.find(f.name); it != options_.code_overrides.end()) {
      f.code_dir = it->second;
    }
    auto& pool = pools_[f.name];
    if (!pool) {
      pool = std::make_shared<FunctionPool>(io_, &options_.runtime, logs_,
                                            options_.default_concurrency);
      pool->Configure(std::move(f));
    } else if (pool->function().revision_id != f.revision_id) {
      pool->Configure(std::move(f));
    }
  }
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (!seen.contains(it->first)) {
      Log(LogLevel::kInfo, "function_stopped", {{"function", it->first}});
      it->second->Shutdown();
      it = pools_.erase(it);
    } else {
      ++it;
    }
  }
  // Mappings: a changed mapping is stopped and started again with its new configuration.
  std::map<std::string, const MappingConfig*> enabled;
  for (const auto& m : snapshot.mappings) {
    if (m.enabled && wanted(m.function_name) && pools_.contains(m.function_name)) {
      enabled[m.uuid] = &m;
    }
  }
  for (auto it = pollers_.begin(); it != pollers_.end();) {
    auto e = enabled.find(it->first);
    if (e == enabled.end() ||
        e->second->last_modified_ms != it->second->mapping().last_modified_ms) {
      it->second->Stop();
      retiring_.push_back(it->second);
      it = pollers_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [uuid, mapping] : enabled) {
    if (pollers_.contains(uuid)) continue;
    PollerOptions po;
    po.region = options_.runtime.region;
    po.tick = options_.tick;
    po.scaler.initial = options_.initial_concurrency;
    po.scaler.max = options_.default_concurrency;
    auto poller = std::make_shared<Poller>(
        io_, *mapping, transport_,
        [this](const std::string& name) -> std::shared_ptr<FunctionPool> {
          auto it = pools_.find(name);
          return it == pools_.end() ? nullptr : it->second;
        },
        po);
    poller->Start();
    pollers_[uuid] = poller;
    Log(LogLevel::kInfo, "mapping_started",
        {{"uuid", uuid}, {"queue", mapping->queue_name}, {"function", mapping->function_name}});
  }
}

void Service::Invoke(const std::string& function, std::string payload,
                     std::function<void(InvokeOutcome)> done) {
  asio::post(io_, [this, function, payload = std::move(payload), done = std::move(done)]() mutable {
    auto it = pools_.find(function);
    if (stopped_ || it == pools_.end()) {
      InvokeOutcome out;
      out.status = InvokeOutcome::kNotFound;
      out.error_type = "ResourceNotFoundException";
      return done(std::move(out));
    }
    // An invocation outside a mapping waits for an environment as long as the function may run.
    auto wait = std::chrono::seconds(it->second->function().timeout_seconds);
    it->second->Invoke(std::move(payload), wait, std::move(done));
  });
}

void Service::Tick() {
  if (stopped_) return;
  std::erase_if(retiring_, [](const auto& p) { return p->finished(); });
  WorkersStatus status;
  status.running = true;
  for (auto& [name, pool] : pools_) {
    pool->Reap(options_.idle_timeout);
    status.functions.push_back({name, pool->stats()});
  }
  for (auto& [uuid, poller] : pollers_) status.mappings.push_back(poller->stats());
  {
    std::lock_guard lock(status_mu_);
    status_ = std::move(status);
  }
  tick_timer_->expires_after(options_.tick);
  tick_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec) Tick();
  });
}

WorkersStatus Service::Status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

}  // namespace spool::workers
