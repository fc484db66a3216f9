#include "bench/bench.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bench/http_client.h"
#include "bench/process_stats.h"
#include "bench/report.h"
#include "bench/run_state.h"
#include "bench/sqs_json.h"
#include "common/crypto.h"

namespace spool::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kSetupTimeout{10'000};
constexpr std::chrono::milliseconds kMonitorTick{100};
// A phase with nothing sent or received for this long (once every send is done) has stalled.
constexpr int64_t kIdleLimitNanos = 10'000'000'000;
// After Finish(), how long workers get to complete their last request before being cut off.
constexpr int64_t kGraceNanos = 10'000'000'000;

// Everything one phase runs: connections with their workers, and a monitor.
class Phase {
 public:
  Phase(asio::io_context* ioc, RunState* state, const ClientConfig* client, std::string label)
      : ioc_(ioc), state_(state), client_(client), label_(std::move(label)) {}

  enum class Role { kProducer, kRateProducer, kConsumer };
  void Add(Role role, int queue) { workers_.push_back({role, queue}); }

  // Runs every worker and the monitor on `threads` threads until all have returned.
  void Run(int threads, std::vector<WorkerStats>* stats) {
    stats->assign(workers_.size(), WorkerStats{});
    connections_.clear();
    for (const Worker& w : workers_) {
      connections_.push_back(std::make_unique<Connection>(asio::make_strand(*ioc_), client_));
      if (w.role != Role::kConsumer) state_->producers_running++;
      state_->workers_running++;
    }
    for (size_t i = 0; i < workers_.size(); ++i) {
      Connection* c = connections_[i].get();
      WorkerStats* st = &(*stats)[i];
      asio::awaitable<void> body =
          workers_[i].role == Role::kProducer       ? Produce(state_, c, workers_[i].queue, st)
          : workers_[i].role == Role::kRateProducer ? ProduceAtRate(state_, c, st)
                                                    : Consume(state_, c, workers_[i].queue, st);
      asio::co_spawn(c->get_executor(), std::move(body), [this](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            state_->RecordError(std::string("worker failed: ") + ex.what());
          }
        }
        state_->workers_running--;
      });
    }
    asio::co_spawn(asio::make_strand(*ioc_), Monitor(), [](std::exception_ptr) {});
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([this] { ioc_->run(); });
    ioc_->run();
    for (std::thread& t : pool) t.join();
    ioc_->restart();
    connections_.clear();
    if (!state_->stop.load()) state_->Finish("every connection stopped", false);
  }

 private:
  struct Worker {
    Role role;
    int queue;
  };

  asio::awaitable<void> Monitor() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const bool tty = isatty(STDERR_FILENO) == 1;
    const int64_t print_every = tty ? 250'000'000 : 5'000'000'000;
    int64_t next_print = state_->start_nanos + print_every;
    bool cut_off = false;
    while (state_->workers_running.load() > 0) {
      timer.expires_after(kMonitorTick);
      co_await timer.async_wait(kTuple);
      const int64_t now = NowNanos();
      if (now >= state_->deadline_nanos) state_->Finish("the --duration cap was reached", false);
      if (state_->producers_running.load() == 0 &&
          now - state_->last_progress_nanos.load() > kIdleLimitNanos) {
        state_->Finish("no message arrived for 10 s", false);
      }
      if (state_->stop.load() && !cut_off && now > state_->end_nanos.load() + kGraceNanos) {
        cut_off = true;  // workers stuck in a request: close their connections
        for (auto& c : connections_) {
          Connection* conn = c.get();
          asio::post(conn->get_executor(), [conn] { conn->Close(); });
        }
      }
      if (now >= next_print && state_->workers_running.load() > 0) {
        Print(now, tty, false);
        next_print = now + print_every;
      }
    }
    Print(NowNanos(), tty, true);
  }

  void Print(int64_t now, bool tty, bool last) {
    const double elapsed = double(now - state_->start_nanos) / 1e9;
    const uint64_t sent = state_->sent.load();
    const uint64_t got =
        state_->consume_target > 0 ? state_->consumed.load() : state_->tracker.received();
    const uint64_t done = state_->consume_target > 0             ? state_->consumed.load()
                          : state_->consumers_wait_for_producers ? got
                                                                 : sent;
    const uint64_t total = state_->consume_target > 0 ? state_->consume_target : state_->send_limit;
    const double fraction = total ? std::min(1.0, double(done) / double(total)) : 0.0;
    std::string bar;
    if (tty) {  // [#########-----------]
      constexpr int kWidth = 20;
      const int filled = static_cast<int>(fraction * kWidth);
      bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] ";
    }
    char line[256];
    std::snprintf(line, sizeof line, "%s %s%6.1f s  %3.0f%%  sent %llu  received %llu  errors %llu",
                  label_.c_str(), bar.c_str(), elapsed, 100.0 * fraction,
                  static_cast<unsigned long long>(sent), static_cast<unsigned long long>(got),
                  static_cast<unsigned long long>(state_->errors.load()));
    if (tty) {
      std::fprintf(stderr, "\r\033[K%s%s", line, last ? "\n" : "");
    } else {
      std::fprintf(stderr, "%s\n", line);
    }
  }

  asio::io_context* ioc_;
  RunState* state_;
  const ClientConfig* client_;
  std::string label_;
  std::vector<Worker> workers_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

