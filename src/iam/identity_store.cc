#include "iam/identity_store.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <tuple>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/key_file.h"

namespace spool::iam {
namespace {

constexpr int kFormatVersion = 1;
constexpr size_t kMaxKeysPerUser = 2;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

IamError Err(IamErrc code, std::string message) { return IamError{code, std::move(message)}; }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

std::optional<IamError> CheckName(std::string_view what, const std::string& name, size_t max) {
  if (name.empty() || name.size() > max || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Err(IamErrc::kValidationError,
               "The specified value for " + std::string(what) + " is invalid. It must contain " +
                   "only alphanumeric characters and/or the following: +=,.@_- (1 to " +
                   std::to_string(max) + " characters).");
  }
  return std::nullopt;
}

std::optional<IamError> CheckPath(const std::string& path) {
  bool ok = !path.empty() && path.size() <= 512 && path.front() == '/' && path.back() == '/' &&
            std::all_of(path.begin(), path.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (ok) return std::nullopt;
  return Err(IamErrc::kValidationError,
             "The specified value for path is invalid. It must begin and end with / and contain "
             "only printable ASCII characters.");
}

IamError NoUser(const std::string& name) {
  return Err(IamErrc::kNoSuchEntity, "The user with name " + name + " cannot be found.");
}

}  // namespace

std::string_view ErrorCodeName(IamErrc code) {
  switch (code) {
    case IamErrc::kNoSuchEntity:
      return "NoSuchEntity";
    case IamErrc::kEntityAlreadyExists:
      return "EntityAlreadyExists";
    case IamErrc::kDeleteConflict:
      return "DeleteConflict";
    case IamErrc::kLimitExceeded:
      return "LimitExceeded";
    case IamErrc::kMalformedPolicyDocument:
      return "MalformedPolicyDocument";
    case IamErrc::kValidationError:
      return "ValidationError";
    case IamErrc::kServiceFailure:
      break;
  }
  return "ServiceFailure";
}

int HttpStatus(IamErrc code) {
  switch (code) {
    case IamErrc::kNoSuchEntity:
      return 404;
    case IamErrc::kEntityAlreadyExists:
    case IamErrc::kDeleteConflict:
      return 409;
    case IamErrc::kServiceFailure:
      return 500;
    default:
      return 400;
  }
}

IdentityStore::IdentityStore(std::string dir, std::string account_id, std::string master_key,
                             PolicyCheck check)
    : dir_(std::move(dir)), account_id_(std::move(account_id)), box_(master_key), check_(check) {}

std::unique_ptr<IdentityStore> IdentityStore::Open(const std::string& dir, std::string account_id,
                                                   std::string* error, PolicyCheck check) {
  std::string key;
  if (!dir.empty()) {
    if (!common::LoadOrCreateKeyFile(dir + "/iam.key", common::SealedBox::kKeySize, &key, error)) {
      return nullptr;
    }
  } else {
    key = common::SealedBox::NewKey();
  }
  std::unique_ptr<IdentityStore> store(new IdentityStore(dir, std::move(account_id), key, check));
  if (!dir.empty()) {
    std::string text;
    bool missing = false;
    if (common::ReadWholeFile(dir + "/iam.json", &text, &missing, error)) {
      if (!store->Load(text, error)) {
        *error = dir + "/iam.json: " + *error;
        return nullptr;
      }
    } else if (!missing) {
      return nullptr;
    }
  }
  return store;
}

std::string IdentityStore::NewId(std::string_view prefix, size_t length) const {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out(prefix);
  unsigned char bytes[64];
  common::RandomBytes(bytes, length);
  for (size_t i = 0; i < length; ++i) out.push_back(kAlphabet[bytes[i] % 32]);
  return out;
}

std::optional<IamError> IdentityStore::CheckDocument(const std::string& document) const {
  if (document.empty() || document.size() > 131072) {
    return Err(IamErrc::kMalformedPolicyDocument, "The policy document is empty or too long.");
  }
  if (check_ != nullptr) {
    std::string problem = check_(document);
    if (!problem.empty()) return Err(IamErrc::kMalformedPolicyDocument, problem);
    return std::nullopt;
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(document, ec);
  if (ec || !v.is_object()) {
    return Err(IamErrc::kMalformedPolicyDocument, "Syntax errors in policy.");
  }
  return std::nullopt;
}

// ---- persistence ----

std::string IdentityStore::Serialize() const {
  boost::json::object root;
  root["version"] = kFormatVersion;
  boost::json::array users;
  for (const auto& [name, u] : users_) {
    boost::json::object o;
    o["name"] = u.name;
    o["path"] = u.path;
    o["id"] = u.id;
    o["created_ms"] = u.created_ms;
    boost::json::object inline_policies;
    for (const auto& [pn, doc] : u.inline_policies) inline_policies[pn] = doc;
    o["inline_policies"] = std::move(inline_policies);
    boost::json::array attached;
    for (const auto& arn : u.attached) attached.emplace_back(arn);
    o["attached"] = std::move(attached);
    users.emplace_back(std::move(o));
  }
  root["users"] = std::move(users);
  boost::json::array policies;
  for (const auto& [arn, p] : policies_) {
    boost::json::object o;
    o["name"] = p.name;
    o["path"] = p.path;
    o["id"] = p.id;
    o["description"] = p.description;
    o["document"] = p.document;
    o["created_ms"] = p.created_ms;
    o["updated_ms"] = p.updated_ms;
    policies.emplace_back(std::move(o));
  }
  root["policies"] = std::move(policies);
  boost::json::array keys;
  for (const auto& [id, k] : keys_) {
    boost::json::object o;
    o["id"] = k.key.id;
    o["user"] = k.key.user;
    o["active"] = k.key.active;
    o["created_ms"] = k.key.created_ms;
    o["secret"] = common::Base64Encode(k.sealed_secret);
    keys.emplace_back(std::move(o));
  }
  root["keys"] = std::move(keys);
  return boost::json::serialize(root) + "\n";
}

bool IdentityStore::Load(const std::string& text, std::string* error) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    *error = "not valid JSON";
    return false;
  }
  try {
    const auto& root = v.as_object();
    if (root.at("version").to_number<int>() != kFormatVersion) {
      *error = "unknown format version";
      return false;
    }
    auto str = [](const boost::json::value& o, const char* k) {
      return std::string(o.as_object().at(k).as_string());
    };
    auto num = [](const boost::json::value& o, const char* k) {
      return o.as_object().at(k).to_number<int64_t>();
    };
    for (const auto& p : root.at("policies").as_array()) {
      ManagedPolicy mp;
      mp.name = str(p, "name");
      mp.path = str(p, "path");
      mp.id = str(p, "id");
      mp.description = str(p, "description");
      mp.document = str(p, "document");
      mp.created_ms = num(p, "created_ms");
      mp.updated_ms = num(p, "updated_ms");
      mp.arn = "arn:aws:iam::" + account_id_ + ":policy" + mp.path + mp.name;
      policies_[mp.arn] = std::move(mp);
    }
    for (const auto& u : root.at("users").as_array()) {
      User user;
      user.name = str(u, "name");
      user.path = str(u, "path");
      user.id = str(u, "id");
      user.created_ms = num(u, "created_ms");
      user.arn = "arn:aws:iam::" + account_id_ + ":user" + user.path + user.name;
      for (const auto& [pn, doc] : u.as_object().at("inline_policies").as_object()) {
        user.inline_policies[std::string(pn)] = std::string(doc.as_string());
      }
      for (const auto& arn : u.as_object().at("attached").as_array()) {
        user.attached.emplace_back(arn.as_string());
        if (auto it = policies_.find(user.attached.back()); it != policies_.end()) {
          ++it->second.attachments;
        }
      }
      users_[user.name] = std::move(user);
    }
    for (const auto& k : root.at("keys").as_array()) {
      StoredKey sk;
      sk.key.id = str(k, "id");
      sk.key.user = str(k, "user");
      sk.key.active = k.as_object().at("active").as_bool();
      sk.key.created_ms = num(k, "created_ms");
      auto sealed = common::Base64Decode(str(k, "secret"));
      std::optional<std::string> secret;
      if (sealed) secret = box_.Open(*sealed, sk.key.id);
      if (!secret) {
        *error = "the secret of access key " + sk.key.id +
                 " does not decrypt (is iam.key the one it was written with?)";
        return false;
      }
      sk.sealed_secret = std::move(*sealed);
      sk.secret = std::move(*secret);
      keys_[sk.key.id] = std::move(sk);
    }
  } catch (const std::exception& e) {
    *error = std::string("malformed: ") + e.what();
    return false;
  }
  return true;
}

IamResult<Done> IdentityStore::SaveLocked() {
  if (dir_.empty()) return Done{};
  std::string error;
  if (!common::WriteFileAtomically(dir_ + "/iam.json", Serialize(), 0600, &error)) {
    return Err(IamErrc::kServiceFailure, "The change could not be stored: " + error);
  }
  return Done{};
}

// Runs `change` (which returns an error, or nullopt once it changed the state) under the
// exclusive lock and saves; when the save fails, the state before the change is restored.
template <class Fn>
IamResult<Done> IdentityStore::Mutate(Fn&& change) {
  std::unique_lock lock(mu_);
  auto saved = std::make_tuple(users_, policies_, keys_);
  if (std::optional<IamError> e = change()) return *e;
  if (auto s = SaveLocked(); !s.ok()) {
    std::tie(users_, policies_, keys_) = std::move(saved);
    return s.error();
  }
  return Done{};
}

// ---- root ----

IamResult<Credentials> IdentityStore::EnsureRootKey(std::optional<Credentials> configured,
                                                    bool* created) {
  *created = false;
  std::unique_lock lock(mu_);
  if (!configured) {
    for (const auto& [id, k] : keys_) {
      if (k.key.user.empty() && k.key.active) return Credentials{id, k.secret};
    }
  }
  auto saved = std::make_tuple(users_, policies_, keys_);
  Credentials c;
  if (configured) {
    c = *configured;
  } else {
    c.access_key_id = NewId("SPAK", 16);
    std::string raw(30, '\0');
    common::RandomBytes(raw.data(), raw.size());
    c.secret_access_key = common::Base64Encode(raw);  // 40 characters
    *created = true;
  }
  std::erase_if(keys_, [](const auto& e) { return e.second.key.user.empty(); });
  StoredKey sk;
  sk.key = AccessKey{c.access_key_id, "", true, NowMs()};
  sk.sealed_secret = box_.Seal(c.secret_access_key, c.access_key_id);
  sk.secret = c.secret_access_key;
  keys_[c.access_key_id] = std::move(sk);
  if (auto s = SaveLocked(); !s.ok()) {
    std::tie(users_, policies_, keys_) = std::move(saved);
    return s.error();
  }
  if (*created && !dir_.empty()) {
    std::string error;
    std::string text = "[default]\naws_access_key_id = " + c.access_key_id +
                       "\naws_secret_access_key = " + c.secret_access_key + "\n";
    if (!common::WriteFileAtomically(dir_ + "/root-credentials", text, 0600, &error)) {
      return Err(IamErrc::kServiceFailure, error);
    }
  }
  return c;
}

// ---- users ----

IamResult<User> IdentityStore::CreateUser(const std::string& name, const std::string& path) {
  if (auto e = CheckName("userName", name, 64)) return *e;
  if (auto e = CheckPath(path)) return *e;
  User u;
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        if (users_.count(name)) {
          return Err(IamErrc::kEntityAlreadyExists, "User with name " + name + " already exists.");
        }
        u.name = name;
        u.path = path;
        u.id = NewId("AIDA", 17);
        u.arn = "arn:aws:iam::" + account_id_ + ":user" + path + name;
        u.created_ms = NowMs();
        users_[name] = u;
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return u;
}

IamResult<User> IdentityStore::GetUser(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return NoUser(name);
  return it->second;
}

std::vector<User> IdentityStore::ListUsers(const std::string& path_prefix) const {
  std::shared_lock lock(mu_);
  std::vector<User> out;
  for (const auto& [name, u] : users_) {
    if (u.path.starts_with(path_prefix)) out.push_back(u);
  }
  return out;
}

IamResult<Done> IdentityStore::DeleteUser(const std::string& name) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto it = users_.find(name);
        if (it == users_.end()) return NoUser(name);
        bool has_keys = std::any_of(keys_.begin(), keys_.end(),
                                    [&](const auto& k) { return k.second.key.user == name; });
        if (has_keys || !it->second.inline_policies.empty() || !it->second.attached.empty()) {
          return Err(IamErrc::kDeleteConflict,
                     "Cannot delete entity, must delete access keys and policies first.");
        }
        users_.erase(it);
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

// ---- inline policies ----

IamResult<Done> IdentityStore::PutUserPolicy(const std::string& user, const std::string& name,
                                             const std::string& document) {
  if (auto e = CheckName("policyName", name, 128)) return *e;
  if (auto e = CheckDocument(document)) return *e;
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto it = users_.find(user);
        if (it == users_.end()) return NoUser(user);
        it->second.inline_policies[name] = document;
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

IamResult<std::string> IdentityStore::GetUserPolicy(const std::string& user,
                                                    const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) return NoUser(user);
  auto p = it->second.inline_policies.find(name);
  if (p == it->second.inline_policies.end()) {
    return Err(IamErrc::kNoSuchEntity, "The user policy with name " + name + " cannot be found.");
  }
  return p->second;
}

IamResult<std::vector<std::string>> IdentityStore::ListUserPolicies(const std::string& user) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) return NoUser(user);
  std::vector<std::string> names;
  for (const auto& [n, doc] : it->second.inline_policies) names.push_back(n);
  return names;
}

