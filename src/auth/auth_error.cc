#include "auth/auth_error.h"

namespace spool::auth {

std::string_view AwsCode(AuthErrc code) {
  switch (code) {
    case AuthErrc::kMissingAuthenticationToken:
      return "MissingAuthenticationToken";
    case AuthErrc::kIncompleteSignature:
      return "IncompleteSignature";
    case AuthErrc::kInvalidClientTokenId:
      return "InvalidClientTokenId";
    case AuthErrc::kSignatureDoesNotMatch:
      return "SignatureDoesNotMatch";
    case AuthErrc::kRequestExpired:
      return "RequestExpired";
  }
  return "IncompleteSignature";
}

}  // namespace spool::auth
