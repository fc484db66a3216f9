#pragma once
// What `spool bench` can be told. The command line (cli.cc) fills a BenchOptions; Validate()
// checks it and fills the workload-dependent defaults before anything is sent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spool::bench {

enum class Workload {
  kProduce,    // send `messages` with SendMessageBatch, nothing received
  kConsume,    // receive (long polling) and DeleteMessageBatch until `messages` were consumed
  kLifecycle,  // half the connections produce, half receive-and-delete, until all are deleted
  kLatency,    // single sends at a fixed rate; end-to-end time from send start to receive
};

std::optional<Workload> ParseWorkload(std::string_view name);
const char* WorkloadName(Workload w);

// Smallest body: the header that carries run id, sequence number and send time must fit.
inline constexpr size_t kMinBodySize = 64;
// Largest body: SQS's default MaximumMessageSize.
inline constexpr size_t kMaxBodySize = 262144;

struct BenchOptions {
  Workload workload = Workload::kProduce;
  // Where the SQS API is: http://HOST:PORT (no TLS). Queue URLs returned by the server are used
  // only as the QueueUrl member; every request goes to this endpoint.
  std::string endpoint = "http://127.0.0.1:9324";
  // Messages to send (produce, lifecycle, latency) or consume (consume). 0: the workload's
  // default, 100,000 (latency: 2,000).
  uint64_t messages = 0;
  // Bytes per message body (kMinBodySize..kMaxBodySize). Bodies are ASCII.
  size_t body_size = 256;
  // Entries per SendMessageBatch / DeleteMessageBatch and MaxNumberOfMessages per receive, 1..10.
  int batch = 10;
  // Keep-alive connections, each driven by one coroutine. Lifecycle splits them in half
  // (producers, consumers); latency uses one to send and the rest to receive.
  int connections = 16;
  // Queues named <prefix>-0 .. <prefix>-(queues-1); connection i works on queue i % queues.
  int queues = 1;
  std::string queue_prefix = "bench";
  // FIFO queues (<name>.fifo) and MessageGroupId = g<seq % groups>; dedup id from run and seq.
  bool fifo = false;
  int groups = 16;
  // Sends per second in the latency workload (open loop: sends are scheduled, not chained).
  double rate = 100;
  // Cap on the measured phase in seconds; every loop stops at `messages` or at this time.
  double duration_seconds = 120;
  // WaitTimeSeconds of every receive (0..20). Short enough that a run ends soon after its last
  // message without abandoning long polls on the server.
  int wait_seconds = 2;
  // consume: top the queues up to `messages` first (not measured) when they hold fewer.
  bool prefill = false;
  // latency: first put this many messages of one tenant (MessageGroupId "noisy") into the
  // queues, not measured; the timed messages then belong to another tenant ("quiet"), and the
  // receivers drain both. Shows what a flooding tenant does to everyone else's latency (fair
  // queues). With `fair_groups` false, no message carries a group id (plain order).
  uint64_t noisy_backlog = 0;
  bool fair_groups = true;
  // Every message sent gets this MessageGroupId ("" none; FIFO uses `groups` instead).
  std::string fixed_group;
  // Threads running the client's io_context. 1 leaves the other core to a local server.
  int threads = 1;
  // Print the result as one JSON object on stdout instead of a table.
  bool json = false;
  // Process to take CPU time and memory figures from. 0: the local process listening on the
  // endpoint's port, if the endpoint is on this machine and the process can be found.
  int server_pid = 0;
  // SigV4-sign every request (credentials below, region in the credential scope).
  bool sign = true;
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string region = "us-east-1";
};

// Where to connect, parsed from BenchOptions::endpoint.
struct Endpoint {
  std::string host;         // name or address, without brackets
  uint16_t port = 80;       //
  std::string host_header;  // as sent (and signed): host[:port]
};

// Parses "http://HOST[:PORT][/]". False with *error for anything else (https, paths, bad port).
bool ParseEndpoint(std::string_view url, Endpoint* out, std::string* error);

// Checks every field and replaces messages == 0 with the workload's default. False with a
// one-line *error naming the option at fault.
bool Validate(BenchOptions* options, std::string* error);

// The name of queue `index` (with ".fifo" for FIFO queues).
std::string QueueName(const BenchOptions& options, int index);

}  // namespace spool::bench
