// The published AWS Signature Version 4 test suite, every case in both forms: the verifier must
// accept each signed request, build the same canonical request and string to sign, and the
// signer must reproduce each signature.

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "auth/canonical.h"
#include "auth/sigv4.h"
#include "auth/sigv4_suite_get_paths.h"
#include "auth/sigv4_suite_get_queries.h"
#include "auth/sigv4_suite_post.h"
#include "auth/sigv4_suite_vector.h"
#include "common/crypto.h"

namespace spool::auth {
namespace {

using testdata::SuiteVector;

constexpr std::string_view kKeyId = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

common::TimePoint SuiteTime() { return *ParseAmzDate("20150830T123600Z"); }

// A request as the suite writes it: "METHOD TARGET HTTP/1.1", header lines ("Name:value", a
// line starting with a space continues the previous value), a blank line, the body.
struct TextRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::string> names;
  std::vector<std::string> values;
  std::vector<Header> headers;
  std::string body;

  HttpRequestView View() const { return {method, path, query, headers, body, {}}; }
  std::string_view Get(std::string_view name) const {
    for (const Header& h : headers) {
      if (h.name.size() == name.size() &&
          std::equal(name.begin(), name.end(), h.name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return h.value;
      }
    }
    return {};
  }
};

TextRequest ParseText(std::string_view text) {
  TextRequest r;
  const size_t line_end = text.find('\n');
  const std::string_view line = text.substr(0, line_end);
  const size_t first = line.find(' ');
  const size_t last = line.rfind(' ');
  r.method = std::string(line.substr(0, first));
  const std::string_view target = line.substr(first + 1, last - first - 1);
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  size_t pos = line_end + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view h = text.substr(pos, end - pos);
    pos = end + 1;
    if (h.empty()) break;
    if (h.front() == ' ' && !r.values.empty()) {
      r.values.back() += "\n";
      r.values.back() += h;
      continue;
    }
    const size_t colon = h.find(':');
    r.names.emplace_back(h.substr(0, colon));
    r.values.emplace_back(h.substr(colon + 1));
  }
  if (pos < text.size()) r.body = std::string(text.substr(pos));
  for (size_t i = 0; i < r.names.size(); ++i) r.headers.push_back({r.names[i], r.values[i]});
  return r;
}

// The value of one component of the Authorization header.
std::string AuthComponent(std::string_view authorization, std::string_view key) {
  const size_t at = authorization.find(std::string(key) + "=");
  if (at == std::string_view::npos) return "";
  const size_t start = at + key.size() + 1;
  const size_t end = authorization.find(',', start);
  return std::string(authorization.substr(start, end - start));
}

// A raw query parameter's value, percent-decoded.
std::string QueryParam(std::string_view query, std::string_view name) {
  const std::string prefix = std::string(name) + "=";
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view piece = query.substr(pos, amp - pos);
    if (piece.starts_with(prefix)) return PercentDecode(piece.substr(prefix.size()));
    pos = amp + 1;
  }
  return "";
}

// The query without the X-Amz-* parameters a presigner adds.
std::string QueryWithoutPresign(std::string_view query) {
  std::string out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view piece = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty() || piece.starts_with("X-Amz-")) continue;
    if (!out.empty()) out.push_back('&');
    out += piece;
  }
  return out;
}

std::string PayloadHash(const TextRequest& r) {
  const std::string_view declared = r.Get("x-amz-content-sha256");
  return declared.empty() ? common::Sha256Hex(r.body) : std::string(declared);
}

VerifierOptions SuiteOptions(const SuiteVector& v) {
  VerifierOptions options;
  options.services = {"service"};
  options.regions = {"us-east-1"};
  options.uri.normalize = v.normalize;
  return options;
}

Verifier SuiteVerifier(const SuiteVector& v) {
  return Verifier(
      SuiteOptions(v),
      [](std::string_view id) -> std::optional<KeySecret> {
        if (id == kKeyId) return KeySecret{std::string(kSecret), "example"};
        return std::nullopt;
      },
      [token = std::string(v.session_token)](std::string_view id, std::string_view t) {
        return id == kKeyId && !token.empty() && t == token;
      });
}

class SuiteTest : public ::testing::TestWithParam<SuiteVector> {};

TEST_P(SuiteTest, HeaderFormCanonicalRequestAndStringToSign) {
  const SuiteVector& v = GetParam();
  const TextRequest r = ParseText(v.header_signed_request);
  const std::string signed_headers = AuthComponent(r.Get("Authorization"), "SignedHeaders");
  const std::string uri = CanonicalUri(r.path, {.normalize = v.normalize});
  const std::string query = CanonicalQuery(r.query);
  const std::string headers = CanonicalHeaders(r.headers, signed_headers);
  const std::string hash = PayloadHash(r);
  const std::string canonical =
      CanonicalRequest({r.method, uri, query, headers, signed_headers, hash});
  EXPECT_EQ(canonical, v.header_canonical_request);
  const std::string scope = CredentialScope("20150830", "us-east-1", "service");
  EXPECT_EQ(StringToSign("20150830T123600Z", scope, canonical), v.header_string_to_sign);
  EXPECT_EQ(SignatureHex(DeriveSigningKey(kSecret, "20150830", "us-east-1", "service"),
                         v.header_string_to_sign),
            v.header_signature);
}

