#pragma once
// The places the default credentials chain and the region lookup read, as functions of an Env
// (env.h), so the chain is tested with temporary files and a map for an environment. The
// providers of spool/credentials.h call these with Env::Process().
//
// Threading: pure functions of their arguments and the files they read.

#include <string>
#include <string_view>

#include "client/env.h"
#include "spool/credentials.h"
#include "spool/result.h"

namespace spool::client {

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN).
Result<Credentials> CredentialsFromEnvironment(const Env& env);

// The profile name: `explicit_profile`, else AWS_PROFILE, else "default".
std::string ProfileName(const Env& env, std::string_view explicit_profile);

// The file paths of `options` with the environment's and the defaults filled in.
ProfileOptions ResolveProfileOptions(const Env& env, ProfileOptions options);

// The keys of the profile: the credentials file's section, else the config file's.
Result<Credentials> CredentialsFromProfile(const Env& env, const ProfileOptions& options);

// The default chain (credentials.h, DefaultCredentialChain) in one call.
Result<Credentials> CredentialsFromDefaultChain(const Env& env, std::string_view explicit_profile);

// The region (credentials.h, ResolveRegion).
std::string RegionFrom(const Env& env, std::string_view explicit_profile);

// The error every source returns when it finds nothing (ErrorKind::kCredentials).
Error MissingCredentials(std::string message);

}  // namespace spool::client
