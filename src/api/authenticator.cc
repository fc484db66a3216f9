#include "api/authenticator.h"

#include <vector>

namespace spool::api {
namespace {

protocol::AwsError ToAwsError(auth::AuthErrc code) {
  switch (code) {
    case auth::AuthErrc::kMissingAuthenticationToken:
      return protocol::AwsError::kMissingAuthenticationToken;
    case auth::AuthErrc::kIncompleteSignature:
      return protocol::AwsError::kIncompleteSignature;
    case auth::AuthErrc::kInvalidClientTokenId:
      return protocol::AwsError::kInvalidClientTokenId;
    case auth::AuthErrc::kSignatureDoesNotMatch:
      return protocol::AwsError::kSignatureDoesNotMatch;
    case auth::AuthErrc::kRequestExpired:
      break;
  }
  return protocol::AwsError::kRequestExpired;
}

auth::VerifierOptions Options() {
  auth::VerifierOptions o;
  // The dispatcher checks that the scope's service is the one of the API a request is for.
  o.services = {"sqs", "iam", "logs", "lambda", "secretsmanager"};
  return o;
}

}  // namespace

Authenticator::Authenticator(iam::IdentityStore* store, const common::Clock* clock)
    : clock_(clock),
      verifier_(Options(), [store](std::string_view key_id) -> std::optional<auth::KeySecret> {
        auto k = store->LookupKey(key_id);
        if (!k || !k->active) return std::nullopt;  // unknown or disabled: InvalidClientTokenId
        // The principal travels through the verifier, so the key is looked up once.
        return auth::KeySecret{std::move(k->secret),
                               k->user + '\n' + k->user_id + '\n' + k->user_arn};
      }) {}

std::variant<Principal, AuthFailure> Authenticator::Authenticate(
    const http::Request& request) const {
  std::vector<auth::Header> headers;
  headers.reserve(request.headers.size());
  for (const auto& h : request.headers) headers.push_back({h.name, h.value});
  auth::HttpRequestView view;
  view.method = request.method;
  view.path = request.path();
  view.query = request.query();
  view.headers = headers;
  view.body = request.body;
  auth::VerifyResult r = verifier_.Verify(view, clock_->Now());
  if (!r.ok()) return AuthFailure{ToAwsError(r.error().code), r.error().message};
  std::string_view who = r.identity().principal;  // user \n user id \n ARN
  size_t a = who.find('\n');
  size_t b = who.find('\n', a + 1);
  Principal p;
  p.user = std::string(who.substr(0, a));
  p.id = std::string(who.substr(a + 1, b - a - 1));
  p.arn = std::string(who.substr(b + 1));
  p.access_key_id = r.identity().access_key_id;
  p.service = r.identity().service;
  return p;
}

}  // namespace spool::api
