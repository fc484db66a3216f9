#include "bench/digest.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "common/encoding.h"

namespace spool::bench {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "FATAL: OpenSSL: %s\n", what);
  std::abort();
}

const EVP_MD* Fetch(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) Die(name);
  return md;  // kept for the life of the process
}

// One reusable context per thread and algorithm.
struct DigestContext {
  DigestContext() : ctx(EVP_MD_CTX_new()) {
    if (ctx == nullptr) Die("EVP_MD_CTX_new");
  }
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
  EVP_MD_CTX* ctx;
};

template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, EVP_MD_CTX* ctx, std::string_view data) {
  std::array<uint8_t, N> out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != N) {
    Die("digest");
  }
  return out;
}

}  // namespace

std::string Md5Hex(std::string_view data) {
  static const EVP_MD* md = Fetch("MD5");
  thread_local DigestContext c;
  return common::ToHex(Digest<16>(md, c.ctx, data));
}

std::string Sha256Hex(std::string_view data) {
  static const EVP_MD* md = Fetch("SHA256");
  thread_local DigestContext c;
  return common::ToHex(Digest<32>(md, c.ctx, data));
}

common::Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) Die("HMAC");
    return m;
  }();
  struct MacContext {
    MacContext() : ctx(EVP_MAC_CTX_new(mac)) {
      if (ctx == nullptr) Die("EVP_MAC_CTX_new");
    }
    ~MacContext() { EVP_MAC_CTX_free(ctx); }
    EVP_MAC_CTX* ctx;
  };
  thread_local MacContext c;
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  common::Sha256Digest out;
  size_t len = 0;
  if (EVP_MAC_init(c.ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) !=
          1 ||
      EVP_MAC_update(c.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(c.ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    Die("HMAC-SHA256");
  }
  return out;
}

}  // namespace spool::bench
