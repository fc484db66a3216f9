#include "secrets/secret_store.h"

#include <algorithm>
#include <mutex>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "common/uuid.h"
#include "secrets/secret_rules.h"

namespace spool::secrets {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr char kFile[] = "/secrets.json";

Error NotFound() {
  return Error{Errc::kNotFound, "Secrets Manager can't find the specified secret."};
}

Error Marked() {
  return Error{Errc::kMarkedForDeletion,
               "You can't perform this operation on the secret because it was marked for "
               "deletion."};
}

bool Has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void Remove(std::vector<std::string>& list, std::string_view item) { std::erase(list, item); }

// Page tokens: base64 of "<created_ms>\n<name>", the last secret of the page.
std::string PageToken(const SecretInfo& s) {
  return common::Base64Encode(std::to_string(s.created_ms) + "\n" + s.name);
}

bool ParsePageToken(std::string_view token, int64_t* created_ms, std::string* name) {
  auto text = common::Base64Decode(token);
  if (!text) return false;
  size_t nl = text->find('\n');
  if (nl == 0 || nl == std::string::npos || nl > 18) return false;
  int64_t ms = 0;
  for (size_t i = 0; i < nl; ++i) {
    char c = (*text)[i];
    if (c < '0' || c > '9') return false;
    ms = ms * 10 + (c - '0');
  }
  *created_ms = ms;
  *name = text->substr(nl + 1);
  return !CheckName(*name).has_value();
}

}  // namespace

SecretStore::SecretStore(StoreOptions options, const common::Clock* clock, std::string key)
    : options_(std::move(options)), clock_(clock), box_(key) {}

std::unique_ptr<SecretStore> SecretStore::Open(StoreOptions options, const common::Clock* clock,
                                               std::string* error) {
  std::string key;
  if (options.dir.empty()) {
    key = common::SealedBox::NewKey();
  } else if (!common::LoadOrCreateKeyFile(options.dir + "/secrets.key", common::SealedBox::kKeySize,
                                          &key, error)) {
    return nullptr;
  }
  std::unique_ptr<SecretStore> store(new SecretStore(std::move(options), clock, std::move(key)));
  const std::string& dir = store->options_.dir;
  if (dir.empty()) return store;
  std::string text;
  bool missing = false;
  if (!common::ReadWholeFile(dir + kFile, &text, &missing, error)) {
    if (missing) return store;
    return nullptr;
  }
  std::vector<StoredSecret> secrets;
  if (!ParseSecretsFile(text, &secrets, error)) {
    *error = dir + kFile + ": " + *error;
    return nullptr;
  }
  for (auto& s : secrets) {
    for (const auto& v : s.versions) {
      if (!store->box_.Open(v.sealed, SealContext(s.info.arn, v.info.id))) {
        *error = dir + kFile + ": the value of version " + v.info.id + " of secret " + s.info.name +
                 " does not decrypt (is secrets.key the one it was written with?)";
        return nullptr;
      }
    }
    std::string name = s.info.name;
    store->secrets_.emplace(std::move(name), std::move(s));
  }
  return store;
}

int64_t SecretStore::NowMs() const { return common::ToEpochMillis(clock_->Now()); }

std::string SecretStore::NewArn(std::string_view name) const {
  return ArnPrefix(options_.region, options_.account_id) + std::string(name) + NewArnSuffix();
}

const SecretStore::Secret* SecretStore::FindLocked(std::string_view id) const {
  const Secret* found = nullptr;
  if (id.starts_with("arn:")) {
    const std::string prefix = ArnPrefix(options_.region, options_.account_id);
    if (!id.starts_with(prefix)) return nullptr;
    if (auto name = NameOfArn(id, prefix)) {  // a full ARN names exactly one secret
      auto it = secrets_.find(*name);
      if (it != secrets_.end() && it->second.info.arn == id) found = &it->second;
    }
    if (found == nullptr) {  // an ARN without the suffix
      auto it = secrets_.find(id.substr(prefix.size()));
      if (it != secrets_.end()) found = &it->second;
    }
  } else {
    auto it = secrets_.find(id);
    if (it != secrets_.end()) found = &it->second;
  }
  if (found != nullptr && found->info.deletion_ms != 0 && found->info.deletion_ms <= NowMs()) {
    return nullptr;  // its recovery window has passed: gone, whether purged yet or not
  }
  return found;
}

SecretStore::Secret* SecretStore::FindLocked(std::string_view id) {
  return const_cast<Secret*>(std::as_const(*this).FindLocked(id));
}

