// SigV4 verification and signing: published vectors, every error, tokens, payload hashes.

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

// ---- Published and reference vectors ----

TEST(SigV4Test, AwsDocumentedIamExample) {
  // The AWS General Reference walk-through: GET ListUsers to IAM in us-east-1.
  EXPECT_EQ(common::ToHex(DeriveSigningKey(kSecret, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  Req r;
  r.method = "GET";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.Add("Host", "iam.amazonaws.com")
      .Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  const std::string canonical = CanonicalRequest(
      {"GET", "/", CanonicalQuery(r.query),
       CanonicalHeaders(
           std::vector<Header>{{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                               {"host", "iam.amazonaws.com"},
                               {"x-amz-date", "20150830T123600Z"}},
           "content-type;host;x-amz-date"),
       "content-type;host;x-amz-date", kEmptyPayloadSha256});
  EXPECT_EQ(common::Sha256Hex(canonical),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  SignInPlace(r, kT, "iam");
  EXPECT_EQ(r.View().headers.back().value,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  VerifierOptions options;
  options.services = {"sqs", "iam"};
  const VerifyResult result = Verifier(options, ExampleSecrets()).Verify(r.View(), kT);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.identity().service, "iam");
  EXPECT_EQ(result.identity().access_key_id, kKeyId);
  EXPECT_EQ(result.identity().principal, "arn:aws:iam::123456789012:user/example");
}

TEST(SigV4Test, ReferenceVectorAQueryPost) {
  // reference/sqs-api.md section 9.3, vector A (also produced by botocore).
  EXPECT_EQ(common::ToHex(DeriveSigningKey(kSecret, "20150830", "us-east-1", "sqs")),
            "9e65b0be0d065ec1c6ad437e0f495e15797093b99ad6de07a06d7ff044ca5c6a");
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  EXPECT_EQ(r.View().headers.back().value,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=1eb413340e86e136517f729113216cc6c10bba9e8f33d157dfcd564ee36c36b2");
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT).ok());
}

TEST(SigV4Test, ReferenceVectorBJsonPost) {
  Req r;
  r.body = R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1","MaxNumberOfMessages":10})";
  r.Add("Host", "127.0.0.1:9324")
      .Add("Content-Type", "application/x-amz-json-1.0")
      .Add("X-Amz-Target", "AmazonSQS.ReceiveMessage")
      .Add("X-Amz-Content-SHA256", common::Sha256Hex(r.body));
  EXPECT_EQ(common::Sha256Hex(r.body),
            "60b4b88e440040a7584c882b01f22073684137143057646a2a43c704f9a0287a");
  SignInPlace(r, kT);
  EXPECT_NE(r.View().headers.back().value.find(
                "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, "
                "Signature=c55430ee9ff4a6b3db125fb4bc7f12e1c05a81c4418ea593ca499df40e18aabf"),
            std::string_view::npos)
      << r.View().headers.back().value;
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT).ok());
}

TEST(SigV4Test, NoSignatureAtAllIsMissingAuthenticationToken) {
  Req r = SqsQueryPost();
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kMissingAuthenticationToken);
  EXPECT_EQ(AwsCode(e.code), "MissingAuthenticationToken");
  EXPECT_EQ(e.message, "Request is missing Authentication Token");
}

TEST(SigV4Test, WrongSecretIsSignatureDoesNotMatch) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT, "sqs", "not-the-secret");
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
  EXPECT_EQ(e.message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
  EXPECT_EQ(e.message.find("not-the-secret"), std::string::npos);
}

TEST(SigV4Test, UnknownKeyIsInvalidClientTokenId) {
  Req r = SqsQueryPost();
  const SignedHeaderValues s = Sign(r.View(), {"AKIDUNKNOWN", "x", ""}, {"us-east-1"}, kT);
  r.Set("X-Amz-Date", s.x_amz_date).Set("Authorization", s.authorization);
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kInvalidClientTokenId);
  EXPECT_EQ(e.message, "The security token included in the request is invalid.");
}

TEST(SigV4Test, TamperedBodyOrHeaderFails) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  r.body += "X";
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kSignatureDoesNotMatch);
  r = SqsQueryPost();
  SignInPlace(r, kT);
  r.Set("Content-Type", "text/plain");
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kSignatureDoesNotMatch);
  r = SqsQueryPost();
  SignInPlace(r, kT);
  r.path = "/123456789012/other";
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kSignatureDoesNotMatch);
}

TEST(SigV4Test, UnsignedHeadersMayChange) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  r.Add("User-Agent", "aws-cli/2.9.19").Add("Accept-Encoding", "identity");
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT).ok());
}

TEST(SigV4Test, ClockSkewOfFifteenMinutesIsTolerated) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  const Verifier v(Options(), ExampleSecrets());
  EXPECT_TRUE(v.Verify(r.View(), kT + minutes(15)).ok());
  EXPECT_TRUE(v.Verify(r.View(), kT - minutes(15)).ok());
}

TEST(SigV4Test, OldRequestIsExpired) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  const AuthError e = VerifyError(r, kT + minutes(15) + seconds(1));
  EXPECT_EQ(e.code, AuthErrc::kRequestExpired);
  EXPECT_EQ(e.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
            "(20150830T125101Z - 15 min.)");
}

