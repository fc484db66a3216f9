// Log::Repair: salvages every valid record of a damaged log into one fresh snapshot.
//
// Which files: the newest complete snapshot whose segments follow it without a gap (then the
// log is healthy from there on except for damage inside segments); failing that, the newest
// snapshot with an intact header, salvaged as far as it is valid; failing that, no snapshot.
// Then every segment numbered from that snapshot on, in order. Older files are superseded.
//
// Order on disk: the new snapshot N (N above every existing number) is written to a temporary
// file, an empty segment N is created, the snapshot is published (rename, directory sync), and
// only then are the old files removed. Interrupted at any point, running repair again is safe.

#include <map>
#include <optional>
#include <vector>

#include "storage/log.h"
#include "storage/log_files.h"
#include "storage/log_format.h"
#include "storage/log_reader.h"

namespace spool::storage {
namespace {

using format::FileKind;

struct Source {
  FileKind kind;
  uint64_t sequence;
  std::string name;
};

bool ChainFollows(const DirListing& listing, uint64_t snapshot) {
  auto it = listing.segments.lower_bound(snapshot);
  if (it == listing.segments.end() || it->first != snapshot) return false;
  for (uint64_t expected = snapshot; it != listing.segments.end(); ++it, ++expected) {
    if (it->first != expected) return false;
  }
  return true;
}

class Repairer {
 public:
  Repairer(FileSystem* fs, const std::string& dir) : fs_(fs), dir_(dir) {}

  Status Run(std::string* summary) {
    if (Status s = ListLogDir(fs_, dir_, &listing_); !s.ok) return s;
    if (listing_.segments.empty() && listing_.snapshots.empty()) {
      *summary = "repair: " + dir_ + " holds no log files; nothing to do";
      return Status::Ok();
    }
    if (Status s = ChooseSources(); !s.ok) return s;
    uint64_t top = 0;
    if (!listing_.segments.empty()) top = listing_.segments.rbegin()->first;
    if (!listing_.snapshots.empty()) top = std::max(top, listing_.snapshots.rbegin()->first);
    const uint64_t sequence = top + 1;

    SnapshotWriter writer(fs_, dir_, sequence);
    if (Status s = writer.Open(); !s.ok) return s;
    std::optional<uint64_t> previous_segment;
    for (const Source& source : sources_) {
      if (source.kind == FileKind::kSegment) {
        if (previous_segment && source.sequence != *previous_segment + 1) {
          lines_.push_back("missing: segments " + format::SegmentFileName(*previous_segment + 1) +
                           " to " + format::SegmentFileName(source.sequence - 1));
        }
        previous_segment = source.sequence;
      }
      if (Status s = SalvageInto(source, &writer); !s.ok) return s;
    }
    std::unique_ptr<WritableFile> segment;
    if (Status s = CreateSegment(fs_, dir_, sequence, &segment); !s.ok) return s;
    segment->Close();
    uint64_t bytes = 0;
    if (Status s = writer.Finish(&bytes); !s.ok) return s;
    for (const auto& [seq, name] : listing_.snapshots) {
      if (!Used(FileKind::kSnapshot, seq)) lines_.push_back("superseded, removed: " + name);
    }
    for (const auto& [seq, name] : listing_.segments) {
      if (!Used(FileKind::kSegment, seq)) lines_.push_back("superseded, removed: " + name);
    }
    Status removed = RemoveObsolete(fs_, dir_, sequence);

    std::string out = "repaired " + dir_ + ": kept " + std::to_string(kept_) + " records in " +
                      format::SnapshotFileName(sequence) + " (" + std::to_string(bytes) +
                      " bytes); dropped " + std::to_string(dropped_bytes_) + " damaged bytes in " +
                      std::to_string(dropped_ranges_) + " stretches";
    for (const std::string& line : lines_) out += "\n  " + line;
    if (!removed.ok) out += "\n  warning: " + removed.message + " (remove the old files by hand)";
    *summary = std::move(out);
    return Status::Ok();
  }