Result<SecretStore::Secret*> SecretStore::FindUsable(std::string_view id) {
  Secret* s = FindLocked(id);
  if (s == nullptr) return NotFound();
  if (s->info.deletion_ms != 0) return Marked();
  return s;
}

std::optional<std::string> SecretStore::Resolve(std::string_view id) const {
  std::shared_lock lock(mu_);
  const Secret* s = FindLocked(id);
  if (s == nullptr) return std::nullopt;
  return s->info.arn;
}

SecretInfo SecretStore::Show(const Secret& secret) {
  SecretInfo info = secret.info;
  info.versions.clear();
  for (const auto& v : secret.versions) info.versions.push_back(v.info);
  return info;
}

std::optional<SecretValue> SecretStore::OpenValue(const std::string& arn, const Version& v) const {
  auto plain = box_.Open(v.sealed, SealContext(arn, v.info.id));
  if (!plain) return std::nullopt;
  return SecretValue{v.binary, std::move(*plain)};
}

Result<VersionInfo> SecretStore::AddVersionLocked(Secret& secret, std::string version_id,
                                                  const SecretValue& value,
                                                  std::vector<std::string> stages, bool* created) {
  *created = false;
  if (version_id.empty()) version_id = common::NewUuid();
  for (const auto& v : secret.versions) {
    if (v.info.id != version_id) continue;
    std::optional<SecretValue> existing = OpenValue(secret.info.arn, v);
    if (existing && *existing == value) return v.info;  // a retry: nothing to do
    return Error{Errc::kAlreadyExists,
                 "You can't modify an existing version, you can only create new versions."};
  }
  if (stages.empty()) stages.push_back(kCurrent);
  if (secret.versions.empty() && !Has(stages, kCurrent)) stages.push_back(kCurrent);
  Version* old_current = nullptr;
  for (auto& v : secret.versions) {
    if (Has(v.info.stages, kCurrent)) old_current = &v;
  }
  // A label is on one version at most: the new version takes the ones it asks for.
  for (auto& v : secret.versions) {
    for (const auto& s : stages) Remove(v.info.stages, s);
  }
  if (old_current != nullptr && Has(stages, kCurrent) && !Has(stages, kPrevious)) {
    for (auto& v : secret.versions) Remove(v.info.stages, kPrevious);
    old_current->info.stages.push_back(kPrevious);
  }
  Version fresh;
  fresh.info.id = std::move(version_id);
  fresh.info.stages = std::move(stages);
  fresh.info.created_ms = NowMs();
  fresh.binary = value.binary;
  fresh.sealed = box_.Seal(value.bytes, SealContext(secret.info.arn, fresh.info.id));
  secret.versions.push_back(std::move(fresh));
  // Past the limit, the oldest versions without labels go.
  for (auto it = secret.versions.begin();
       secret.versions.size() > options_.max_versions && it != secret.versions.end();) {
    it = it->info.stages.empty() ? secret.versions.erase(it) : it + 1;
  }
  *created = true;
  return secret.versions.back().info;
}

Result<bool> SecretStore::SaveLocked() {
  if (options_.dir.empty()) return true;
  std::vector<const StoredSecret*> all;
  all.reserve(secrets_.size());
  for (const auto& [name, s] : secrets_) all.push_back(&s);
  std::string error;
  if (!common::WriteFileAtomically(options_.dir + kFile, SerializeSecretsFile(all), 0600, &error)) {
    return Error{Errc::kStorageFailure, "The change could not be stored: " + error};
  }
  return true;
}

Result<bool> SecretStore::ChangeLocked(Secret& secret,
                                       const std::function<Result<bool>(Secret&)>& change) {
  Secret before = secret;
  auto changed = change(secret);
  if (!changed.ok()) {
    secret = std::move(before);
    return changed.error();
  }
  if (!changed.value()) return false;
  if (auto saved = SaveLocked(); !saved.ok()) {
    secret = std::move(before);
    return saved.error();
  }
  return true;
}

void SecretStore::PurgeLocked(int64_t now_ms) {
  std::erase_if(secrets_, [now_ms](const auto& entry) {
    return entry.second.info.deletion_ms != 0 && entry.second.info.deletion_ms <= now_ms;
  });
}

size_t SecretStore::PurgeExpired() {
  std::unique_lock lock(mu_);
  size_t before = secrets_.size();
  PurgeLocked(NowMs());
  size_t purged = before - secrets_.size();
  if (purged > 0) (void)SaveLocked();  // if this fails, the next change writes the file
  return purged;
}