IamResult<Done> IdentityStore::DeleteUserPolicy(const std::string& user, const std::string& name) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto it = users_.find(user);
        if (it == users_.end()) return NoUser(user);
        if (it->second.inline_policies.erase(name) == 0) {
          return Err(IamErrc::kNoSuchEntity,
                     "The user policy with name " + name + " cannot be found.");
        }
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

// ---- managed policies ----

IamResult<ManagedPolicy> IdentityStore::CreatePolicy(const std::string& name,
                                                     const std::string& document,
                                                     const std::string& description,
                                                     const std::string& path) {
  if (auto e = CheckName("policyName", name, 128)) return *e;
  if (auto e = CheckPath(path)) return *e;
  if (auto e = CheckDocument(document)) return *e;
  ManagedPolicy p;
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        std::string arn = "arn:aws:iam::" + account_id_ + ":policy" + path + name;
        if (policies_.count(arn)) {
          return Err(
              IamErrc::kEntityAlreadyExists,
              "A policy called " + name + " already exists. Duplicate names are not allowed.");
        }
        p.name = name;
        p.path = path;
        p.id = NewId("ANPA", 17);
        p.arn = arn;
        p.description = description;
        p.document = document;
        p.created_ms = p.updated_ms = NowMs();
        policies_[arn] = p;
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return p;
}

