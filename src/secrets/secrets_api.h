#pragma once
// SecretsApi: the Secrets Manager API subset (README.md) on the dispatcher's ServiceApi seam.
// The dispatcher has authenticated the request and checked that its credential scope is
// "secretsmanager"; this adds the principal to the authorisation hook, answers with
// `Content-Type: application/x-amz-json-1.1` and a request id.
//
// Authorisation: `authorize` is asked about "secretsmanager:<Action>" on the secret's ARN. The
// hook keeps this module free of the dispatcher's authorizer: `spool serve` passes
// api::Authorizer::CheckIam (the root may do everything; IAM users by their policies).
//
// Threading: Handle runs on I/O threads, concurrently, and answers before returning.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/principal.h"
#include "api/service_api.h"
#include "http/handler.h"
#include "secrets/secrets_handler.h"

namespace spool::secrets {

// nullopt when `principal` may perform `iam_action` on `resource`; else the AccessDenied
// message. A null hook allows everything (servers without authentication).
using SecretsAuthorize = std::function<std::optional<std::string>(
    const api::Principal& principal, const std::string& iam_action, const std::string& resource,
    std::string_view source_ip)>;

class SecretsApi final : public api::ServiceApi {
 public:
  // `store` must outlive the API.
  SecretsApi(SecretStore* store, SecretsAuthorize authorize);

  void Handle(const api::Principal& principal, http::Request request, http::Respond done) override;

  // The answer to one request (Handle is this plus `done`).
  http::Response Respond(const api::Principal& principal, const http::Request& request) const;

 private:
  Handler handler_;
  SecretsAuthorize authorize_;
};

}  // namespace spool::secrets
