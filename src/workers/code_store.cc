#include "workers/code_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/uuid.h"

namespace spool::workers {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kIncoming = ".incoming-";

// Flushes the file system holding `dir` (one call for every file an unpacking wrote).
bool SyncFileSystem(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::syncfs(fd) == 0;
  ::close(fd);
  return ok;
}

bool SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string HexOfBase64(std::string_view sha256) {
  auto raw = common::Base64Decode(sha256);
  if (!raw || raw->size() != 32) return "";
  return common::ToHex(*raw);
}

std::optional<InstalledPackage> Describe(const fs::path& folder, const std::string& hex,
                                         const std::string& sha256) {
  std::error_code ec;
  fs::path dir = folder / hex;
  fs::path archive = folder / (hex + ".zip");
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  auto size = fs::file_size(archive, ec);
  if (ec) return std::nullopt;
  return InstalledPackage{dir.string(), archive.string(), sha256, static_cast<int64_t>(size)};
}

}  // namespace

std::optional<CodeStore> CodeStore::Open(const fs::path& root, std::string* error,
                                         PackageLimits limits) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec || !fs::is_directory(root, ec)) {
    *error = "cannot create the code directory " + root.string() + ": " + ec.message();
    return std::nullopt;
  }
  fs::permissions(root, fs::perms::owner_all, fs::perm_options::replace, ec);
  return CodeStore(fs::absolute(root), limits);
}

std::optional<InstalledPackage> CodeStore::Install(std::string_view function, std::string_view zip,
                                                   bool* bad_archive, std::string* error) const {
  *bad_archive = false;
  std::string sha256 = PackageSha256(zip);
  std::string hex = HexOfBase64(sha256);
  fs::path folder = root_ / std::string(function);
  if (auto found = Describe(folder, hex, sha256)) return found;

  std::error_code ec;
  fs::path incoming = root_ / (std::string(kIncoming) + common::NewUuid());
  PackageContents contents;
  if (auto r = ExtractPackage(zip, incoming, limits_, &contents, error); r != ExtractResult::kOk) {
    *bad_archive = r == ExtractResult::kBadArchive;
    return std::nullopt;
  }
  auto fail = [&](const std::string& what) {
    *error = what;
    fs::remove_all(incoming, ec);
    return std::nullopt;
  };
  fs::create_directories(folder, ec);
  if (ec) return fail("cannot create " + folder.string() + ": " + ec.message());
  fs::path archive = folder / (hex + ".zip");
  std::string write_error;
  if (!common::WriteFileAtomically(archive.string(), std::string(zip), 0600, &write_error)) {
    return fail(write_error);
  }
  if (!SyncFileSystem(incoming)) return fail("cannot flush the unpacked code to disk");
  fs::rename(incoming, folder / hex, ec);
  if (ec) {
    // Another install of the same archive won the race: its directory is complete.
    fs::remove_all(incoming, ec);
    if (auto found = Describe(folder, hex, sha256)) return found;
    *error = "cannot move the unpacked code into " + (folder / hex).string();
    return std::nullopt;
  }
  if (!SyncDirectory(folder)) {
    *error = "cannot flush " + folder.string();
    return std::nullopt;
  }
  return InstalledPackage{(folder / hex).string(), archive.string(), sha256,
                          static_cast<int64_t>(zip.size())};
}

std::optional<InstalledPackage> CodeStore::Find(std::string_view function,
                                                std::string_view sha256) const {
  std::string hex = HexOfBase64(sha256);
  if (hex.empty()) return std::nullopt;
  return Describe(root_ / std::string(function), hex, std::string(sha256));
}

size_t CodeStore::Collect(const std::set<std::string>& in_use) const {
  // Listed first, removed after: a directory is not changed while it is being read.
  std::vector<fs::path> doomed;
  std::vector<fs::path> folders;
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    if (entry.path().filename().string().starts_with(kIncoming)) {
      doomed.push_back(entry.path());
    } else if (entry.is_directory(ec)) {
      folders.push_back(entry.path());
    }
  }
  for (const auto& folder : folders) {
    for (const auto& item : fs::directory_iterator(folder, ec)) {
      fs::path p = item.path();
      bool archive = p.extension() == ".zip";
      fs::path dir = archive ? fs::path(p).replace_extension() : p;
      if (in_use.contains(dir.string())) continue;
      if (!archive) ++removed;
      doomed.push_back(p);
    }
  }
  for (const auto& p : doomed) fs::remove_all(p, ec);
  for (const auto& folder : folders) {
    if (fs::is_empty(folder, ec)) fs::remove(folder, ec);
  }
  return removed;
}

}  // namespace spool::workers
