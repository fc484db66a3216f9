#pragma once
// CodeStore: the deployment packages (zip archives) of functions, kept under one root
// directory (the server's DATA_DIR/functions, or a worker's code cache):
//
//   ROOT/<function>/<sha256 hex>.zip   the archive as uploaded (remote workers download it)
//   ROOT/<function>/<sha256 hex>/      its unpacked files: the function's code directory
//
// Install unpacks an archive into ROOT/.incoming-<random>, flushes it to disk (syncfs), and
// renames it into place, so a package directory is either complete or absent after a crash;
// installing the same archive again finds the directory there and writes nothing. Packages are
// never changed in place: a new archive is a new directory, so environments still running the
// old code keep their files until Collect removes what no function refers to (the server calls
// it at start, when nothing runs).
//
// Threading: Install and Collect may be called from any thread; concurrent installs of the
// same archive are safe (the loser of the rename finds the winner's directory).
// Errors: Install returns nullopt with a reason; for a bad archive the reason is
// ExtractPackage's (code_package.h) and *bad_archive is set, so callers can tell the client's
// mistake from a server fault.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "workers/code_package.h"

namespace spool::workers {

struct InstalledPackage {
  std::string code_dir;  // absolute: ROOT/<function>/<hex>
  std::string archive;   // absolute: ROOT/<function>/<hex>.zip
  std::string sha256;    // base64, Lambda's CodeSha256
  int64_t size = 0;      // the archive's bytes, Lambda's CodeSize
};

class CodeStore {
 public:
  // `root` is created when missing (0700). Returns nullopt with *error when it cannot be.
  static std::optional<CodeStore> Open(const std::filesystem::path& root, std::string* error,
                                       PackageLimits limits = {});

  const std::filesystem::path& root() const { return root_; }

  std::optional<InstalledPackage> Install(std::string_view function, std::string_view zip,
                                          bool* bad_archive, std::string* error) const;

  // The package installed from an archive with this CodeSha256, if it is here.
  std::optional<InstalledPackage> Find(std::string_view function, std::string_view sha256) const;

  // Removes every package whose code directory is not in `in_use`, every function folder
  // left empty, and any leftover .incoming-* directory. Returns how many packages went.
  size_t Collect(const std::set<std::string>& in_use) const;

 private:
  CodeStore(std::filesystem::path root, PackageLimits limits)
      : root_(std::move(root)), limits_(limits) {}

  std::filesystem::path root_;
  PackageLimits limits_;
};

}  // namespace spool::workers
