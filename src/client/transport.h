#pragma once
// Transport: one call of an AWS JSON API (SQS's JSON 1.0, Secrets Manager's 1.1) with
// everything around it: credentials, SigV4 signing (auth::Sign), a pooled keep-alive
// connection, the error answer read as an Error, and the retry loop (README.md, Retries):
//
//   for each attempt: credentials -> sign (clock + learned offset) -> exchange
//     2xx                                -> the body
//     failed on a reused connection
//       before any answer byte           -> resend at once on a new connection (once per call)
//     clock skew, Date header > 4 min off -> learn the offset, retry (once per call)
//     rejected credentials               -> Invalidate(); retry if Get() gives others (once)
//     retryable and attempts left        -> sleep BackoffDelay(), retry
//     otherwise                          -> the Error (attempts, retryable set)
//
// Time (signing dates) comes from an injected Clock and retry sleeps from an injected sleep
// function, so tests neither wait nor depend on the wall clock.
//
// Threading: Call may be called from any number of threads at once; each uses its own
// connection. The clock offset is atomic; the jitter generator has its own mutex.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/connection_pool.h"
#include "client/endpoint.h"
#include "client/retry_policy.h"
#include "common/clock.h"
#include "spool/credentials.h"
#include "spool/result.h"

namespace spool::client {

// One AWS JSON service at one endpoint.
struct Service {
  Endpoint endpoint;
  std::string signing_service;  // credential scope: "sqs", "secretsmanager"
  std::string target_prefix;    // X-Amz-Target is this plus the action: "AmazonSQS."
  std::string content_type;     // "application/x-amz-json-1.0"
  // Sent (and signed) with every request, e.g. x-amzn-query-mode: true for SQS.
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

Service SqsService(Endpoint endpoint);
Service SecretsManagerService(Endpoint endpoint);

struct TransportOptions {
  std::string region = "us-east-1";
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  RetryOptions retry;
  size_t max_idle_connections = 16;
  std::chrono::milliseconds idle_timeout{50000};
  // Signing time; null = the system clock.
  std::shared_ptr<const common::Clock> clock;
  // Waits between retries; null = std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Seed of the jitter; 0 = from std::random_device.
  uint64_t seed = 0;
};

class Transport {
 public:
  Transport(TransportOptions options, std::shared_ptr<CredentialsProvider> credentials);

  // POSTs `body` as `service.target_prefix + action` and returns the body of a 2xx answer.
  // `extra_timeout` is added to the request timeout (a long poll's wait).
  Result<std::string> Call(const Service& service, std::string_view action, const std::string& body,
                           std::chrono::milliseconds extra_timeout = std::chrono::milliseconds(0));

  // What the client learned of its clock's error from the server's Date header.
  std::chrono::milliseconds clock_offset() const {
    return std::chrono::milliseconds(clock_offset_ms_.load());
  }
  const TransportOptions& options() const { return options_; }
  ConnectionPool& pool() { return pool_; }

 private:
  HttpRequest SignedRequest(const Service& service, std::string_view action,
                            const std::string& body, const Credentials& credentials) const;
  std::chrono::milliseconds NextDelay(int retry);
  // Learns the offset from a skew error's Date header; false when it is not far enough off.
  bool LearnClockOffset(const HttpResponse& response);

  const TransportOptions options_;
  const std::shared_ptr<CredentialsProvider> credentials_;
  ConnectionPool pool_;
  std::atomic<int64_t> clock_offset_ms_{0};
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
};

// Seconds since the epoch of an HTTP date ("Tue, 03 Jun 2025 12:00:00 GMT"); nullopt if not one.
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace spool::client
