#include "storage/log_files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/log_format.h"

namespace spool::storage {
namespace {

// Snapshot bytes are handed to the file system in chunks of about this size.
constexpr size_t kSnapshotChunk = 1 << 20;

}  // namespace

std::string JoinPath(const std::string& dir, std::string_view name) {
  std::string path = dir;
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(name);
  return path;
}

Status IoError(const std::string& what, int err) {
  return Status::Error(what + ": " + std::strerror(err), err);
}

std::string RepairAdvice(const std::string& dir) {
  return "Run `spool repair --data-dir DIR` (DIR being the data directory that holds " + dir +
         ") to salvage every valid record.";
}

Status LockLogDir(FileSystem* fs, const std::string& dir, std::unique_ptr<WritableFile>* lock) {
  const std::string path = JoinPath(dir, kLockFileName);
  if (int err = fs->Lock(path, lock)) {
    if (err != EWOULDBLOCK && err != EAGAIN) return IoError("cannot lock " + path, err);
    std::string holder;
    fs->ReadAll(path, &holder);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    if (holder.size() > 20) holder.clear();  // not a pid we wrote
    return Status::Error("log directory " + dir + " is in use by another process" +
                             (holder.empty() ? "" : " (pid " + holder + ")") +
                             ", which holds its LOCK",
                         err);
  }
  // Who holds the lock, for the message above; best effort.
  if ((*lock)->Truncate(0) == 0) (*lock)->Append(std::to_string(::getpid()) + "\n");
  return Status::Ok();
}

Status ListLogDir(FileSystem* fs, const std::string& dir, DirListing* out) {
  std::vector<std::string> names;
  if (int err = fs->List(dir, &names)) return IoError("cannot list " + dir, err);
  *out = DirListing{};
  for (auto& name : names) {
    format::FileKind kind;
    uint64_t sequence;
    if (format::ParseFileName(name, &kind, &sequence)) {
      auto& files = kind == format::FileKind::kSegment ? out->segments : out->snapshots;
      files.emplace(sequence, std::move(name));
    } else if (name.ends_with(kTempSuffix)) {
      out->temporaries.push_back(std::move(name));
    }
  }
  return Status::Ok();
}

Status CreateSegment(FileSystem* fs, const std::string& dir, uint64_t sequence,
                     std::unique_ptr<WritableFile>* out) {
  const std::string name = format::SegmentFileName(sequence);
  const std::string path = JoinPath(dir, name);
  std::unique_ptr<WritableFile> file;
  if (int err = fs->OpenWritable(path, &file)) return IoError("cannot create " + path, err);
  if (file->Size() != 0) {
    if (int err = file->Truncate(0)) return IoError("cannot reset " + path, err);
  }
  std::string header;
  format::AppendFileHeader({format::kVersion, format::FileKind::kSegment, sequence}, &header);
  if (int err = file->Append(header)) {
    file->Truncate(0);  // best effort: a partial header is handled by recovery anyway
    return IoError("cannot write the header of " + path, err);
  }
  if (int err = file->Sync()) return IoError("cannot sync " + path, err);
  if (int err = fs->SyncDir(dir)) return IoError("cannot sync directory " + dir, err);
  *out = std::move(file);
  return Status::Ok();
}

SnapshotWriter::SnapshotWriter(FileSystem* fs, std::string dir, uint64_t sequence)
    : fs_(fs),
      dir_(std::move(dir)),
      sequence_(sequence),
      temp_path_(JoinPath(dir_, format::SnapshotFileName(sequence)) + std::string(kTempSuffix)) {}

SnapshotWriter::~SnapshotWriter() {
  if (finished_) return;
  if (file_) file_->Close();
  fs_->Remove(temp_path_);  // best effort; recovery removes leftovers too
}

Status SnapshotWriter::Open() {
  if (int err = fs_->OpenWritable(temp_path_, &file_)) {
    return IoError("cannot create " + temp_path_, err);
  }
  if (file_->Size() != 0) {
    if (int err = file_->Truncate(0)) return IoError("cannot reset " + temp_path_, err);
  }
  format::AppendFileHeader({format::kVersion, format::FileKind::kSnapshot, sequence_}, &buffer_);
  return Status::Ok();
}

Status SnapshotWriter::Add(std::string_view record) {
  if (record.size() > format::kMaxRecordSize) {
    return Status::Error("a snapshot record of " + std::to_string(record.size()) +
                         " bytes exceeds the 64 MiB limit");
  }
  format::AppendFrame(format::FrameType::kRecord, record, &buffer_);
  ++records_;
  return buffer_.size() >= kSnapshotChunk ? Flush() : Status::Ok();
}

Status SnapshotWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  if (int err = file_->Append(buffer_)) return IoError("cannot write " + temp_path_, err);
  buffer_.clear();
  return Status::Ok();
}

Status SnapshotWriter::Finish(uint64_t* bytes) {
  std::string count;
  format::PutFixed64(&count, records_);
  format::AppendFrame(format::FrameType::kSnapshotEnd, count, &buffer_);
  if (Status s = Flush(); !s.ok) return s;
  if (int err = file_->Sync()) return IoError("cannot sync " + temp_path_, err);
  *bytes = file_->Size();
  if (int err = file_->Close()) return IoError("cannot close " + temp_path_, err);
  file_.reset();
  const std::string path = JoinPath(dir_, format::SnapshotFileName(sequence_));
  if (int err = fs_->Rename(temp_path_, path)) {
    return IoError("cannot rename " + temp_path_ + " to " + path, err);
  }
  finished_ = true;
  if (int err = fs_->SyncDir(dir_)) return IoError("cannot sync directory " + dir_, err);
  return Status::Ok();
}

Status RemoveObsolete(FileSystem* fs, const std::string& dir, uint64_t sequence) {
  DirListing listing;
  if (Status s = ListLogDir(fs, dir, &listing); !s.ok) return s;
  Status first;
  auto remove = [&](const std::string& name) {
    const std::string path = JoinPath(dir, name);
    if (int err = fs->Remove(path); err != 0 && first.ok) {
      first = IoError("cannot remove " + path, err);
    }
  };
  // Oldest first, so what a crash halfway leaves is still a contiguous run.
  for (const auto& [seq, name] : listing.snapshots) {
    if (seq < sequence) remove(name);
  }
  for (const auto& [seq, name] : listing.segments) {
    if (seq < sequence) remove(name);
  }
  for (const auto& name : listing.temporaries) remove(name);
  if (int err = fs->SyncDir(dir); err != 0 && first.ok) {
    first = IoError("cannot sync directory " + dir, err);
  }
  return first;
}

}  // namespace spool::storage
