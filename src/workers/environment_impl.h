#pragma once
// Environment::Impl, shared by environment.cc (process, invocation state, logs) and
// runtime_api.cc (the HTTP side of the Runtime API). Private to the workers module.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "workers/environment.h"
#include "workers/process.h"

namespace spool::workers {

struct Environment::Impl {
  using Clock = std::chrono::steady_clock;

  struct Invocation {
    std::string request_id;
    std::string payload;
    std::function<void(InvokeOutcome)> done;
    int64_t deadline_ms = 0;  // wall clock, for Lambda-Runtime-Deadline-Ms
    Clock::time_point delivered;
    std::string log_tail;  // this invocation's lines, for Invoke's LogType Tail
    std::string trace_id;  // X-Ray style: Root=1-<8 hex s>-<24 hex>;Parent=<16 hex>;Sampled=0
  };

  Impl(Environment* self, boost::asio::io_context& io);

  Environment* self;
  std::string arn;  // Lambda-Runtime-Invoked-Function-Arn
  boost::asio::io_context& io;
  boost::asio::ip::tcp::acceptor acceptor;
  std::optional<boost::asio::posix::stream_descriptor> exit_watch;
  std::optional<boost::asio::posix::stream_descriptor> out, err;
  std::string out_partial, err_partial;
  SpawnedProcess process;
  bool exited = false;

  std::optional<Invocation> pending;               // handed in, not yet delivered to /next
  std::optional<Invocation> current;               // delivered, not yet settled
  std::vector<boost::asio::steady_timer*> parked;  // one per parked /next; cancel() wakes it
  boost::asio::steady_timer deadline;
  boost::asio::steady_timer memory_check;
  boost::asio::steady_timer init_timer;
  Clock::time_point spawned;
  double init_ms = -1;  // set at the first /next; reported once, on the first invocation
  bool init_reported = false;

  // --- Runtime API (runtime_api.cc) ---
  void Listen();  // throws on failure
  uint16_t port() const { return acceptor.local_endpoint().port(); }

  // --- called by the Runtime API sessions ---
  // The first /next ends init. Returns the invocation to deliver, once there is one (the
  // session waits on `wake` meanwhile); nullopt when the environment died.
  void OnFirstNext();
  // Moves `pending` to `current`, writes START, arms the deadline.
  void Deliver();
  void ArmMemoryCheck();
  enum class PostResult { kAccepted, kUnknownId };
  PostResult OnResponse(const std::string& id, std::string body);
  PostResult OnError(const std::string& id, std::string body, std::string error_type);
  void OnInitError(std::string body, std::string error_type);

  // --- process and logs (environment.cc) ---
  void WatchExit();
  void ReadPipe(bool is_err);
  void DrainPipes();
  // Appends pipe output and writes out every complete line (and over-long pieces).
  void Absorb(std::string& partial, const char* data, size_t n);
  void Line(std::string_view line);
  void Platform(const std::string& line);
  void Settle(InvokeOutcome::Status status, std::string payload, std::string error_type,
              const std::string& status_note);
  // Marks the environment gone (no new invocation is handed to it) and kills its process
  // group, before the invocation in progress is settled; Die() finishes the job.
  void Retire();
  void Die();
  void WakeNext() {
    for (auto* t : parked) t->cancel();
  }
  bool died = false;
};

}  // namespace spool::workers