TEST(SigV4Test, FutureRequestIsNotYetCurrent) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  const AuthError e = VerifyError(r, kT - minutes(16));
  EXPECT_EQ(e.code, AuthErrc::kRequestExpired);
  EXPECT_EQ(e.message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z "
            "(20150830T122000Z + 15 min.)");
}

TEST(SigV4Test, SkewErrorCodeIsConfigurable) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  VerifierOptions options;
  options.skew_error = AuthErrc::kSignatureDoesNotMatch;
  EXPECT_EQ(VerifyError(r, kT + minutes(20), options).code, AuthErrc::kSignatureDoesNotMatch);
}

TEST(SigV4Test, DateHeaderMayReplaceXAmzDate) {
  Req r = SqsQueryPost();
  r.Add("Date", "Sun, 30 Aug 2015 12:36:00 GMT");
  // Sign as a client that signs Date instead of X-Amz-Date would: build the pieces by hand.
  const std::string signed_headers = "content-type;date;host";
  std::vector<Header> headers;
  for (const auto& [n, v] : r.header_list) headers.push_back({n, v});
  const std::string canonical =
      CanonicalRequest({"POST", "/", "", CanonicalHeaders(headers, signed_headers), signed_headers,
                        common::Sha256Hex(r.body)});
  const std::string signature = SignatureHex(
      DeriveSigningKey(kSecret, "20150830", "us-east-1", "sqs"),
      StringToSign("20150830T123600Z", CredentialScope("20150830", "us-east-1", "sqs"), canonical));
  r.Add("Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/"
        "aws4_request,SignedHeaders=" +
            signed_headers + ",Signature=" + signature);
  const VerifyResult result = Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.identity().signed_at, kT);
}

TEST(SigV4Test, AuthorizationSpacingIsTolerated) {
  for (std::string_view separator : {",", ",  ", " , ", ",\t"}) {
    Req r = SqsQueryPost();
    SignInPlace(r, kT);
    std::string auth = r.header_list.back().second;
    std::string respaced;
    for (size_t pos = 0;;) {
      const size_t comma = auth.find(", ", pos);
      respaced += auth.substr(pos, comma - pos);
      if (comma == std::string::npos) break;
      respaced += separator;
      pos = comma + 2;
    }
    r.Set("Authorization", "  " + respaced + " ");
    EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT).ok()) << respaced;
  }
}

TEST(SigV4Test, MissingPiecesAreIncompleteSignature) {
  struct Case {
    std::string authorization;
    std::string_view expect;
  };
  const std::string cred = "Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request";
  const std::string sh = "SignedHeaders=content-type;host;x-amz-date";
  const std::string sig = "Signature=" + std::string(64, 'a');
  const Case cases[] = {
      {"AWS4-HMAC-SHA256 " + cred + ", " + sh, "requires 'Signature' parameter"},
      {"AWS4-HMAC-SHA256 " + sh + ", " + sig, "requires 'Credential' parameter"},
      {"AWS4-HMAC-SHA256 " + cred + ", " + sig, "requires 'SignedHeaders' parameter"},
      {"AWS4-HMAC-SHA256", "requires 'Credential' parameter"},
      {"AWS4-HMAC-SHA512 " + cred + ", " + sh + ", " + sig, "Unsupported AWS 'algorithm'"},
      {"AWS AKIDEXAMPLE:abc", "Unsupported AWS 'algorithm'"},
      {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs, " + sh + ", " + sig,
       "exactly 5 slash-delimited elements"},
      {"AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/sqs/aws4_request, " + sh + ", " + sig,
       "exactly 5 slash-delimited elements"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, " + sig, "SignedHeaders must be"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, " + sig,
       "SignedHeaders must be"},
      {"AWS4-HMAC-SHA256 " + cred + ", " + cred + ", " + sh + ", " + sig, "more than one"},
      {"AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", Extra=1", "unknown component"},
      {"AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature", "not of the form Key=Value"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=content-type;x-amz-date, " + sig,
       "'Host' or ':authority' must be a 'SignedHeader'"},
  };
  for (const Case& c : cases) {
    Req r = SqsQueryPost();
    r.Add("X-Amz-Date", "20150830T123600Z").Add("Authorization", c.authorization);
    const AuthError e = VerifyError(r);
    EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature) << c.authorization;
    EXPECT_NE(e.message.find(c.expect), std::string::npos) << e.message;
  }
}

TEST(SigV4Test, MissingOrMalformedDateIsIncompleteSignature) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  r.Remove("X-Amz-Date");
  AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature);
  EXPECT_NE(e.message.find("either a 'X-Amz-Date' or a 'Date' header"), std::string::npos);
  r.Set("X-Amz-Date", "2015-08-30T12:36:00Z");
  e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature);
  EXPECT_NE(e.message.find("ISO-8601"), std::string::npos);
}

