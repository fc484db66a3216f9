// SigV4: presigned URLs, the signing-key cache, concurrency, error codes.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "auth/sigv4.h"
#include "auth/sigv4_testing.h"
#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::auth {
namespace {

using namespace sigv4_testing;
using std::chrono::minutes;
using std::chrono::seconds;

// ---- Presigned URLs ----

Req PresignedGet(common::TimePoint t, seconds expires, std::string_view token = "") {
  Req r;
  r.method = "GET";
  r.path = "/123456789012/orders";
  r.query = "Action=ReceiveMessage&MaxNumberOfMessages=10";
  r.Add("Host", "127.0.0.1:9324");
  r.query = Presign(r.View(), {std::string(kKeyId), std::string(kSecret), std::string(token)},
                    {"us-east-1"}, t, expires);
  return r;
}

TEST(SigV4Test, PresignedUrlVerifiesUntilItExpires) {
  Req r = PresignedGet(kT, seconds(300));
  const Verifier v(Options(), ExampleSecrets());
  const VerifyResult ok = v.Verify(r.View(), kT + seconds(300));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok.identity().presigned);
  const VerifyResult late = v.Verify(r.View(), kT + seconds(301));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, AuthErrc::kRequestExpired);
  EXPECT_NE(late.error().message.find("Request has expired"), std::string::npos);
  const VerifyResult early = v.Verify(r.View(), kT - minutes(16));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, AuthErrc::kRequestExpired);
}

TEST(SigV4Test, PresignedUrlIsBoundToItsParameters) {
  Req r = PresignedGet(kT, seconds(300));
  r.query += "&VisibilityTimeout=0";
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kSignatureDoesNotMatch);
  r = PresignedGet(kT, seconds(300));
  const size_t at = r.query.find("X-Amz-Expires=300");
  r.query.replace(at, 17, "X-Amz-Expires=900");
  EXPECT_EQ(VerifyError(r, kT + seconds(600)).code, AuthErrc::kSignatureDoesNotMatch);
}

TEST(SigV4Test, PresignedExpiryIsLimitedToAWeek) {
  Req r = PresignedGet(kT, seconds(604801));
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature);
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets())
                  .Verify(PresignedGet(kT, seconds(604800)).View(), kT)
                  .ok());
}

TEST(SigV4Test, PresignedMissingParametersAreIncomplete) {
  for (std::string_view drop :
       {"X-Amz-Date", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature"}) {
    Req r = PresignedGet(kT, seconds(60));
    std::string kept;
    size_t pos = 0;
    while (pos <= r.query.size()) {
      size_t amp = r.query.find('&', pos);
      if (amp == std::string::npos) amp = r.query.size();
      const std::string piece = r.query.substr(pos, amp - pos);
      pos = amp + 1;
      if (piece.starts_with(std::string(drop) + "=")) continue;
      kept += (kept.empty() ? "" : "&") + piece;
    }
    r.query = kept;
    const AuthError e = VerifyError(r);
    EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature) << drop;
    EXPECT_NE(e.message.find("must include"), std::string::npos) << e.message;
  }
  Req r = PresignedGet(kT, seconds(60));
  r.query += "&X-Amz-Date=20150830T123600Z";
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kIncompleteSignature);
  r = PresignedGet(kT, seconds(60));
  r.query.replace(r.query.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=-1");
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kIncompleteSignature);
}

TEST(SigV4Test, PresignedSessionTokenGoesThroughTheHook) {
  Req r = PresignedGet(kT, seconds(60), "spool-session-1");
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kInvalidClientTokenId);
  auto hook = [](std::string_view, std::string_view token) { return token == "spool-session-1"; };
  const VerifyResult result = Verifier(Options(), ExampleSecrets(), hook).Verify(r.View(), kT);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.identity().session_token, "spool-session-1");
}

TEST(SigV4Test, PresignedWithUnsignedPayloadAsS3PresignersDo) {
  Req r;
  r.method = "POST";
  r.path = "/123456789012/orders";
  r.body = "Action=SendMessage&MessageBody=hi";
  r.Add("Host", "127.0.0.1:9324");
  const std::string scope = CredentialScope("20150830", "us-east-1", "sqs");
  std::string query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
                      UriEncode("AKIDEXAMPLE/" + scope, false) +
                      "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host";
  const std::string canonical =
      CanonicalRequest({"POST", "/123456789012/orders", CanonicalQuery(query),
                        "host:127.0.0.1:9324\n", "host", kUnsignedPayload});
  query +=
      "&X-Amz-Signature=" + SignatureHex(DeriveSigningKey(kSecret, "20150830", "us-east-1", "sqs"),
                                         StringToSign("20150830T123600Z", scope, canonical));
  r.query = query;
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT).ok());
  VerifierOptions strict;
  strict.allow_unsigned_payload = false;
  EXPECT_EQ(VerifyError(r, kT, strict).code, AuthErrc::kSignatureDoesNotMatch);
}

// ---- Key cache ----

TEST(SigV4Test, RotatedSecretIsNotServedFromTheCache) {
  auto secret = std::make_shared<std::string>(kSecret);
  const Verifier v(Options(), [secret](std::string_view) -> std::optional<KeySecret> {
    return KeySecret{*secret, ""};
  });
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  EXPECT_TRUE(v.Verify(r.View(), kT).ok());
  *secret = "rotated";
  EXPECT_FALSE(v.Verify(r.View(), kT).ok());
  SignInPlace(r, kT, "sqs", "rotated");
  EXPECT_TRUE(v.Verify(r.View(), kT).ok());
}

TEST(SigV4Test, CacheDisabledStillVerifies) {
  VerifierOptions options;
  options.signing_key_cache_entries = 0;
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  EXPECT_TRUE(Verifier(options, ExampleSecrets()).Verify(r.View(), kT).ok());
}

TEST(SigV4Test, ConcurrentVerification) {
  VerifierOptions options;
  options.signing_key_cache_entries = 2;  // forces evictions while others read
  const Verifier v(options, ExampleSecrets());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Req r = SqsQueryPost();
        const common::TimePoint when = kT + std::chrono::hours(24 * ((t + i) % 5));
        SignInPlace(r, when);
        if (!v.Verify(r.View(), when).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(SigV4Test, AwsCodesAreTheSqsSpellings) {
  EXPECT_EQ(AwsCode(AuthErrc::kMissingAuthenticationToken), "MissingAuthenticationToken");
  EXPECT_EQ(AwsCode(AuthErrc::kIncompleteSignature), "IncompleteSignature");
  EXPECT_EQ(AwsCode(AuthErrc::kInvalidClientTokenId), "InvalidClientTokenId");
  EXPECT_EQ(AwsCode(AuthErrc::kSignatureDoesNotMatch), "SignatureDoesNotMatch");
  EXPECT_EQ(AwsCode(AuthErrc::kRequestExpired), "RequestExpired");
}

}  // namespace
}  // namespace spool::auth
