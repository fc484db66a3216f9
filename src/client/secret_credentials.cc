// SecretCredentials (spool/secret_credentials.h): an access key read from a Spool secret with
// bootstrap credentials, cached.

#include "spool/secret_credentials.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <mutex>
#include <optional>

#include "client/credential_sources.h"
#include "spool/client.h"

namespace spool {
namespace {

// The key in a SecretString: {"AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...}.
std::optional<Credentials> KeyFromSecretString(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  auto get = [&](const char* key) {
    const boost::json::value* m = o.if_contains(key);
    return m && m->is_string() ? std::string(m->get_string()) : std::string();
  };
  Credentials c{get("AccessKeyId"), get("SecretAccessKey"), get("SessionToken")};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

class FromSecret final : public CredentialsProvider {
 public:
  FromSecret(std::string secret_id, ClientOptions bootstrap, std::chrono::seconds refresh)
      : secret_id_(std::move(secret_id)), bootstrap_(std::move(bootstrap)), refresh_(refresh) {}

  Result<Credentials> Get() override {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (cached_ && now < fresh_until_) return *cached_;
    Result<Credentials> fetched = Fetch();
    if (fetched) {
      cached_ = *fetched;
      fresh_until_ = now + refresh_;
      return fetched;
    }
    if (cached_) return *cached_;  // keep serving the last key while the fetch fails
    return fetched;
  }

  void Invalidate(const Credentials& rejected) override {
    std::lock_guard lock(mu_);
    if (cached_ && *cached_ == rejected) fresh_until_ = {};
  }

 private:
  // Called with mu_ held: one fetch at a time.
  Result<Credentials> Fetch() {
    if (!client_) {
      Result<Client> created = Client::Create(bootstrap_);
      if (!created) return Wrap(created.error());
      client_.emplace(std::move(*created));
    }
    Result<SecretValue> secret = client_->GetSecretValue({.secret_id = secret_id_});
    if (!secret) return Wrap(secret.error());
    std::optional<Credentials> key;
    if (secret->secret_string) key = KeyFromSecretString(*secret->secret_string);
    if (!key) {
      return client::MissingCredentials(
          "secret '" + secret_id_ +
          "' has no SecretString of the form {\"AccessKeyId\": ..., \"SecretAccessKey\": ...}");
    }
    return *key;
  }

  Error Wrap(const Error& e) const {
    Error out(ErrorKind::kCredentials, e.code(),
              "cannot read the access key from secret '" + secret_id_ + "': " + e.message());
    out.set_type(e.type())
        .set_http_status(e.http_status())
        .set_request_id(e.request_id())
        .set_retryable(e.retryable())
        .set_attempts(e.attempts());
    return out;
  }

  const std::string secret_id_;
  const ClientOptions bootstrap_;
  const std::chrono::seconds refresh_;
  std::mutex mu_;
  std::optional<Client> client_;                         // guarded by mu_
  std::optional<Credentials> cached_;                    // guarded by mu_
  std::chrono::steady_clock::time_point fresh_until_{};  // guarded by mu_
};

}  // namespace

std::shared_ptr<CredentialsProvider> SecretCredentials(std::string secret_id,
                                                       ClientOptions bootstrap,
                                                       std::chrono::seconds refresh_interval) {
  return std::make_shared<FromSecret>(std::move(secret_id), std::move(bootstrap), refresh_interval);
}

}  // namespace spool
