#pragma once
// `spool serve`: runs the broker until SIGINT or SIGTERM.

#include "server/config.h"

namespace spool::server {

// Returns the process exit code. Prints "Spool listening on <url>" on stdout once serving.
int RunServe(const ServeConfig& config);

}  // namespace spool::server
