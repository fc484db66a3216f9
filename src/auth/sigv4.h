#pragma once
// AWS Signature Version 4: verifying the requests Spool receives and signing the ones it sends.
//
// Verification (reference sqs-api.md section 9), in this order:
//   1. Find the signature: the Authorization header, else presigned X-Amz-* query parameters.
//      Neither -> MissingAuthenticationToken; both, or malformed -> IncompleteSignature.
//   2. Credential scope: terminator aws4_request, a service of VerifierOptions::services, a
//      region of VerifierOptions::regions (any when empty), scope date = the request's date.
//      Otherwise SignatureDoesNotMatch naming the problem.
//   3. Session token (X-Amz-Security-Token header or query parameter): refused with
//      InvalidClientTokenId unless the SessionTokenCheck hook accepts it as one Spool issued.
//   4. Access key: SecretLookup gives its secret; unknown -> InvalidClientTokenId.
//   5. Time: the header form must be within max_clock_skew of `now` (X-Amz-Date, else Date);
//      a presigned URL must not be used before X-Amz-Date - max_clock_skew nor after
//      X-Amz-Date + X-Amz-Expires. Otherwise RequestExpired (see skew_error).
//   6. Payload hash: x-amz-content-sha256 when sent (UNSIGNED-PAYLOAD if allowed; a hex digest
//      must equal the body's SHA-256), else SHA-256 of the body. A presigned request whose
//      signature does not match with the body's hash is tried once more with UNSIGNED-PAYLOAD
//      (what S3-style presigners sign) when allow_unsigned_payload is set.
//   7. Canonical request, string to sign, signing key (cached), signature compared in constant
//      time. Different -> SignatureDoesNotMatch.
//
// Threading: Verifier is immutable after construction except for its signing-key cache, which
// has its own mutex; share one Verifier between all I/O threads. Its callbacks are called on
// the calling thread, possibly concurrently. Sign and Presign are pure.
// Errors: AuthError (auth_error.h); untrusted input never throws or crashes.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/auth_error.h"
#include "auth/canonical.h"
#include "common/clock.h"

namespace spool::auth {

// A request as received, as views into the caller's buffers (valid during the call only).
struct HttpRequestView {
  std::string_view method;          // as sent, e.g. "POST"
  std::string_view path;            // raw path as on the wire, without '?' and the query
  std::string_view query;           // raw query string after '?', without it; "" when none
  std::span<const Header> headers;  // every header in arrival order, names as sent
  std::string_view body;
  // Lower-case hex SHA-256 of `body` when the caller already has it; "" = computed when needed.
  std::string_view body_sha256_hex;
};

// Who signed an accepted request.
struct Identity {
  std::string access_key_id;
  std::string principal;  // KeySecret::principal of the key
  std::string region;     // from the credential scope
  std::string service;    // from the credential scope, one of VerifierOptions::services
  // The X-Amz-Security-Token the hook accepted; "" when the request carried none.
  std::string session_token;
  bool presigned = false;
  common::TimePoint signed_at;  // X-Amz-Date (or Date)
};

class [[nodiscard]] VerifyResult {
 public:
  VerifyResult(Identity identity) : v_(std::move(identity)) {}  // NOLINT: implicit on purpose
  VerifyResult(AuthError error) : v_(std::move(error)) {}       // NOLINT
  bool ok() const { return v_.index() == 0; }
  const Identity& identity() const { return std::get<0>(v_); }
  Identity& identity() { return std::get<0>(v_); }
  const AuthError& error() const { return std::get<1>(v_); }

