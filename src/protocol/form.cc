#include "protocol/form.h"

#include <algorithm>
#include <cstdint>

namespace spool::protocol {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes one key or value into *out. False on a '%' not followed by two hex digits.
bool Decode(std::string_view in, std::string* out) {
  // Most keys and many values need no decoding at all: copy them in one go.
  if (in.find_first_of("%+") == std::string_view::npos) {
    out->assign(in);
    return true;
  }
  out->clear();
  out->reserve(in.size());
  size_t run = 0;  // start of the stretch of plain bytes not yet copied
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c != '%' && c != '+') continue;
    out->append(in.data() + run, i - run);
    if (c == '+') {
      out->push_back(' ');
      run = i + 1;
      continue;
    }
    if (in.size() - i < 3) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
    run = i + 1;
  }
  out->append(in.data() + run, in.size() - run);
  return true;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

}  // namespace

bool ParseForm(std::string_view text, FormParams* out) {
  out->reserve(out->size() + static_cast<size_t>(std::count(text.begin(), text.end(), '&')) + 1);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('&', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view piece = text.substr(pos, end - pos);
    pos = end + 1;
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    const std::string_view key = piece.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto& pair = out->emplace_back();
    if (!Decode(key, &pair.first) || !Decode(value, &pair.second)) {
      out->pop_back();
      return false;
    }
  }
  return true;
}

std::string PercentEncode(std::string_view text) {
  size_t escaped = 0;
  for (unsigned char c : text) escaped += IsUnreserved(c) ? 0 : 1;
  std::string out;
  out.reserve(text.size() + 2 * escaped);
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace spool::protocol
