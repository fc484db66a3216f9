#pragma once
// Where spool::Client finds the access key it signs requests with: the standard AWS chain
// (environment variables, then a profile of the shared credentials and config files), a fixed
// key, or a key kept in a Spool secret (spool/secret_credentials.h).
//
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   EnvironmentCredentials
//   AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials),
//   AWS_CONFIG_FILE (else ~/.aws/config), AWS_PROFILE             ProfileCredentials
//
// Threading: every provider is safe to call from several threads at once; providers cache what
// they found, so Get() is cheap after the first call.
// Errors: Get() returns ErrorKind::kCredentials (code "MissingCredentials") naming the places
// it looked, never a secret.

#include <memory>
#include <string>
#include <string_view>

#include "spool/result.h"

namespace spool {

struct Credentials {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};  // "" for long-term keys
  bool operator==(const Credentials&) const = default;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // The credentials to sign the next request with. Called before every request.
  virtual Result<Credentials> Get() = 0;
  // The server refused `rejected` (InvalidClientTokenId, SignatureDoesNotMatch): forget it if
  // it is what the provider cached, so the next Get() looks again. Default: nothing to forget.
  virtual void Invalidate(const Credentials& rejected) { (void)rejected; }
};

// Always `credentials`.
std::shared_ptr<CredentialsProvider> StaticCredentials(Credentials credentials);

// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (both needed), AWS_SESSION_TOKEN if set. Read at
// the first Get() and again after an Invalidate().
std::shared_ptr<CredentialsProvider> EnvironmentCredentials();

struct ProfileOptions {
  // The profile; "" = AWS_PROFILE, else "default".
  std::string profile{};
  // "" = AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.
  std::string credentials_file{};
  // "" = AWS_CONFIG_FILE, else ~/.aws/config (its "[profile NAME]" or "[default]" section may
  // hold keys too; the credentials file wins).
  std::string config_file{};
};

// aws_access_key_id, aws_secret_access_key and aws_session_token of one profile. The files are
// read at the first Get() and again after an Invalidate().
std::shared_ptr<CredentialsProvider> ProfileCredentials(ProfileOptions options = {});

// The AWS SDKs' default chain without the cloud-only sources: EnvironmentCredentials, then
// ProfileCredentials(profile). A `profile` given here (not through AWS_PROFILE) skips the
// environment variables, as the JavaScript SDK does: naming a profile means that one.
std::shared_ptr<CredentialsProvider> DefaultCredentialChain(std::string profile = "");

// The region: AWS_REGION, AWS_DEFAULT_REGION, the `region` of the profile (as in
// ProfileOptions, "" = AWS_PROFILE or "default") in the config file, else "us-east-1".
std::string ResolveRegion(std::string_view profile = "");

}  // namespace spool
