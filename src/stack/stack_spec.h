#pragma once
// A stack file as values (README.md describes the format), and its parser.
//
// ParseStack checks everything that can be checked without the server: TOML syntax, unknown
// keys, types, ranges, names, references between the file's own resources (a mapping's
// function, a dead-letter queue of the stack), JSON of policies and filters, code directories
// that exist. Errors: "FILE:LINE:COLUMN: message" (the position of the offending key or value).
// Threading: pure (reads the code directories' existence only).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spool::stack {

struct QueueSpec {
  std::string name;
  // SQS attribute name -> value, only those the file sets (RedrivePolicy built from
  // dead_letter, with the dead-letter queue's name; the ARN is made when applying).
  std::map<std::string, std::string> attributes;
  std::optional<std::string> dead_letter_queue;  // its name
  int64_t max_receive_count = 0;
  std::map<std::string, std::string> tags;
  bool fifo = false;
};

struct FunctionSpec {
  std::string name;
  std::string runtime;
  std::string handler;
  std::string code_dir;  // absolute
  std::optional<int64_t> timeout;
  std::optional<int64_t> memory;
  std::optional<std::string> description;
  std::map<std::string, std::string> environment;
  std::optional<int64_t> reserved_concurrency;
};

struct MappingSpec {
  std::string queue;
  std::string function;
  std::optional<int64_t> batch_size;
  std::optional<int64_t> batching_window;
  std::optional<bool> report_batch_item_failures;
  std::optional<int64_t> maximum_concurrency;
  std::optional<bool> enabled;
  std::optional<std::vector<std::string>> filters;
  std::optional<std::pair<int64_t, int64_t>> retry_backoff;  // base, max
};

struct UserSpec {
  std::string name;
  std::map<std::string, std::string> policies;  // name -> JSON document (as written)
  std::optional<std::string> key_secret;        // access_key = {secret = NAME}
};

struct SecretSpec {
  enum class Source { kValue, kEnvironment, kGenerate };
  std::string name;
  Source source = Source::kValue;
  std::string value;     // kValue: the value; kEnvironment: the variable's name
  int64_t generate = 0;  // kGenerate: length
  std::optional<std::string> description;
};

struct StackSpec {
  std::string file;  // as given
  std::string name;
  std::vector<QueueSpec> queues;  // dead-letter queues before the queues that use them
  std::vector<FunctionSpec> functions;
  std::vector<MappingSpec> mappings;
  std::vector<UserSpec> users;
  std::vector<SecretSpec> secrets;
};

// `text` is the file's content; `path` names it in errors and anchors relative code
// directories. nullopt with *error on any problem.
std::optional<StackSpec> ParseStack(const std::string& path, const std::string& text,
                                    std::string* error);

// Reads and parses the file.
std::optional<StackSpec> LoadStack(const std::string& path, std::string* error);

}  // namespace spool::stack
