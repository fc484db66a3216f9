#pragma once
// What `spool serve` and `spool worker` both do to their process.
//
// Threading: call TakeStopSignals() first in main's thread, before any thread starts.

#include <signal.h>

#include <string>

namespace spool::server {

// Blocks SIGINT and SIGTERM in this thread (every thread started later inherits the mask) so
// that one thread takes them with sigwait(); ignores SIGPIPE. Returns the set to wait on.
sigset_t TakeStopSignals();

// This executable's absolute path (for child processes that run `spool` again), or "spool".
std::string SelfPath();

}  // namespace spool::server
