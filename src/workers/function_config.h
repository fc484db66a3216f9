#pragma once
// Functions and event source mappings: the configuration the workers run (values, not
// behaviour). Shared by the registry (which stores them), the Lambda control API (which shows
// them in Lambda's JSON shapes), the CLI and the workers service.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spool::workers {

// How a function's code is started. Every runtime ends up as one process per execution
// environment that speaks the Lambda Runtime API (2018-06-01):
// - kNodejs: Spool's Node bootstrap loads `handler` ("file.export") from the code directory;
// - kPython: Spool's Python bootstrap, likewise ("module.function");
// - kProvided: `handler` names an executable in the code directory (default "bootstrap") that
//   speaks the Runtime API itself (aws-lambda-ric, an aws-lambda-cpp binary, a custom runtime);
// - kExec: `handler` names an executable run once per invocation with the event JSON on stdin;
//   its stdout is the result, a non-zero exit an error (Spool's own runtime speaks the API).
enum class Runtime { kNodejs, kPython, kProvided, kExec };

std::string_view RuntimeName(Runtime runtime);  // "nodejs", "python", "provided", "exec"
// Accepts Spool's names and Lambda's identifiers (nodejs18.x, nodejs20.x, nodejs22.x,
// python3.9..python3.13, provided, provided.al2, provided.al2023).
std::optional<Runtime> ParseRuntime(std::string_view text);

// 1..64 of [A-Za-z0-9_-] (Lambda's function names; ARNs are the API's business).
bool IsValidFunctionName(std::string_view name);
// SQS queue names: 1..80 of [A-Za-z0-9_-], a FIFO queue's ending in ".fifo".
bool IsValidQueueName(std::string_view name);

struct FunctionConfig {
  std::string name;  // 1..64 of [A-Za-z0-9_-]
  Runtime runtime = Runtime::kNodejs;
  // The runtime as the client named it ("nodejs20.x", "python3.12", "provided.al2023" or one of
  // Spool's names), shown back as Lambda shows it; "" means RuntimeName(runtime).
  std::string runtime_id;
  std::string handler;   // 1..128 characters; see Runtime
  std::string code_dir;  // absolute path of the code directory
  // Set when the code came as a deployment package (Lambda's ZipFile): code_dir is then its
  // unpacked copy in the server's code store (code_store.h), code_archive the archive as
  // uploaded, code_sha256 and code_size Lambda's CodeSha256 (base64) and CodeSize. Empty and 0
  // for code in a directory of the user's (Spool's SpoolCodeDirectory).
  std::string code_archive;
  std::string code_sha256;
  int64_t code_size = 0;
  std::map<std::string, std::string> environment;  // names [A-Za-z][A-Za-z0-9_]*, 4 KB in all
  int64_t timeout_seconds = 3;                     // 1..900
  int64_t memory_mb = 128;                         // 128..10240: the runtime's resident memory cap
  // Most environments (concurrent invocations) of this function at once; absent: the
  // workers' default cap. 0 stops every invocation (Lambda's "throttled" function).
  std::optional<int64_t> reserved_concurrency;
  std::string description;       // 0..256 characters
  int64_t last_modified_ms = 0;  // set by the registry
  // Changes on every update; running environments of an older revision are replaced.
  std::string revision_id;  // set by the registry
};

// The optional retry backoff of a mapping (a Spool extension; workers.md 4.7): failed
// messages are hidden for a random delay in [cap/2, cap], cap = min(max, base * 2^(n-1)),
// n = the message's receive count, through ChangeMessageVisibilityBatch.
struct RetryBackoff {
  int64_t base_seconds = 5;   // 1..43200
  int64_t max_seconds = 900;  // base..43200
};

constexpr size_t kMaxFilters = 10;

struct MappingConfig {
  std::string uuid;           // set by the registry at create
  std::string function_name;  // an existing function
  std::string queue_name;     // the source queue's plain name
  int64_t batch_size = 10;    // 1..10000 (FIFO 1..10; checked against the queue by the API)
  int64_t batching_window_seconds = 0;  // 0..300; batch_size > 10 needs >= 1
  bool report_batch_item_failures = false;
  std::optional<int64_t> maximum_concurrency;  // 2..1000
  bool enabled = true;
  // FilterCriteria.Filters[].Pattern, at most kMaxFilters of at most 4096 characters each
  // (their syntax is checked by FilterSet::Compile, filter.h).
  std::vector<std::string> filter_patterns;
  std::optional<RetryBackoff> retry_backoff;
  int64_t last_modified_ms = 0;  // set by the registry
};

// Checks what can be checked without the queue: ranges, names, handler, code directory is
// absolute, environment names (no reserved ones such as AWS_LAMBDA_RUNTIME_API) and size;
// a mapping's ranges, the batch-size/window rule and the filters' count and lengths. "" when valid,
// else the message (Lambda's wording where it has one) for an InvalidParameterValueException.
std::string ValidateFunction(const FunctionConfig& function);
std::string ValidateMapping(const MappingConfig& mapping);

}  // namespace spool::workers
