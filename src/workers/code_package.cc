#include "workers/code_package.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::workers {
namespace {

namespace fs = std::filesystem;

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct EntryCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// The entry's path relative to the package root, or "" when it may not be unpacked.
std::string SafeEntryPath(std::string_view name) {
  if (name.empty() || name.front() == '/') return "";
  if (name.find('\\') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return "";
  }
  std::string out;
  for (std::string_view part : Components(name)) {
    if (part == "..") return "";
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// A link target stays inside the package when it is relative, made of leading ".." only as
// many as the link's depth allows, then names without "..". Links are made after every file and
// directory, and a link's own path holds no link (its creation would fail on the real
// directory), so each hop resolves within the package.
bool SafeLinkTarget(std::string_view link_path, std::string_view target) {
  if (target.empty() || target.front() == '/' || target.size() > 4096) return false;
  if (target.find('\0') != std::string_view::npos) return false;
  size_t depth = Components(link_path).size() - 1;  // directories above the link
  size_t ups = 0;
  bool below = false;
  for (std::string_view part : Components(target)) {
    if (part == "..") {
      if (below || ++ups > depth) return false;
    } else {
      below = true;
    }
  }
  return true;
}

struct PendingLink {
  std::string path;
  std::string target;
};

class Extractor {
 public:
  Extractor(const fs::path& dest, const PackageLimits& limits, PackageContents* contents)
      : dest_(dest), limits_(limits), contents_(contents) {}

  bool Run(std::string_view zip, std::string* error) {
    if (zip.empty()) return Fail(error, "not a valid zip archive (it is empty)");
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &zerr);
    if (source == nullptr) return Fail(error, zip_error_strerror(&zerr), &zerr);
    std::unique_ptr<zip_t, ArchiveCloser> archive(
        zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &zerr));
    if (!archive) {
      zip_source_free(source);
      return Fail(error, std::string("not a valid zip archive (") + zip_error_strerror(&zerr) + ")",
                  &zerr);
    }
    zip_int64_t count = zip_get_num_entries(archive.get(), 0);
    if (count <= 0) return Fail(error, "not a valid zip archive (it has no entries)");
    if (static_cast<uint64_t>(count) > limits_.max_entries) {
      return Fail(error,
                  "the archive has more than " + std::to_string(limits_.max_entries) + " entries");
    }
    std::error_code ec;
    if (!fs::create_directory(dest_, ec)) {
      return Io(error,
                "cannot create " + dest_.string() + ": " + (ec ? ec.message() : "it exists"));
    }
    created_ = true;
    std::vector<PendingLink> links;
    for (zip_int64_t i = 0; i < count; ++i) {
      if (!Entry(archive.get(), static_cast<zip_uint64_t>(i), &links, error)) return Undo();
    }
    for (const auto& link : links) {
      if (::symlink(link.target.c_str(), (dest_ / link.path).c_str()) != 0) {
        SystemError(error, "entry '" + link.path + "': cannot make the link", errno);
        return Undo();
      }
    }
    return true;
  }

  bool file_system_failed() const { return file_system_failed_; }

 private:
  bool Io(std::string* error, const std::string& reason) {
    file_system_failed_ = true;
    *error = reason;
    return false;
  }

  // An error from the file system: the archive's fault when an entry collides with another
  // (a duplicate name, a file where a directory must be), the server's otherwise.
  bool SystemError(std::string* error, const std::string& what, int err) {
    *error = what + ": " + std::error_code(err, std::generic_category()).message();
    if (err != EEXIST && err != ENOTDIR && err != EISDIR && err != ELOOP) {
      file_system_failed_ = true;
    }
    return false;
  }

  bool Fail(std::string* error, const std::string& reason, zip_error_t* zerr = nullptr) {
    if (zerr != nullptr) zip_error_fini(zerr);
    *error = reason;
    return false;
  }

  bool Undo() {
    if (created_) {
      std::error_code ec;
      fs::remove_all(dest_, ec);
    }
    return false;
  }

  bool Entry(zip_t* archive, zip_uint64_t index, std::vector<PendingLink>* links,
             std::string* error) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, index, 0, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0) {
      *error = "entry " + std::to_string(index) + " cannot be read";
      return false;
    }
    std::string_view name = st.name;
    std::string path = SafeEntryPath(name);
    if (path.empty()) {
      if (!name.empty() && Components(name).empty() && name.front() != '/') return true;  // "./"
      *error = "entry '" + std::string(name) + "' would be written outside the package";
      return false;
    }
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    mode_t mode = 0;
    if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX) {
      mode = static_cast<mode_t>(attributes >> 16);
    }
    std::error_code ec;
    if (name.back() == '/' || S_ISDIR(mode)) {
      fs::create_directories(dest_ / path, ec);
      if (ec) return SystemError(error, "entry '" + path + "'", ec.value());
      return true;
    }
    fs::create_directories((dest_ / path).parent_path(), ec);
    if (ec) return SystemError(error, "entry '" + path + "'", ec.value());
    std::unique_ptr<zip_file_t, EntryCloser> file(zip_fopen_index(archive, index, 0));
    if (!file) {
      *error = "entry '" + path + "': " + zip_strerror(archive);
      return false;
    }
    if (S_ISLNK(mode)) {
      std::string target;
      if (!ReadAll(file.get(), path, 4097, &target, error)) return false;
      if (!SafeLinkTarget(path, target)) {
        *error = "entry '" + path + "' is a link that leads outside the package";
        return false;
      }
      links->push_back({path, std::move(target)});
      return true;
    }
    mode_t file_mode = mode != 0 ? ((mode & 0755) | 0600) : 0644;  // no group/other writes
    Fd out;
    out.fd = ::open((dest_ / path).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    file_mode);
    if (out.fd < 0) return SystemError(error, "entry '" + path + "'", errno);
    ::fchmod(out.fd, file_mode);  // the umask may have taken bits away
    char buf[64 * 1024];
    while (true) {
      zip_int64_t n = zip_fread(file.get(), buf, sizeof buf);
      if (n < 0) {
        *error = "entry '" + path + "' is damaged: " + zip_file_strerror(file.get());
        return false;
      }
      if (n == 0) break;
      if (!Count(static_cast<uint64_t>(n), error)) return false;
      const char* p = buf;
      size_t left = static_cast<size_t>(n);
      while (left > 0) {
        ssize_t w = ::write(out.fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return Io(error, "cannot write '" + path + "': " + std::strerror(errno));
        p += w;
        left -= static_cast<size_t>(w);
      }
    }
    ++contents_->files;
    return true;
  }

  bool ReadAll(zip_file_t* file, const std::string& path, size_t cap, std::string* out,
               std::string* error) {
    char buf[4096];
    while (true) {
      zip_int64_t n = zip_fread(file, buf, sizeof buf);
      if (n < 0) {
        *error = "entry '" + path + "' is damaged: " + zip_file_strerror(file);
        return false;
      }
      if (n == 0) return true;
      if (!Count(static_cast<uint64_t>(n), error)) return false;
      out->append(buf, static_cast<size_t>(n));
      if (out->size() > cap) {
        *error = "entry '" + path + "' is a link with too long a target";
        return false;
      }
    }
  }

  bool Count(uint64_t n, std::string* error) {
    contents_->unpacked_bytes += n;
    if (contents_->unpacked_bytes > limits_.max_unpacked_bytes) {
      *error = "Unzipped size must be smaller than " + std::to_string(limits_.max_unpacked_bytes) +
               " bytes";
      return false;
    }
    return true;
  }

  fs::path dest_;
  PackageLimits limits_;
  PackageContents* contents_;
  bool created_ = false;
  bool file_system_failed_ = false;
};

}  // namespace

