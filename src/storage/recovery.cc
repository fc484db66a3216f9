#include "storage/recovery.h"

#include <iterator>
#include <optional>

#include "storage/log_files.h"
#include "storage/log_format.h"
#include "storage/log_reader.h"

namespace spool::storage {
namespace {

using format::FileKind;

std::string Unsupported(const std::string& name, const ParsedFile& parsed) {
  return name + " uses " + parsed.problem + "; this Spool reads format version " +
         std::to_string(format::kVersion) + " only. Run a Spool version that reads it.";
}

// Why a snapshot file cannot be used, or nullopt when it is complete.
std::optional<std::string> SnapshotDefect(const ParsedFile& parsed, uint64_t sequence) {
  if (!parsed.has_header) return parsed.problem;
  if (parsed.header.kind != FileKind::kSnapshot || parsed.header.sequence != sequence) {
    return "its header belongs to another file";
  }
  if (parsed.outcome != ParseOutcome::kClean) {
    return parsed.problem + " at byte offset " + std::to_string(parsed.valid_bytes);
  }
  if (!parsed.snapshot_end) return "no end marker (incomplete)";
  return std::nullopt;
}

// A journal file read through a mapping: pages are dropped behind the parser and again behind the
// replay, so a large snapshot never sits in memory whole beside the state it rebuilds (reading
// 1,000,000 messages' 300 MB snapshot into a string had put recovery's peak 160 MiB above the
// server's settled size, docs/performance.md).
struct MappedLogFile {
  std::unique_ptr<MappedFile> file;
  ParsedFile parsed;

  int Read(FileSystem* fs, const std::string& path) {
    if (int err = fs->MapFile(path, &file)) return err;
    MappedFile* f = file.get();
    parsed = ParseLogFile(f->data(), [f](uint64_t offset) { f->Drop(0, offset); });
    f->Drop(0, f->data().size());  // the parser may have scanned on to the end
    return 0;
  }
  uint64_t size() const { return file->data().size(); }
  // Replays the parsed records in order, dropping their pages as it goes.
  void Replay(const ReplayFn& replay) const {
    const char* base = file->data().data();
    uint64_t since_drop = 0;
    for (std::string_view record : parsed.records) {
      replay(record);
      since_drop += record.size();
      if (since_drop >= kParseProgressBytes) {
        file->Drop(0, static_cast<uint64_t>(record.data() + record.size() - base));
        since_drop = 0;
      }
    }
  }
};

struct TornTail {
  std::string name;
  uint64_t sequence = 0;
  uint64_t valid_bytes = 0;
  uint64_t file_bytes = 0;
};

class Recovery {
 public:
  Recovery(FileSystem* fs, const std::string& dir, const ReplayFn& replay, RecoveryReport* report)
      : fs_(fs), dir_(dir), replay_(replay), report_(report) {}

  Status Run(RecoveredLog* out) {
    if (Status s = ListLogDir(fs_, dir_, &listing_); !s.ok) return s;
    if (Status s = ReplaySnapshot(out); !s.ok) return s;
    if (Status s = CheckSequence(out->snapshot_sequence); !s.ok) return s;
    std::optional<TornTail> torn;
    for (auto it = listing_.segments.lower_bound(first_); it != listing_.segments.end(); ++it) {
      const bool last = std::next(it) == listing_.segments.end();
      if (Status s = ReplaySegment(it->first, it->second, last, &torn, out); !s.ok) return s;
    }
    // Everything checked: now change the directory.
    out->next_segment = listing_.segments.empty() ? first_ : listing_.segments.rbegin()->first + 1;
    if (torn) {
      if (Status s = CutTornTail(*torn, out); !s.ok) return s;
    }
    RemoveObsolete(fs_, dir_, first_);  // leftovers of an interrupted checkpoint; best effort
    return Status::Ok();
  }

 private:
  // Picks the newest complete snapshot, newest first, and replays it.
  Status ReplaySnapshot(RecoveredLog* out) {
    for (auto it = listing_.snapshots.rbegin(); it != listing_.snapshots.rend(); ++it) {
      const auto& [sequence, name] = *it;
      MappedLogFile file;
      if (int err = file.Read(fs_, JoinPath(dir_, name))) {
        return IoError("cannot read " + JoinPath(dir_, name), err);
      }
      const ParsedFile& parsed = file.parsed;
      if (parsed.outcome == ParseOutcome::kUnsupported) {
        return Status::Error(Unsupported(name, parsed));
      }
      if (auto defect = SnapshotDefect(parsed, sequence)) {
        report_->ignored_snapshots.push_back(name + ": " + *defect);
        continue;
      }
      file.Replay(replay_);
      report_->records += parsed.records.size();
      report_->snapshot = name;
      out->snapshot_sequence = sequence;
      out->snapshot_bytes = file.size();
      first_ = sequence;
      return Status::Ok();
    }
    return Status::Ok();
  }

