#pragma once
// secrets.json (README.md, "Storage format"): the records the store keeps, and their text.
// Parsing checks the form of every record (names, ids, labels, sizes, uniqueness) but not the
// sealed values, which only the store's key opens.
//
// Threading: pure functions. Errors: ParseSecretsFile returns false with *error saying what is
// wrong and where; it never throws and never crashes on any input (fuzz/secrets_file_fuzz.cc).

#include <string>
#include <string_view>
#include <vector>

#include "secrets/secret_types.h"

namespace spool::secrets {

struct StoredVersion {
  VersionInfo info;
  bool binary = false;
  std::string sealed;  // common::SealedBox::Seal(value, SealContext(arn, id))
};

struct StoredSecret {
  SecretInfo info;                      // info.versions is left empty; `versions` is the truth
  std::vector<StoredVersion> versions;  // in creation order
};

inline constexpr int kSecretsFileVersion = 1;

// The associated data a version's value is sealed with: it ties the value to its secret and
// version.
std::string SealContext(std::string_view arn, std::string_view version_id);

std::string SerializeSecretsFile(const std::vector<const StoredSecret*>& secrets);
bool ParseSecretsFile(std::string_view text, std::vector<StoredSecret>* out, std::string* error);

}  // namespace spool::secrets
