#include "bench/sigv4.h"

#include <array>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::bench {
namespace {

constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kDate = "20150830T123600Z";

std::string Sha256Hex(std::string_view s) { return common::ToHex(common::Sha256(s)); }

// SQS reference, section 9.3, vector A: a Query POST.
TEST(SigV4Test, VectorAQueryPost) {
  const std::string body =
      "Action=SendMessage&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%"
      "2F123456789012%2FMyQueue&MessageBody=hello+world";
  ASSERT_EQ(body.size(), 137u);
  const std::string payload_hash = Sha256Hex(body);
  EXPECT_EQ(payload_hash, "04f5287b8f717a915b89ef8825eea409bbc8ab48ae925a76a1de7672d7a0c5e8");

  const std::array<SignedHeader, 3> headers = {{
      {"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
      {"host", "sqs.us-east-1.amazonaws.com"},
      {"x-amz-date", kDate},
  }};
  SigningRequest r;
  r.headers = headers;
  r.payload_hash = payload_hash;
  r.amz_date = kDate;

  const std::string canonical = CanonicalRequest(r);
  EXPECT_EQ(canonical,
            "POST\n/\n\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:sqs.us-east-1.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "04f5287b8f717a915b89ef8825eea409bbc8ab48ae925a76a1de7672d7a0c5e8");
  EXPECT_EQ(Sha256Hex(canonical),
            "55f54206ea6fb40f0f9821568cfb517b574b80a24c762a0709dbecf9bed072b7");

  Signer signer(kAccessKey, kSecretKey, "us-east-1");
  EXPECT_EQ(common::ToHex(signer.SigningKey("20150830")),
            "9e65b0be0d065ec1c6ad437e0f495e15797093b99ad6de07a06d7ff044ca5c6a");
  EXPECT_EQ(signer.Signature(r),
            "1eb413340e86e136517f729113216cc6c10bba9e8f33d157dfcd564ee36c36b2");
  EXPECT_EQ(signer.Authorization(r),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=1eb413340e86e136517f729113216cc6c10bba9e8f33d157dfcd564ee36c36b2");
}

// SQS reference, section 9.3, vector B: a JSON POST with x-amz-content-sha256.
TEST(SigV4Test, VectorBJsonPost) {
  const std::string body =
      R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/q1","MaxNumberOfMessages":10})";
  const std::string content_sha =
      "60b4b88e440040a7584c882b01f22073684137143057646a2a43c704f9a0287a";
  EXPECT_EQ(Sha256Hex(body), content_sha);

  const std::array<SignedHeader, 5> headers = {{
      {"content-type", "application/x-amz-json-1.0"},
      {"host", "127.0.0.1:9324"},
      {"x-amz-content-sha256", content_sha},
      {"x-amz-date", kDate},
      {"x-amz-target", "AmazonSQS.ReceiveMessage"},
  }};
  SigningRequest r;
  r.headers = headers;
  r.payload_hash = content_sha;
  r.amz_date = kDate;
  EXPECT_EQ(Sha256Hex(CanonicalRequest(r)),
            "226393e0d365548ffaa8ef288caa05335dc17a3db707c5ba5abced6d805ef908");
  Signer signer(kAccessKey, kSecretKey, "us-east-1");
  EXPECT_EQ(signer.Signature(r),
            "c55430ee9ff4a6b3db125fb4bc7f12e1c05a81c4418ea593ca499df40e18aabf");
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndSpacesCollapsed) {
  const std::array<SignedHeader, 2> headers = {{
      {"host", "  example.com "},
      {"x-custom", "a   b \t c"},
  }};
  SigningRequest r;
  r.headers = headers;
  r.payload_hash = "h";
  EXPECT_EQ(CanonicalRequest(r), "POST\n/\n\nhost:example.com\nx-custom:a b c\n\nhost;x-custom\nh");
}

TEST(SigV4Test, SigningKeyFollowsTheDate) {
  Signer signer(kAccessKey, kSecretKey, "us-east-1");
  const std::string first = common::ToHex(signer.SigningKey("20150830"));
  const std::string other = common::ToHex(signer.SigningKey("20150831"));
  EXPECT_NE(first, other);
  EXPECT_EQ(common::ToHex(signer.SigningKey("20150830")), first);
}

TEST(SigV4Test, AmzDateIsUtc) {
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
}

}  // namespace
}  // namespace spool::bench
