#pragma once
// One SigV4-signed HTTP/1.1 request to a Spool server (Boost.Beast, synchronous), shared by the
// clients of the IAM, Lambda and SQS APIs.
//
// Threading: no shared state. Errors: a transport failure is status 0 with the reason in
// `body`.

#include <string>
#include <utility>
#include <vector>

#include "cli/iam_client.h"

namespace spool::cli {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  // The first header with this name (ASCII case-insensitive), "" when absent.
  std::string Header(const std::string& name) const;
};

struct SignedRequest {
  std::string service;  // credential scope: "iam", "lambda", "sqs"
  std::string method = "POST";
  std::string path = "/";                                    // as sent (already percent-encoded)
  std::string query;                                         // as sent, without '?'; "" when none
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host and the signature
  std::string body;
  int timeout_seconds = 30;  // for the whole exchange
};

HttpReply SendSigned(const ClientSettings& settings, const SignedRequest& request);

}  // namespace spool::cli
