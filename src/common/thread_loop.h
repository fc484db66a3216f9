#pragma once
// ThreadLoop: lets code running on an event-loop thread ask for work to run later on that same
// thread, after the work already queued there, without waking another thread.
//
// An event loop (the HTTP server's I/O threads) registers itself for the thread that runs it;
// a library that would otherwise hand work to a helper thread (storage::Log's commit rounds) can
// then do the work on the caller's thread once the caller has unwound and released its locks,
// and batch everything the loop handled meanwhile into it.
//
// Threading: the registration is thread-local. Post() is called only on the registered thread;
// the loop runs what was posted in order, on that thread. Work posted to a loop that stops
// before running it is dropped (destroyed unrun), so a user must have a way to finish without it
// (storage::Log's committer thread takes whatever a dropped round left queued at Close).

#include <functional>

namespace spool::common {

class ThreadLoop {
 public:
  virtual ~ThreadLoop() = default;
  // Runs `fn` later on this thread, after what is already queued. Never runs it inline.
  virtual void Post(std::function<void()> fn) = 0;

  // The loop running on the calling thread, or nullptr.
  static ThreadLoop* Current();
  // Registers `loop` for the calling thread (nullptr clears). The loop must outlive its
  // registration.
  static void SetCurrent(ThreadLoop* loop);
};

}  // namespace spool::common
