#include "bench/options.h"

#include <charconv>
#include <cmath>

namespace spool::bench {
namespace {

constexpr uint64_t kMaxMessages = 100'000'000;
constexpr int kMaxConnections = 1024;
constexpr int kMaxQueues = 1000;
constexpr int kMaxThreads = 64;
constexpr int kMaxGroups = 100'000;
constexpr double kMaxRate = 100'000;
constexpr double kMaxDurationSeconds = 86'400;
// A queue name is at most 80 characters: prefix, "-", up to 3 digits (kMaxQueues), ".fifo".
constexpr size_t kMaxPrefixLength = 80 - 1 - 3 - 5;

bool Fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

std::optional<Workload> ParseWorkload(std::string_view name) {
  if (name == "produce") return Workload::kProduce;
  if (name == "consume") return Workload::kConsume;
  if (name == "lifecycle") return Workload::kLifecycle;
  if (name == "latency") return Workload::kLatency;
  return std::nullopt;
}

const char* WorkloadName(Workload w) {
  switch (w) {
    case Workload::kProduce:
      return "produce";
    case Workload::kConsume:
      return "consume";
    case Workload::kLifecycle:
      return "lifecycle";
    case Workload::kLatency:
      return "latency";
  }
  return "?";
}

bool ParseEndpoint(std::string_view url, Endpoint* out, std::string* error) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Fail(error, "--endpoint must start with http:// (TLS is not supported), got '" +
                           std::string(url) + "'");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos) {
    return Fail(error, "--endpoint must be http://HOST[:PORT] without a path, got '" +
                           std::string(url) + "'");
  }
  std::string_view host = rest;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Fail(error, "--endpoint: unterminated '['");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Fail(error, "--endpoint: junk after ']'");
      port_text = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  if (host.empty()) return Fail(error, "--endpoint has no host: '" + std::string(url) + "'");
  uint16_t port = 80;
  if (!port_text.empty() || rest.back() == ':') {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return Fail(error, "--endpoint has a bad port: '" + std::string(url) + "'");
    }
    port = static_cast<uint16_t>(value);
  }
  out->host = std::string(host);
  out->port = port;
  // The Host header keeps the port as written, as the AWS clients do.
  out->host_header = std::string(rest);
  return true;
}

bool Validate(BenchOptions* o, std::string* error) {
  Endpoint endpoint;
  if (!ParseEndpoint(o->endpoint, &endpoint, error)) return false;
  if (o->messages == 0) o->messages = o->workload == Workload::kLatency ? 2000 : 100000;
  if (o->messages > kMaxMessages) {
    return Fail(error, "--messages must be at most " + std::to_string(kMaxMessages));
  }
  if (o->body_size < kMinBodySize || o->body_size > kMaxBodySize) {
    return Fail(error, "--body-size must be between " + std::to_string(kMinBodySize) + " and " +
                           std::to_string(kMaxBodySize));
  }
  if (o->batch < 1 || o->batch > 10) return Fail(error, "--batch must be between 1 and 10");
  if (o->connections < 1 || o->connections > kMaxConnections) {
    return Fail(error, "--connections must be between 1 and " + std::to_string(kMaxConnections));
  }
  if (o->queues < 1 || o->queues > kMaxQueues) {
    return Fail(error, "--queues must be between 1 and " + std::to_string(kMaxQueues));
  }
  if (o->queue_prefix.empty() || o->queue_prefix.size() > kMaxPrefixLength) {
    return Fail(error,
                "--queue-prefix must be 1 to " + std::to_string(kMaxPrefixLength) + " characters");
  }
  for (char c : o->queue_prefix) {
    if (!IsNameChar(c)) {
      return Fail(error, "--queue-prefix may hold only letters, digits, '-' and '_'");
    }
  }
  // Every queue needs at least one connection in each role the workload has.
  int needed = o->queues;
  if (o->workload == Workload::kLifecycle) needed = 2 * o->queues;
  if (o->workload == Workload::kLatency) needed = o->queues + 1;
  if (o->connections < needed) {
    return Fail(error, std::string("--connections must be at least ") + std::to_string(needed) +
                           " for " + WorkloadName(o->workload) + " with " +
                           std::to_string(o->queues) + " queue(s)");
  }
  if (o->groups < 1 || o->groups > kMaxGroups) {
    return Fail(error, "--groups must be between 1 and " + std::to_string(kMaxGroups));
  }
  if (!(o->rate > 0) || o->rate > kMaxRate) {
    return Fail(error, "--rate must be above 0 and at most " + std::to_string(int(kMaxRate)));
  }
  if (!(o->duration_seconds > 0) || o->duration_seconds > kMaxDurationSeconds) {
    return Fail(error, "--duration must be above 0 and at most 86400 seconds");
  }
  if (o->wait_seconds < 0 || o->wait_seconds > 20) {
    return Fail(error, "--wait-seconds must be between 0 and 20");
  }
  if (o->prefill && o->workload != Workload::kConsume) {
    return Fail(error, "--prefill applies to the consume workload only");
  }
  if (o->noisy_backlog > 0 && (o->workload != Workload::kLatency || o->fifo)) {
    return Fail(error, "--noisy-backlog applies to the latency workload on standard queues only");
  }
  if (o->threads < 1 || o->threads > kMaxThreads) {
    return Fail(error, "--threads must be between 1 and " + std::to_string(kMaxThreads));
  }
  if (o->server_pid < 0) return Fail(error, "--server-pid must be a process id");
  if (o->sign && (o->access_key.empty() || o->secret_key.empty())) {
    return Fail(error, "signing needs an access key and a secret key (or pass --no-sign)");
  }
  if (o->sign && o->region.empty()) return Fail(error, "--region must not be empty");
  return true;
}

std::string QueueName(const BenchOptions& options, int index) {
  std::string name = options.queue_prefix + "-" + std::to_string(index);
  if (options.fifo) name += ".fifo";
  return name;
}

}  // namespace spool::bench
