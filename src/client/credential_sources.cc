#include "client/credential_sources.h"

#include "client/aws_config_file.h"

namespace spool::client {

Error MissingCredentials(std::string message) {
  return Error(ErrorKind::kCredentials, "MissingCredentials", std::move(message));
}

Result<Credentials> CredentialsFromEnvironment(const Env& env) {
  Credentials c{env.Get("AWS_ACCESS_KEY_ID"), env.Get("AWS_SECRET_ACCESS_KEY"),
                env.Get("AWS_SESSION_TOKEN")};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return MissingCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
  }
  return c;
}

std::string ProfileName(const Env& env, std::string_view explicit_profile) {
  if (!explicit_profile.empty()) return std::string(explicit_profile);
  std::string from_env = env.Get("AWS_PROFILE");
  return from_env.empty() ? "default" : from_env;
}

ProfileOptions ResolveProfileOptions(const Env& env, ProfileOptions options) {
  options.profile = ProfileName(env, options.profile);
  if (options.credentials_file.empty()) {
    options.credentials_file = env.Get("AWS_SHARED_CREDENTIALS_FILE");
    if (options.credentials_file.empty()) options.credentials_file = "~/.aws/credentials";
  }
  if (options.config_file.empty()) {
    options.config_file = env.Get("AWS_CONFIG_FILE");
    if (options.config_file.empty()) options.config_file = "~/.aws/config";
  }
  options.credentials_file = env.ExpandHome(options.credentials_file);
  options.config_file = env.ExpandHome(options.config_file);
  return options;
}

namespace {

// The keys of one section, if it has both halves of a key.
std::optional<Credentials> KeysOf(const IniSection* section) {
  if (section == nullptr) return std::nullopt;
  auto get = [&](const char* key) {
    auto it = section->find(key);
    return it == section->end() ? std::string() : it->second;
  };
  Credentials c{get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token")};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

}  // namespace

Result<Credentials> CredentialsFromProfile(const Env& env, const ProfileOptions& options) {
  ProfileOptions o = ResolveProfileOptions(env, options);
  if (auto file = ReadIniFile(o.credentials_file)) {
    if (auto keys = KeysOf(FindProfile(*file, o.profile, false))) return *keys;
  }
  if (auto file = ReadIniFile(o.config_file)) {
    if (auto keys = KeysOf(FindProfile(*file, o.profile, true))) return *keys;
  }
  return MissingCredentials("no keys for profile '" + o.profile + "' in " + o.credentials_file +
                            " or " + o.config_file);
}

Result<Credentials> CredentialsFromDefaultChain(const Env& env, std::string_view explicit_profile) {
  std::string tried;
  if (explicit_profile.empty()) {
    auto from_env = CredentialsFromEnvironment(env);
    if (from_env) return from_env;
    tried = from_env.error().message() + "; ";
  }
  auto from_profile = CredentialsFromProfile(env, {.profile = std::string(explicit_profile)});
  if (from_profile) return from_profile;
  return MissingCredentials("no credentials: " + tried + from_profile.error().message());
}

std::string RegionFrom(const Env& env, std::string_view explicit_profile) {
  std::string region = env.First({"AWS_REGION", "AWS_DEFAULT_REGION"});
  if (!region.empty()) return region;
  ProfileOptions o = ResolveProfileOptions(env, {.profile = std::string(explicit_profile)});
  if (auto file = ReadIniFile(o.config_file)) {
    if (const IniSection* s = FindProfile(*file, o.profile, true)) {
      if (auto it = s->find("region"); it != s->end() && !it->second.empty()) return it->second;
    }
  }
  return "us-east-1";
}

}  // namespace spool::client
