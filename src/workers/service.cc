#include "workers/service.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>

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

void Service::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (!thread_.joinable()) return;
  std::promise<void> stopped;
  asio::post(io_, [this, &stopped] {
    for (auto& [uuid, poller] : pollers_) poller->Stop();
    for (auto& [name, pool] : pools_) pool->Shutdown();
    pollers_.clear();
    pools_.clear();
    if (tick_timer_) tick_timer_->cancel();
    stopped.set_value();
  });
  stopped.get_future().wait();
  work_.reset();
  io_.stop();  // pollers waiting on receives are abandoned; their messages come back by timeout
  thread_.join();
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
