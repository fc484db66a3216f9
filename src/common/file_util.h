#pragma once
// Small whole-file helpers for state files (keys, identity data).
//
// Threading: no shared state; concurrent writers of one path must be serialised by the caller.
// Errors: false with *error naming the file and the system error.

#include <sys/types.h>
#include <string>

namespace spool::common {

// Reads the whole file. False with *missing = true when it does not exist.
bool ReadWholeFile(const std::string& path, std::string* out, bool* missing, std::string* error);

// Replaces `path` with `data` so that a crash leaves either the old or the new content: writes
// PATH.tmp with `mode`, fsyncs it, renames it over PATH and fsyncs the directory.
bool WriteFileAtomically(const std::string& path, const std::string& data, mode_t mode,
                         std::string* error);

}  // namespace spool::common
