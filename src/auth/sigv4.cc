#include "auth/sigv4.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "auth/authorization.h"
#include "common/crypto.h"

namespace spool::auth {
namespace {

constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// The first header of that name, or nullptr.
const Header* FindHeader(std::span<const Header> headers, std::string_view name) {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h;
  }
  return nullptr;
}

size_t CountHeaders(std::span<const Header> headers, std::string_view name) {
  size_t n = 0;
  for (const Header& h : headers) n += EqualsIgnoreCase(h.name, name) ? 1 : 0;
  return n;
}

bool ListContains(std::string_view list, char separator, std::string_view name) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(separator, pos);
    if (end == std::string_view::npos) end = list.size();
    if (EqualsIgnoreCase(list.substr(pos, end - pos), name)) return true;
    pos = end + 1;
  }
  return false;
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool QueryHasParam(std::string_view raw_query, std::string_view name) {
  size_t pos = 0;
  while (pos <= raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    const std::string_view piece = raw_query.substr(pos, amp - pos);
    if (PercentDecode(piece.substr(0, piece.find('='))) == name) return true;
    pos = amp + 1;
  }
  return false;
}

AuthError Error(AuthErrc code, std::string message) { return AuthError{code, std::move(message)}; }

std::string Quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 128)) {
    out.push_back(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f ? c : '?');
  }
  if (s.size() > 128) out += "...";
  out.push_back('\'');
  return out;
}

std::string Choices(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += i + 1 == values.size() ? " or " : ", ";
    out += "'" + values[i] + "'";
  }
  return out;
}

// The headers a signer signs, names lower case, sorted, plus the canonical block and list.
struct SignerHeaders {
  std::vector<std::string> names;  // lower case, storage for `headers`
  std::vector<Header> headers;
  std::string signed_list;
  std::string canonical;
};

bool ExcludedFromSigning(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "x-amzn-trace-id" || lower_name == "x-amz-date" ||
         lower_name == "x-amz-security-token";
}

SignerHeaders CollectSignerHeaders(std::span<const Header> request_headers,
                                   std::span<const Header> extra) {
  SignerHeaders out;
  out.names.reserve(request_headers.size() + extra.size());
  for (const Header& h : request_headers) out.names.push_back(Lower(h.name));
  for (const Header& h : extra) out.names.push_back(Lower(h.name));
  for (size_t i = 0; i < request_headers.size(); ++i) {
    if (!ExcludedFromSigning(out.names[i])) {
      out.headers.push_back(Header{out.names[i], request_headers[i].value});
    }
  }
  for (size_t i = 0; i < extra.size(); ++i) {
    out.headers.push_back(Header{out.names[request_headers.size() + i], extra[i].value});
  }
  std::vector<std::string_view> sorted;
  for (const Header& h : out.headers) sorted.push_back(h.name);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (std::string_view name : sorted) {
    if (!out.signed_list.empty()) out.signed_list.push_back(';');
    out.signed_list += name;
  }
  out.canonical = CanonicalHeaders(out.headers, out.signed_list);
  return out;
}

std::string SignerPayloadHash(const HttpRequestView& request) {
  if (const Header* h = FindHeader(request.headers, "x-amz-content-sha256")) {
    return CanonicalHeaderValue(h->value);
  }
  if (!request.body_sha256_hex.empty()) return std::string(request.body_sha256_hex);
  return common::Sha256Hex(request.body);
}

}  // namespace

// ---- Verifier ----

struct Verifier::KeyCache {
  struct Entry {
    common::Sha256Digest secret_fingerprint;
    common::Sha256Digest key;
  };
  std::mutex mu;
  std::unordered_map<std::string, Entry> entries;  // guarded by mu
};

Verifier::Verifier(VerifierOptions options, SecretLookup secrets, SessionTokenCheck tokens)
    : options_(std::move(options)), secrets_(std::move(secrets)), tokens_(std::move(tokens)) {
  if (options_.signing_key_cache_entries > 0) cache_ = std::make_unique<KeyCache>();
}

Verifier::~Verifier() = default;

