#pragma once
// Helpers for the engine's tests: capture completions of QueueService calls, which may arrive
// later (a long poll) or at once.

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "engine/queue_service.h"

namespace spool::engine {

// Records the completion of an engine call, which may arrive later (a long poll).
template <class T>
class Pending {
 public:
  Callback<T> callback() {
    return [state = state_](Result<T> r) {
      ++state->calls;
      state->result.emplace(std::move(r));
    };
  }
  int calls() const { return state_->calls; }
  bool done() const { return state_->calls > 0; }
  const Result<T>& result() const { return *state_->result; }

 private:
  struct State {
    int calls = 0;
    std::optional<Result<T>> result;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// Runs an engine call that must complete before it returns, and gives its result.
template <class T, class Start>
Result<T> Sync(Start start) {
  Pending<T> p;
  start(p.callback());
  EXPECT_EQ(p.calls(), 1) << "the call did not complete exactly once synchronously";
  if (!p.done()) return MakeError(Errc::kInternal, "did not complete");
  return p.result();
}

template <class T>
Errc CodeOf(const Result<T>& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? Errc::kInternal : r.error().code;
}

}  // namespace spool::engine
