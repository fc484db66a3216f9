#pragma once
// The values SecretStore takes and gives (README.md): secrets, versions, errors.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace spool::secrets {

// The store's errors in its own words; the API maps each to one AWS error type
// (secrets_handler.cc, the only place).
enum class Errc {
  kNotFound,           // no such secret, version or label
  kAlreadyExists,      // name in use; version id reused with another value
  kMarkedForDeletion,  // the secret (or the name's secret) is scheduled for deletion
  kInvalidParameter,   // a value the operation cannot take (both values, window range, tags)
  kInvalidInput,       // a value outside its documented form or length (name, sizes)
  kInvalidNextToken,   // a page token this store did not give out
  kStorageFailure,     // the change could not be written; nothing changed
};

struct Error {
  Errc code;
  std::string message;  // never contains a secret value
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline constexpr char kCurrent[] = "AWSCURRENT";
inline constexpr char kPrevious[] = "AWSPREVIOUS";
inline constexpr char kPending[] = "AWSPENDING";

// A secret's value: SecretString (binary false) or SecretBinary (the decoded bytes).
struct SecretValue {
  bool binary = false;
  std::string bytes;
  bool operator==(const SecretValue&) const = default;
};

using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order first set

struct VersionInfo {
  std::string id;
  std::vector<std::string> stages;
  int64_t created_ms = 0;
};

// What DescribeSecret and ListSecrets show of a secret (never its values).
struct SecretInfo {
  std::string name;
  std::string arn;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  Tags tags;
  int64_t created_ms = 0;
  int64_t changed_ms = 0;
  int64_t accessed_ms = 0;            // 0: never read; else midnight UTC of the last read's day
  int64_t deletion_ms = 0;            // 0: not scheduled for deletion; else when it will be deleted
  std::vector<VersionInfo> versions;  // in creation order, labelled or not
};

// One ListSecrets filter.
struct ListFilter {
  std::string key;                  // name, description, tag-key, tag-value, all
  std::vector<std::string> values;  // a leading '!' negates
};

// The answer to GetSecretValue.
struct SecretRead {
  std::string name;
  std::string arn;
  VersionInfo version;
  SecretValue value;
};

// The answer to CreateSecret, PutSecretValue and UpdateSecret.
struct Written {
  std::string name;
  std::string arn;
  std::optional<VersionInfo> version;  // the version created (or found, idempotently)
};

}  // namespace spool::secrets
