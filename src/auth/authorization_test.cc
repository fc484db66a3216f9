#include "auth/authorization.h"

#include <gtest/gtest.h>

namespace spool::auth {
namespace {

TEST(AuthorizationTest, ParsesTheHeaderForm) {
  SignatureFields f;
  ASSERT_FALSE(ParseAuthorizationHeader(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/sqs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, Signature=487e0004",
      &f));
  EXPECT_FALSE(f.presigned);
  EXPECT_EQ(f.algorithm, "AWS4-HMAC-SHA256");
  EXPECT_EQ(f.credential.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(f.credential.date, "20261128");
  EXPECT_EQ(f.credential.region, "us-east-1");
  EXPECT_EQ(f.credential.service, "sqs");
  EXPECT_EQ(f.credential.terminator, "aws4_request");
  EXPECT_EQ(f.signed_headers, "content-type;host;x-amz-date");
  EXPECT_EQ(f.signature, "487e0004");
}

TEST(AuthorizationTest, ComponentsInAnyOrderAndSpacing) {
  SignatureFields f;
  ASSERT_FALSE(ParseAuthorizationHeader(
      "AWS4-HMAC-SHA256   Signature=ab,SignedHeaders=host ,  Credential=K/20150830/r/s/t,", &f));
  EXPECT_EQ(f.signature, "ab");
  EXPECT_EQ(f.signed_headers, "host");
  EXPECT_EQ(f.credential.terminator, "t");
}

TEST(AuthorizationTest, CredentialNeedsFiveParts) {
  CredentialScopeParts parts;
  EXPECT_FALSE(ParseCredential("A/20150830/us-east-1/sqs/aws4_request", &parts));
  for (std::string_view bad : {"", "A", "A/20150830/us-east-1/sqs", "A/20150830/us-east-1/sqs/x/y",
                               "A//us-east-1/sqs/aws4_request", "A/20150830/us-east-1/sqs/"}) {
    auto error = ParseCredential(bad, &parts);
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code, AuthErrc::kIncompleteSignature);
  }
}

TEST(AuthorizationTest, MessagesDoNotEchoUnboundedInput) {
  SignatureFields f;
  const std::string huge = "AWS4-HMAC-SHA256 Credential=" + std::string(100000, 'x');
  auto error = ParseAuthorizationHeader(huge, &f);
  ASSERT_TRUE(error.has_value());
  EXPECT_LT(error->message.size(), 1000u);
  error = ParseAuthorizationHeader(std::string("AWS4-HMAC-SHA256 Bad\x01\n=1"), &f);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message.find('\n'), std::string::npos);
}

TEST(AuthorizationTest, DetectsPresignedParameters) {
  EXPECT_FALSE(HasPresignedParameters(""));
  EXPECT_FALSE(HasPresignedParameters("Action=ListQueues&X-Amz-Date=20150830T123600Z"));
  EXPECT_TRUE(HasPresignedParameters("a=1&X-Amz-Signature=00"));
  EXPECT_TRUE(HasPresignedParameters("X-Amz-Algorithm=AWS4-HMAC-SHA256"));
  EXPECT_TRUE(HasPresignedParameters("X%2DAmz%2DCredential=x"));
}

TEST(AuthorizationTest, ParsesThePresignedForm) {
  SignatureFields f;
  ASSERT_FALSE(ParsePresignedQuery(
      "Action=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%"
      "2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&"
      "X-Amz-SignedHeaders=host%3Bx-amz-date&X-Amz-Security-Token=a%2Bb&X-Amz-Signature=ff",
      &f));
  EXPECT_TRUE(f.presigned);
  EXPECT_EQ(f.credential.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(f.credential.service, "sqs");
  EXPECT_EQ(f.amz_date, "20150830T123600Z");
  ASSERT_TRUE(f.expires_seconds.has_value());
  EXPECT_EQ(*f.expires_seconds, 60);
  EXPECT_EQ(f.signed_headers, "host;x-amz-date");
  EXPECT_EQ(f.security_token, "a+b");
  EXPECT_EQ(f.signature, "ff");
}

TEST(AuthorizationTest, PresignedErrors) {
  const std::string base =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20150830%2Fr%2Fs%2Faws4_request&"
      "X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ff";
  SignatureFields f;
  EXPECT_FALSE(ParsePresignedQuery(base, &f));
  EXPECT_FALSE(f.expires_seconds.has_value());
  for (const std::string& bad :
       {base + "&X-Amz-Expires=abc", base + "&X-Amz-Expires=-5",
        base + "&X-Amz-Expires=", base + "&X-Amz-Signature=ee",
        base + "&X-Amz-Expires=1&X-Amz-Expires=1", std::string("X-Amz-Signature=ff"),
        "X-Amz-Algorithm=AWS4-HMAC-SHA1&" + base.substr(base.find('&') + 1),
        base.substr(0, base.find("X-Amz-SignedHeaders")) +
            "X-Amz-SignedHeaders=&X-Amz-Signature=ff"}) {
    auto error = ParsePresignedQuery(bad, &f);
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code, AuthErrc::kIncompleteSignature) << bad;
  }
}

}  // namespace
}  // namespace spool::auth
