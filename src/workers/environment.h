#pragma once
// Environment: one execution environment of a function (workers.md 2.13 steps 5-11, 3.8,
// 3.9): a runtime process in its own process group, the Lambda Runtime API (2018-06-01)
// served to it alone on a loopback port, and its log stream.
//
// Life: Start() spawns the runtime; the first GET /next ends its init. Invoke() hands it one
// event (at most one at a time; it is delivered on the runtime's next /next) and calls `done`
// when the runtime posts /response or /error, when the deadline passes (the process group is
// killed: "Task timed out"), when the process exits (Runtime.ExitError), or when its memory
// passes the function's size (killed). START, END and REPORT lines go to the log stream with
// the runtime's own stdout and stderr lines in between.
//
// After a timeout, a crash or Kill() the environment is dead and never used again.
//
// Threading: everything on the owning io_context's single thread, including `done` and
// `on_change`.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "logs/log_store.h"
#include "workers/function_config.h"
#include "workers/invoker.h"

namespace spool::workers {

struct EnvironmentSpec {
  FunctionConfig function;
  std::vector<std::string> argv;                   // the runtime's command line
  std::map<std::string, std::string> environment;  // Lambda's variables; the API address is added
  std::string log_stream;                          // "YYYY/MM/DD/[$LATEST]<32 hex>"
  std::string function_arn;
  logs::LogStore* logs = nullptr;                 // may be null: lines are dropped
  std::chrono::milliseconds init_timeout{10000};  // first /next within this, or the start failed
};

class Environment : public std::enable_shared_from_this<Environment> {
 public:
  Environment(boost::asio::io_context& io, EnvironmentSpec spec);
  ~Environment();

  // Listens, spawns the runtime. False with *error when either fails.
  bool Start(std::string* error);
  // Precondition: available(). `done` is called exactly once.
  void Invoke(std::string payload, std::function<void(InvokeOutcome)> done);
  // Kills the process group; an invocation in progress fails (Runtime.ExitError).
  void Kill();

  bool available() const { return !dead_ && !assigned_; }
  bool dead() const { return dead_; }
  bool initialized() const { return initialized_; }
  const std::string& revision() const { return spec_.function.revision_id; }
  std::chrono::steady_clock::time_point idle_since() const { return idle_since_; }
  // Called (on the io thread) whenever the environment becomes available or dead.
  void set_on_change(std::function<void()> fn) { on_change_ = std::move(fn); }

  struct Impl;

 private:
  EnvironmentSpec spec_;
  std::unique_ptr<Impl> impl_;
  bool dead_ = false;
  bool assigned_ = false;  // an invocation was handed in and is not settled yet
  bool initialized_ = false;
  std::chrono::steady_clock::time_point idle_since_;
  std::function<void()> on_change_;
  friend struct Impl;
};

}  // namespace spool::workers
