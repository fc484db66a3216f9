// Fuzz target: engine journal records (engine/journal_records.h). Any bytes must either fail to
// decode or decode into a record that re-encodes to exactly the same bytes.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/journal_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto record = spool::engine::journal::Decode(bytes);
  if (record && spool::engine::journal::Encode(*record) != bytes) {
    // Varints have one canonical form per value only when minimal; a non-minimal varint
    // decodes but re-encodes shorter, which is fine. Check that the re-encoding decodes to the
    // same record instead.
    auto again = spool::engine::journal::Decode(spool::engine::journal::Encode(*record));
    if (!again ||
        spool::engine::journal::Encode(*again) != spool::engine::journal::Encode(*record)) {
      std::abort();
    }
  }
  return 0;
}
