// PosixFileSystem: the real file system behind the log.

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "storage/file.h"

namespace spool::storage {
namespace {

int Errno() { return errno != 0 ? errno : EIO; }

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~PosixWritableFile() override { Close(); }

  int Append(std::string_view data) override {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno();  // size_ counts what did reach the file, so Truncate can undo it
      }
      p += n;
      left -= static_cast<size_t>(n);
      size_ += static_cast<uint64_t>(n);
    }
    return 0;
  }

  int Sync() override {
    while (::fdatasync(fd_) != 0) {
      if (errno != EINTR) return Errno();
    }
    return 0;
  }

  int Truncate(uint64_t size) override {
    while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      if (errno != EINTR) return Errno();
    }
    size_ = size;
    return 0;
  }

  int Close() override {
    if (fd_ < 0) return 0;
    const int rc = ::close(fd_);
    fd_ = -1;
    // Linux always releases the descriptor, even on EINTR: never retry.
    return rc == 0 || errno == EINTR ? 0 : Errno();
  }

  uint64_t Size() const override { return size_; }

 private:
  int fd_;
  uint64_t size_;
};

class PosixMappedFile final : public MappedFile {
 public:
  PosixMappedFile(void* base, uint64_t size) : base_(base), size_(size) {}
  ~PosixMappedFile() override {
    if (base_ != nullptr) ::munmap(base_, size_);
  }
  std::string_view data() const override {
    return base_ == nullptr ? std::string_view()
                            : std::string_view(static_cast<char*>(base_), size_);
  }
  void Drop(uint64_t begin, uint64_t end) override {
    if (base_ == nullptr) return;
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    end = std::min(end, size_);
    begin = (begin + page - 1) / page * page;   // whole pages only
    if (end != size_) end = end / page * page;  // the last page may be partial
    if (begin >= end) return;
    // A private, unwritten file mapping: dropped pages are read back from the file if touched.
    ::madvise(static_cast<char*>(base_) + begin, end - begin, MADV_DONTNEED);
  }

 private:
  void* base_;
  uint64_t size_;
};

// For a file system that cannot map files: the bytes read into memory, Drop a no-op.
class ReadMappedFile final : public MappedFile {
 public:
  explicit ReadMappedFile(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view data() const override { return bytes_; }
  void Drop(uint64_t, uint64_t) override {}

 private:
  std::string bytes_;
};

// Opens `path` with `flags` (retrying on EINTR) and reads its size.
int OpenWithSize(const std::string& path, int flags, int* fd, uint64_t* size) {
  do {
    *fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (*fd < 0 && errno == EINTR);
  if (*fd < 0) return Errno();
  struct stat st;
  if (::fstat(*fd, &st) != 0) {
    const int err = Errno();
    ::close(*fd);
    return err;
  }
  *size = static_cast<uint64_t>(st.st_size);
  return 0;
}

class PosixFileSystemImpl final : public FileSystem {
 public:
  int OpenWritable(const std::string& path, std::unique_ptr<WritableFile>* out) override {
    int fd;
    uint64_t size;
    if (int err = OpenWithSize(path, O_WRONLY | O_APPEND | O_CREAT, &fd, &size)) return err;
    *out = std::make_unique<PosixWritableFile>(fd, size);
    return 0;
  }

  int ReadAll(const std::string& path, std::string* out) override {
    int fd;
    uint64_t size;
    if (int err = OpenWithSize(path, O_RDONLY, &fd, &size)) return err;
    out->clear();
    out->reserve(static_cast<size_t>(size));
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = Errno();
        ::close(fd);
        return err;
      }
      if (n == 0) break;
      out->append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return 0;
  }

  int MapFile(const std::string& path, std::unique_ptr<MappedFile>* out) override {
    int fd;
    uint64_t size;
    if (int err = OpenWithSize(path, O_RDONLY, &fd, &size)) return err;
    void* base = nullptr;
    if (size > 0) {
      base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (base == MAP_FAILED) {
        ::close(fd);
        std::string bytes;  // a file system without mmap support: read it instead
        if (int err = ReadAll(path, &bytes)) return err;
        *out = std::make_unique<ReadMappedFile>(std::move(bytes));
        return 0;
      }
      ::madvise(base, size, MADV_SEQUENTIAL);
    }
    ::close(fd);  // the mapping keeps the file
    *out = std::make_unique<PosixMappedFile>(base, size);
    return 0;
  }

  int List(const std::string& dir, std::vector<std::string>* names) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Errno();
    names->clear();
    errno = 0;
    while (struct dirent* entry = ::readdir(d)) {
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names->emplace_back(name);
    }
    const int err = errno;
    ::closedir(d);
    return err;
  }

  int Remove(const std::string& path) override { return ::unlink(path.c_str()) == 0 ? 0 : Errno(); }

  int Rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : Errno();
  }

  int CreateDir(const std::string& dir) override {
    // Like `mkdir -p`: every missing parent too.
    for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
      const std::string prefix = dir.substr(0, slash);
      if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return Errno();
      }
      if (slash == std::string::npos) break;
    }
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return Errno();
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  }

  int SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno();
    int err = 0;
    while (::fsync(fd) != 0) {
      if (errno != EINTR) {
        err = Errno();
        break;
      }
    }
    ::close(fd);
    return err;
  }

  int TruncateFile(const std::string& path, uint64_t size) override {
    return ::truncate(path.c_str(), static_cast<off_t>(size)) == 0 ? 0 : Errno();
  }

  int Lock(const std::string& path, std::unique_ptr<WritableFile>* release) override {
    int fd;
    uint64_t size;
    if (int err = OpenWithSize(path, O_WRONLY | O_APPEND | O_CREAT, &fd, &size)) return err;
    // flock locks belong to the open file description: a second open of the same file, in this
    // process or another, conflicts; closing the descriptor releases the lock.
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      const int err = errno == EWOULDBLOCK ? EWOULDBLOCK : Errno();
      ::close(fd);
      return err;
    }
    *release = std::make_unique<PosixWritableFile>(fd, size);
    return 0;
  }
};

}  // namespace

FileSystem* PosixFileSystem() {
  static PosixFileSystemImpl* const fs = new PosixFileSystemImpl;  // never destroyed
  return fs;
}

}  // namespace spool::storage
