#include "secrets/secrets_api.h"

#include <utility>

#include "common/uuid.h"

namespace spool::secrets {
namespace {

constexpr std::string_view kTargetPrefix = "secretsmanager.";

}  // namespace

SecretsApi::SecretsApi(SecretStore* store, SecretsAuthorize authorize)
    : handler_(store), authorize_(std::move(authorize)) {}

void SecretsApi::Handle(const api::Principal& principal, http::Request request,
                        http::Respond done) {
  done(Respond(principal, request));
}

http::Response SecretsApi::Respond(const api::Principal& principal,
                                   const http::Request& request) const {
  std::string_view target = request.header("X-Amz-Target");
  std::string_view action =
      target.starts_with(kTargetPrefix) ? target.substr(kTargetPrefix.size()) : target;
  Authorize authorize;
  if (authorize_) {
    authorize = [&](const std::string& iam_action, const std::string& resource) {
      return authorize_(principal, iam_action, resource, request.remote_address);
    };
  }
  Answer answer = handler_.Handle(action, request.body, authorize);
  http::Response response;
  response.status = answer.status;
  response.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  response.headers.push_back({"x-amzn-RequestId", common::NewUuid()});
  response.body = std::move(answer.body);
  return response;
}

}  // namespace spool::secrets