 private:
  std::variant<Identity, AuthError> v_;
};

// What the key store knows of an access key id.
struct KeySecret {
  std::string secret_access_key;
  // Opaque to auth and copied into Identity::principal: whatever the caller needs next (the
  // user's ARN, say), so it need not look the key up twice.
  std::string principal;
};

// The secret of an access key id, or nullopt when the key is unknown or inactive
// (-> InvalidClientTokenId). Called once per request that gets past parsing and scope checks.
using SecretLookup = std::function<std::optional<KeySecret>(std::string_view access_key_id)>;

// Whether `token` (an X-Amz-Security-Token) is a valid session token Spool issued for
// `access_key_id`. Without this hook every request carrying a token is refused.
using SessionTokenCheck =
    std::function<bool(std::string_view access_key_id, std::string_view token)>;

struct VerifierOptions {
  // Credential-scope services accepted, e.g. {"sqs"}; the IAM endpoint adds "iam". Identity
  // says which one signed, so the caller can check it against the API it is serving.
  std::vector<std::string> services = {"sqs"};
  // Credential-scope regions accepted; empty accepts any (Identity::region says which).
  std::vector<std::string> regions;
  // Header form: |now - request time| must not exceed this. Presigned: the earliest use.
  std::chrono::seconds max_clock_skew{15 * 60};
  // Largest X-Amz-Expires accepted (AWS: 7 days).
  std::chrono::seconds max_presigned_expiry{7 * 24 * 3600};
  // Accept x-amz-content-sha256: UNSIGNED-PAYLOAD (the body is then not covered).
  bool allow_unsigned_payload = true;
  // Canonical URI rules; the defaults are every AWS service but S3's.
  UriOptions uri;
  // The code for a header-signed request outside the skew window. AWS's SQS Query endpoint has
  // been seen answering SignatureDoesNotMatch ("Signature expired: ..."), the generic AWS error
  // list says RequestExpired; both make botocore and the JS SDK correct their clock and retry.
  AuthErrc skew_error = AuthErrc::kRequestExpired;
  // Signing keys kept (per key id, date, region, service); 0 disables the cache.
  size_t signing_key_cache_entries = 1024;
};

class Verifier {
 public:
  // `secrets` is required; `tokens` may be empty (no session tokens accepted).
  Verifier(VerifierOptions options, SecretLookup secrets, SessionTokenCheck tokens = {});
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Verifies one request at wall-clock time `now`.
  VerifyResult Verify(const HttpRequestView& request, common::TimePoint now) const;

  const VerifierOptions& options() const { return options_; }

 private:
  struct KeyCache;
  common::Sha256Digest SigningKey(std::string_view access_key_id, std::string_view secret,
                                  std::string_view date, std::string_view region,
                                  std::string_view service) const;

  VerifierOptions options_;
  SecretLookup secrets_;
  SessionTokenCheck tokens_;
  std::unique_ptr<KeyCache> cache_;
};

// ---- Signing (tests, the C++ client) ----

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" for long-term keys
};

struct SigningScope {
  std::string region;
  std::string service = "sqs";
};

// The headers a header-form signature adds to a request. The caller sends `request`'s headers
// plus these three (X-Amz-Security-Token only when non-empty).
struct SignedHeaderValues {
  std::string x_amz_date;
  std::string x_amz_security_token;
  std::string authorization;
};

// Signs `request` in the header form at time `now`. Signed headers: every header of `request`
// (names lower-cased, sorted, repeats joined) except authorization, user-agent, expect,
// x-amzn-trace-id, plus x-amz-date and, with a session token, x-amz-security-token (taken from
// the arguments; headers of those names in `request` are ignored). `request` must carry Host.
// Payload hash: the request's x-amz-content-sha256 header when present, else SHA-256 of the body.
SignedHeaderValues Sign(const HttpRequestView& request, const Credentials& credentials,
                        const SigningScope& scope, common::TimePoint now);

// Signs `request` in the presigned query-string form, valid for `expires` from `now`. Returns
// the whole query string to send: the request's own query followed by X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token (with a
// session token) and X-Amz-Signature. Headers are signed as in Sign (without x-amz-date);
// payload hash as in Sign.
std::string Presign(const HttpRequestView& request, const Credentials& credentials,
                    const SigningScope& scope, common::TimePoint now, std::chrono::seconds expires);

}  // namespace spool::auth
