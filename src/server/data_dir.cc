#include "server/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/crypto.h"

namespace spool::server {

std::string JournalDir(const std::string& data_dir) { return data_dir + "/journal"; }

bool LoadOrCreateReceiptKey(const std::string& data_dir, std::string* key, std::string* error) {
  if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create data directory " + data_dir + ": " + std::strerror(errno);
    return false;
  }
  std::string path = data_dir + "/receipt.key";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n != 32) {
      *error = path +
               " is damaged (expected 32 bytes); remove it to mint a new key (receipt "
               "handles given out before become invalid)";
      return false;
    }
    key->assign(buf, 32);
    return true;
  }
  std::string fresh(32, '\0');
  common::RandomBytes(fresh.data(), fresh.size());
  std::string tmp = path + ".tmp";
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, fresh.data(), fresh.size()) != 32 || ::fsync(fd) != 0) {
    *error = "cannot write " + tmp + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  *key = std::move(fresh);
  return true;
}

storage::SyncMode ParseSyncMode(const std::string& text) {
  if (text == "batch") return storage::SyncMode::kBatch;
  if (text == "never") return storage::SyncMode::kNever;
  return storage::SyncMode::kAlways;
}

int RunRepair(const std::string& data_dir) {
  storage::LogOptions options;
  options.dir = JournalDir(data_dir);
  std::string summary;
  storage::Status status = storage::Log::Repair(options, &summary);
  if (!status.ok) {
    std::fprintf(stderr, "spool repair: %s\n", status.message.c_str());
    return 1;
  }
  std::printf("%s\n", summary.c_str());
  return 0;
}

}  // namespace spool::server