TEST(SigV4Test, TwoAuthorizationHeadersOrBothFormsAreRejected) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  r.Add("authorization", r.header_list.back().second);
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kIncompleteSignature);
  r = SqsQueryPost();
  SignInPlace(r, kT);
  r.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256";
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature);
  EXPECT_NE(e.message.find("Only one auth mechanism"), std::string::npos);
}

TEST(SigV4Test, SignatureVersion2IsRefusedClearly) {
  Req r = SqsQueryPost();
  r.method = "GET";
  r.query = "Action=ListQueues&AWSAccessKeyId=AKIDEXAMPLE&SignatureVersion=2&Signature=abc";
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kIncompleteSignature);
  EXPECT_NE(e.message.find("Signature Version 2 is not supported"), std::string::npos);
}

TEST(SigV4Test, CredentialScopeIsChecked) {
  {
    Req r = SqsQueryPost();
    SignInPlace(r, kT, "sns");
    const AuthError e = VerifyError(r);
    EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
    EXPECT_EQ(e.message, "Credential should be scoped to correct service: 'sqs'. ");
  }
  {
    Req r = SqsQueryPost();
    SignInPlace(r, kT);
    VerifierOptions options;
    options.regions = {"eu-west-1"};
    const AuthError e = VerifyError(r, kT, options);
    EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
    EXPECT_EQ(e.message, "Credential should be scoped to a valid region, not 'us-east-1'. ");
  }
  {
    Req r = SqsQueryPost();
    SignInPlace(r, kT);
    r.Set("X-Amz-Date", "20150831T000100Z");
    const AuthError e = VerifyError(r, At("20150831T000100Z"));
    EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
    EXPECT_NE(e.message.find("'20150830' != '20150831'"), std::string::npos) << e.message;
  }
  {
    Req r = SqsQueryPost();
    r.Add("X-Amz-Date", "20150830T123600Z")
        .Add("Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws5_request, "
             "SignedHeaders=host;x-amz-date, Signature=00");
    const AuthError e = VerifyError(r);
    EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
    EXPECT_NE(e.message.find("valid terminator"), std::string::npos);
  }
}

TEST(SigV4Test, AnyRegionIsAcceptedByDefaultAndReported) {
  Req r = SqsQueryPost();
  const SignedHeaderValues s =
      Sign(r.View(), {std::string(kKeyId), std::string(kSecret), ""}, {"eu-north-1"}, kT);
  r.Set("X-Amz-Date", s.x_amz_date).Set("Authorization", s.authorization);
  const VerifyResult result = Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.identity().region, "eu-north-1");
}

// ---- Session tokens ----

TEST(SigV4Test, SessionTokenIsRefusedWithoutHook) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT, "sqs", kSecret, "FwoGZXIvYXdzEXAMPLETOKEN");
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kInvalidClientTokenId);
  EXPECT_NE(e.message.find("session tokens it issued"), std::string::npos);
  EXPECT_EQ(e.message.find("FwoGZXIvYXdzEXAMPLETOKEN"), std::string::npos);
}

TEST(SigV4Test, SessionTokenAcceptedByHook) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT, "sqs", kSecret, "spool-session-1");
  auto hook = [](std::string_view id, std::string_view token) {
    return id == kKeyId && token == "spool-session-1";
  };
  const VerifyResult result = Verifier(Options(), ExampleSecrets(), hook).Verify(r.View(), kT);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.identity().session_token, "spool-session-1");
  r.Set("X-Amz-Security-Token", "spool-session-2");
  EXPECT_EQ(VerifyError(r, kT, Options(), hook).code, AuthErrc::kInvalidClientTokenId);
}

// ---- Payload hash ----

TEST(SigV4Test, UnsignedPayloadLeavesTheBodyUncovered) {
  Req r = SqsQueryPost();
  r.Add("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
  SignInPlace(r, kT);
  r.body = "Action=PurgeQueue";
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(r.View(), kT).ok());
  VerifierOptions strict;
  strict.allow_unsigned_payload = false;
  const AuthError e = VerifyError(r, kT, strict);
  EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
  EXPECT_NE(e.message.find("UNSIGNED-PAYLOAD"), std::string::npos);
}

TEST(SigV4Test, ContentSha256MustMatchTheBody) {
  Req r = SqsQueryPost();
  r.Add("X-Amz-Content-Sha256", common::Sha256Hex("something else"));
  SignInPlace(r, kT);
  const AuthError e = VerifyError(r);
  EXPECT_EQ(e.code, AuthErrc::kSignatureDoesNotMatch);
  EXPECT_EQ(e.message,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
  r = SqsQueryPost();
  r.Add("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  SignInPlace(r, kT);
  EXPECT_EQ(VerifyError(r).code, AuthErrc::kIncompleteSignature);
}

TEST(SigV4Test, CallerProvidedBodyHashIsUsed) {
  Req r = SqsQueryPost();
  SignInPlace(r, kT);
  HttpRequestView view = r.View();
  const std::string hash = common::Sha256Hex(view.body);
  view.body = {};  // the verifier must not need the body when given its hash
  view.body_sha256_hex = hash;
  EXPECT_TRUE(Verifier(Options(), ExampleSecrets()).Verify(view, kT).ok());
}

}  // namespace
}  // namespace spool::auth
