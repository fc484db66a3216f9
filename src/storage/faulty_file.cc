// FaultyFileSystem: a FileSystem that runs out of space or fails syncs when a test says so.

#include <cerrno>
#include <mutex>

#include "storage/file.h"

namespace spool::storage {

struct FaultyFileSystem::State {
  std::mutex mu;
  int64_t budget = -1;      // guarded by mu; bytes appends may still write, negative: unlimited
  bool fail_syncs = false;  // guarded by mu
  uint64_t syncs = 0;       // guarded by mu; successful WritableFile::Sync calls

  // Charges `bytes` to the budget; false (and nothing charged) when they do not fit.
  bool Charge(size_t bytes) {
    std::lock_guard lock(mu);
    if (budget < 0) return true;
    if (static_cast<uint64_t>(budget) < bytes) return false;
    budget -= static_cast<int64_t>(bytes);
    return true;
  }
  bool SyncsFail() {
    std::lock_guard lock(mu);
    return fail_syncs;
  }
};

namespace {

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(std::unique_ptr<WritableFile> base,
                     std::shared_ptr<FaultyFileSystem::State> state)
      : base_(std::move(base)), state_(std::move(state)) {}

  int Append(std::string_view data) override {
    if (!state_->Charge(data.size())) return ENOSPC;
    return base_->Append(data);
  }
  int Sync() override {
    if (state_->SyncsFail()) return EIO;
    const int err = base_->Sync();
    if (err == 0) {
      std::lock_guard lock(state_->mu);
      ++state_->syncs;
    }
    return err;
  }
  int Truncate(uint64_t size) override { return base_->Truncate(size); }
  int Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  std::unique_ptr<WritableFile> base_;
  std::shared_ptr<FaultyFileSystem::State> state_;
};

}  // namespace

FaultyFileSystem::FaultyFileSystem(FileSystem* base)
    : state_(std::make_shared<State>()), base_(base) {}

void FaultyFileSystem::SetWriteBudget(int64_t bytes) {
  std::lock_guard lock(state_->mu);
  state_->budget = bytes;
}

void FaultyFileSystem::FailSyncs(bool fail) {
  std::lock_guard lock(state_->mu);
  state_->fail_syncs = fail;
}

uint64_t FaultyFileSystem::syncs() const {
  std::lock_guard lock(state_->mu);
  return state_->syncs;
}

int FaultyFileSystem::OpenWritable(const std::string& path, std::unique_ptr<WritableFile>* out) {
  std::unique_ptr<WritableFile> base;
  if (int err = base_->OpenWritable(path, &base)) return err;
  *out = std::make_unique<FaultyWritableFile>(std::move(base), state_);
  return 0;
}

int FaultyFileSystem::ReadAll(const std::string& path, std::string* out) {
  return base_->ReadAll(path, out);
}

int FaultyFileSystem::MapFile(const std::string& path, std::unique_ptr<MappedFile>* out) {
  return base_->MapFile(path, out);
}

int FaultyFileSystem::List(const std::string& dir, std::vector<std::string>* names) {
  return base_->List(dir, names);
}

int FaultyFileSystem::Remove(const std::string& path) { return base_->Remove(path); }

int FaultyFileSystem::Rename(const std::string& from, const std::string& to) {
  return base_->Rename(from, to);
}

int FaultyFileSystem::CreateDir(const std::string& dir) { return base_->CreateDir(dir); }

int FaultyFileSystem::SyncDir(const std::string& dir) {
  return state_->SyncsFail() ? EIO : base_->SyncDir(dir);
}

int FaultyFileSystem::TruncateFile(const std::string& path, uint64_t size) {
  return base_->TruncateFile(path, size);
}

int FaultyFileSystem::Lock(const std::string& path, std::unique_ptr<WritableFile>* release) {
  return base_->Lock(path, release);
}

}  // namespace spool::storage
