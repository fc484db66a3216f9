#pragma once
// Recovery: what Log::Open does before it accepts appends. Reads the newest complete snapshot
// and every later segment, replays their records, cuts a torn tail off the newest segment and
// removes files a durable snapshot made obsolete. Checks everything before changing anything:
// on corruption it fails and leaves the directory as it was. Rules: docs/storage-format.md.

#include <cstdint>
#include <map>
#include <string>

#include "storage/file.h"
#include "storage/log.h"

namespace spool::storage {

struct RecoveredLog {
  uint64_t snapshot_sequence = 0;  // the snapshot used, 0 when none
  uint64_t snapshot_bytes = 0;
  std::map<uint64_t, uint64_t> segment_sizes;  // live segments after truncation
  uint64_t next_segment = 1;                   // the sequence of the segment to create next
};

// The caller holds the directory's LOCK.
Status RecoverLog(FileSystem* fs, const std::string& dir, const ReplayFn& replay,
                  RecoveryReport* report, RecoveredLog* out);

}  // namespace spool::storage
