#pragma once
// Invoker: runs one invocation of a function outside any mapping (Lambda's Invoke API and
// `spool functions invoke`). Implemented by the workers service, which takes an idle execution
// environment of the function (or starts one) exactly as a mapping's batch does.
//
// Threading: Invoke may be called from any thread; `done` runs once, on the workers' thread,
// and must not block.

#include <functional>
#include <string>

#include "workers/status.h"

namespace spool::workers {

struct InvokeOutcome {
  enum Status {
    kSuccess,        // the runtime posted /response; `payload` is its body
    kFunctionError,  // the runtime posted /error (or /init/error); `payload` is the error JSON
    kTimeout,        // the deadline passed; the environment was killed
    kCrash,          // the runtime exited during the invocation (Runtime.ExitError)
    kThrottled,      // no environment could be had (concurrency 0 or at its cap)
    kNotFound,       // no such function
  };
  Status status = kSuccess;
  std::string payload;
  std::string error_type;  // "" on success; the runtime's errorType, "Sandbox.Timedout",
                           // "Runtime.ExitError", ...
  std::string request_id;
  std::string log_tail;  // this invocation's log lines, START to REPORT, at most the last 4 KB
  double duration_ms = 0;
};

class Invoker {
 public:
  virtual ~Invoker() = default;
  virtual void Invoke(const std::string& function, std::string payload,
                      std::function<void(InvokeOutcome)> done) = 0;
  // Environments and mappings at work (thread-safe, about a second old).
  virtual WorkersStatus Status() const = 0;
};

}  // namespace spool::workers
