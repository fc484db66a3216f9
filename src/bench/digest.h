#pragma once
// Digests on the client's hot path (an MD5 per message sent and received, a SHA-256 and an
// HMAC per request). The same functions as common/crypto.h, but with the OpenSSL algorithms
// fetched once and contexts reused per thread: OpenSSL 3 looks an algorithm up on every
// one-shot call, which costs more than hashing a 256-byte body.
//
// Threading: every function may be called from any thread (state is thread-local).

#include <string>
#include <string_view>

#include "common/crypto.h"

namespace spool::bench {

// Lower-case hex MD5.
std::string Md5Hex(std::string_view data);
// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view data);
common::Sha256Digest HmacSha256(std::string_view key, std::string_view data);

}  // namespace spool::bench
