// Fuzz target: stack files (stack/stack_spec.h) and stack records (stack/record.h), what
// `spool apply` reads from a user's file and from the server.
//
// Input: the text. Checked whatever the input:
// - ParseStack either accepts it or refuses it with "FILE:LINE:COLUMN: message";
// - an accepted stack has a name, its dead-letter queues come before the queues that name them,
//   and every mapping's function is declared;
// - a record that parses serializes to text that parses to the same record.

#include <cstdint>
#include <set>
#include <string>

#include "stack/record.h"
#include "stack/stack_spec.h"

namespace {

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  // Relative code directories are looked up beside this (non-existent) file: no file is read.
  auto spec = spool::stack::ParseStack("/nonexistent/spool.toml", text, &error);
  if (!spec) {
    Require(error.starts_with("/nonexistent/spool.toml:"));
  } else {
    Require(!spec->name.empty());
    std::set<std::string> seen, all, functions;
    for (const auto& q : spec->queues) all.insert(q.name);
    for (const auto& q : spec->queues) {
      if (q.dead_letter_queue && all.contains(*q.dead_letter_queue)) {
        Require(seen.contains(*q.dead_letter_queue));
      }
      seen.insert(q.name);
    }
    for (const auto& f : spec->functions) functions.insert(f.name);
    for (const auto& m : spec->mappings) Require(functions.contains(m.function));
  }
  error.clear();
  if (auto record = spool::stack::ParseRecord(text, &error)) {
    std::string again = spool::stack::SerializeRecord(*record);
    auto back = spool::stack::ParseRecord(again, &error);
    Require(back.has_value());
    Require(spool::stack::SerializeRecord(*back) == again);
  } else {
    Require(!error.empty());
  }
  return 0;
}
