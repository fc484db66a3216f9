#pragma once
// SecretStore: secrets with versions and staging labels, sealed at rest, durable in the data
// directory (README.md has the rules and the file format).
//
// Threading: every method may be called from any thread. Reads share a mutex; a change holds it
// alone until the file is written and synced, and returns only then.
// Errors: Error with an Errc and a message that never contains a value. A change that could not
// be written (kStorageFailure) leaves memory and disk as they were.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/sealed_box.h"
#include "secrets/secret_file.h"
#include "secrets/secret_types.h"

namespace spool::secrets {

struct StoreOptions {
  // The data directory (secrets.json and secrets.key there); "" keeps everything in memory,
  // sealed under a key of this process only. Default: in memory.
  std::string dir;
  // The ARNs' region and account.
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // Versions kept per secret; above it the oldest versions without labels are dropped (AWS: 100).
  size_t max_versions = 100;
};

struct CreateRequest {
  std::string name;
  std::string arn;  // from NewArn(name): known before the call, so it can be authorised
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  Tags tags;
  std::optional<SecretValue> value;  // a secret may start without a value
  std::string version_id;            // the ClientRequestToken, or "" for a new UUID
};

struct PutRequest {
  std::string version_id;  // "" for a new UUID
  SecretValue value;
  std::vector<std::string> stages;  // empty: AWSCURRENT
};

struct UpdateRequest {
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  std::optional<SecretValue> value;
  std::string version_id;  // for the value; "" for a new UUID
};

struct ListRequest {
  std::vector<ListFilter> filters;  // checked with CheckFilters (secret_rules.h)
  bool include_deleted = false;
  bool descending = false;  // by creation time, then name
  size_t max_results = 100;
  std::string after;  // a page token from a previous page ("" from the start)
};

struct ListPage {
  std::vector<SecretInfo> secrets;
  std::string next;  // "" when this was the last page
};

class SecretStore {
 public:
  // Reads secrets.key (creating it) and secrets.json when `options.dir` is set. nullptr with
  // *error naming the file when they cannot be read or do not parse. `clock` must outlive it.
  static std::unique_ptr<SecretStore> Open(StoreOptions options, const common::Clock* clock,
                                           std::string* error);

  // A new ARN for a secret called `name` (the name's form is not checked here).
  std::string NewArn(std::string_view name) const;
  // The full ARN of the secret `id` names (name, ARN, or ARN without the suffix), including a
  // secret scheduled for deletion; nullopt when there is none.
  std::optional<std::string> Resolve(std::string_view id) const;

  // `id` in the calls below: a name or an ARN (full, or without the six-character suffix).
  Result<Written> Create(const CreateRequest& request);
  // VersionId and/or label (no version_id and no stage: AWSCURRENT).
  Result<SecretRead> GetValue(std::string_view id, std::string_view version_id,
                              std::string_view stage);
  Result<Written> PutValue(std::string_view id, const PutRequest& request);
  Result<Written> Update(std::string_view id, const UpdateRequest& request);
  Result<SecretInfo> Describe(std::string_view id) const;
  Result<ListPage> List(const ListRequest& request) const;
  // window_days: 7..30 (nullopt: 30); force deletes at once. Returns the secret as it was, with
  // deletion_ms set to when it is (or was) deleted.
  Result<SecretInfo> Delete(std::string_view id, std::optional<int64_t> window_days, bool force);
  Result<SecretInfo> Restore(std::string_view id);
  Result<SecretInfo> Tag(std::string_view id, const Tags& tags);
  Result<SecretInfo> Untag(std::string_view id, const std::vector<std::string>& keys);

  // Removes the secrets whose recovery window has passed; how many.
  size_t PurgeExpired();

  const StoreOptions& options() const { return options_; }

 private:
  using Secret = StoredSecret;
  using Version = StoredVersion;
  using Map = std::map<std::string, Secret, std::less<>>;  // by name

  SecretStore(StoreOptions options, const common::Clock* clock, std::string key);
  int64_t NowMs() const;
  // The live secret `id` names (a secret past its window is gone), or nullptr.
  const Secret* FindLocked(std::string_view id) const;
  Secret* FindLocked(std::string_view id);
  Result<Secret*> FindUsable(std::string_view id);  // not found / marked for deletion
  // Adds a version with `value` (labels moved as README.md says); an existing version id is
  // idempotent or kAlreadyExists.
  // *created is false when the version existed already with this value (nothing changed).
  Result<VersionInfo> AddVersionLocked(Secret& secret, std::string version_id,
                                       const SecretValue& value, std::vector<std::string> stages,
                                       bool* created);
  std::optional<SecretValue> OpenValue(const std::string& arn, const Version& v) const;
  Result<bool> SaveLocked();  // writes secrets.json (no-op in memory)
  // Every change of one secret: `change` edits it and answers whether anything changed (false:
  // nothing is written) or an error; then the file is written. On an error of either, the
  // secret is put back as it was, so memory and the file never disagree.
  Result<bool> ChangeLocked(Secret& secret, const std::function<Result<bool>(Secret&)>& change);
  void PurgeLocked(int64_t now_ms);
  static SecretInfo Show(const Secret& secret);

  const StoreOptions options_;
  const common::Clock* clock_;
  const common::SealedBox box_;
  mutable std::shared_mutex mu_;
  Map secrets_;  // guarded by mu_
};

}  // namespace spool::secrets
