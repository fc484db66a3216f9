#pragma once
// Reading events out of segments for LogStore::ReadPage: the store makes a ScanPlan under its
// group's lock (which segments may hold matches, where to start in each) and the scan runs on
// it, for file stores after the lock is released. Internal to the store.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logs/log_store.h"

namespace spool::logs::internal {

struct ScanPart {
  uint64_t first_sequence = 1;  // of the segment
  uint64_t end_sequence = 1;    // one past its last line when the plan was made
  bool skip = false;            // the index proves nothing in it matches
  // Where reading starts: the line with `start_sequence` at byte `start`; reading stops at `end`.
  uint64_t start_sequence = 1;
  int64_t start = 0;
  int64_t end = 0;
  std::string path;       // file stores
  std::string_view data;  // memory stores: the whole segment (valid while the lock is held)
};

struct ScanPlan {
  std::vector<ScanPart> parts;  // oldest first
  uint64_t end_sequence = 1;    // the group's next sequence when the plan was made
};

// The parts of a plan worth reading must have been made for the same query.
LogPage Scan(const ScanPlan& plan, const LogQuery& query);

}  // namespace spool::logs::internal
