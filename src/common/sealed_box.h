#pragma once
// SealedBox: authenticated encryption of small secrets at rest (access key secrets, Secrets
// Manager values) with AES-256-GCM.
//
// Sealed form: "s1" | 12-byte random nonce | ciphertext | 16-byte tag. The associated data
// (for example the key id a secret belongs to) is authenticated, not stored: opening with other
// associated data fails, so a sealed value cannot be moved to another record unnoticed.
//
// Threading: a SealedBox is immutable after construction; every method may be called from any
// thread at once. Errors: Open returns nullopt for anything that does not authenticate (wrong
// key, damaged bytes, other associated data); an OpenSSL failure while sealing aborts.

#include <optional>
#include <string>
#include <string_view>

namespace spool::common {

class SealedBox {
 public:
  static constexpr size_t kKeySize = 32;

  // `key` must be kKeySize bytes (CHECK-fails otherwise).
  explicit SealedBox(std::string_view key);

  std::string Seal(std::string_view plaintext, std::string_view associated_data = {}) const;
  std::optional<std::string> Open(std::string_view sealed,
                                  std::string_view associated_data = {}) const;

  // A fresh random key.
  static std::string NewKey();

 private:
  std::string key_;
};

}  // namespace spool::common
