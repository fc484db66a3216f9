#pragma once
// AWS Signature Version 4 for the client side: the Authorization header of one request.
//
// The canonical request follows the SQS reference, section 9.2: method, canonical URI, canonical
// query string, canonical headers, signed header names, payload hash. This signer is made for
// the requests `spool bench` sends: the path ("/" or "/<account>/<queue>") and the query string
// are passed already in canonical form (both are empty or plain for SQS).
//
// Threading: a Signer may be used by one thread at a time (it caches the signing key).

#include <span>
#include <string>
#include <string_view>

#include "common/crypto.h"

namespace spool::bench {

struct SignedHeader {
  std::string_view name;   // lower case
  std::string_view value;  // as sent; trimmed and space-collapsed when canonicalised
};

struct SigningRequest {
  std::string_view method = "POST";
  std::string_view canonical_uri = "/";
  std::string_view canonical_query;
  // Headers to sign, sorted by name, names in lower case; must include "host".
  std::span<const SignedHeader> headers;
  // Lower-case hex SHA-256 of the body (or the x-amz-content-sha256 value that was sent).
  std::string_view payload_hash;
  // X-Amz-Date value, yyyymmddTHHMMSSZ.
  std::string_view amz_date;
};

// The canonical request text (section 9.2 step 5).
std::string CanonicalRequest(const SigningRequest& request);

// yyyymmddTHHMMSSZ for a Unix time in seconds, UTC.
std::string AmzDate(int64_t unix_seconds);

class Signer {
 public:
  Signer(std::string access_key, std::string secret_key, std::string region,
         std::string service = "sqs");

  // kSigning for a date (yyyymmdd); cached for the last date asked.
  const common::Sha256Digest& SigningKey(std::string_view date);
  // Lower-case hex signature of `request`.
  std::string Signature(const SigningRequest& request);
  // "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
  std::string Authorization(const SigningRequest& request);

 private:
  std::string access_key_;
  std::string secret_key_;
  std::string region_;
  std::string service_;
  std::string key_date_;
  common::Sha256Digest key_{};
};

}  // namespace spool::bench
