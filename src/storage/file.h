#pragma once
// The file-system seam of the log (the shape of leveldb's Env): the real POSIX implementation
// and, for tests, a fault-injecting one. Only what the log needs.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spool::storage {

// An open file for appending. Methods return 0 on success or an errno value.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual int Append(std::string_view data) = 0;
  virtual int Sync() = 0;                   // fdatasync
  virtual int Truncate(uint64_t size) = 0;  // cut the file back to `size` bytes
  virtual int Close() = 0;
  virtual uint64_t Size() const = 0;
};

// A whole file mapped read-only, for reading journal files without copying them onto the heap.
// Drop(begin, end) says that bytes [begin, end) are not needed for now: their pages leave this
// process's resident set (they stay in the page cache) and are read back if touched again, so
// data() stays valid and unchanged. Only whole pages inside the range are dropped. The file must
// not shrink while it is mapped (the log directory's LOCK keeps other Spool processes out).
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual std::string_view data() const = 0;
  virtual void Drop(uint64_t begin, uint64_t end) = 0;  // best effort
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for appending, creating if missing (and keeping existing contents).
  virtual int OpenWritable(const std::string& path, std::unique_ptr<WritableFile>* out) = 0;
  virtual int ReadAll(const std::string& path, std::string* out) = 0;
  // Maps `path` read-only (an empty file maps to empty data).
  virtual int MapFile(const std::string& path, std::unique_ptr<MappedFile>* out) = 0;
  virtual int List(const std::string& dir, std::vector<std::string>* names) = 0;
  virtual int Remove(const std::string& path) = 0;
  virtual int Rename(const std::string& from, const std::string& to) = 0;
  virtual int CreateDir(const std::string& dir) = 0;  // ok if it exists
  virtual int SyncDir(const std::string& dir) = 0;
  virtual int TruncateFile(const std::string& path, uint64_t size) = 0;
  // Takes an exclusive advisory lock (flock) on `path`, held until `*release` is destroyed.
  virtual int Lock(const std::string& path, std::unique_ptr<WritableFile>* release) = 0;
};

// The process-wide POSIX file system.
FileSystem* PosixFileSystem();

// Wraps another FileSystem and fails writes on demand: after `SetWriteBudget(n)` the next
// appends succeed until n bytes in total were written, then fail with ENOSPC (writing nothing
// of the failing call); Sync can be made to fail likewise (WritableFile::Sync and SyncDir return
// EIO while FailSyncs(true)). It also counts the files' successful syncs. Thread-safe. For
// disk-full tests and for tests that count syncs.
class FaultyFileSystem final : public FileSystem {
 public:
  explicit FaultyFileSystem(FileSystem* base);
  void SetWriteBudget(int64_t bytes);  // negative: unlimited
  void FailSyncs(bool fail);
  uint64_t syncs() const;  // successful WritableFile::Sync calls so far
  // FileSystem:
  int OpenWritable(const std::string& path, std::unique_ptr<WritableFile>* out) override;
  int ReadAll(const std::string& path, std::string* out) override;
  int MapFile(const std::string& path, std::unique_ptr<MappedFile>* out) override;
  int List(const std::string& dir, std::vector<std::string>* names) override;
  int Remove(const std::string& path) override;
  int Rename(const std::string& from, const std::string& to) override;
  int CreateDir(const std::string& dir) override;
  int SyncDir(const std::string& dir) override;
  int TruncateFile(const std::string& path, uint64_t size) override;
  int Lock(const std::string& path, std::unique_ptr<WritableFile>* release) override;

  struct State;  // the budget and switches, shared with every file this opened

 private:
  std::shared_ptr<State> state_;
  FileSystem* base_;
};

}  // namespace spool::storage