TEST_P(SuiteTest, HeaderFormVerifies) {
  const SuiteVector& v = GetParam();
  const TextRequest r = ParseText(v.header_signed_request);
  const Verifier verifier = SuiteVerifier(v);
  const VerifyResult result = verifier.Verify(r.View(), SuiteTime());
  ASSERT_TRUE(result.ok()) << AwsCode(result.error().code) << ": " << result.error().message;
  EXPECT_EQ(result.identity().access_key_id, kKeyId);
  EXPECT_EQ(result.identity().region, "us-east-1");
  EXPECT_EQ(result.identity().service, "service");
  EXPECT_EQ(result.identity().session_token, v.session_token);
  EXPECT_FALSE(result.identity().presigned);
  EXPECT_EQ(result.identity().signed_at, SuiteTime());
}

TEST_P(SuiteTest, HeaderFormTamperedSignatureFails) {
  const SuiteVector& v = GetParam();
  TextRequest r = ParseText(v.header_signed_request);
  for (size_t i = 0; i < r.names.size(); ++i) {
    if (r.names[i] == "Authorization") r.values[i].back() = r.values[i].back() == '0' ? '1' : '0';
  }
  for (size_t i = 0; i < r.names.size(); ++i) r.headers[i] = {r.names[i], r.values[i]};
  const VerifyResult result = SuiteVerifier(v).Verify(r.View(), SuiteTime());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, AuthErrc::kSignatureDoesNotMatch);
}

TEST_P(SuiteTest, SignReproducesHeaderSignature) {
  const SuiteVector& v = GetParam();
  if (v.name == "post-sts-header-after") GTEST_SKIP() << "token added after signing";
  if (!v.normalize) GTEST_SKIP() << "the signer always normalizes";
  const TextRequest r = ParseText(v.header_signed_request);
  const Credentials credentials{std::string(kKeyId), std::string(kSecret),
                                std::string(v.session_token)};
  const SignedHeaderValues signed_values =
      Sign(r.View(), credentials, {"us-east-1", "service"}, SuiteTime());
  EXPECT_EQ(signed_values.x_amz_date, "20150830T123600Z");
  EXPECT_EQ(signed_values.authorization, r.Get("Authorization"));
}

TEST_P(SuiteTest, QueryFormCanonicalRequestAndStringToSign) {
  const SuiteVector& v = GetParam();
  if (v.name == "post-sts-header-after") GTEST_SKIP() << "token added after signing";
  const TextRequest r = ParseText(v.query_signed_request);
  const std::string signed_headers = QueryParam(r.query, "X-Amz-SignedHeaders");
  const std::string canonical = CanonicalRequest(
      {r.method, CanonicalUri(r.path, {.normalize = v.normalize}),
       CanonicalQuery(r.query, "X-Amz-Signature"), CanonicalHeaders(r.headers, signed_headers),
       signed_headers, PayloadHash(r)});
  EXPECT_EQ(canonical, v.query_canonical_request);
  EXPECT_EQ(StringToSign("20150830T123600Z", CredentialScope("20150830", "us-east-1", "service"),
                         canonical),
            v.query_string_to_sign);
}

TEST_P(SuiteTest, QueryFormVerifies) {
  const SuiteVector& v = GetParam();
  const TextRequest r = ParseText(v.query_signed_request);
  if (v.name == "post-sts-header-after") {
    // The token was appended after signing (an IoT-style presigner); Spool wants it signed.
    const VerifyResult result = SuiteVerifier(v).Verify(r.View(), SuiteTime());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, AuthErrc::kSignatureDoesNotMatch);
    return;
  }
  const VerifyResult result = SuiteVerifier(v).Verify(r.View(), SuiteTime());
  ASSERT_TRUE(result.ok()) << AwsCode(result.error().code) << ": " << result.error().message;
  EXPECT_TRUE(result.identity().presigned);
  EXPECT_EQ(result.identity().session_token, v.session_token);
  // Still valid one second before the hour is up, expired one second after.
  EXPECT_TRUE(SuiteVerifier(v).Verify(r.View(), SuiteTime() + std::chrono::seconds(3599)).ok());
  const VerifyResult late =
      SuiteVerifier(v).Verify(r.View(), SuiteTime() + std::chrono::seconds(3601));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, AuthErrc::kRequestExpired);
}

TEST_P(SuiteTest, PresignReproducesQuerySignature) {
  const SuiteVector& v = GetParam();
  if (v.name == "post-sts-header-after") GTEST_SKIP() << "token added after signing";
  if (!v.normalize) GTEST_SKIP() << "the signer always normalizes";
  TextRequest r = ParseText(v.query_signed_request);
  r.query = QueryWithoutPresign(r.query);
  const Credentials credentials{std::string(kKeyId), std::string(kSecret),
                                std::string(v.session_token)};
  const std::string query = Presign(r.View(), credentials, {"us-east-1", "service"}, SuiteTime(),
                                    std::chrono::seconds(3600));
  EXPECT_EQ(QueryParam(query, "X-Amz-Signature"), v.query_signature) << query;
}

std::string VectorName(const ::testing::TestParamInfo<SuiteVector>& info) {
  std::string name(info.param.name);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AwsSigV4GetPaths, SuiteTest,
                         ::testing::ValuesIn(testdata::kGetPathVectors), VectorName);
INSTANTIATE_TEST_SUITE_P(AwsSigV4GetQueries, SuiteTest,
                         ::testing::ValuesIn(testdata::kGetQueryVectors), VectorName);
INSTANTIATE_TEST_SUITE_P(AwsSigV4Post, SuiteTest, ::testing::ValuesIn(testdata::kPostVectors),
                         VectorName);

}  // namespace
}  // namespace spool::auth
