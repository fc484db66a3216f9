#pragma once
// Key files in the data directory: a fixed number of random bytes, mode 0600, created on first
// use. Used for the master keys that seal secrets at rest (iam.key, secrets.key).
//
// Threading: no shared state; two processes must not create the same key file at once (the
// data directory lock of `spool serve` sees to that). Errors: false with *error naming the file.

#include <cstddef>
#include <string>

namespace spool::common {

// Reads the key at `path`; when the file does not exist, creates it with `size` fresh random
// bytes (written atomically, mode 0600). A file of another size is an error ("PATH is damaged
// (expected N bytes)"); it is never replaced, since what it sealed would be lost.
bool LoadOrCreateKeyFile(const std::string& path, size_t size, std::string* key,
                         std::string* error);

}  // namespace spool::common
