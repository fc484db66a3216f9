#pragma once
// Digests, MACs and randomness (OpenSSL 3 underneath).
//
// Speed: OpenSSL 3 looks an algorithm up on every one-shot call (EVP_md5(), HMAC()), which costs
// more than hashing a 256-byte message body. These functions fetch each algorithm once per
// process and reuse one context per thread, so a call costs the hashing and little else.
// HmacSha256Key goes further for a fixed key (receipt handles): the key's inner and outer pad
// blocks are hashed once, and each MAC hashes only the data.
//
// Threading: every function and every const member may be called from any thread at once.
// Errors: OpenSSL failing on a digest is a broken installation; the process aborts with a message.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace spool::common {

using Md5Digest = std::array<uint8_t, 16>;
using Sha256Digest = std::array<uint8_t, 32>;

Md5Digest Md5(std::string_view data);
Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);

// Lower-case hex of Md5 and Sha256 (the forms SQS and SigV4 put on the wire).
std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 under one fixed key, with the key schedule done once.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // Equals HmacSha256(key, data).
  Sha256Digest Sign(std::string_view data) const;

 private:
  struct Pads;
  std::unique_ptr<Pads> pads_;
};

// Incremental MD5, for digests built from several pieces (message attributes).
class Md5Builder {
 public:
  Md5Builder();
  ~Md5Builder();
  Md5Builder(const Md5Builder&) = delete;
  Md5Builder& operator=(const Md5Builder&) = delete;
  void Update(std::string_view data);
  void UpdateU32BigEndian(uint32_t v);
  Md5Digest Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

// Cryptographically strong random bytes. CHECK-fails if the system has no entropy.
void RandomBytes(void* out, size_t n);

// Constant-time comparison of two equally long strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace spool::common