// Creates the queues and, for consume, reads their depth. Runs on one connection.
struct Setup {
  std::vector<std::string> urls;
  uint64_t depth = 0;
  std::string error;
};

asio::awaitable<void> RunSetup(const BenchOptions* o, Connection* c, Setup* out) {
  HttpReply reply;
  for (int q = 0; q < o->queues; ++q) {
    auto ec = co_await c->Call("CreateQueue", CreateQueueRequest(QueueName(*o, q), o->fifo),
                               kSetupTimeout, &reply);
    if (ec) {
      out->error = "cannot reach " + o->endpoint + ": " + ec.message();
      co_return;
    }
    std::string url;
    if (reply.status != 200 || !ParseCreateQueue(reply.body, &url, &out->error)) {
      ApiError e = ParseApiError(reply.status, reply.body);
      out->error = "CreateQueue " + QueueName(*o, q) + ": " + e.code + ": " + e.message;
      co_return;
    }
    out->urls.push_back(std::move(url));
  }
  if (o->workload != Workload::kConsume) co_return;
  for (const std::string& url : out->urls) {
    auto ec = co_await c->Call("GetQueueAttributes", QueueDepthRequest(url), kSetupTimeout, &reply);
    uint64_t depth = 0;
    if (ec || reply.status != 200 || !ParseQueueDepth(reply.body, &depth, &out->error)) {
      out->error = "GetQueueAttributes " + url + ": " +
                   (ec ? ec.message() : ParseApiError(reply.status, reply.body).message);
      co_return;
    }
    out->depth += depth;
  }
}

uint64_t NewRunId() {
  uint64_t id = 0;
  common::RandomBytes(&id, sizeof id);
  return id;
}

bool IsLocalHost(const std::vector<tcp::endpoint>& addresses) {
  for (const tcp::endpoint& e : addresses) {
    if (!e.address().is_loopback()) return false;
  }
  return !addresses.empty();
}

void Merge(const std::vector<WorkerStats>& stats, Report* r) {
  for (const WorkerStats& s : stats) {
    r->send.Merge(s.send);
    r->receive.Merge(s.receive);
    r->remove.Merge(s.remove);
    r->end_to_end.Merge(s.end_to_end);
  }
}

}  // namespace

