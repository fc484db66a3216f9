#pragma once
// The AWS JSON 1.1 bodies of Secrets Manager's GetSecretValue.
//
// Threading: pure functions.

#include <string>
#include <string_view>

#include "spool/result.h"
#include "spool/sqs_types.h"

namespace spool::client {

std::string GetSecretValueJson(const GetSecretValueRequest& request);
Result<SecretValue> ParseSecretValue(std::string_view json);

}  // namespace spool::client
