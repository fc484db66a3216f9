#pragma once
// Digests, MACs and randomness (OpenSSL 3 underneath). All functions are thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace spool::common {

using Md5Digest = std::array<uint8_t, 16>;
using Sha256Digest = std::array<uint8_t, 32>;

Md5Digest Md5(std::string_view data);
Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);

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
