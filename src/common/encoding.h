#pragma once
// Text encodings of bytes: lower-case hex, standard base64 (RFC 4648 with padding).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spool::common {

std::string ToHex(std::span<const uint8_t> bytes);
inline std::string ToHex(std::string_view bytes) {
  return ToHex(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string Base64Encode(std::string_view bytes);
// Strict decoding: padding required, no whitespace; nullopt on any invalid input.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace spool::common
