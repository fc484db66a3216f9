#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/encoding.h"

namespace spool::common {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "FATAL: OpenSSL: %s failed\n", what);
  std::abort();
}

// Fetched once, kept for the life of the process.
const EVP_MD* Md5Algorithm() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "MD5", nullptr);
    if (m == nullptr) Die("fetching MD5");
    return m;
  }();
  return md;
}

const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) Die("fetching SHA256");
    return m;
  }();
  return md;
}

struct Context {
  Context() : ctx(EVP_MD_CTX_new()) {
    if (ctx == nullptr) Die("EVP_MD_CTX_new");
  }
  ~Context() { EVP_MD_CTX_free(ctx); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  EVP_MD_CTX* ctx;
};

// One scratch context per thread for one-shot digests and MACs.
EVP_MD_CTX* ThreadContext() {
  thread_local Context c;
  return c.ctx;
}

void Start(EVP_MD_CTX* ctx, const EVP_MD* md) {
  if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1) Die("EVP_DigestInit_ex2");
}

void Feed(EVP_MD_CTX* ctx, const void* data, size_t n) {
  if (EVP_DigestUpdate(ctx, data, n) != 1) Die("EVP_DigestUpdate");
}

template <size_t N>
std::array<uint8_t, N> Finish(EVP_MD_CTX* ctx) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != N) Die("EVP_DigestFinal_ex");
  return out;
}

template <size_t N>
std::array<uint8_t, N> OneShot(const EVP_MD* md, std::string_view data) {
  EVP_MD_CTX* ctx = ThreadContext();
  Start(ctx, md);
  Feed(ctx, data.data(), data.size());
  return Finish<N>(ctx);
}

constexpr size_t kSha256Block = 64;

}  // namespace

Md5Digest Md5(std::string_view data) { return OneShot<16>(Md5Algorithm(), data); }

Sha256Digest Sha256(std::string_view data) { return OneShot<32>(Sha256Algorithm(), data); }

std::string Md5Hex(std::string_view data) { return ToHex(Md5(data)); }

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256(data)); }

Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  return HmacSha256Key(key).Sign(data);
}

// RFC 2104: HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)), K' the key padded to a block
// (hashed first when longer). `inner` and `outer` hold the hash state after the pad blocks.
struct HmacSha256Key::Pads {
  Context inner;
  Context outer;
};

HmacSha256Key::HmacSha256Key(std::string_view key) : pads_(std::make_unique<Pads>()) {
  uint8_t block[kSha256Block] = {};
  if (key.size() > kSha256Block) {
    Sha256Digest d = Sha256(key);
    std::memcpy(block, d.data(), d.size());
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[kSha256Block];
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = block[i] ^ 0x36;
  Start(pads_->inner.ctx, Sha256Algorithm());
  Feed(pads_->inner.ctx, pad, sizeof pad);
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = block[i] ^ 0x5c;
  Start(pads_->outer.ctx, Sha256Algorithm());
  Feed(pads_->outer.ctx, pad, sizeof pad);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
}

HmacSha256Key::~HmacSha256Key() = default;

Sha256Digest HmacSha256Key::Sign(std::string_view data) const {
  EVP_MD_CTX* ctx = ThreadContext();
  if (EVP_MD_CTX_copy_ex(ctx, pads_->inner.ctx) != 1) Die("EVP_MD_CTX_copy_ex");
  Feed(ctx, data.data(), data.size());
  Sha256Digest inner = Finish<32>(ctx);
  if (EVP_MD_CTX_copy_ex(ctx, pads_->outer.ctx) != 1) Die("EVP_MD_CTX_copy_ex");
  Feed(ctx, inner.data(), inner.size());
  return Finish<32>(ctx);
}

Md5Builder::Md5Builder() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) Die("EVP_MD_CTX_new");
  Start(static_cast<EVP_MD_CTX*>(ctx_), Md5Algorithm());
}

Md5Builder::~Md5Builder() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Md5Builder::Update(std::string_view data) {
  Feed(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}

void Md5Builder::UpdateU32BigEndian(uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  Update(std::string_view(b, 4));
}

Md5Digest Md5Builder::Finish() { return spool::common::Finish<16>(static_cast<EVP_MD_CTX*>(ctx_)); }

void RandomBytes(void* out, size_t n) {
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "FATAL: RAND_bytes failed\n");
    std::abort();
  }
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace spool::common
