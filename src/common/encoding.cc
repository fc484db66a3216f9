#include "common/encoding.h"

#include <array>

namespace spool::common {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeB64Table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kB64[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kB64Table = MakeB64Table();

}  // namespace

std::string ToHex(std::span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

std::string Base64Encode(std::string_view in) {
  std::string out((in.size() + 2) / 3 * 4, '\0');
  char* o = out.data();
  size_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  for (; i + 3 <= in.size(); i += 3, o += 4) {
    const uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    o[0] = kB64[(v >> 18) & 63];
    o[1] = kB64[(v >> 12) & 63];
    o[2] = kB64[(v >> 6) & 63];
    o[3] = kB64[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest != 0) {
    const uint32_t v = (p[i] << 16) | (rest == 2 ? p[i + 1] << 8 : 0);
    o[0] = kB64[(v >> 18) & 63];
    o[1] = kB64[(v >> 12) & 63];
    o[2] = rest == 2 ? kB64[(v >> 6) & 63] : '=';
    o[3] = '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  char* o = out.data();
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = in[i + k];
      if (c == '=') {
        // Padding only in the last group, only in the last two places, and only trailing.
        if (i + 4 != in.size() || k < 2) return std::nullopt;
        ++pad;
        v[k] = 0;
        continue;
      }
      if (pad > 0) return std::nullopt;
      v[k] = kB64Table[static_cast<uint8_t>(c)];
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t x = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    *o++ = static_cast<char>(x >> 16);
    if (pad < 2) *o++ = static_cast<char>((x >> 8) & 0xff);
    if (pad < 1) *o++ = static_cast<char>(x & 0xff);
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return out;
}

}  // namespace spool::common
