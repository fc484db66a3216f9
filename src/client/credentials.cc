// The credentials providers of spool/credentials.h over the sources of credential_sources.h.

#include <functional>
#include <mutex>
#include <optional>

#include "client/credential_sources.h"
#include "spool/credentials.h"

namespace spool {
namespace {

class Static final : public CredentialsProvider {
 public:
  explicit Static(Credentials c) : c_(std::move(c)) {}
  Result<Credentials> Get() override {
    if (c_.access_key_id.empty() || c_.secret_access_key.empty()) {
      return client::MissingCredentials("the static credentials are empty");
    }
    return c_;
  }

 private:
  const Credentials c_;
};

// Looks once, keeps what it found until Invalidate() names it. A failed look is not kept (the
// next call looks again: a file may appear).
class Cached final : public CredentialsProvider {
 public:
  explicit Cached(std::function<Result<Credentials>()> load) : load_(std::move(load)) {}

  Result<Credentials> Get() override {
    std::lock_guard lock(mu_);
    if (cached_) return *cached_;
    Result<Credentials> found = load_();
    if (found) cached_ = *found;
    return found;
  }

  void Invalidate(const Credentials& rejected) override {
    std::lock_guard lock(mu_);
    if (cached_ && *cached_ == rejected) cached_.reset();
  }

 private:
  const std::function<Result<Credentials>()> load_;
  std::mutex mu_;
  std::optional<Credentials> cached_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> StaticCredentials(Credentials credentials) {
  return std::make_shared<Static>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> EnvironmentCredentials() {
  return std::make_shared<Cached>(
      [] { return client::CredentialsFromEnvironment(client::Env::Process()); });
}

std::shared_ptr<CredentialsProvider> ProfileCredentials(ProfileOptions options) {
  return std::make_shared<Cached>([options = std::move(options)] {
    return client::CredentialsFromProfile(client::Env::Process(), options);
  });
}

std::shared_ptr<CredentialsProvider> DefaultCredentialChain(std::string profile) {
  return std::make_shared<Cached>([profile = std::move(profile)] {
    return client::CredentialsFromDefaultChain(client::Env::Process(), profile);
  });
}

std::string ResolveRegion(std::string_view profile) {
  return client::RegionFrom(client::Env::Process(), profile);
}

}  // namespace spool