Result<Written> SecretStore::Create(const CreateRequest& r) {
  if (auto e = CheckName(r.name)) return *e;
  if (r.description) {
    if (auto e = CheckDescription(*r.description)) return *e;
  }
  if (r.kms_key_id) {
    if (auto e = CheckKmsKeyId(*r.kms_key_id)) return *e;
  }
  if (auto e = CheckTags(r.tags)) return *e;
  if (r.value) {
    if (auto e = CheckValue(*r.value)) return *e;
  }
  if (!r.version_id.empty()) {
    if (auto e = CheckVersionId(r.version_id)) return *e;
  }
  if (NameOfArn(r.arn, ArnPrefix(options_.region, options_.account_id)) !=
      std::string_view(r.name)) {
    return Error{Errc::kInvalidParameter, "The ARN is not one of this secret's name."};
  }
  std::unique_lock lock(mu_);
  const int64_t now = NowMs();
  PurgeLocked(now);
  if (auto it = secrets_.find(r.name); it != secrets_.end()) {
    if (it->second.info.deletion_ms != 0) {
      return Error{Errc::kMarkedForDeletion,
                   "You can't create this secret because a secret with this name is already "
                   "scheduled for deletion."};
    }
    // A retry of this very call (same ClientRequestToken, same value) is answered as the first.
    const Secret& existing = it->second;
    for (const auto& v : existing.versions) {
      if (r.value && !r.version_id.empty() && v.info.id == r.version_id &&
          OpenValue(existing.info.arn, v) == r.value) {
        return Written{existing.info.name, existing.info.arn, v.info};
      }
    }
    return Error{Errc::kAlreadyExists,
                 "The operation failed because the secret " + r.name + " already exists."};
  }
  Secret secret;
  secret.info.name = r.name;
  secret.info.arn = r.arn;
  secret.info.description = r.description;
  secret.info.kms_key_id = r.kms_key_id;
  secret.info.tags = r.tags;
  secret.info.created_ms = secret.info.changed_ms = now;
  std::optional<VersionInfo> version;
  if (r.value) {
    bool created = false;
    auto added = AddVersionLocked(secret, r.version_id, *r.value, {}, &created);
    if (!added.ok()) return added.error();
    version = added.value();
  }
  auto it = secrets_.emplace(r.name, std::move(secret)).first;
  if (auto saved = SaveLocked(); !saved.ok()) {
    secrets_.erase(it);
    return saved.error();
  }
  return Written{r.name, r.arn, std::move(version)};
}

Result<SecretRead> SecretStore::GetValue(std::string_view id, std::string_view version_id,
                                         std::string_view stage) {
  if (!version_id.empty()) {
    if (auto e = CheckVersionId(version_id)) return *e;
  }
  if (!stage.empty() && stage.size() > kMaxStageLength) {
    return LengthError("versionStage", 1, kMaxStageLength);
  }
  if (version_id.empty() && stage.empty()) stage = kCurrent;
  SecretRead read;
  Version chosen;
  int64_t today = 0;
  bool touch = false;
  {
    std::shared_lock lock(mu_);
    const Secret* s = FindLocked(id);
    if (s == nullptr) return NotFound();
    if (s->info.deletion_ms != 0) return Marked();
    const Version* found = nullptr;
    for (const auto& v : s->versions) {
      bool id_ok = version_id.empty() || v.info.id == version_id;
      bool stage_ok = stage.empty() || Has(v.info.stages, stage);
      if (id_ok && stage_ok) found = &v;
    }
    if (found == nullptr) {
      std::string what = version_id.empty() ? "staging label: " + std::string(stage)
                                            : "VersionId: " + std::string(version_id);
      if (!version_id.empty() && !stage.empty())
        what += " and staging label: " + std::string(stage);
      return Error{Errc::kNotFound,
                   "Secrets Manager can't find the specified secret value for " + what};
    }
    chosen = *found;
    read.name = s->info.name;
    read.arn = s->info.arn;
    const int64_t now = NowMs();
    today = now - now % kDayMs;
    touch = s->info.accessed_ms != today;
  }
  std::optional<SecretValue> value = OpenValue(read.arn, chosen);
  if (!value) {
    return Error{Errc::kStorageFailure, "Secrets Manager can't decrypt the protected secret text."};
  }
  read.version = chosen.info;
  read.value = std::move(*value);
  if (touch) {  // the last-accessed day, written at most once a day per secret, best effort
    std::unique_lock lock(mu_);
    Secret* s = FindLocked(read.arn);
    if (s != nullptr && s->info.accessed_ms != today) {
      s->info.accessed_ms = today;
      (void)SaveLocked();
    }
  }
  return read;
}