ExtractResult ExtractPackage(std::string_view zip, const fs::path& dest,
                             const PackageLimits& limits, PackageContents* contents,
                             std::string* error) {
  *contents = {};
  Extractor extractor(dest, limits, contents);
  if (extractor.Run(zip, error)) return ExtractResult::kOk;
  return extractor.file_system_failed() ? ExtractResult::kFileSystem : ExtractResult::kBadArchive;
}

bool BuildPackage(const fs::path& dir, std::string* zip, std::string* error) {
  struct Item {
    std::string name;  // relative, '/'-separated; directories end in '/'
    fs::path path;
    mode_t mode;
  };
  std::vector<Item> items;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    // Lexically: fs::relative would resolve a link to its target's name.
    std::string name = it->path().lexically_relative(dir).generic_string();
    if (S_ISDIR(st.st_mode)) name += '/';
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) continue;
    items.push_back({name, it->path(), st.st_mode});
  }
  if (ec) {
    *error = "cannot list " + dir.string() + ": " + ec.message();
    return false;
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.name < b.name; });

  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &zerr);
  if (out == nullptr) {
    *error = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    return false;
  }
  zip_source_keep(out);
  auto release = [&] { zip_source_free(out); };
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &zerr);
  if (archive == nullptr) {
    *error = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    release();
    return false;
  }
  constexpr time_t kFixedTime = 315532800;  // 1980-01-01, the earliest a zip can say
  // Contents must outlive zip_close, which is when libzip reads them.
  std::vector<std::unique_ptr<std::string>> contents;
  for (const Item& item : items) {
    zip_int64_t index;
    if (S_ISDIR(item.mode)) {
      index = zip_dir_add(archive, item.name.c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      auto data = std::make_unique<std::string>();
      if (S_ISLNK(item.mode)) {
        *data = fs::read_symlink(item.path, ec).string();
      } else {
        std::ifstream in(item.path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        if (!in) ec = std::make_error_code(std::errc::io_error);
        *data = ss.str();
      }
      if (ec) {
        *error = "cannot read " + item.path.string() + ": " + ec.message();
        zip_discard(archive);
        release();
        return false;
      }
      zip_source_t* s = zip_source_buffer(archive, data->data(), data->size(), 0);
      contents.push_back(std::move(data));
      index = s == nullptr ? -1 : zip_file_add(archive, item.name.c_str(), s, ZIP_FL_ENC_UTF_8);
      if (index < 0 && s != nullptr) zip_source_free(s);
    }
    if (index < 0) {
      *error = "cannot add " + item.name + ": " + zip_strerror(archive);
      zip_discard(archive);
      release();
      return false;
    }
    auto i = static_cast<zip_uint64_t>(index);
    zip_file_set_mtime(archive, i, kFixedTime, 0);
    zip_file_set_external_attributes(archive, i, 0, ZIP_OPSYS_UNIX,
                                     static_cast<zip_uint32_t>(item.mode) << 16);
  }
  if (zip_close(archive) != 0) {
    *error = std::string("cannot write the archive: ") + zip_strerror(archive);
    zip_discard(archive);
    release();
    return false;
  }
  zip_stat_t st;
  bool ok = zip_source_stat(out, &st) == 0 && zip_source_open(out) == 0;
  if (ok) {
    zip->resize(static_cast<size_t>(st.size));
    ok = zip_source_read(out, zip->data(), st.size) == static_cast<zip_int64_t>(st.size);
    zip_source_close(out);
  }
  release();
  if (!ok) *error = "cannot read the archive back";
  return ok;
}

std::string PackageSha256(std::string_view zip) {
  auto digest = common::Sha256(zip);
  return common::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace spool::workers