IamResult<ManagedPolicy> IdentityStore::GetPolicy(const std::string& arn) const {
  std::shared_lock lock(mu_);
  auto it = policies_.find(arn);
  if (it == policies_.end()) {
    return Err(IamErrc::kNoSuchEntity, "Policy " + arn + " does not exist or is not attachable.");
  }
  return it->second;
}

std::vector<ManagedPolicy> IdentityStore::ListPolicies() const {
  std::shared_lock lock(mu_);
  std::vector<ManagedPolicy> out;
  for (const auto& [arn, p] : policies_) out.push_back(p);
  return out;
}

IamResult<Done> IdentityStore::DeletePolicy(const std::string& arn) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto it = policies_.find(arn);
        if (it == policies_.end()) {
          return Err(IamErrc::kNoSuchEntity, "Policy " + arn + " was not found.");
        }
        if (it->second.attachments > 0) {
          return Err(IamErrc::kDeleteConflict, "Cannot delete a policy attached to entities.");
        }
        policies_.erase(it);
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

IamResult<Done> IdentityStore::AttachUserPolicy(const std::string& user, const std::string& arn) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto u = users_.find(user);
        if (u == users_.end()) return NoUser(user);
        auto p = policies_.find(arn);
        if (p == policies_.end()) {
          return Err(IamErrc::kNoSuchEntity,
                     "Policy " + arn + " does not exist or is not attachable.");
        }
        auto& attached = u->second.attached;
        if (std::find(attached.begin(), attached.end(), arn) == attached.end()) {
          attached.push_back(arn);
          ++p->second.attachments;
        }
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

