#pragma once
// Text escaping shared by the writers and the error encoder (internal to protocol/).
//
// Both escapers append to an output buffer in runs (one append per clean stretch of input), so
// escaping a typical body costs one scan and one copy. Neither trusts its input to be valid
// UTF-8: a byte that does not start a valid sequence becomes U+FFFD, so the output is always
// well-formed JSON or XML whatever bytes a client sent or an error message echoes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spool::protocol {

// Length (2..4) of the well-formed UTF-8 sequence that starts at text[i], or 0 if there is none
// (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated). Requires
// text[i] >= 0x80.
inline size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data()) + i;
  const size_t left = text.size() - i;
  const uint8_t b0 = p[0];
  auto cont = [&](size_t k) { return k < left && (p[k] & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 2) return 0;
    // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
    const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const uint8_t hi = b0 == 0xED ? 0x9F : 0xBF;
    if (p[1] < lo || p[1] > hi) return 0;
    return cont(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 2) return 0;
    // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing above U+10FFFF).
    const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80;
    const uint8_t hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (p[1] < lo || p[1] > hi) return 0;
    return cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// Appends `text` as a JSON string literal, quotes included: `"` and `\` escaped, \b \f \n \r \t
// by their short escapes, other control characters as \u00XX, invalid UTF-8 as \ufffd.
// Defined in json_writer.cc.
void AppendJsonString(std::string* out, std::string_view text);

// Appends `text` as XML 1.0 character data: & < > escaped, CR written as &#xD; (a raw CR would be
// turned into LF by XML parsers' end-of-line handling), characters XML 1.0 cannot carry at all
// (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) and invalid UTF-8 as U+FFFD. `"` and
// `'` are left alone: this is for text content, not attribute values. Defined in xml_writer.cc.
void AppendXmlText(std::string* out, std::string_view text);

}  // namespace spool::protocol
