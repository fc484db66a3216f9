// Fuzz target: deployment packages (workers/code_package.h), the zip archives a Lambda API
// client uploads as ZipFile.
//
// Input: the archive bytes. Each run unpacks them into a fresh directory under a private
// sandbox and checks, whatever the input:
// - nothing is ever written beside the destination (the sandbox holds only it, or nothing);
// - a refused archive leaves no destination behind and comes with a reason;
// - an accepted one stays within the limits it was given, and every link in it resolves inside
//   the destination.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "workers/code_package.h"

namespace {

namespace fs = std::filesystem;

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

const fs::path& Sandbox() {
  static const fs::path sandbox = [] {
    fs::path p =
        fs::temp_directory_path() / ("spool-code-package-fuzz-" + std::to_string(getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
  }();
  return sandbox;
}

bool Inside(const fs::path& root, const fs::path& p) {
  auto r = root.lexically_normal().string();
  auto q = p.lexically_normal().string();
  return q == r || q.starts_with(r + "/");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view zip(reinterpret_cast<const char*>(data), size);
  const fs::path& sandbox = Sandbox();
  fs::path dest = sandbox / "out";
  spool::workers::PackageLimits limits;
  limits.max_unpacked_bytes = 1 << 20;
  limits.max_entries = 64;
  spool::workers::PackageContents contents;
  std::string error;
  auto result = spool::workers::ExtractPackage(zip, dest, limits, &contents, &error);
  std::error_code ec;
  size_t beside = 0;
  for (const auto& entry : fs::directory_iterator(sandbox, ec)) {
    if (entry.path() != dest) ++beside;
  }
  Require(beside == 0);
  if (result != spool::workers::ExtractResult::kOk) {
    Require(!error.empty());
    Require(!fs::exists(dest, ec));
    return 0;
  }
  Require(contents.unpacked_bytes <= limits.max_unpacked_bytes);
  Require(contents.files <= limits.max_entries);
  fs::path real_root = fs::canonical(dest);
  for (auto it = fs::recursive_directory_iterator(dest, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_symlink(ec)) {
      fs::path target = fs::weakly_canonical(it->path(), ec);
      if (!ec) Require(Inside(real_root, target));
    }
  }
  fs::remove_all(dest, ec);
  return 0;
}
