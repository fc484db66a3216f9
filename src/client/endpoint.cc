#include "client/endpoint.h"

#include <cctype>

namespace spool::client {
namespace {

Error Invalid(std::string_view url, std::string_view why) {
  return Error(ErrorKind::kInvalidArgument, "InvalidEndpoint",
               "endpoint '" + std::string(url) + "': " + std::string(why));
}

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.starts_with("https://")) {
    return Invalid(url, "https is not supported (Spool serves plain HTTP)");
  }
  if (!url.starts_with(kScheme)) return Invalid(url, "must start with http://");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos) {
    return Invalid(url, "must not have a path or query");
  }
  if (rest.find('@') != std::string_view::npos) return Invalid(url, "must not have user info");
  Endpoint e;
  e.url = std::string(kScheme) + std::string(rest);
  e.host_header = std::string(rest);
  std::string_view host = rest, port;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Invalid(url, "unclosed IPv6 literal");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Invalid(url, "junk after the IPv6 literal");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) return Invalid(url, "empty port");
  }
  if (host.empty()) return Invalid(url, "no host");
  if (!port.empty()) {
    if (port.size() > 5) return Invalid(url, "bad port");
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return Invalid(url, "bad port");
    }
    if (std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0) {
      return Invalid(url, "bad port");
    }
  }
  e.host = std::string(host);
  e.port = port.empty() ? "80" : std::string(port);
  return e;
}

std::string ChooseSqsEndpoint(const Env& env, std::string_view configured) {
  if (!configured.empty()) return std::string(configured);
  std::string from_env = env.First({"AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"});
  return from_env.empty() ? std::string(kDefaultEndpoint) : from_env;
}

std::string ChooseSecretsEndpoint(const Env& env, std::string_view configured,
                                  std::string_view sqs_endpoint) {
  if (!configured.empty()) return std::string(configured);
  std::string from_env = env.Get("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  return from_env.empty() ? std::string(sqs_endpoint) : from_env;
}

}  // namespace spool::client
