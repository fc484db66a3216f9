#pragma once
// The pieces of an AWS Signature Version 4 signature (reference sqs-api.md section 9.2):
// canonical URI, query string and headers, the canonical request, the string to sign, the
// signing key, and the `X-Amz-Date` time format. Both the verifier and the signer are built
// from these, so a request Spool signs is canonicalised exactly as Spool verifies it.
//
// Threading: pure functions, callable from any thread.
// Errors: none; malformed input is canonicalised as well as it can be (a signature computed over
// it will simply not match).

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/crypto.h"

namespace spool::auth {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kScopeTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// One header as received: name in any case, value untrimmed. Views into the caller's request.
struct Header {
  std::string_view name;
  std::string_view value;
};

// RFC 3986 percent-encoding as SigV4 wants it: A-Z a-z 0-9 - _ . ~ kept, every other byte %XX
// with upper-case hex (space is %20, never +). `keep_slash` keeps '/' (for paths).
std::string UriEncode(std::string_view text, bool keep_slash);

// Decodes %XX escapes. An invalid escape ('%' not followed by two hex digits) stays literal;
// '+' stays '+' (SigV4 clients never encode a space as '+' in a URL).
std::string PercentDecode(std::string_view text);

// Calls fn(decoded_name, raw_value) for every non-empty '&'-separated parameter of a raw query
// string, in order, until fn returns false.
template <class Fn>
void ForEachQueryParam(std::string_view raw_query, Fn&& fn) {
  size_t pos = 0;
  while (pos <= raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    const std::string_view piece = raw_query.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    if (!fn(PercentDecode(piece.substr(0, eq)), raw_value)) return;
  }
}

// How the path becomes the canonical URI.
struct UriOptions {
  // Remove "." and ".." segments and empty segments ("//"), keeping a trailing '/'. Every AWS
  // service but S3 does this.
  bool normalize = true;
  // Percent-encode the (already encoded, as sent) path once more, '/' kept. Every AWS service
  // but S3 does this, so "%20" on the wire becomes "%2520" in the canonical request.
  bool encode = true;
};

// The canonical URI of a raw request path (as on the wire, without the query). "" is "/".
std::string CanonicalUri(std::string_view raw_path, const UriOptions& options = {});

// The canonical query string of a raw query (after '?', without it): every parameter decoded,
// re-encoded with UriEncode, sorted by encoded name then encoded value, joined as name=value
// with '&'. A parameter without '=' gets an empty value; empty pieces ("&&") are skipped.
// Parameters whose decoded name equals `drop_name` (X-Amz-Signature, presigned form) are left out.
std::string CanonicalQuery(std::string_view raw_query, std::string_view drop_name = {});

// A header value as SigV4 signs it: leading and trailing whitespace removed, every inner run of
// whitespace (space, tab, CR, LF: folded lines included) replaced by one space.
std::string CanonicalHeaderValue(std::string_view raw_value);

// The canonical headers block: for each name of `signed_headers` (a ';'-separated list, used in
// its order), "name:value\n" with the name in lower case and the values of every header of that
// name (ASCII case-insensitive) canonicalised and joined with ',' in arrival order. A signed
// name with no header gives "name:\n".
std::string CanonicalHeaders(std::span<const Header> headers, std::string_view signed_headers);

// The six parts of the canonical request, each already in canonical form.
struct CanonicalRequestParts {
  std::string_view method;
  std::string_view canonical_uri;
  std::string_view canonical_query;
  std::string_view canonical_headers;  // ends with '\n' (from CanonicalHeaders)
  std::string_view signed_headers;
  std::string_view payload_hash;  // lower-case hex SHA-256, or UNSIGNED-PAYLOAD
};

// The parts joined with '\n'.
std::string CanonicalRequest(const CanonicalRequestParts& parts);

// "<date>/<region>/<service>/aws4_request", date yyyymmdd.
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical_request>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
common::Sha256Digest DeriveSigningKey(std::string_view secret, std::string_view date,
                                      std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256(signing_key, string_to_sign).
std::string SignatureHex(const common::Sha256Digest& signing_key, std::string_view string_to_sign);

// "yyyymmddTHHMMSSZ" (UTC) for a point in time, sub-second part dropped.
std::string FormatAmzDate(common::TimePoint time);
// Parses exactly "yyyymmddTHHMMSSZ"; nullopt for anything else or an impossible date.
std::optional<common::TimePoint> ParseAmzDate(std::string_view text);
// Parses an RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the `Date` header that a
// request may carry instead of X-Amz-Date; nullopt for anything else.
std::optional<common::TimePoint> ParseHttpDate(std::string_view text);

}  // namespace spool::auth
