#pragma once
// Parsers for the two places a SigV4 signature travels: the Authorization header
//   AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sqs/aws4_request,
//   SignedHeaders=host;x-amz-date, Signature=<64 hex>
// (components separated by ',' with any spaces around them), and the presigned query string
// (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Signature, X-Amz-Security-Token). They only check the syntax: whether the scope, the key,
// the time and the signature are acceptable is the verifier's business (sigv4.h).
//
// Threading: pure functions, callable from any thread.
// Errors: an AuthError (IncompleteSignature for malformed input) with AWS's wording; never throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_error.h"

namespace spool::auth {

// The Credential value split at '/': "<key id>/<yyyymmdd>/<region>/<service>/aws4_request".
struct CredentialScopeParts {
  std::string access_key_id;
  std::string date;  // yyyymmdd as sent (not yet checked to be a date)
  std::string region;
  std::string service;
  std::string terminator;  // should be aws4_request; the verifier checks
};

// Splits a Credential value. Exactly five non-empty '/'-separated parts, else IncompleteSignature
// ("Credential must have exactly 5 slash-delimited elements, ...").
std::optional<AuthError> ParseCredential(std::string_view credential, CredentialScopeParts* out);

// Everything a signed request says about its own signature, from either form.
struct SignatureFields {
  bool presigned = false;
  std::string algorithm;  // always AWS4-HMAC-SHA256 once parsed
  CredentialScopeParts credential;
  std::string signed_headers;  // as sent, e.g. "content-type;host;x-amz-date"
  std::string signature;       // as sent
  // Presigned form only (the header form takes these from headers).
  std::string amz_date;                    // X-Amz-Date
  std::optional<int64_t> expires_seconds;  // X-Amz-Expires (non-negative; the verifier caps it)
  std::string security_token;              // X-Amz-Security-Token, decoded; "" when absent
};

// Parses an Authorization header value. Missing components, duplicates, unknown components, a
// malformed Credential or an empty SignedHeaders list are IncompleteSignature; an algorithm
// other than AWS4-HMAC-SHA256 too ("Unsupported AWS 'algorithm': ...").
std::optional<AuthError> ParseAuthorizationHeader(std::string_view value, SignatureFields* out);

// True when the raw query string carries presigned-URL parameters (X-Amz-Algorithm,
// X-Amz-Credential or X-Amz-Signature), i.e. the request claims the query-string form.
bool HasPresignedParameters(std::string_view raw_query);

// Parses the X-Amz-* parameters of a raw query string (names are case-sensitive, values
// percent-decoded). Missing required ones, repeated ones, a bad X-Amz-Expires or a malformed
// credential are IncompleteSignature.
std::optional<AuthError> ParsePresignedQuery(std::string_view raw_query, SignatureFields* out);

}  // namespace spool::auth