int RunBench(const BenchOptions& o) {
  ClientConfig client;
  std::string error;
  if (!ParseEndpoint(o.endpoint, &client.endpoint, &error)) {
    std::fprintf(stderr, "spool bench: %s\n", error.c_str());
    return 2;
  }
  client.sign = o.sign;
  client.access_key = o.access_key;
  client.secret_key = o.secret_key;
  client.region = o.region;

  asio::io_context ioc;
  {
    tcp::resolver resolver(ioc);
    boost::system::error_code ec;
    auto results = resolver.resolve(client.endpoint.host, std::to_string(client.endpoint.port), ec);
    if (ec) {
      std::fprintf(stderr, "spool bench: cannot resolve %s: %s\n", client.endpoint.host.c_str(),
                   ec.message().c_str());
      return 2;
    }
    for (const auto& r : results) client.addresses.push_back(r.endpoint());
  }

  Report report;
  report.options = o;
  report.server_pid = o.server_pid;
  if (report.server_pid == 0 && IsLocalHost(client.addresses)) {
    report.server_pid = FindListeningProcess(client.endpoint.port);
  }

  Setup setup;
  {
    Connection c(asio::make_strand(ioc), &client);
    asio::co_spawn(ioc, RunSetup(&o, &c, &setup), asio::detached);
    ioc.run();
    ioc.restart();
  }
  if (!setup.error.empty()) {
    std::fprintf(stderr, "spool bench: %s\n", setup.error.c_str());
    return 2;
  }

  // latency --noisy-backlog: one tenant floods the queues first (another run id: the measured
  // receivers count its messages as foreign and delete them).
  BenchOptions measured = o;
  if (o.noisy_backlog > 0) {
    BenchOptions flood = o;
    flood.messages = o.noisy_backlog;
    flood.fixed_group = o.fair_groups ? "noisy" : "";
    RunState noisy(flood, NewRunId(), setup.urls);
    noisy.BeginPhase(NowNanos(), o.duration_seconds);
    noisy.send_limit = o.noisy_backlog;
    std::vector<WorkerStats> ignored;
    Phase backlog(&ioc, &noisy, &client, "noisy backlog");
    for (int i = 0; i < o.connections; ++i) backlog.Add(Phase::Role::kProducer, i % o.queues);
    backlog.Run(o.threads, &ignored);
    if (!noisy.completed()) {
      std::fprintf(stderr, "spool bench: the noisy backlog did not finish: %s\n",
                   noisy.stop_reason().c_str());
      return 2;
    }
    if (o.fair_groups) measured.fixed_group = "quiet";
  }

  RunState state(measured, NewRunId(), setup.urls);
  std::vector<WorkerStats> stats;
  const int queues = o.queues;

  // consume: top the queues up first, outside the measurement.
  bool foreign_possible = false;
  if (o.workload == Workload::kConsume) {
    foreign_possible = setup.depth > 0;
    if (setup.depth < o.messages && o.prefill) {
      state.BeginPhase(NowNanos(), o.duration_seconds);
      state.send_limit = o.messages - setup.depth;
      Phase prefill(&ioc, &state, &client, "prefill");
      for (int i = 0; i < o.connections; ++i) prefill.Add(Phase::Role::kProducer, i % queues);
      prefill.Run(o.threads, &stats);
      if (!state.completed()) {
        std::fprintf(stderr, "spool bench: prefill did not finish: %s\n",
                     state.stop_reason().c_str());
        return 2;
      }
    } else if (setup.depth == 0) {
      std::fprintf(stderr,
                   "spool bench: the queue(s) are empty: run `spool bench produce` first or pass "
                   "--prefill\n");
      return 2;
    }
  }

  const std::optional<ProcessSample> before = SampleProcess(report.server_pid);
  const std::optional<ProcessSample> client_before = SampleProcess(getpid());
  std::optional<ProcessSample> after, client_after;
  state.on_finish = [&] {
    after = SampleProcess(report.server_pid);
    client_after = SampleProcess(getpid());
  };
  const uint64_t errors_before = state.errors.load();
  state.BeginPhase(NowNanos(), o.duration_seconds);
  Phase phase(&ioc, &state, &client, WorkloadName(o.workload));
  switch (o.workload) {
    case Workload::kProduce:
      state.send_limit = o.messages;
      for (int i = 0; i < o.connections; ++i) phase.Add(Phase::Role::kProducer, i % queues);
      break;
    case Workload::kConsume:
      state.consume_target = o.messages;
      for (int i = 0; i < o.connections; ++i) phase.Add(Phase::Role::kConsumer, i % queues);
      break;
    case Workload::kLifecycle: {
      state.send_limit = o.messages;
      state.consumers_wait_for_producers = true;
      const int producers = o.connections / 2;
      for (int i = 0; i < producers; ++i) phase.Add(Phase::Role::kProducer, i % queues);
      for (int i = producers; i < o.connections; ++i) {
        phase.Add(Phase::Role::kConsumer, (i - producers) % queues);
      }
      break;
    }
    case Workload::kLatency:
      state.send_limit = o.messages;
      state.consumers_wait_for_producers = true;
      phase.Add(Phase::Role::kRateProducer, 0);
      for (int i = 1; i < o.connections; ++i) phase.Add(Phase::Role::kConsumer, (i - 1) % queues);
      break;
  }
  phase.Run(o.threads, &stats);

  Merge(stats, &report);
  int64_t end = state.end_nanos.load();
  if (end == 0) end = NowNanos();
  report.seconds = double(end - state.start_nanos) / 1e9;
  report.completed = state.completed();
  report.stop_reason = state.stop_reason();
  report.errors = state.errors.load() - errors_before;
  report.error_samples = state.ErrorSamples();
  report.foreign = state.foreign.load();
  switch (o.workload) {
    case Workload::kProduce:
      report.messages = state.sent.load();
      break;
    case Workload::kConsume:
      report.messages = state.consumed.load();
      if (!foreign_possible && report.foreign == 0) {
        report.losses = state.tracker.Losses();
        report.duplicates = state.tracker.duplicates();
      }
      break;
    case Workload::kLifecycle:
    case Workload::kLatency:
      report.messages = state.tracker.received();
      report.losses = state.tracker.Losses();
      report.duplicates = state.tracker.duplicates();
      break;
  }
  if (client_before && client_after) {
    report.client_cpu_seconds = client_after->cpu_seconds - client_before->cpu_seconds;
  }
  if (before && after) {
    report.server_cpu_seconds = after->cpu_seconds - before->cpu_seconds;
    report.server_peak_rss_kb = after->peak_rss_kb;
    report.server_rss_kb = after->rss_kb;
  } else {
    report.server_pid = before ? report.server_pid : 0;
  }

  const std::string out = o.json ? FormatJson(report) : FormatTable(report);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return report.Failed() ? 1 : 0;
}

}  // namespace spool::bench
