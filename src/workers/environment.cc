#include "workers/environment.h"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "common/log.h"
#include "common/uuid.h"
#include "workers/environment_impl.h"

namespace spool::workers {
namespace asio = boost::asio;
using common::Log;
using common::LogLevel;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

constexpr size_t kTailBytes = 4096;

}  // namespace

Environment::Impl::Impl(Environment* s, asio::io_context& context)
    : self(s),
      io(context),
      acceptor(context),
      deadline(context),
      memory_check(context),
      init_timer(context) {}

Environment::Environment(asio::io_context& io, EnvironmentSpec spec)
    : spec_(std::move(spec)), impl_(std::make_unique<Impl>(this, io)) {}

Environment::~Environment() {
  if (impl_->process.pid > 0 && !impl_->exited) {
    KillGroup(impl_->process.pid);
    Reap(impl_->process.pid);
  }
  if (impl_->process.pidfd >= 0 && !impl_->exit_watch) close(impl_->process.pidfd);
}

bool Environment::Start(std::string* error) {
  try {
    impl_->Listen();
  } catch (const std::exception& e) {
    *error = std::string("cannot listen for the Runtime API: ") + e.what();
    return false;
  }
  impl_->arn = spec_.function_arn;
  SpawnSpec spawn;
  spawn.argv = spec_.argv;
  spawn.cwd = spec_.function.code_dir;
  spawn.environment = spec_.environment;
  spawn.environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(impl_->port());
  auto process = Spawn(spawn, error);
  if (!process) {
    impl_->acceptor.close();
    return false;
  }
  impl_->process = *process;
  impl_->spawned = Impl::Clock::now();
  impl_->out.emplace(impl_->io, process->stdout_fd);
  impl_->err.emplace(impl_->io, process->stderr_fd);
  impl_->exit_watch.emplace(impl_->io, process->pidfd);
  impl_->ReadPipe(false);
  impl_->ReadPipe(true);
  impl_->WatchExit();
  impl_->init_timer.expires_after(spec_.init_timeout);
  impl_->init_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->initialized_ || self->dead_) return;
    self->impl_->Platform("INIT_REPORT Init Duration: " +
                          Fixed2(static_cast<double>(self->spec_.init_timeout.count())) +
                          " ms\tPhase: init\tStatus: timeout");
    self->impl_->Die();
  });
  idle_since_ = Impl::Clock::now();
  return true;
}

void Environment::Invoke(std::string payload, std::function<void(InvokeOutcome)> done) {
  assigned_ = true;
  Impl::Invocation inv;
  inv.request_id = common::NewUuid();
  {
    std::string hex;
    for (char c : common::NewUuid() + common::NewUuid()) {
      if (c != '-') hex.push_back(c);
    }
    char epoch[16];
    std::snprintf(epoch, sizeof epoch, "%08llx",
                  static_cast<unsigned long long>(std::time(nullptr)) & 0xffffffffULL);
    inv.trace_id = "Root=1-" + std::string(epoch) + "-" + hex.substr(0, 24) +
                   ";Parent=" + hex.substr(24, 16) + ";Sampled=0";
  }
  inv.payload = std::move(payload);
  inv.done = std::move(done);
  impl_->pending = std::move(inv);
  impl_->WakeNext();  // a parked /next delivers it
}

void Environment::Kill() {
  if (dead_) return;
  impl_->Die();
}

void Environment::Impl::OnFirstNext() {
  if (self->initialized_) return;
  self->initialized_ = true;
  init_timer.cancel();
  init_ms = std::chrono::duration<double, std::milli>(Clock::now() - spawned).count();
}

void Environment::Impl::Deliver() {
  Invocation inv = std::move(*pending);
  pending.reset();
  inv.deadline_ms = NowMs() + self->spec_.function.timeout_seconds * 1000;
  inv.delivered = Clock::now();
  current = std::move(inv);
  Platform("START RequestId: " + current->request_id + " Version: $LATEST");
  deadline.expires_after(std::chrono::seconds(self->spec_.function.timeout_seconds));
  deadline.async_wait([s = self->shared_from_this()](boost::system::error_code ec) {
    Impl& impl = *s->impl_;
    if (ec || !impl.current) return;
    double seconds = static_cast<double>(s->spec_.function.timeout_seconds);
    // Lambda's wording: "<time> <id> Task timed out after 3.00 seconds".
    char when[40];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    impl.Platform(std::string(when) + " " + impl.current->request_id + " Task timed out after " +
                  Fixed2(seconds) + " seconds");
    impl.Retire();
    impl.Settle(InvokeOutcome::kTimeout,
                R"({"errorMessage":"Task timed out after )" + Fixed2(seconds) +
                    R"( seconds","errorType":"Sandbox.Timedout"})",
                "Sandbox.Timedout", "timeout");
    impl.Die();
  });
  ArmMemoryCheck();
}

