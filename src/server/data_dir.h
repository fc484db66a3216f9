#pragma once
// The data directory of `spool serve`:
//   <dir>/journal/       the write-ahead log (storage::Log)
//   <dir>/receipt.key    the key of receipt-handle MACs (mode 0600), so handles survive restarts

#include <string>

#include "storage/log.h"

namespace spool::server {

std::string JournalDir(const std::string& data_dir);

// Reads the receipt key, creating it (32 random bytes, mode 0600) on first use.
bool LoadOrCreateReceiptKey(const std::string& data_dir, std::string* key, std::string* error);

storage::SyncMode ParseSyncMode(const std::string& text);

// `spool repair --data-dir DIR`: salvages the journal. Returns the exit code.
int RunRepair(const std::string& data_dir);

}  // namespace spool::server