 private:
  Status ChooseSources() {
    std::optional<uint64_t> base;
    for (auto it = listing_.snapshots.rbegin(); it != listing_.snapshots.rend(); ++it) {
      std::string contents;
      if (Status s = Read(it->second, &contents); !s.ok) return s;
      const ParsedFile parsed = ParseLogFile(contents);
      if (parsed.outcome == ParseOutcome::kUnsupported) return Unsupported(it->second, parsed);
      const bool complete = parsed.outcome == ParseOutcome::kClean && parsed.snapshot_end &&
                            parsed.header.kind == FileKind::kSnapshot &&
                            parsed.header.sequence == it->first;
      if (complete && ChainFollows(listing_, it->first)) {
        base = it->first;
        break;
      }
    }
    if (!base) {
      for (auto it = listing_.snapshots.rbegin(); it != listing_.snapshots.rend(); ++it) {
        std::string contents;
        if (Status s = Read(it->second, &contents); !s.ok) return s;
        const ParsedFile parsed = ParseLogFile(contents);
        if (parsed.has_header && parsed.header.kind == FileKind::kSnapshot &&
            parsed.header.sequence == it->first) {
          base = it->first;
          break;
        }
      }
    }
    if (base) sources_.push_back({FileKind::kSnapshot, *base, listing_.snapshots[*base]});
    for (auto it = listing_.segments.lower_bound(base.value_or(0)); it != listing_.segments.end();
         ++it) {
      std::string contents;
      if (Status s = Read(it->second, &contents); !s.ok) return s;
      const ParsedFile parsed = ParseLogFile(contents);
      if (parsed.outcome == ParseOutcome::kUnsupported) return Unsupported(it->second, parsed);
      sources_.push_back({FileKind::kSegment, it->first, it->second});
    }
    return Status::Ok();
  }

  Status SalvageInto(const Source& source, SnapshotWriter* writer) {
    std::string contents;
    if (Status s = Read(source.name, &contents); !s.ok) return s;
    const SalvagedFile salvaged = SalvageLogFile(contents);
    for (std::string_view record : salvaged.records) {
      if (Status s = writer->Add(record); !s.ok) return s;
    }
    kept_ += salvaged.records.size();
    std::string line = source.name + ": " + std::to_string(salvaged.records.size()) + " records";
    if (source.kind == FileKind::kSnapshot && !salvaged.snapshot_end) {
      line += ", incomplete (no end marker)";
    }
    if (salvaged.has_header &&
        (salvaged.header.kind != source.kind || salvaged.header.sequence != source.sequence)) {
      line += ", header belongs to another file";
    }
    for (const DroppedRange& range : salvaged.dropped) {
      line += "; dropped bytes " + std::to_string(range.offset) + ".." +
              std::to_string(range.offset + range.length) + " (" + range.reason + ")";
      dropped_bytes_ += range.length;
      ++dropped_ranges_;
    }
    lines_.push_back(std::move(line));
    return Status::Ok();
  }

  Status Read(const std::string& name, std::string* contents) {
    const std::string path = JoinPath(dir_, name);
    if (int err = fs_->ReadAll(path, contents)) return IoError("cannot read " + path, err);
    return Status::Ok();
  }

  Status Unsupported(const std::string& name, const ParsedFile& parsed) {
    return Status::Error("cannot repair " + dir_ + ": " + name + " uses " + parsed.problem +
                         "; repair it with a Spool version that reads it");
  }

  bool Used(FileKind kind, uint64_t sequence) const {
    for (const Source& s : sources_) {
      if (s.kind == kind && s.sequence == sequence) return true;
    }
    return false;
  }

  FileSystem* fs_;
  const std::string& dir_;
  DirListing listing_;
  std::vector<Source> sources_;
  std::vector<std::string> lines_;
  uint64_t kept_ = 0;
  uint64_t dropped_bytes_ = 0;
  uint64_t dropped_ranges_ = 0;
};

}  // namespace

Status Log::Repair(const LogOptions& options, std::string* summary) {
  FileSystem* fs = options.fs != nullptr ? options.fs : PosixFileSystem();
  std::string local;
  if (summary == nullptr) summary = &local;
  summary->clear();
  if (options.dir.empty()) return Status::Error("no log directory given");
  std::vector<std::string> names;
  if (int err = fs->List(options.dir, &names)) {
    return IoError("cannot repair " + options.dir, err);
  }
  std::unique_ptr<WritableFile> lock;
  if (Status s = LockLogDir(fs, options.dir, &lock); !s.ok) return s;
  return Repairer(fs, options.dir).Run(summary);
}

}  // namespace spool::storage
