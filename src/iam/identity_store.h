#pragma once
// IdentityStore: users, access keys and policies, durable in the data directory (README.md).
//
// Threading: all methods are safe to call concurrently. Mutations are serialised and each one
// is on disk (file rewritten, synced, renamed) before it returns; lookups take a shared lock.
// Errors: IamError with IAM's codes; a failed write leaves the previous state in memory and on
// disk (ServiceFailure).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/sealed_box.h"

namespace spool::iam {

enum class IamErrc {
  kNoSuchEntity,
  kEntityAlreadyExists,
  kDeleteConflict,
  kLimitExceeded,
  kMalformedPolicyDocument,
  kValidationError,
  kServiceFailure,
};

struct IamError {
  IamErrc code;
  std::string message;
};

// The IAM error code as the API spells it ("NoSuchEntity", ...), and its HTTP status.
std::string_view ErrorCodeName(IamErrc code);
int HttpStatus(IamErrc code);

template <class T>
class IamResult {
 public:
  IamResult(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  IamResult(IamError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const IamError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, IamError> v_;
};

struct Done {};

struct User {
  std::string name;
  std::string path = "/";
  std::string id;   // AIDA...
  std::string arn;  // arn:aws:iam::ACCOUNT:user/PATH/NAME
  int64_t created_ms = 0;
  std::map<std::string, std::string> inline_policies;  // name -> document
  std::vector<std::string> attached;                   // managed policy ARNs, in attach order
};

struct ManagedPolicy {
  std::string name;
  std::string path = "/";
  std::string id;   // ANPA...
  std::string arn;  // arn:aws:iam::ACCOUNT:policy/PATH/NAME
  std::string description;
  std::string document;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t attachments = 0;
};

struct AccessKey {
  std::string id;    // SPAK + 16 characters
  std::string user;  // "" for the account root
  bool active = true;
  int64_t created_ms = 0;
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

// What request authentication needs to know of a key.
struct KeyLookup {
  std::string secret;
  std::string user;      // "" for the account root
  std::string user_id;   // AIDA...; the account id for the root
  std::string user_arn;  // arn:aws:iam::ACCOUNT:user/PATH/NAME, or arn:aws:iam::ACCOUNT:root
  bool active = true;
};

// Checks a policy document before it is stored; an error message, or "" when it is acceptable.
// (The policy language lives in src/auth; the server passes its parser in.)
using PolicyCheck = std::string (*)(std::string_view document);

class IdentityStore {
 public:
  // `dir` "" keeps everything in memory. Reads iam.json and iam.key when they exist (creating
  // the key on first use). nullptr with *error when the files cannot be read or written.
  static std::unique_ptr<IdentityStore> Open(const std::string& dir, std::string account_id,
                                             std::string* error, PolicyCheck check = nullptr);

  // The account root's key: `configured` when given (made active, replacing any other root
  // key), else the stored one, else a new one (*created set; also written to
  // DIR/root-credentials, mode 0600).
  IamResult<Credentials> EnsureRootKey(std::optional<Credentials> configured, bool* created);

  // ---- users ----
  IamResult<User> CreateUser(const std::string& name, const std::string& path = "/");
  IamResult<User> GetUser(const std::string& name) const;
  std::vector<User> ListUsers(const std::string& path_prefix = "/") const;
  // Fails with DeleteConflict while the user has keys or policies (as IAM).
  IamResult<Done> DeleteUser(const std::string& name);

  // ---- inline policies ----
  IamResult<Done> PutUserPolicy(const std::string& user, const std::string& name,
                                const std::string& document);
  IamResult<std::string> GetUserPolicy(const std::string& user, const std::string& name) const;
  IamResult<std::vector<std::string>> ListUserPolicies(const std::string& user) const;
  IamResult<Done> DeleteUserPolicy(const std::string& user, const std::string& name);

  // ---- managed policies ----
  IamResult<ManagedPolicy> CreatePolicy(const std::string& name, const std::string& document,
                                        const std::string& description = "",
                                        const std::string& path = "/");
  IamResult<ManagedPolicy> GetPolicy(const std::string& arn) const;
  std::vector<ManagedPolicy> ListPolicies() const;
  IamResult<Done> DeletePolicy(const std::string& arn);  // DeleteConflict while attached
  IamResult<Done> AttachUserPolicy(const std::string& user, const std::string& arn);
  IamResult<Done> DetachUserPolicy(const std::string& user, const std::string& arn);
  IamResult<std::vector<ManagedPolicy>> ListAttachedUserPolicies(const std::string& user) const;

  // ---- access keys ----
  // At most two per user (LimitExceeded). The secret is in the result only.
  IamResult<Credentials> CreateAccessKey(const std::string& user);
  IamResult<std::vector<AccessKey>> ListAccessKeys(const std::string& user) const;
  IamResult<Done> UpdateAccessKey(const std::string& user, const std::string& key_id, bool active);
  IamResult<Done> DeleteAccessKey(const std::string& user, const std::string& key_id);

  // ---- authentication and authorisation ----
  std::optional<KeyLookup> LookupKey(std::string_view key_id) const;
  // Every policy document that applies to `user` (inline, then attached); none for the root.
  std::vector<std::string> PolicyDocumentsOf(const std::string& user) const;
  std::string UserArn(const std::string& user) const;  // the root's ARN for ""

  const std::string& account_id() const { return account_id_; }

 private:
  struct StoredKey {
    AccessKey key;
    std::string sealed_secret;  // what iam.json holds
    std::string secret;         // in memory only: every request's signature check needs it
  };
  IdentityStore(std::string dir, std::string account_id, std::string master_key, PolicyCheck check);
  IamResult<Done> SaveLocked();  // writes iam.json; callers roll back on failure
  template <class Fn>
  IamResult<Done> Mutate(Fn&& change);
  std::string Serialize() const;
  bool Load(const std::string& text, std::string* error);
  std::optional<IamError> CheckDocument(const std::string& document) const;
  std::string NewId(std::string_view prefix, size_t length) const;

  const std::string dir_;
  const std::string account_id_;
  const common::SealedBox box_;
  const PolicyCheck check_;
  mutable std::shared_mutex mu_;
  std::map<std::string, User> users_;              // by name
  std::map<std::string, ManagedPolicy> policies_;  // by ARN
  std::map<std::string, StoredKey> keys_;          // by key id
};

}  // namespace spool::iam