common::Sha256Digest Verifier::SigningKey(std::string_view access_key_id, std::string_view secret,
                                          std::string_view date, std::string_view region,
                                          std::string_view service) const {
  if (!cache_) return DeriveSigningKey(secret, date, region, service);
  // None of the parts can contain '/': they were split at it.
  std::string id;
  id.reserve(access_key_id.size() + date.size() + region.size() + service.size() + 3);
  id.append(access_key_id)
      .append("/")
      .append(date)
      .append("/")
      .append(region)
      .append("/")
      .append(service);
  const common::Sha256Digest fingerprint = common::Sha256(secret);
  {
    std::lock_guard lock(cache_->mu);
    auto it = cache_->entries.find(id);
    if (it != cache_->entries.end() && it->second.secret_fingerprint == fingerprint) {
      return it->second.key;
    }
  }
  const common::Sha256Digest key = DeriveSigningKey(secret, date, region, service);
  std::lock_guard lock(cache_->mu);
  if (cache_->entries.size() >= options_.signing_key_cache_entries) cache_->entries.clear();
  cache_->entries.insert_or_assign(std::move(id), KeyCache::Entry{fingerprint, key});
  return key;
}

VerifyResult Verifier::Verify(const HttpRequestView& request, common::TimePoint now) const {
  using std::chrono::duration_cast;
  using std::chrono::seconds;

  // 1. Where is the signature?
  const size_t auth_headers = CountHeaders(request.headers, "authorization");
  const bool query_form = HasPresignedParameters(request.query);
  if (auth_headers == 0 && !query_form) {
    if (QueryHasParam(request.query, "AWSAccessKeyId")) {
      return Error(AuthErrc::kIncompleteSignature,
                   "Signature Version 2 is not supported; sign requests with AWS Signature "
                   "Version 4.");
    }
    return Error(AuthErrc::kMissingAuthenticationToken, "Request is missing Authentication Token");
  }
  if (auth_headers > 1) {
    return Error(AuthErrc::kIncompleteSignature,
                 "The request has more than one Authorization header.");
  }
  if (auth_headers == 1 && query_form) {
    return Error(AuthErrc::kIncompleteSignature,
                 "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or "
                 "the Authorization header should be specified.");
  }
  SignatureFields fields;
  if (query_form) {
    if (auto error = ParsePresignedQuery(request.query, &fields)) return std::move(*error);
  } else {
    const Header* header = FindHeader(request.headers, "authorization");
    if (auto error = ParseAuthorizationHeader(header->value, &fields)) return std::move(*error);
  }

  // The request's time and its X-Amz-Date text (the string to sign uses the ISO basic form).
  std::string amz_date;
  std::optional<common::TimePoint> signed_at;
  if (fields.presigned) {
    amz_date = fields.amz_date;
    signed_at = ParseAmzDate(amz_date);
    if (!signed_at) {
      return Error(AuthErrc::kIncompleteSignature,
                   "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got " +
                       Quoted(amz_date));
    }
    if (fields.expires_seconds &&
        *fields.expires_seconds > duration_cast<seconds>(options_.max_presigned_expiry).count()) {
      return Error(AuthErrc::kIncompleteSignature,
                   "X-Amz-Expires must be less than " +
                       std::to_string(options_.max_presigned_expiry.count()) + " seconds");
    }
  } else if (const Header* h = FindHeader(request.headers, "x-amz-date")) {
    amz_date = CanonicalHeaderValue(h->value);
    signed_at = ParseAmzDate(amz_date);
    if (!signed_at) {
      return Error(AuthErrc::kIncompleteSignature,
                   "X-Amz-Date must be in ISO-8601 'basic format'. Got " + Quoted(amz_date) +
                       ". See http://en.wikipedia.org/wiki/ISO_8601");
    }
  } else if (const Header* d = FindHeader(request.headers, "date")) {
    const std::string text = CanonicalHeaderValue(d->value);
    signed_at = ParseHttpDate(text);
    if (!signed_at) {
      return Error(AuthErrc::kIncompleteSignature,
                   "Date must be an RFC 7231 date such as 'Sun, 06 Nov 1994 08:49:37 GMT'. Got " +
                       Quoted(text));
    }
    amz_date = FormatAmzDate(*signed_at);
  } else {
    return Error(AuthErrc::kIncompleteSignature,
                 "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                 "header.");
  }
  if (!ListContains(fields.signed_headers, ';', "host")) {
    return Error(AuthErrc::kIncompleteSignature,
                 "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // 2. Credential scope.
  const CredentialScopeParts& cred = fields.credential;
  if (cred.terminator != kScopeTerminator) {
    return Error(AuthErrc::kSignatureDoesNotMatch,
                 "Credential should be scoped with a valid terminator: 'aws4_request', not " +
                     Quoted(cred.terminator) + ".");
  }
  if (std::find(options_.services.begin(), options_.services.end(), cred.service) ==
      options_.services.end()) {
    return Error(
        AuthErrc::kSignatureDoesNotMatch,
        "Credential should be scoped to correct service: " + Choices(options_.services) + ". ");
  }
  if (!options_.regions.empty() && std::find(options_.regions.begin(), options_.regions.end(),
                                             cred.region) == options_.regions.end()) {
    return Error(
        AuthErrc::kSignatureDoesNotMatch,
        "Credential should be scoped to a valid region, not " + Quoted(cred.region) + ". ");
  }
  if (cred.date != std::string_view(amz_date).substr(0, 8)) {
    return Error(AuthErrc::kSignatureDoesNotMatch,
                 "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                 "from HTTP: " +
                     Quoted(cred.date) + " != " + Quoted(amz_date.substr(0, 8)) + ", from " +
                     Quoted(amz_date) + ".");
  }

  // 3. Session token.
  std::string_view token;
  bool has_token = false;
  if (fields.presigned && QueryHasParam(request.query, "X-Amz-Security-Token")) {
    token = fields.security_token;
    has_token = true;
  } else if (const Header* h = FindHeader(request.headers, "x-amz-security-token")) {
    token = h->value;
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    has_token = true;
  }
  if (has_token && (!tokens_ || !tokens_(cred.access_key_id, token))) {
    return Error(AuthErrc::kInvalidClientTokenId,
                 std::string(kInvalidToken) +
                     " Spool accepts X-Amz-Security-Token only for session tokens it issued; sign "
                     "with a Spool access key and no session token.");
  }

  // 4. Access key.
  std::optional<KeySecret> key_secret = secrets_(cred.access_key_id);
  if (!key_secret) return Error(AuthErrc::kInvalidClientTokenId, std::string(kInvalidToken));
  std::string& secret = key_secret->secret_access_key;

  // 5. Time.
  const auto skew = options_.max_clock_skew;
  const std::string skew_text = std::to_string(duration_cast<std::chrono::minutes>(skew).count());
  if (*signed_at - now > skew) {
    return Error(fields.presigned ? AuthErrc::kRequestExpired : options_.skew_error,
                 "Signature not yet current: " + amz_date + " is still later than " +
                     FormatAmzDate(now + skew) + " (" + FormatAmzDate(now) + " + " + skew_text +
                     " min.)");
  }
  if (fields.presigned && fields.expires_seconds) {
    const common::TimePoint until = *signed_at + seconds(*fields.expires_seconds);
    if (now > until) {
      return Error(AuthErrc::kRequestExpired, "Request has expired: X-Amz-Date " + amz_date +
                                                  " plus X-Amz-Expires " +
                                                  std::to_string(*fields.expires_seconds) +
                                                  " s is earlier than " + FormatAmzDate(now) + ".");
    }
  } else if (now - *signed_at > skew) {
    return Error(fields.presigned ? AuthErrc::kRequestExpired : options_.skew_error,
                 "Signature expired: " + amz_date + " is now earlier than " +
                     FormatAmzDate(now - skew) + " (" + FormatAmzDate(now) + " - " + skew_text +
                     " min.)");
  }

  // 6. Payload hash.
  std::string body_hash;
  auto body_sha256 = [&]() -> const std::string& {
    if (body_hash.empty()) {
      body_hash = request.body_sha256_hex.empty() ? common::Sha256Hex(request.body)
                                                  : std::string(request.body_sha256_hex);
    }
    return body_hash;
  };
  std::string payload_hash;
  const Header* content_sha = FindHeader(request.headers, "x-amz-content-sha256");
  if (content_sha != nullptr) {
    payload_hash = CanonicalHeaderValue(content_sha->value);
    if (payload_hash == kUnsignedPayload) {
      if (!options_.allow_unsigned_payload) {
        return Error(AuthErrc::kSignatureDoesNotMatch,
                     "x-amz-content-sha256: UNSIGNED-PAYLOAD is not accepted; sign the payload.");
      }
    } else if (IsLowerHex64(Lower(payload_hash))) {
      if (Lower(payload_hash) != body_sha256()) {
        return Error(AuthErrc::kSignatureDoesNotMatch,
                     "The provided 'x-amz-content-sha256' header does not match what was "
                     "computed.");
      }
    } else {
      return Error(AuthErrc::kIncompleteSignature,
                   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the hex SHA-256 of the "
                   "payload, got " +
                       Quoted(payload_hash));
    }
  } else {
    payload_hash = body_sha256();
  }

  // 7. Signature.
  const std::string canonical_uri = CanonicalUri(request.path, options_.uri);
  const std::string canonical_query =
      CanonicalQuery(request.query, fields.presigned ? "X-Amz-Signature" : "");
  const std::string canonical_headers = CanonicalHeaders(request.headers, fields.signed_headers);
  const std::string scope = CredentialScope(cred.date, cred.region, cred.service);
  const common::Sha256Digest key =
      SigningKey(cred.access_key_id, secret, cred.date, cred.region, cred.service);
  std::fill(secret.begin(), secret.end(), '\0');
  auto matches = [&](std::string_view hash) {
    const std::string canonical =
        CanonicalRequest({request.method, canonical_uri, canonical_query, canonical_headers,
                          fields.signed_headers, hash});
    const std::string signature = SignatureHex(key, StringToSign(amz_date, scope, canonical));
    return common::ConstantTimeEquals(signature, fields.signature);
  };
  bool ok = matches(payload_hash);
  if (!ok && fields.presigned && content_sha == nullptr && options_.allow_unsigned_payload) {
    ok = matches(kUnsignedPayload);
  }
  if (!ok) return Error(AuthErrc::kSignatureDoesNotMatch, std::string(kSignatureMismatch));

  Identity identity;
  identity.access_key_id = cred.access_key_id;
  identity.principal = std::move(key_secret->principal);
  identity.region = cred.region;
  identity.service = cred.service;
  identity.session_token = std::string(token);
  identity.presigned = fields.presigned;
  identity.signed_at = *signed_at;
  return identity;
}

// ---- Signing ----

SignedHeaderValues Sign(const HttpRequestView& request, const Credentials& credentials,
                        const SigningScope& scope, common::TimePoint now) {
  SignedHeaderValues out;
  out.x_amz_date = FormatAmzDate(now);
  out.x_amz_security_token = credentials.session_token;
  std::vector<Header> extra = {{"x-amz-date", out.x_amz_date}};
  if (!credentials.session_token.empty()) {
    extra.push_back({"x-amz-security-token", credentials.session_token});
  }
  const SignerHeaders headers = CollectSignerHeaders(request.headers, extra);
  const std::string date = out.x_amz_date.substr(0, 8);
  const std::string credential_scope = CredentialScope(date, scope.region, scope.service);
  const std::string payload_hash = SignerPayloadHash(request);
  const std::string canonical_uri = CanonicalUri(request.path);
  const std::string canonical_query = CanonicalQuery(request.query);
  const std::string canonical =
      CanonicalRequest({request.method, canonical_uri, canonical_query, headers.canonical,
                        headers.signed_list, payload_hash});
  const std::string signature = SignatureHex(
      DeriveSigningKey(credentials.secret_access_key, date, scope.region, scope.service),
      StringToSign(out.x_amz_date, credential_scope, canonical));
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      credential_scope + ", SignedHeaders=" + headers.signed_list +
                      ", Signature=" + signature;
  return out;
}

std::string Presign(const HttpRequestView& request, const Credentials& credentials,
                    const SigningScope& scope, common::TimePoint now,
                    std::chrono::seconds expires) {
  const std::string amz_date = FormatAmzDate(now);
  const std::string date = amz_date.substr(0, 8);
  const std::string credential_scope = CredentialScope(date, scope.region, scope.service);
  const SignerHeaders headers = CollectSignerHeaders(request.headers, {});
  std::string query(request.query);
  auto add = [&](std::string_view name, std::string_view value) {
    if (!query.empty()) query.push_back('&');
    query += name;
    query.push_back('=');
    query += UriEncode(value, false);
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential", credentials.access_key_id + "/" + credential_scope);
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires.count()));
  add("X-Amz-SignedHeaders", headers.signed_list);
  if (!credentials.session_token.empty()) add("X-Amz-Security-Token", credentials.session_token);
  const std::string payload_hash = SignerPayloadHash(request);
  const std::string canonical_uri = CanonicalUri(request.path);
  const std::string canonical_query = CanonicalQuery(query);
  const std::string canonical =
      CanonicalRequest({request.method, canonical_uri, canonical_query, headers.canonical,
                        headers.signed_list, payload_hash});
  add("X-Amz-Signature", SignatureHex(DeriveSigningKey(credentials.secret_access_key, date,
                                                       scope.region, scope.service),
                                      StringToSign(amz_date, credential_scope, canonical)));
  return query;
}

}  // namespace spool::auth
