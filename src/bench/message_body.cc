#include "bench/message_body.h"

namespace spool::bench {
namespace {

constexpr std::string_view kMagic = "sb1 ";
constexpr char kHex[] = "0123456789abcdef";

void PutHex(uint64_t v, char* out) {
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[v & 0xf];
    v >>= 4;
  }
}

std::optional<uint64_t> GetHex(std::string_view text) {
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

void MakeBody(const BodyHeader& h, size_t size, std::string* out) {
  if (size < kBodyHeaderSize) size = kBodyHeaderSize;
  out->resize(size);
  char* p = out->data();
  kMagic.copy(p, kMagic.size());
  PutHex(h.run_id, p + 4);
  p[20] = ' ';
  PutHex(h.seq, p + 21);
  p[37] = ' ';
  PutHex(static_cast<uint64_t>(h.send_nanos), p + 38);
  p[54] = ' ';
  // Filler: the alphabet over and over, so bodies are not one repeated byte.
  for (size_t i = kBodyHeaderSize; i < size; ++i) p[i] = static_cast<char>('a' + i % 26);
}

std::optional<BodyHeader> ParseBody(std::string_view body) {
  if (body.size() < kBodyHeaderSize || body.substr(0, 4) != kMagic || body[20] != ' ' ||
      body[37] != ' ' || body[54] != ' ') {
    return std::nullopt;
  }
  auto run = GetHex(body.substr(4, 16));
  auto seq = GetHex(body.substr(21, 16));
  auto nanos = GetHex(body.substr(38, 16));
  if (!run || !seq || !nanos) return std::nullopt;
  return BodyHeader{*run, *seq, static_cast<int64_t>(*nanos)};
}

}  // namespace spool::bench
