#pragma once
// Random (version 4) UUIDs in their 36-character text form, for message and request ids.
// Thread-safe: each thread has its own generator seeded from the system's entropy.

#include <string>

namespace spool::common {

std::string NewUuid();

}  // namespace spool::common
