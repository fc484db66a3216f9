#pragma once
// Endpoint: where requests go, parsed from "http://HOST[:PORT][/]" once, and the choice of the
// endpoint URL from the options and the environment (README.md, Configuration).
//
// Threading: plain values and pure functions.

#include <string>
#include <string_view>

#include "client/env.h"
#include "spool/result.h"

namespace spool::client {

struct Endpoint {
  std::string url;          // as given, without a trailing '/'
  std::string host;         // without brackets for IPv6 literals
  std::string port;         // "80" when not given
  std::string host_header;  // "HOST[:PORT]" as in the URL (the signed Host header)
};

// kInvalidArgument (code "InvalidEndpoint") for anything but http:// with a host, an optional
// numeric port and at most a "/" path.
Result<Endpoint> ParseEndpoint(std::string_view url);

inline constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:9324";

// `configured`, else AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL, else kDefaultEndpoint.
std::string ChooseSqsEndpoint(const Env& env, std::string_view configured);

// `configured`, else AWS_ENDPOINT_URL_SECRETS_MANAGER, else `sqs_endpoint`.
std::string ChooseSecretsEndpoint(const Env& env, std::string_view configured,
                                  std::string_view sqs_endpoint);

}  // namespace spool::client
