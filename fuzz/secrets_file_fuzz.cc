// Fuzz target: secrets.json, the Secrets Manager store's file (secrets/secret_file.h), as the
// server reads it at startup from the data directory.
//
// Properties: parsing never crashes; a refused file comes with a message and no records; an
// accepted one serialises to text that parses back to the same records, and that text is stable
// (serialising the second parse gives the same bytes).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "secrets/secret_file.h"

namespace {

namespace secrets = spool::secrets;

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<const secrets::StoredSecret*> Pointers(const std::vector<secrets::StoredSecret>& v) {
  std::vector<const secrets::StoredSecret*> out;
  for (const auto& s : v) out.push_back(&s);
  return out;
}

bool Same(const secrets::StoredSecret& a, const secrets::StoredSecret& b) {
  const auto& x = a.info;
  const auto& y = b.info;
  if (x.name != y.name || x.arn != y.arn || x.description != y.description ||
      x.kms_key_id != y.kms_key_id || x.tags != y.tags || x.created_ms != y.created_ms ||
      x.changed_ms != y.changed_ms || x.accessed_ms != y.accessed_ms ||
      x.deletion_ms != y.deletion_ms || a.versions.size() != b.versions.size()) {
    return false;
  }
  for (size_t i = 0; i < a.versions.size(); ++i) {
    const auto& v = a.versions[i];
    const auto& w = b.versions[i];
    if (v.info.id != w.info.id || v.info.stages != w.info.stages ||
        v.info.created_ms != w.info.created_ms || v.binary != w.binary || v.sealed != w.sealed) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<secrets::StoredSecret> parsed;
  std::string error;
  if (!secrets::ParseSecretsFile(text, &parsed, &error)) {
    Require(!error.empty());
    Require(parsed.empty());
    return 0;
  }
  std::string written = secrets::SerializeSecretsFile(Pointers(parsed));
  std::vector<secrets::StoredSecret> again;
  Require(secrets::ParseSecretsFile(written, &again, &error));
  Require(again.size() == parsed.size());
  for (size_t i = 0; i < parsed.size(); ++i) Require(Same(parsed[i], again[i]));
  Require(secrets::SerializeSecretsFile(Pointers(again)) == written);
  return 0;
}
