#include "client/transport.h"

#include <time.h>

#include <thread>

#include "auth/sigv4.h"
#include "client/error_parse.h"

namespace spool::client {

using std::chrono::milliseconds;
using Failure = ExchangeOutcome::Failure;

namespace {

// A Date header further off than this makes a skew error worth a retry with the offset.
constexpr milliseconds kSkewWorthCorrecting = std::chrono::minutes(4);
constexpr std::string_view kUserAgent = "spool-cpp-client/0.1";

}  // namespace

Service SqsService(Endpoint endpoint) {
  return Service{std::move(endpoint),
                 "sqs",
                 "AmazonSQS.",
                 "application/x-amz-json-1.0",
                 {{"x-amzn-query-mode", "true"}}};
}

Service SecretsManagerService(Endpoint endpoint) {
  return Service{
      std::move(endpoint), "secretsmanager", "secretsmanager.", "application/x-amz-json-1.1", {}};
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  std::string s(text);
  struct tm tm {};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

Transport::Transport(TransportOptions options, std::shared_ptr<CredentialsProvider> credentials)
    : options_([&] {
        if (!options.clock) options.clock = std::make_shared<common::SystemClock>();
        if (!options.sleep) options.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
        return std::move(options);
      }()),
      credentials_(std::move(credentials)),
      pool_(options_.max_idle_connections, options_.idle_timeout),
      rng_(options_.seed != 0 ? options_.seed : std::random_device{}()) {}

HttpRequest Transport::SignedRequest(const Service& service, std::string_view action,
                                     const std::string& body,
                                     const Credentials& credentials) const {
  HttpRequest request;
  request.body = body;
  request.headers = {{"Content-Type", service.content_type},
                     {"X-Amz-Target", service.target_prefix + std::string(action)}};
  for (const auto& h : service.extra_headers) request.headers.push_back(h);

  std::vector<auth::Header> signed_headers = {{"Host", service.endpoint.host_header}};
  for (const auto& [name, value] : request.headers) signed_headers.push_back({name, value});
  auth::HttpRequestView view;
  view.method = "POST";
  view.path = "/";
  view.headers = signed_headers;
  view.body = body;
  const common::TimePoint now = options_.clock->Now() + clock_offset();
  auth::SignedHeaderValues sig = auth::Sign(
      view, {credentials.access_key_id, credentials.secret_access_key, credentials.session_token},
      {options_.region, service.signing_service}, now);
  request.headers.emplace_back("X-Amz-Date", std::move(sig.x_amz_date));
  if (!sig.x_amz_security_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", std::move(sig.x_amz_security_token));
  }
  request.headers.emplace_back("Authorization", std::move(sig.authorization));
  request.headers.emplace_back("User-Agent", std::string(kUserAgent));
  return request;
}

milliseconds Transport::NextDelay(int retry) {
  std::lock_guard lock(rng_mu_);
  return BackoffDelay(options_.retry, retry, rng_);
}

bool Transport::LearnClockOffset(const HttpResponse& response) {
  std::optional<int64_t> server = ParseHttpDate(response.Header("Date"));
  if (!server) return false;
  const milliseconds local = options_.clock->Now().time_since_epoch();
  const milliseconds offset = std::chrono::seconds(*server) - local;
  if (offset - clock_offset() < kSkewWorthCorrecting &&
      clock_offset() - offset < kSkewWorthCorrecting) {
    return false;
  }
  clock_offset_ms_.store(offset.count());
  return true;
}

Result<std::string> Transport::Call(const Service& service, std::string_view action,
                                    const std::string& body, milliseconds extra_timeout) {
  const milliseconds timeout = options_.request_timeout + extra_timeout;
  int sent = 0;     // requests sent, for Error::attempts
  int counted = 0;  // attempts counted against max_attempts
  bool resent_stale = false, skew_corrected = false, credentials_refreshed = false;
  for (;;) {
    Result<Credentials> credentials = credentials_->Get();
    if (!credentials) {
      Error error = credentials.error();
      return error.set_attempts(sent);
    }
    HttpRequest request = SignedRequest(service, action, body, *credentials);
    std::unique_ptr<HttpConnection> connection = pool_.Acquire(service.endpoint);
    const bool reused = connection->reused();
    ExchangeOutcome out = connection->Exchange(request, options_.connect_timeout, timeout);
    ++sent;
    Error error;
    if (out.failure != Failure::kNone) {
      if (reused && out.failure == Failure::kBroken && !out.response_started && !resent_stale) {
        resent_stale = true;  // the server closed it while idle: not this request's failure
        continue;
      }
      ++counted;
      const bool timed_out = out.failure == Failure::kTimeout;
      error = Error(timed_out ? ErrorKind::kTimeout : ErrorKind::kNetwork,
                    timed_out ? "RequestTimeout" : "NetworkError", std::move(out.reason));
    } else if (out.response.status / 100 == 2) {
      pool_.Release(std::move(connection));
      return std::move(out.response.body);
    } else {
      pool_.Release(std::move(connection));
      ++counted;
      error = ErrorFromResponse(out.response);
      if (IsClockSkew(error) && !skew_corrected && LearnClockOffset(out.response)) {
        skew_corrected = true;
        continue;
      }
      if (IsRejectedCredentials(error) && !credentials_refreshed) {
        credentials_refreshed = true;
        credentials_->Invalidate(*credentials);
        Result<Credentials> again = credentials_->Get();
        if (again && !(*again == *credentials)) continue;
      }
    }
    const bool retryable = IsRetryable(error);
    error.set_retryable(retryable).set_attempts(sent);
    if (!retryable || counted >= options_.retry.max_attempts) return error;
    options_.sleep(NextDelay(counted));
  }
}

}  // namespace spool::client