void Environment::Impl::ArmMemoryCheck() {
  // The runtime's resident set may not pass the function's memory size (Lambda kills it).
  memory_check.expires_after(std::chrono::milliseconds(100));
  memory_check.async_wait([s = self->shared_from_this()](boost::system::error_code ec) {
    Impl& impl = *s->impl_;
    if (ec || !impl.current || s->dead_) return;
    if (PeakRssMib(impl.process.pid) <= s->spec_.function.memory_mb) return impl.ArmMemoryCheck();
    impl.Platform("RequestId: " + impl.current->request_id +
                  " Error: Runtime exited with error: signal: killed (memory size " +
                  std::to_string(s->spec_.function.memory_mb) + " MB exceeded)");
    impl.Retire();
    impl.Settle(
        InvokeOutcome::kCrash,
        R"({"errorMessage":"Runtime exited with error: signal: killed","errorType":"Runtime.OutOfMemory"})",
        "Runtime.OutOfMemory", "error");
    impl.Die();
  });
}

Environment::Impl::PostResult Environment::Impl::OnResponse(const std::string& id,
                                                            std::string body) {
  if (!current || current->request_id != id) return PostResult::kUnknownId;
  Settle(InvokeOutcome::kSuccess, std::move(body), "", "");
  return PostResult::kAccepted;
}

Environment::Impl::PostResult Environment::Impl::OnError(const std::string& id, std::string body,
                                                         std::string error_type) {
  if (!current || current->request_id != id) return PostResult::kUnknownId;
  if (error_type.empty()) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (!ec && v.is_object()) {
      if (auto* t = v.as_object().if_contains("errorType"); t && t->is_string()) {
        error_type = std::string(t->as_string());
      }
    }
    if (error_type.empty()) error_type = "Runtime.Unknown";
  }
  Settle(InvokeOutcome::kFunctionError, std::move(body), std::move(error_type), "error");
  return PostResult::kAccepted;
}

void Environment::Impl::OnInitError(std::string body, std::string error_type) {
  if (error_type.empty()) error_type = "Runtime.Unknown";
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - spawned).count();
  Platform("INIT_REPORT Init Duration: " + Fixed2(ms) +
           " ms\tPhase: init\tStatus: error\tError Type: " + error_type);
  Retire();
  if (pending) {
    // The invocation waiting for this environment fails with the init error.
    current = std::move(pending);
    pending.reset();
    current->delivered = Clock::now();
    Settle(InvokeOutcome::kFunctionError, std::move(body), std::move(error_type), "error");
  }
  Die();
}

void Environment::Impl::WatchExit() {
  exit_watch->async_wait(
      asio::posix::stream_descriptor::wait_read,
      [s = self->shared_from_this()](boost::system::error_code ec) {
        if (ec) return;
        Impl& impl = *s->impl_;
        // What the runtime started in its group goes too (the exited leader, not yet reaped,
        // keeps the group id valid).
        impl.Retire();
        impl.exited = true;
        ExitInfo info = Reap(impl.process.pid);
        impl.DrainPipes();
        if (impl.current || impl.pending) {
          if (!impl.current) {
            impl.current = std::move(impl.pending);
            impl.pending.reset();
            impl.current->delivered = Clock::now();
          }
          impl.Platform("RequestId: " + impl.current->request_id +
                        " Error: Runtime exited with error: " + info.description);
          impl.Platform("Runtime.ExitError");
          boost::json::object e{
              {"errorType", "Runtime.ExitError"},
              {"errorMessage", "RequestId: " + impl.current->request_id +
                                   " Error: Runtime exited with error: " + info.description}};
          impl.Settle(InvokeOutcome::kCrash, boost::json::serialize(e), "Runtime.ExitError",
                      "error");
        }
        impl.Die();
        // The pipes may still be held open by something that left the group (setsid); what it
        // writes now is not the function's.
        boost::system::error_code ignored;
        if (impl.out) impl.out->close(ignored);
        if (impl.err) impl.err->close(ignored);
      });
}

// Output without a newline is cut into events of this size (a runtime printing one endless
// line must not grow memory without bound).
constexpr size_t kMaxLineBytes = 256 * 1024;

void Environment::Impl::Absorb(std::string& partial, const char* data, size_t n) {
  size_t scanned = partial.size();  // only the new bytes are searched for newlines
  partial.append(data, n);
  size_t start = 0;
  for (size_t nl; (nl = partial.find('\n', scanned)) != std::string::npos;
       start = nl + 1, scanned = start) {
    Line(std::string_view(partial).substr(start, nl - start));
  }
  while (partial.size() - start >= kMaxLineBytes) {
    Line(std::string_view(partial).substr(start, kMaxLineBytes));
    start += kMaxLineBytes;
  }
  partial.erase(0, start);
}

