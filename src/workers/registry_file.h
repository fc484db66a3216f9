#pragma once
// workers.json: the registry's file (format version 1), written whole by the registry.
//
//   {"version": 1,
//    "functions": [{"name", "runtime" (Spool's name or Lambda's id, as the client gave it:
//                   "nodejs"|"python"|"provided"|"exec"|"nodejs20.x"|...), "handler",
//                   "code_dir", "code_archive", "code_sha256", "code_size" (the last three
//                   optional: "" and 0 when absent, as files written before packages had none),
//                   "environment": {NAME: VALUE}, "timeout_seconds", "memory_mb",
//                   "reserved_concurrency" (number or null), "description",
//                   "last_modified_ms", "revision_id"}],
//    "mappings": [{"uuid", "function_name", "queue_name", "batch_size",
//                  "batching_window_seconds", "report_batch_item_failures",
//                  "maximum_concurrency" (number or null), "enabled", "filter_patterns": [..],
//                  "retry_backoff" ({"base_seconds", "max_seconds"} or null),
//                  "last_modified_ms"}]}
//
// Parsing is strict: a missing member, a wrong type, an entry that fails validation or a
// mapping of an unknown function makes the whole file unreadable (the server refuses to start
// rather than run with part of its configuration).

#include <map>
#include <string>

#include "workers/function_config.h"

namespace spool::workers {

struct RegistryContents {
  std::map<std::string, FunctionConfig> functions;  // by name
  std::map<std::string, MappingConfig> mappings;    // by uuid
};

std::string SerializeRegistry(const RegistryContents& contents);
// False with *error (what is wrong, without the file name).
bool ParseRegistry(const std::string& text, RegistryContents* out, std::string* error);

}  // namespace spool::workers
