// Fuzz target: AWS JSON 1.0 request bodies.
//
// MakeJsonReader on the input; a rejected body must come with an error message, an accepted one
// has every accessor shape exercised (fuzz/exercise_reader.h). Strings read from an accepted body
// are valid UTF-8, so writing them with the JSON writer and reading them back must be exact.

#include <cstdint>
#include <string>
#include <string_view>

#include "exercise_reader.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace {

using spool::fuzz::Require;
namespace protocol = spool::protocol;

void CheckRoundTrip(const std::string& value) {
  auto writer = protocol::MakeJsonWriter();
  writer->String("v", "V", value);
  const std::string json = writer->Finish();
  std::string error;
  auto reader = protocol::MakeJsonReader(json, &error);
  Require(reader != nullptr);
  auto back = reader->String("v", "V");
  Require(back.has_value() && *back == value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto reader = protocol::MakeJsonReader(input, &error);
  if (reader == nullptr) {
    Require(!error.empty());
    return 0;
  }
  spool::fuzz::ExerciseReader(*reader);
  for (std::string_view name : {"MessageBody", "QueueUrl", "a"}) {
    if (auto value = reader->String(name, name)) CheckRoundTrip(*value);
  }
  if (auto map = reader->StringMap("Attributes", "Attribute")) {
    for (const auto& [key, value] : *map) {
      CheckRoundTrip(key);
      CheckRoundTrip(value);
    }
  }
  return 0;
}
