#pragma once
// Receipt handles: opaque base64 text naming one receive of one message of one queue,
// authenticated with a MAC keyed by a server secret so that forged, damaged or foreign handles
// are recognised without a lookup.
//
// Layout before base64 (33 bytes): version (1) | queue id (8) | message seq (8) |
// receive nonce (4) | MAC (12, truncated HMAC-SHA256 over the first 21 bytes).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto.h"

namespace spool::engine {

struct ReceiptFields {
  uint64_t queue_id = 0;
  uint64_t message_seq = 0;
  uint32_t nonce = 0;
};

class ReceiptCodec {
 public:
  // `secret` keys the MAC; handles minted with one secret do not decode with another.
  explicit ReceiptCodec(std::string_view secret) : key_(secret) {}

  std::string Encode(const ReceiptFields& fields) const;
  // nullopt when the handle is not one of ours (bad base64, length, version or MAC).
  std::optional<ReceiptFields> Decode(std::string_view handle) const;

 private:
  common::HmacSha256Key key_;  // keyed once: a MAC costs two SHA-256 blocks
};

}  // namespace spool::engine
