#include "common/key_file.h"

#include "common/crypto.h"
#include "common/file_util.h"

namespace spool::common {

bool LoadOrCreateKeyFile(const std::string& path, size_t size, std::string* key,
                         std::string* error) {
  bool missing = false;
  if (!ReadWholeFile(path, key, &missing, error)) {
    if (!missing) return false;
    key->assign(size, '\0');
    RandomBytes(key->data(), key->size());
    if (!WriteFileAtomically(path, *key, 0600, error)) return false;
  }
  if (key->size() != size) {
    *error = path + " is damaged (expected " + std::to_string(size) + " bytes)";
    return false;
  }
  return true;
}

}  // namespace spool::common
