#pragma once
// Authenticator: who made a request. Verifies its AWS Signature Version 4 (auth::Verifier, in
// the Authorization header or a presigned query string) against the access keys of the
// iam::IdentityStore, and names the principal: the account root or an IAM user.
//
// Credential scopes accepted: service "sqs" for the SQS API, "iam" for the IAM API and "logs"
// for CloudWatch Logs (the caller checks that the service matches the API asked for), any
// region.
//
// Threading: Authenticate may run on every I/O thread at once (the verifier and the store are
// thread-safe). Errors: an AuthFailure naming the SQS error code and AWS's message.

#include <optional>
#include <string>
#include <variant>

#include "api/principal.h"
#include "auth/sigv4.h"
#include "common/clock.h"
#include "http/handler.h"
#include "iam/identity_store.h"
#include "protocol/aws_errors.h"

namespace spool::api {

struct AuthFailure {
  protocol::AwsError error;
  std::string message;
};

class Authenticator {
 public:
  // `store` and `clock` must outlive the authenticator.
  Authenticator(iam::IdentityStore* store, const common::Clock* clock);

  std::variant<Principal, AuthFailure> Authenticate(const http::Request& request) const;

 private:
  const common::Clock* clock_;
  auth::Verifier verifier_;
};

}  // namespace spool::api
