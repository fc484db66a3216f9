#pragma once
// A function's deployment package: a zip archive (Lambda's `ZipFile`) unpacked into a
// directory that a runtime can run from.
//
// ExtractPackage promises, for any input bytes (the fuzz target feeds it anything):
// - it never writes outside `dest`: entry names that are absolute, contain a ".." component,
//   a backslash or a NUL, or are empty are refused, and so are symbolic links whose target
//   is absolute or leads outside the package;
// - the unpacked size is bounded by `limits.max_unpacked_bytes`, counted on the bytes really
//   inflated (declared sizes are not trusted), and the entry count by `limits.max_entries`;
// - every entry's CRC-32 is checked (a damaged archive is refused, not half-used);
// - file modes follow the archive's Unix permissions when it has them (so a `bootstrap` stays
//   executable), always readable and writable by the owner and never writable by others;
//   files without them get 0644;
// - on failure it returns why (the archive, or the file system) with a one-line reason, and
//   removes what it wrote under `dest`.
// `dest` must not exist; its parent must. Threading: a pure function of its inputs and the
// file system; safe to call concurrently with different `dest`s.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace spool::workers {

struct PackageLimits {
  uint64_t max_unpacked_bytes = 262'144'000;  // Lambda's unzipped limit (250 MB)
  uint64_t max_entries = 100'000;
};

struct PackageContents {
  uint64_t files = 0;
  uint64_t unpacked_bytes = 0;
};

enum class ExtractResult {
  kOk,
  kBadArchive,  // not a zip, damaged, unsafe names or links, over the limits, duplicate entries
  kFileSystem,  // `dest` could not be made or written (no space, permissions)
};

ExtractResult ExtractPackage(std::string_view zip, const std::filesystem::path& dest,
                             const PackageLimits& limits, PackageContents* contents,
                             std::string* error);

// The other way: a zip archive of every file, link and directory under `dir` (paths relative
// to it, sorted, modes kept, every timestamp the same fixed value), so that the same files
// always give the same bytes and CodeSha256 (`spool apply` re-uploads only changed code).
// False with *error when a file cannot be read.
bool BuildPackage(const std::filesystem::path& dir, std::string* zip, std::string* error);

// Lambda's CodeSha256: base64 of the SHA-256 of the archive bytes.
std::string PackageSha256(std::string_view zip);

}  // namespace spool::workers
