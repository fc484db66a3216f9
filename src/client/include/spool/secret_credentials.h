#pragma once
// SecretCredentials: an access key kept in a Spool (Secrets Manager) secret, the way the
// reference system's web backend reads its send-only key at run time.
//
// The secret's SecretString is JSON: {"AccessKeyId": "...", "SecretAccessKey": "..."} and
// optionally "SessionToken". It is fetched with GetSecretValue using `bootstrap` (endpoint,
// region and the credentials allowed to read the secret; typically the default chain), kept
// for `refresh_interval`, and fetched again after that, or at once when the server refused the
// key (a rotated secret). A fetch that fails while a key is cached keeps serving the cached
// key (and tries again at the next call); with nothing cached, Get() fails with
// ErrorKind::kCredentials carrying the fetch's error code and message.
//
// Threading: Get() may be called from any thread; one fetch runs at a time.

#include <chrono>
#include <memory>
#include <string>

#include "spool/client_options.h"
#include "spool/credentials.h"

namespace spool {

std::shared_ptr<CredentialsProvider> SecretCredentials(
    std::string secret_id, ClientOptions bootstrap,
    std::chrono::seconds refresh_interval = std::chrono::minutes(15));

}  // namespace spool
