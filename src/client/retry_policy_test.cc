#include "client/retry_policy.h"

#include <gtest/gtest.h>

namespace spool::client {
namespace {

Error Service(int status, std::string code, std::string type = "", std::string message = "") {
  Error e(ErrorKind::kService, std::move(code), std::move(message));
  e.set_http_status(status).set_type(std::move(type));
  return e;
}

TEST(RetryPolicyTest, ThrottlingServerErrorsAndTransportFailuresAreRetried) {
  EXPECT_TRUE(IsRetryable(Service(403, "RequestThrottled", "RequestThrottled")));
  EXPECT_TRUE(IsRetryable(Service(400, "ThrottlingException")));
  EXPECT_TRUE(IsRetryable(Service(400, "Throttling")));
  EXPECT_TRUE(IsRetryable(Service(429, "Whatever")));
  for (int status : {500, 502, 503, 504}) EXPECT_TRUE(IsRetryable(Service(status, "X")));
  EXPECT_TRUE(IsRetryable(Service(400, "ServiceUnavailable")));
  EXPECT_TRUE(IsRetryable(Service(500, "InternalError")));
  EXPECT_TRUE(IsRetryable(Error(ErrorKind::kNetwork, "NetworkError", "refused")));
  EXPECT_TRUE(IsRetryable(Error(ErrorKind::kTimeout, "RequestTimeout", "slow")));
  EXPECT_TRUE(IsThrottling(Service(403, "RequestThrottled")));
  EXPECT_FALSE(IsThrottling(Service(500, "InternalError")));
}

TEST(RetryPolicyTest, ClientErrorsAreNot) {
  EXPECT_FALSE(
      IsRetryable(Service(400, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")));
  EXPECT_FALSE(IsRetryable(Service(400, "InvalidParameterValue")));
  EXPECT_FALSE(IsRetryable(Service(403, "AccessDenied")));
  EXPECT_FALSE(IsRetryable(Service(501, "NotImplemented")));
  EXPECT_FALSE(IsRetryable(Error(ErrorKind::kChecksum, "ChecksumMismatch", "")));
  EXPECT_FALSE(IsRetryable(Error(ErrorKind::kCredentials, "MissingCredentials", "")));
  EXPECT_FALSE(IsRetryable(Error(ErrorKind::kResponse, "MalformedResponse", "")));
  EXPECT_FALSE(IsRetryable(Error(ErrorKind::kInvalidArgument, "InvalidArgument", "")));
}

TEST(RetryPolicyTest, ClockSkewAndRejectedCredentials) {
  EXPECT_TRUE(IsClockSkew(Service(400, "RequestExpired")));
  EXPECT_TRUE(IsClockSkew(Service(403, "SignatureDoesNotMatch", "", "Signature expired: ...")));
  EXPECT_FALSE(IsClockSkew(Service(403, "SignatureDoesNotMatch", "",
                                   "The request signature "
                                   "we calculated does not "
                                   "match")));
  EXPECT_TRUE(IsRejectedCredentials(Service(403, "InvalidClientTokenId")));
  EXPECT_TRUE(IsRejectedCredentials(Service(400, "UnrecognizedClientException")));
  EXPECT_FALSE(IsRejectedCredentials(Service(403, "AccessDenied")));
}

TEST(RetryPolicyTest, FullJitterStaysUnderTheExponentialCeilingAndTheCap) {
  RetryOptions o{10, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  std::mt19937_64 rng(42);
  const int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int retry = 1; retry <= 7; ++retry) {
    int64_t largest = 0, smallest = INT64_MAX;
    for (int i = 0; i < 2000; ++i) {
      int64_t d = BackoffDelay(o, retry, rng).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceilings[retry - 1]) << "retry " << retry;
      largest = std::max(largest, d);
      smallest = std::min(smallest, d);
    }
    // Spread over the whole range (full jitter), not clustered at the ceiling.
    EXPECT_GT(largest, ceilings[retry - 1] * 9 / 10) << "retry " << retry;
    EXPECT_LT(smallest, ceilings[retry - 1] / 10) << "retry " << retry;
  }
  EXPECT_EQ(
      BackoffDelay({3, std::chrono::milliseconds(0), std::chrono::milliseconds(0)}, 5, rng).count(),
      0);
}

}  // namespace
}  // namespace spool::client