IamResult<Done> IdentityStore::DetachUserPolicy(const std::string& user, const std::string& arn) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto u = users_.find(user);
        if (u == users_.end()) return NoUser(user);
        auto& attached = u->second.attached;
        auto a = std::find(attached.begin(), attached.end(), arn);
        if (a == attached.end()) {
          return Err(IamErrc::kNoSuchEntity, "Policy " + arn + " was not found.");
        }
        attached.erase(a);
        if (auto p = policies_.find(arn); p != policies_.end()) --p->second.attachments;
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

IamResult<std::vector<ManagedPolicy>> IdentityStore::ListAttachedUserPolicies(
    const std::string& user) const {
  std::shared_lock lock(mu_);
  auto u = users_.find(user);
  if (u == users_.end()) return NoUser(user);
  std::vector<ManagedPolicy> out;
  for (const auto& arn : u->second.attached) {
    if (auto p = policies_.find(arn); p != policies_.end()) out.push_back(p->second);
  }
  return out;
}

// ---- access keys ----

IamResult<Credentials> IdentityStore::CreateAccessKey(const std::string& user) {
  Credentials c;
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        if (!users_.count(user)) return NoUser(user);
        size_t n = std::count_if(keys_.begin(), keys_.end(),
                                 [&](const auto& k) { return k.second.key.user == user; });
        if (n >= kMaxKeysPerUser) {
          return Err(IamErrc::kLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: " +
                                                  std::to_string(kMaxKeysPerUser));
        }
        c.access_key_id = NewId("SPAK", 16);
        std::string raw(30, '\0');
        common::RandomBytes(raw.data(), raw.size());
        c.secret_access_key = common::Base64Encode(raw);
        StoredKey sk;
        sk.key = AccessKey{c.access_key_id, user, true, NowMs()};
        sk.sealed_secret = box_.Seal(c.secret_access_key, c.access_key_id);
        sk.secret = c.secret_access_key;
        keys_[c.access_key_id] = std::move(sk);
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return c;
}

