#include "engine/receipt.h"

#include <cstring>

#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::engine {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kBodySize = 21;
constexpr size_t kMacSize = 12;
constexpr size_t kHandleSize = kBodySize + kMacSize;

void PutU64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}
void PutU32(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

std::string ReceiptCodec::Encode(const ReceiptFields& f) const {
  char raw[kHandleSize];
  raw[0] = static_cast<char>(kVersion);
  PutU64(raw + 1, f.queue_id);
  PutU64(raw + 9, f.message_seq);
  PutU32(raw + 17, f.nonce);
  auto mac = key_.Sign(std::string_view(raw, kBodySize));
  std::memcpy(raw + kBodySize, mac.data(), kMacSize);
  return common::Base64Encode(std::string_view(raw, kHandleSize));
}

std::optional<ReceiptFields> ReceiptCodec::Decode(std::string_view handle) const {
  if (handle.size() != (kHandleSize + 2) / 3 * 4) return std::nullopt;
  auto raw = common::Base64Decode(handle);
  if (!raw || raw->size() != kHandleSize || static_cast<uint8_t>((*raw)[0]) != kVersion) {
    return std::nullopt;
  }
  auto mac = key_.Sign(std::string_view(raw->data(), kBodySize));
  if (!common::ConstantTimeEquals(
          std::string_view(raw->data() + kBodySize, kMacSize),
          std::string_view(reinterpret_cast<const char*>(mac.data()), kMacSize))) {
    return std::nullopt;
  }
  ReceiptFields f;
  f.queue_id = GetU64(raw->data() + 1);
  f.message_seq = GetU64(raw->data() + 9);
  f.nonce = GetU32(raw->data() + 17);
  return f;
}

}  // namespace spool::engine
