#pragma once
// Handler: answers one Secrets Manager request (README.md, "The API") against a SecretStore:
// the action (what follows "secretsmanager." in X-Amz-Target) and the JSON body in, an HTTP
// status and a JSON body out. It knows nothing of HTTP or of who is asking beyond the
// `authorize` hook, so it is tested and fuzzed without a server.
//
// Errors: AWS's error types, chosen here and only here (ErrorType). Values never appear in an
// error message.
//
// Threading: Answer may run on many threads at once (the store is thread-safe; the handler has
// no state of its own).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "secrets/secret_store.h"

namespace spool::secrets {

// nullopt when the caller may perform `iam_action` ("secretsmanager:GetSecretValue") on
// `resource` (a secret's ARN, or "*"); else the AccessDenied message. A null hook allows all.
using Authorize = std::function<std::optional<std::string>(const std::string& iam_action,
                                                           const std::string& resource)>;

struct Answer {
  int status = 200;
  std::string body;  // a JSON object
};

// The AWS error type ("ResourceNotFoundException", ...) of a store error.
std::string_view ErrorType(Errc code);

class Handler {
 public:
  // `store` must outlive the handler.
  explicit Handler(SecretStore* store) : store_(store) {}

  Answer Handle(std::string_view action, std::string_view body, const Authorize& authorize) const;

 private:
  SecretStore* store_;
};

}  // namespace spool::secrets