  // Segments from first_ on must be numbered without gaps, and the first one must exist unless
  // the directory holds no log at all.
  Status CheckSequence(uint64_t snapshot) {
    auto it = listing_.segments.lower_bound(first_);
    if (it == listing_.segments.end() && snapshot == 0 && report_->ignored_snapshots.empty()) {
      return Status::Ok();  // a new log
    }
    uint64_t expected = first_;
    for (; it != listing_.segments.end() && it->first == expected; ++it) ++expected;
    if (it == listing_.segments.end() && expected > first_) return Status::Ok();
    std::string why;
    if (expected > first_) {
      why = "segment " + format::SegmentFileName(expected) +
            " is missing (the sequence jumps from " + format::SegmentFileName(expected - 1) +
            " to " + it->second + ")";
    } else if (snapshot != 0) {
      why = "segment " + format::SegmentFileName(expected) + " is missing (" + report_->snapshot +
            " continues in it)";
    } else if (it != listing_.segments.end()) {
      why =
          "the segments before " + it->second + " are missing and no complete snapshot covers them";
    } else {
      why = "no complete snapshot and no segment remain";
    }
    for (const auto& ignored : report_->ignored_snapshots) why += "; ignored " + ignored;
    return Status::Error("log " + dir_ + " is incomplete: " + why + ". " + RepairAdvice(dir_));
  }

  Status ReplaySegment(uint64_t sequence, const std::string& name, bool last,
                       std::optional<TornTail>* torn, RecoveredLog* out) {
    const std::string path = JoinPath(dir_, name);
    MappedLogFile file;
    if (int err = file.Read(fs_, path)) return IoError("cannot read " + path, err);
    const ParsedFile& parsed = file.parsed;
    auto corrupt = [&](const std::string& what) {
      return Status::Error("log " + dir_ + " is corrupt: " + name + " " + what + ". " +
                           RepairAdvice(dir_));
    };
    if (parsed.outcome == ParseOutcome::kUnsupported) {
      return Status::Error(Unsupported(name, parsed));
    }
    if (parsed.has_header &&
        (parsed.header.kind != FileKind::kSegment || parsed.header.sequence != sequence)) {
      return corrupt("has the header of another file");
    }
    const std::string where =
        "at byte offset " + std::to_string(parsed.valid_bytes) + " (" + parsed.problem + ")";
    switch (parsed.outcome) {
      case ParseOutcome::kClean:
        break;
      case ParseOutcome::kTornTail:
        if (!last) return corrupt("is damaged " + where + " and is not the newest segment");
        *torn = TornTail{name, sequence, parsed.valid_bytes, file.size()};
        break;
      case ParseOutcome::kCorrupt:
        return corrupt("is damaged " + where + ", and valid records follow the damage");
      case ParseOutcome::kUnsupported:
        break;  // handled above
    }
    file.Replay(replay_);
    report_->records += parsed.records.size();
    report_->segments += 1;
    out->segment_sizes[sequence] = parsed.valid_bytes;
    return Status::Ok();
  }

  Status CutTornTail(const TornTail& torn, RecoveredLog* out) {
    report_->truncated_file = torn.name;
    report_->truncated_bytes = torn.file_bytes - torn.valid_bytes;
    if (torn.valid_bytes < format::kFileHeaderSize) {
      // Not even the header made it: the segment is created afresh under the same number.
      out->segment_sizes.erase(torn.sequence);
      out->next_segment = torn.sequence;
      return Status::Ok();
    }
    const std::string path = JoinPath(dir_, torn.name);
    std::unique_ptr<WritableFile> file;
    if (int err = fs_->OpenWritable(path, &file)) return IoError("cannot open " + path, err);
    if (int err = file->Truncate(torn.valid_bytes)) {
      return IoError("cannot cut the torn tail off " + path, err);
    }
    if (int err = file->Sync()) return IoError("cannot sync " + path, err);
    file->Close();
    return Status::Ok();
  }

  FileSystem* fs_;
  const std::string& dir_;
  const ReplayFn& replay_;
  RecoveryReport* report_;
  DirListing listing_;
  uint64_t first_ = 1;  // the first segment to replay
};

}  // namespace

Status RecoverLog(FileSystem* fs, const std::string& dir, const ReplayFn& replay,
                  RecoveryReport* report, RecoveredLog* out) {
  *report = RecoveryReport{};
  *out = RecoveredLog{};
  return Recovery(fs, dir, replay, report).Run(out);
}

}  // namespace spool::storage
