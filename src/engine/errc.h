#pragma once
// The engine's errors, in its own words. The api maps each to an AWS error code in one place
// (api/error_mapping.cc). `Error::message` is a human-readable explanation shown to clients.

#include <string>
#include <utility>
#include <variant>

namespace spool::engine {

enum class Errc {
  kQueueNotFound,
  kQueueNameExists,       // CreateQueue: same name, an attribute differs
  kQueueDeletedRecently,  // CreateQueue within the cool-down after DeleteQueue
  kPurgeInProgress,       // PurgeQueue within the cool-down after the last purge
  kInvalidAttributeName,  // unknown, read-only or not applicable queue attribute
  kInvalidAttributeValue,
  kInvalidParameterValue,
  kMissingParameter,
  kInvalidMessageContents,  // body or string attribute with disallowed characters
  kReceiptHandleInvalid,    // malformed, forged, or another queue's handle
  kMessageNotInflight,
  kEmptyBatch,
  kTooManyEntries,
  kBatchIdsNotDistinct,
  kInvalidBatchEntryId,
  kBatchTooLong,
  kOverLimit,  // too many messages in flight, too many queues
  kUnsupportedOperation,
  kResourceNotFound,
  kShuttingDown,
  kInternal,
};

struct Error {
  Errc code;
  std::string message;
};

inline Error MakeError(Errc code, std::string message) { return Error{code, std::move(message)}; }

struct Empty {};

// A value or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace spool::engine
