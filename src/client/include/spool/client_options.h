#pragma once
// ClientOptions: everything a spool::Client can be told. Every field has a default that works
// against a local `spool serve` with the AWS environment variables set; empty strings mean
// "find it as the AWS SDKs do" (README.md, Configuration).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "spool/credentials.h"

namespace spool {

struct ClientOptions {
  // The SQS endpoint, "http://HOST:PORT" (a path is not allowed). "" = AWS_ENDPOINT_URL_SQS,
  // else AWS_ENDPOINT_URL, else "http://127.0.0.1:9324" (a local Spool). Only plain HTTP.
  std::string endpoint{};

  // Where GetSecretValue goes. "" = AWS_ENDPOINT_URL_SECRETS_MANAGER, else the SQS endpoint
  // (Spool serves every API on one endpoint).
  std::string secrets_endpoint{};

  // The region of the signing scope. "" = ResolveRegion(profile).
  std::string region{};

  // The profile of the shared files for the default chain and the region. "" = AWS_PROFILE,
  // else "default". Naming one here skips the AWS_* key variables (credentials.h).
  std::string profile{};

  // Where the access key comes from. null = DefaultCredentialChain(profile). See
  // StaticCredentials, ProfileCredentials and SecretCredentials.
  std::shared_ptr<CredentialsProvider> credentials{};

  // Opening a connection (resolving and TCP connect) may take this long.
  std::chrono::milliseconds connect_timeout{5000};

  // Writing one request and reading its whole answer may take this long, per attempt.
  // ReceiveMessage adds its WaitTimeSeconds (20 s when not given).
  std::chrono::milliseconds request_timeout{30000};

  // Requests sent for one call, the first included (1 = no retries). Connection failures,
  // timeouts, throttling and 5xx answers are retried (README.md, Retries).
  int max_attempts = 5;

  // Retry delays: before retry n (1, 2, ...) the client sleeps a uniformly random time in
  // [0, min(retry_max_delay, retry_base_delay * 2^(n-1))] ("full jitter").
  std::chrono::milliseconds retry_base_delay{100};
  std::chrono::milliseconds retry_max_delay{5000};

  // Keep-alive connections kept open between calls (per endpoint). Each call in progress uses
  // one connection of its own, so this bounds idle sockets, not concurrency.
  size_t max_idle_connections = 16;

  // An idle connection unused for this long is closed rather than reused (Spool closes idle
  // connections after 75 s).
  std::chrono::milliseconds idle_connection_timeout{50000};

  // Check MD5OfMessageBody / MD5OfBody / MD5OfMessageAttributes of sends and receives, as the
  // AWS SDKs do. Costs one MD5 over each body.
  bool check_md5 = true;
};

}  // namespace spool