void Environment::Impl::ReadPipe(bool is_err) {
  auto& stream = is_err ? err : out;
  if (!stream || !stream->is_open()) return;
  auto buffer = std::make_shared<std::array<char, 8192>>();
  stream->async_read_some(asio::buffer(*buffer), [s = self->shared_from_this(), buffer, is_err](
                                                     boost::system::error_code ec, size_t n) {
    Impl& impl = *s->impl_;
    std::string& partial = is_err ? impl.err_partial : impl.out_partial;
    if (n > 0) impl.Absorb(partial, buffer->data(), n);
    if (ec) {
      if (!partial.empty()) impl.Line(partial);
      partial.clear();
      return;
    }
    impl.ReadPipe(is_err);
  });
}

void Environment::Impl::DrainPipes() {
  for (bool is_err : {false, true}) {
    auto& stream = is_err ? err : out;
    if (!stream || !stream->is_open()) continue;
    std::string& partial = is_err ? err_partial : out_partial;
    char buffer[8192];
    // What is in the pipe now, at most 1 MiB (a runtime that keeps writing cannot hold up the
    // settling of its invocation; the rest is read as usual).
    for (size_t total = 0; total < (1 << 20);) {
      ssize_t n = ::read(stream->native_handle(), buffer, sizeof buffer);
      if (n <= 0) break;
      total += static_cast<size_t>(n);
      Absorb(partial, buffer, static_cast<size_t>(n));
    }
  }
}

void Environment::Impl::Line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (current && current->log_tail.size() < 64 * 1024) {
    current->log_tail.append(line);
    current->log_tail.push_back('\n');
  }
  if (self->spec_.logs != nullptr) {
    self->spec_.logs->Append(self->spec_.function.name, self->spec_.log_stream, NowMs(), line);
  }
}

void Environment::Impl::Platform(const std::string& line) { Line(line); }

void Environment::Impl::Settle(InvokeOutcome::Status status, std::string payload,
                               std::string error_type, const std::string& status_note) {
  if (!current) return;
  deadline.cancel();
  memory_check.cancel();
  DrainPipes();
  Invocation inv = std::move(*current);
  current.reset();
  double duration = std::chrono::duration<double, std::milli>(Clock::now() - inv.delivered).count();
  double billed_base = duration;
  std::string init;
  if (!init_reported && init_ms >= 0) {
    init_reported = true;
    init = "Init Duration: " + Fixed2(init_ms) + " ms\t";
    billed_base += init_ms;
  }
  int64_t max_memory = exited ? 0 : PeakRssMib(process.pid);
  Platform("END RequestId: " + inv.request_id);
  std::string report =
      "REPORT RequestId: " + inv.request_id + "\tDuration: " + Fixed2(duration) +
      " ms\tBilled Duration: " + std::to_string(static_cast<int64_t>(std::ceil(billed_base))) +
      " ms\tMemory Size: " + std::to_string(self->spec_.function.memory_mb) +
      " MB\tMax Memory Used: " + std::to_string(max_memory) + " MB\t" + init;
  if (!status_note.empty()) {
    report += "Status: " + status_note + "\t";
    if (status_note == "error" && !error_type.empty()) report += "Error Type: " + error_type + "\t";
  }
  // The tail gets the platform lines too (Line() appends while `current` is set; it is not now).
  inv.log_tail += "END RequestId: " + inv.request_id + "\n";
  Platform(report);
  inv.log_tail += report + "\n";
  InvokeOutcome outcome;
  outcome.status = status;
  outcome.payload = std::move(payload);
  outcome.error_type = std::move(error_type);
  outcome.request_id = inv.request_id;
  outcome.duration_ms = duration;
  outcome.log_tail = inv.log_tail.size() > kTailBytes
                         ? inv.log_tail.substr(inv.log_tail.size() - kTailBytes)
                         : std::move(inv.log_tail);
  self->assigned_ = false;
  self->idle_since_ = Clock::now();
  auto done = std::move(inv.done);
  done(std::move(outcome));
  if (!self->dead_ && self->on_change_) self->on_change_();
}

void Environment::Impl::Retire() {
  self->dead_ = true;
  if (!exited && process.pid > 0) KillGroup(process.pid);
}

void Environment::Impl::Die() {
  if (died) return;
  died = true;
  Retire();
  init_timer.cancel();
  deadline.cancel();
  memory_check.cancel();
  boost::system::error_code ignored;
  acceptor.close(ignored);
  WakeNext();
  if (pending) {
    // Never delivered: fails as the start failure it is.
    current = std::move(pending);
    pending.reset();
    current->delivered = Clock::now();
    Settle(InvokeOutcome::kCrash,
           R"({"errorType":"Runtime.ExitError","errorMessage":"the runtime did not start"})",
           "Runtime.ExitError", "error");
  }
  self->assigned_ = false;
  if (self->on_change_) {
    auto fn = self->on_change_;
    asio::post(io, [fn] { fn(); });
  }
}

}  // namespace spool::workers
