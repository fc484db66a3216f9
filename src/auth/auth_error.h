#pragma once
// Why a request's signature was not accepted, in the module's own words. Each value maps 1:1 to
// the SQS error code of the same name (AwsCode()); the api chooses the wire form (status, Query
// or JSON shape) in its one error mapping:
//
//   kMissingAuthenticationToken  403  no Authorization header and no presigned parameters
//   kIncompleteSignature         400  malformed Authorization header / query, missing parts
//   kInvalidClientTokenId        403  unknown access key, or a session token Spool did not issue
//   kSignatureDoesNotMatch       403  wrong signature, wrong credential scope, payload hash
//   kRequestExpired              400  request time outside the allowed skew, presigned URL expired
//
// `message` is for the client (AWS's wording where known); it never contains a secret.

#include <string>
#include <string_view>

namespace spool::auth {

enum class AuthErrc {
  kMissingAuthenticationToken,
  kIncompleteSignature,
  kInvalidClientTokenId,
  kSignatureDoesNotMatch,
  kRequestExpired,
};

// The SQS error code, e.g. "SignatureDoesNotMatch". Static storage.
std::string_view AwsCode(AuthErrc code);

struct AuthError {
  AuthErrc code;
  std::string message;
};

}  // namespace spool::auth