Result<Written> SecretStore::PutValue(std::string_view id, const PutRequest& r) {
  if (auto e = CheckValue(r.value)) return *e;
  if (!r.version_id.empty()) {
    if (auto e = CheckVersionId(r.version_id)) return *e;
  }
  if (!r.stages.empty()) {
    if (auto e = CheckStages(r.stages)) return *e;
  }
  std::unique_lock lock(mu_);
  PurgeLocked(NowMs());
  auto found = FindUsable(id);
  if (!found.ok()) return found.error();
  Secret& secret = *found.value();
  VersionInfo version;
  auto changed = ChangeLocked(secret, [&](Secret& s) -> Result<bool> {
    bool created = false;
    auto added = AddVersionLocked(s, r.version_id, r.value, r.stages, &created);
    if (!added.ok()) return added.error();
    version = added.value();
    if (created) s.info.changed_ms = NowMs();
    return created;
  });
  if (!changed.ok()) return changed.error();
  return Written{secret.info.name, secret.info.arn, std::move(version)};
}

Result<Written> SecretStore::Update(std::string_view id, const UpdateRequest& r) {
  if (r.description) {
    if (auto e = CheckDescription(*r.description)) return *e;
  }
  if (r.kms_key_id) {
    if (auto e = CheckKmsKeyId(*r.kms_key_id)) return *e;
  }
  if (r.value) {
    if (auto e = CheckValue(*r.value)) return *e;
  }
  if (!r.version_id.empty()) {
    if (auto e = CheckVersionId(r.version_id)) return *e;
  }
  std::unique_lock lock(mu_);
  PurgeLocked(NowMs());
  auto found = FindUsable(id);
  if (!found.ok()) return found.error();
  Secret& secret = *found.value();
  std::optional<VersionInfo> version;
  auto changed = ChangeLocked(secret, [&](Secret& s) -> Result<bool> {
    if (r.description) s.info.description = r.description;
    if (r.kms_key_id) s.info.kms_key_id = r.kms_key_id;
    if (r.value) {
      bool created = false;
      auto added = AddVersionLocked(s, r.version_id, *r.value, {}, &created);
      if (!added.ok()) return added.error();
      version = added.value();
    }
    s.info.changed_ms = NowMs();
    return true;
  });
  if (!changed.ok()) return changed.error();
  return Written{secret.info.name, secret.info.arn, std::move(version)};
}

Result<SecretInfo> SecretStore::Describe(std::string_view id) const {
  std::shared_lock lock(mu_);
  const Secret* s = FindLocked(id);
  if (s == nullptr) return NotFound();
  return Show(*s);
}

Result<ListPage> SecretStore::List(const ListRequest& r) const {
  if (auto e = CheckFilters(r.filters)) return *e;
  int64_t after_ms = 0;
  std::string after_name;
  if (!r.after.empty() && !ParsePageToken(r.after, &after_ms, &after_name)) {
    return Error{Errc::kInvalidNextToken, "The NextToken value is invalid."};
  }
  // Whether (a_ms, a_name) comes before (b_ms, b_name) in the listing order.
  auto precedes = [&](int64_t a_ms, const std::string& a_name, int64_t b_ms,
                      const std::string& b_name) {
    return r.descending ? std::tie(b_ms, b_name) < std::tie(a_ms, a_name)
                        : std::tie(a_ms, a_name) < std::tie(b_ms, b_name);
  };
  std::shared_lock lock(mu_);
  const int64_t now = NowMs();
  std::vector<const Secret*> matching;
  for (const auto& [name, s] : secrets_) {
    if (s.info.deletion_ms != 0 && (!r.include_deleted || s.info.deletion_ms <= now)) continue;
    if (!r.after.empty() && !precedes(after_ms, after_name, s.info.created_ms, s.info.name)) {
      continue;  // on an earlier page
    }
    if (!MatchesFilters(s.info, r.filters)) continue;
    matching.push_back(&s);
  }
  std::sort(matching.begin(), matching.end(), [&](const Secret* a, const Secret* b) {
    return precedes(a->info.created_ms, a->info.name, b->info.created_ms, b->info.name);
  });
  ListPage page;
  size_t limit = std::clamp<size_t>(r.max_results, 1, 100);
  for (size_t i = 0; i < matching.size() && i < limit; ++i)
    page.secrets.push_back(Show(*matching[i]));
  if (matching.size() > limit) page.next = PageToken(page.secrets.back());
  return page;
}

