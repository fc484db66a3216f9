#pragma once
// Which failed calls are tried again, and how long to wait before (README.md, Retries). The
// rules are those of the AWS SDKs' "standard" retry mode.
//
// Threading: pure functions; BackoffDelay uses the generator it is given.

#include <chrono>
#include <random>
#include <string_view>

#include "spool/result.h"

namespace spool::client {

struct RetryOptions {
  int max_attempts = 5;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
};

// ThrottlingException, RequestThrottled, Throttling, TooManyRequestsException, ... (either
// spelling of the code).
bool IsThrottling(const Error& error);

// Throttling; HTTP 429, 500, 502, 503, 504; InternalError and the other transient codes;
// network failures and timeouts. Never: other 4xx, checksum, credentials, arguments, answers
// that do not parse.
bool IsRetryable(const Error& error);

// RequestExpired, RequestTimeTooSkewed, InvalidSignatureException, or SignatureDoesNotMatch
// whose message speaks of the time ("Signature expired").
bool IsClockSkew(const Error& error);

// The server does not accept the key: InvalidClientTokenId, UnrecognizedClientException,
// InvalidAccessKeyId, SignatureDoesNotMatch (a secret that changed), ExpiredToken.
bool IsRejectedCredentials(const Error& error);

// The delay before retry `retry` (1 for the first retry): uniform in
// [0, min(max_delay, base_delay * 2^(retry-1))].
std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry,
                                       std::mt19937_64& rng);

}  // namespace spool::client
