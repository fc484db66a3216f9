#include "common/sealed_box.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/crypto.h"

namespace spool::common {
namespace {

constexpr std::string_view kVersion = "s1";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "FATAL: AES-256-GCM %s failed\n", what);
  std::abort();
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SealedBox::SealedBox(std::string_view key) : key_(key) {
  if (key_.size() != kKeySize) {
    std::fprintf(stderr, "FATAL: a SealedBox key must be %zu bytes\n", kKeySize);
    std::abort();
  }
}

std::string SealedBox::NewKey() {
  std::string key(kKeySize, '\0');
  RandomBytes(key.data(), key.size());
  return key;
}

std::string SealedBox::Seal(std::string_view plaintext, std::string_view aad) const {
  std::string out(kVersion);
  out.resize(kVersion.size() + kNonceSize + plaintext.size() + kTagSize);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + kVersion.size());
  RandomBytes(nonce, kNonceSize);
  unsigned char* body = nonce + kNonceSize;
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), nonce) != 1) {
    Die("init");
  }
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    Die("aad");
  }
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), body, &len, U(plaintext),
                                              static_cast<int>(plaintext.size())) != 1) {
    Die("encrypt");
  }
  if (EVP_EncryptFinal_ex(ctx.get(), body + plaintext.size(), &len) != 1) Die("final");
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, body + plaintext.size()) !=
      1) {
    Die("tag");
  }
  return out;
}

std::optional<std::string> SealedBox::Open(std::string_view sealed, std::string_view aad) const {
  if (sealed.size() < kVersion.size() + kNonceSize + kTagSize ||
      sealed.substr(0, kVersion.size()) != kVersion) {
    return std::nullopt;
  }
  std::string_view nonce = sealed.substr(kVersion.size(), kNonceSize);
  std::string_view body = sealed.substr(kVersion.size() + kNonceSize);
  std::string_view ciphertext = body.substr(0, body.size() - kTagSize);
  std::string tag(body.substr(body.size() - kTagSize));
  std::string out(ciphertext.size(), '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key_), U(nonce)) != 1) {
    Die("init");
  }
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad), static_cast<int>(aad.size())) != 1) {
    return std::nullopt;
  }
  if (!ciphertext.empty() &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        U(ciphertext), static_cast<int>(ciphertext.size())) != 1) {
    return std::nullopt;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1) {
    return std::nullopt;
  }
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) !=
      1) {
    return std::nullopt;  // the tag does not match: wrong key, damaged, or other data
  }
  return out;
}

}  // namespace spool::common
