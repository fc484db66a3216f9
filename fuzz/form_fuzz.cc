// Fuzz target: Query protocol input, and the writers' escaping of arbitrary bytes.
//
// 1. ParseForm + MakeQueryReader on the input as a form body, every accessor shape exercised
//    (fuzz/exercise_reader.h).
// 2. Round trips that must hold for any bytes:
//    - PercentEncode then ParseForm gives the bytes back;
//    - a JSON response carrying the bytes parses (with MakeJsonReader) and gives them back when
//      they are valid UTF-8;
//    - an XML response carrying the bytes holds only well-formed XML text: valid UTF-8, no
//      character XML 1.0 forbids, no raw < > or CR, & only as one of the writer's entities;
//      unescaped, it gives the bytes back when they are valid XML characters.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "exercise_reader.h"
#include "protocol/escape.h"
#include "protocol/form.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace {

using spool::fuzz::Require;
namespace protocol = spool::protocol;

// Whether `text` is valid UTF-8; with `xml`, also made only of XML 1.0 characters.
bool IsCleanText(std::string_view text, bool xml) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (xml && c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    const size_t n = protocol::Utf8SequenceLength(text, i);
    if (n == 0) return false;
    if (xml && n == 3 && text.substr(i, 2) == "\xEF\xBF" &&
        static_cast<unsigned char>(text[i + 2]) >= 0xBE) {
      return false;
    }
    i += n;
  }
  return true;
}

void CheckPercentEncodingRoundTrip(std::string_view bytes) {
  const std::string body = "k=" + protocol::PercentEncode(bytes);
  protocol::FormParams params;
  Require(protocol::ParseForm(body, &params));
  Require(params.size() == 1 && params[0].first == "k" && params[0].second == bytes);
}

void CheckJsonEscaping(std::string_view bytes) {
  auto writer = protocol::MakeJsonWriter();
  writer->String("v", "V", bytes);
  const std::string json = writer->Finish();
  std::string error;
  auto reader = protocol::MakeJsonReader(json, &error);
  Require(reader != nullptr);
  auto value = reader->String("v", "V");
  Require(value.has_value());
  if (IsCleanText(bytes, /*xml=*/false)) Require(*value == bytes);
}

void CheckXmlEscaping(std::string_view bytes) {
  auto writer = protocol::MakeXmlWriter("Op", "rid", true);
  writer->String("v", "V", bytes);
  const std::string xml = writer->Finish();
  const std::string_view open = "<OpResult><V>";
  const std::string_view close = "</V></OpResult>";
  const size_t start = xml.find(open);
  const size_t end = xml.rfind(close);
  Require(start != std::string::npos && end != std::string::npos && end >= start + open.size());
  const std::string_view text =
      std::string_view(xml).substr(start + open.size(), end - start - open.size());
  Require(IsCleanText(text, /*xml=*/true));
  std::string unescaped;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    Require(c != '<' && c != '>' && c != '\r');
    if (c != '&') {
      unescaped.push_back(c);
      ++i;
      continue;
    }
    bool known = false;
    for (auto [entity, plain] : {std::pair<std::string_view, char>{"&amp;", '&'},
                                 {"&lt;", '<'},
                                 {"&gt;", '>'},
                                 {"&#xD;", '\r'}}) {
      if (text.substr(i, entity.size()) == entity) {
        unescaped.push_back(plain);
        i += entity.size();
        known = true;
        break;
      }
    }
    Require(known);
  }
  if (IsCleanText(bytes, /*xml=*/true)) Require(unescaped == bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  protocol::FormParams params;
  const bool ok = protocol::ParseForm(input, &params);
  // A well-formed body splits into at most one pair per '&'-separated piece.
  if (ok)
    Require(params.size() <= static_cast<size_t>(std::count(input.begin(), input.end(), '&')) + 1);
  auto reader = protocol::MakeQueryReader(std::move(params));
  spool::fuzz::ExerciseReader(*reader);

  CheckPercentEncodingRoundTrip(input);
  CheckJsonEscaping(input);
  CheckXmlEscaping(input);
  return 0;
}
