#include "client/retry_policy.h"

#include <algorithm>
#include <array>

namespace spool::client {
namespace {

bool IsAnyOf(const Error& error, std::initializer_list<std::string_view> codes) {
  return std::any_of(codes.begin(), codes.end(), [&](std::string_view c) { return error.Is(c); });
}

}  // namespace

bool IsThrottling(const Error& error) {
  return error.kind() == ErrorKind::kService &&
         (error.http_status() == 429 ||
          IsAnyOf(error, {"Throttling", "ThrottlingException", "ThrottledException",
                          "RequestThrottledException", "TooManyRequestsException",
                          "ProvisionedThroughputExceededException", "RequestLimitExceeded",
                          "BandwidthLimitExceeded", "RequestThrottled", "SlowDown",
                          "PriorRequestNotComplete", "KMS.ThrottlingException", "KmsThrottled"}));
}

bool IsRetryable(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::kNetwork:
    case ErrorKind::kTimeout:
      return true;
    case ErrorKind::kService:
      break;
    default:
      return false;
  }
  if (IsThrottling(error)) return true;
  switch (error.http_status()) {
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      break;
  }
  return IsAnyOf(error, {"RequestTimeout", "RequestTimeoutException", "InternalError",
                         "InternalFailure", "InternalServiceError", "ServiceUnavailable"});
}

bool IsClockSkew(const Error& error) {
  if (error.kind() != ErrorKind::kService) return false;
  if (IsAnyOf(error, {"RequestExpired", "RequestTimeTooSkewed", "InvalidSignatureException",
                      "RequestInTheFuture"})) {
    return true;
  }
  return error.Is("SignatureDoesNotMatch") &&
         (error.message().find("expired") != std::string::npos ||
          error.message().find("time") != std::string::npos);
}

bool IsRejectedCredentials(const Error& error) {
  return error.kind() == ErrorKind::kService &&
         IsAnyOf(error,
                 {"InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId",
                  "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException"});
}

std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry,
                                       std::mt19937_64& rng) {
  using std::chrono::milliseconds;
  if (retry < 1) retry = 1;
  int64_t cap = options.max_delay.count();
  int64_t ceiling = options.base_delay.count();
  for (int i = 1; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::clamp<int64_t>(ceiling, 0, cap);
  if (ceiling == 0) return milliseconds(0);
  std::uniform_int_distribution<int64_t> pick(0, ceiling);
  return milliseconds(pick(rng));
}

}  // namespace spool::client
