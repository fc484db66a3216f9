#pragma once
// The files of a log directory: listing them, creating a segment, writing a snapshot durably,
// removing what a snapshot made obsolete. Shared by Log (open, rollover, checkpoint) and repair.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/file.h"
#include "storage/log.h"

namespace spool::storage {

inline constexpr std::string_view kLockFileName = "LOCK";
inline constexpr std::string_view kTempSuffix = ".tmp";

std::string JoinPath(const std::string& dir, std::string_view name);
// "what: <strerror(err)>", carrying err.
Status IoError(const std::string& what, int err);
// The sentence every corruption message ends with.
std::string RepairAdvice(const std::string& dir);

// Takes the directory's LOCK (flock); fails with "... is in use by another process" when held.
Status LockLogDir(FileSystem* fs, const std::string& dir, std::unique_ptr<WritableFile>* lock);

struct DirListing {
  std::map<uint64_t, std::string> segments;   // sequence -> file name
  std::map<uint64_t, std::string> snapshots;  // sequence -> file name
  std::vector<std::string> temporaries;       // "*.tmp" left by an interrupted snapshot
};

Status ListLogDir(FileSystem* fs, const std::string& dir, DirListing* out);

// Creates segment `sequence`, replacing a partial file of that name: writes the header,
// fdatasyncs it and syncs the directory, so the segment exists durably before any record.
Status CreateSegment(FileSystem* fs, const std::string& dir, uint64_t sequence,
                     std::unique_ptr<WritableFile>* out);

// Writes snapshot `sequence` as `<name>.tmp` and publishes it under its real name only once
// complete and durable (fdatasync, rename, directory sync), so a crash leaves either no
// snapshot or a complete one. Not thread-safe. An unfinished writer removes its temporary file.
class SnapshotWriter {
 public:
  SnapshotWriter(FileSystem* fs, std::string dir, uint64_t sequence);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  Status Open();
  Status Add(std::string_view record);
  // Writes the end marker and publishes the snapshot; *bytes receives its size.
  Status Finish(uint64_t* bytes);

 private:
  Status Flush();

  FileSystem* fs_;
  std::string dir_;
  uint64_t sequence_;
  std::string temp_path_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  uint64_t records_ = 0;
  bool finished_ = false;
};

// Removes segments and snapshots numbered below `sequence` (oldest first) and leftover
// temporaries, then syncs the directory. Returns the first error; removes what it can.
Status RemoveObsolete(FileSystem* fs, const std::string& dir, uint64_t sequence);

}  // namespace spool::storage
