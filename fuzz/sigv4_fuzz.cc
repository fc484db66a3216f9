// Fuzz target: SigV4 signatures as they arrive (auth/authorization.h, auth/canonical.h,
// auth/sigv4.h).
//
// Input: lines separated by '\n':
//   1. the Authorization header value ("-" for no header)
//   2. the raw query string
//   3. the X-Amz-Date header value ("-" for no header)
//   4. the raw path
//   5... the body (the rest, newlines included)
// Host is always sent ("127.0.0.1:9324"). The verifier knows AKIDEXAMPLE with the documented
// example secret, and its clock reads 2015-08-30T12:36:00Z, so seeds can carry valid signatures.
//
// Properties: parsers and the verifier never crash and every error has a bounded, printable
// message; UriEncode -> PercentDecode is the identity; CanonicalQuery and CanonicalHeaderValue
// are idempotent; CanonicalUri starts with '/'; a date that parses formats back to itself.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authorization.h"
#include "auth/canonical.h"
#include "auth/sigv4.h"

namespace {

using namespace spool::auth;

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

void RequireGoodMessage(const AuthError& error) {
  Require(!error.message.empty());
  Require(error.message.size() <= 4096);
  for (char c : error.message) Require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
}

std::string_view NextLine(std::string_view* rest) {
  const size_t nl = rest->find('\n');
  const std::string_view line = rest->substr(0, nl);
  rest->remove_prefix(nl == std::string_view::npos ? rest->size() : nl + 1);
  return line;
}

const Verifier& TheVerifier() {
  static const Verifier verifier(
      [] {
        VerifierOptions options;
        options.services = {"sqs", "iam", "service"};
        return options;
      }(),
      [](std::string_view id) -> std::optional<KeySecret> {
        if (id != "AKIDEXAMPLE") return std::nullopt;
        return KeySecret{"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "example"};
      },
      [](std::string_view, std::string_view token) { return token == "spool-session"; });
  return verifier;
}

void CheckCanonicalForms(std::string_view text) {
  Require(PercentDecode(UriEncode(text, false)) == text);
  Require(PercentDecode(UriEncode(text, true)) == text);
  const std::string query = CanonicalQuery(text);
  Require(CanonicalQuery(query) == query);
  const std::string value = CanonicalHeaderValue(text);
  Require(CanonicalHeaderValue(value) == value);
  Require(value.empty() || (value.front() != ' ' && value.back() != ' '));
  Require(value.find("  ") == std::string::npos);
  Require(CanonicalUri(text).starts_with("/"));
  Require(CanonicalUri(text, {.normalize = false, .encode = true}).starts_with("/") ||
          !text.starts_with("/"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view authorization = NextLine(&rest);
  const std::string_view query = NextLine(&rest);
  const std::string_view amz_date = NextLine(&rest);
  const std::string_view path = NextLine(&rest);
  const std::string_view body = rest;

  SignatureFields fields;
  if (auto error = ParseAuthorizationHeader(authorization, &fields)) {
    RequireGoodMessage(*error);
  } else {
    Require(!fields.credential.access_key_id.empty() && !fields.signed_headers.empty());
  }
  if (auto error = ParsePresignedQuery(query, &fields)) {
    RequireGoodMessage(*error);
  } else {
    Require(fields.presigned && HasPresignedParameters(query));
  }
  if (auto t = ParseAmzDate(amz_date)) Require(FormatAmzDate(*t) == amz_date);
  CheckCanonicalForms(authorization);
  CheckCanonicalForms(query);

  std::vector<Header> headers = {{"Host", "127.0.0.1:9324"}};
  if (authorization != "-") headers.push_back({"Authorization", authorization});
  if (amz_date != "-") headers.push_back({"X-Amz-Date", amz_date});
  const HttpRequestView request{"POST", path, query, headers, body, {}};
  const VerifyResult result = TheVerifier().Verify(request, *ParseAmzDate("20150830T123600Z"));
  if (result.ok()) {
    Require(result.identity().access_key_id == "AKIDEXAMPLE");
  } else {
    RequireGoodMessage(result.error());
  }
  return 0;
}