Result<SecretInfo> SecretStore::Delete(std::string_view id, std::optional<int64_t> window_days,
                                       bool force) {
  if (window_days && force) {
    return Error{Errc::kInvalidParameter,
                 "You can't use ForceDeleteWithoutRecovery in conjunction with "
                 "RecoveryWindowInDays."};
  }
  if (window_days && (*window_days < kMinRecoveryDays || *window_days > kMaxRecoveryDays)) {
    return Error{Errc::kInvalidParameter,
                 "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."};
  }
  std::unique_lock lock(mu_);
  const int64_t now = NowMs();
  PurgeLocked(now);
  Secret* s = FindLocked(id);
  if (s == nullptr) {
    if (!force) return NotFound();
    // As AWS documents: forcing the deletion of a secret that is not there succeeds.
    const std::string prefix = ArnPrefix(options_.region, options_.account_id);
    SecretInfo gone;
    gone.name = id.starts_with(prefix) ? std::string(id.substr(prefix.size())) : std::string(id);
    gone.arn = id.starts_with(prefix) ? std::string(id) : prefix + std::string(id);
    gone.deletion_ms = now;
    return gone;
  }
  if (force) {
    auto node = secrets_.extract(s->info.name);
    if (auto saved = SaveLocked(); !saved.ok()) {
      secrets_.insert(std::move(node));
      return saved.error();
    }
    SecretInfo info = Show(node.mapped());
    info.deletion_ms = now;
    return info;
  }
  if (s->info.deletion_ms != 0) return Marked();
  auto changed = ChangeLocked(*s, [&](Secret& secret) -> Result<bool> {
    secret.info.deletion_ms = now + window_days.value_or(kDefaultRecoveryDays) * kDayMs;
    secret.info.changed_ms = now;
    return true;
  });
  if (!changed.ok()) return changed.error();
  return Show(*s);
}

Result<SecretInfo> SecretStore::Restore(std::string_view id) {
  std::unique_lock lock(mu_);
  const int64_t now = NowMs();
  PurgeLocked(now);
  Secret* s = FindLocked(id);
  if (s == nullptr) return NotFound();
  if (s->info.deletion_ms == 0) return Show(*s);
  auto changed = ChangeLocked(*s, [&](Secret& secret) -> Result<bool> {
    secret.info.deletion_ms = 0;
    secret.info.changed_ms = now;
    return true;
  });
  if (!changed.ok()) return changed.error();
  return Show(*s);
}

Result<SecretInfo> SecretStore::Tag(std::string_view id, const Tags& tags) {
  if (auto e = CheckTags(tags)) return *e;
  std::unique_lock lock(mu_);
  PurgeLocked(NowMs());
  auto found = FindUsable(id);
  if (!found.ok()) return found.error();
  Secret& secret = *found.value();
  auto changed = ChangeLocked(secret, [&](Secret& s) -> Result<bool> {
    for (const auto& tag : tags) {
      auto it = std::find_if(s.info.tags.begin(), s.info.tags.end(),
                             [&](const auto& t) { return t.first == tag.first; });
      if (it != s.info.tags.end()) {
        it->second = tag.second;
      } else {
        s.info.tags.push_back(tag);
      }
    }
    if (auto e = CheckTags(s.info.tags)) return *e;
    s.info.changed_ms = NowMs();
    return true;
  });
  if (!changed.ok()) return changed.error();
  return Show(secret);
}

Result<SecretInfo> SecretStore::Untag(std::string_view id, const std::vector<std::string>& keys) {
  if (auto e = CheckTagKeys(keys)) return *e;
  std::unique_lock lock(mu_);
  PurgeLocked(NowMs());
  auto found = FindUsable(id);
  if (!found.ok()) return found.error();
  Secret& secret = *found.value();
  auto changed = ChangeLocked(secret, [&](Secret& s) -> Result<bool> {
    std::erase_if(s.info.tags, [&](const auto& t) { return Has(keys, t.first); });
    s.info.changed_ms = NowMs();
    return true;
  });
  if (!changed.ok()) return changed.error();
  return Show(secret);
}

}  // namespace spool::secrets
