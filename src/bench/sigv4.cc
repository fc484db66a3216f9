#include "bench/sigv4.h"

#include <time.h>

#include <cstdio>

#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::bench {
namespace {

std::string_view AsView(const common::Sha256Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

// Header value as canonicalised: leading and trailing whitespace dropped, inner runs of spaces
// collapsed to one.
void AppendCanonicalValue(std::string_view value, std::string* out) {
  size_t begin = value.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return;
  size_t end = value.find_last_not_of(" \t");
  bool in_space = false;
  for (char c : value.substr(begin, end - begin + 1)) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space) out->push_back(' ');
    in_space = false;
    out->push_back(c);
  }
}

std::string SignedHeaderNames(std::span<const SignedHeader> headers) {
  std::string names;
  for (const SignedHeader& h : headers) {
    if (!names.empty()) names.push_back(';');
    names.append(h.name);
  }
  return names;
}

}  // namespace

std::string CanonicalRequest(const SigningRequest& r) {
  std::string out;
  out.reserve(256);
  out.append(r.method).push_back('\n');
  out.append(r.canonical_uri.empty() ? std::string_view("/") : r.canonical_uri).push_back('\n');
  out.append(r.canonical_query).push_back('\n');
  for (const SignedHeader& h : r.headers) {
    out.append(h.name).push_back(':');
    AppendCanonicalValue(h.value, &out);
    out.push_back('\n');
  }
  out.push_back('\n');
  out.append(SignedHeaderNames(r.headers)).push_back('\n');
  out.append(r.payload_hash);
  return out;
}

std::string AmzDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Signer::Signer(std::string access_key, std::string secret_key, std::string region,
               std::string service)
    : access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      region_(std::move(region)),
      service_(std::move(service)) {}

const common::Sha256Digest& Signer::SigningKey(std::string_view date) {
  if (date != key_date_) {
    common::Sha256Digest k = common::HmacSha256("AWS4" + secret_key_, date);
    k = common::HmacSha256(AsView(k), region_);
    k = common::HmacSha256(AsView(k), service_);
    key_ = common::HmacSha256(AsView(k), "aws4_request");
    key_date_ = std::string(date);
  }
  return key_;
}

std::string Signer::Signature(const SigningRequest& r) {
  std::string_view date = r.amz_date.substr(0, 8);
  std::string to_sign = "AWS4-HMAC-SHA256\n";
  to_sign.append(r.amz_date).push_back('\n');
  to_sign.append(date).append("/").append(region_).append("/").append(service_);
  to_sign.append("/aws4_request\n");
  to_sign.append(common::Sha256Hex(CanonicalRequest(r)));
  return common::ToHex(common::HmacSha256(AsView(SigningKey(date)), to_sign));
}

std::string Signer::Authorization(const SigningRequest& r) {
  std::string signature = Signature(r);
  std::string out = "AWS4-HMAC-SHA256 Credential=";
  out.append(access_key_).append("/").append(r.amz_date.substr(0, 8)).append("/");
  out.append(region_).append("/").append(service_).append("/aws4_request, SignedHeaders=");
  out.append(SignedHeaderNames(r.headers)).append(", Signature=").append(signature);
  return out;
}

}  // namespace spool::bench