IamResult<std::vector<AccessKey>> IdentityStore::ListAccessKeys(const std::string& user) const {
  std::shared_lock lock(mu_);
  if (!user.empty() && !users_.count(user)) return NoUser(user);
  std::vector<AccessKey> out;
  for (const auto& [id, k] : keys_) {
    if (k.key.user == user) out.push_back(k.key);
  }
  return out;
}

IamResult<Done> IdentityStore::UpdateAccessKey(const std::string& user, const std::string& key_id,
                                               bool active) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto it = keys_.find(key_id);
        if (it == keys_.end() || it->second.key.user != user) {
          return Err(IamErrc::kNoSuchEntity,
                     "The Access Key with id " + key_id + " cannot be found.");
        }
        it->second.key.active = active;
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

IamResult<Done> IdentityStore::DeleteAccessKey(const std::string& user, const std::string& key_id) {
  if (auto r = Mutate([&]() -> std::optional<IamError> {
        auto it = keys_.find(key_id);
        if (it == keys_.end() || it->second.key.user != user) {
          return Err(IamErrc::kNoSuchEntity,
                     "The Access Key with id " + key_id + " cannot be found.");
        }
        keys_.erase(it);
        return std::nullopt;
      });
      !r.ok()) {
    return r.error();
  }
  return Done{};
}

// ---- authentication ----

std::optional<KeyLookup> IdentityStore::LookupKey(std::string_view key_id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(std::string(key_id));
  if (it == keys_.end()) return std::nullopt;
  KeyLookup k{it->second.secret, it->second.key.user, account_id_,
              "arn:aws:iam::" + account_id_ + ":root", it->second.key.active};
  if (!k.user.empty()) {
    auto u = users_.find(k.user);
    if (u == users_.end()) return std::nullopt;
    k.user_id = u->second.id;
    k.user_arn = u->second.arn;
  }
  return k;
}

std::vector<std::string> IdentityStore::PolicyDocumentsOf(const std::string& user) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  auto u = users_.find(user);
  if (u == users_.end()) return out;
  for (const auto& [n, doc] : u->second.inline_policies) out.push_back(doc);
  for (const auto& arn : u->second.attached) {
    if (auto p = policies_.find(arn); p != policies_.end()) out.push_back(p->second.document);
  }
  return out;
}

std::string IdentityStore::UserArn(const std::string& user) const {
  if (user.empty()) return "arn:aws:iam::" + account_id_ + ":root";
  std::shared_lock lock(mu_);
  auto u = users_.find(user);
  return u == users_.end() ? "arn:aws:iam::" + account_id_ + ":user/" + user : u->second.arn;
}

}  // namespace spool::iam
