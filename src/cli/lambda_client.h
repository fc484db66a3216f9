#pragma once
// LambdaClient: calls the Lambda API of a Spool server (REST-JSON, SigV4-signed for service
// "lambda"), one request at a time, and finds queue ARNs through the SQS API.
//
// Threading: one client per thread. Errors: Failed() prints `spool: CODE: message` and gives
// the exit code (1 when the server answered with an error, 2 when it could not be reached).

#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "cli/iam_client.h"
#include "cli/signed_http.h"

namespace spool::cli {

class LambdaClient {
 public:
  explicit LambdaClient(ClientSettings settings) : settings_(std::move(settings)) {}

  // `path` is unencoded ("/2015-03-31/functions/NAME"); each segment is percent-encoded.
  HttpReply Call(const std::string& method, const std::string& path, const std::string& query = "",
                 const std::string& body = "",
                 std::vector<std::pair<std::string, std::string>> headers = {},
                 int timeout_seconds = 30) const;

  // The ARN of a queue given by name (through SQS GetQueueUrl) or as an ARN.
  std::optional<std::string> QueueArn(const std::string& queue, int* exit_code) const;

  const ClientSettings& settings() const { return settings_; }

 private:
  ClientSettings settings_;
};

// True for a 2xx reply; else prints the error and sets *exit_code.
bool Succeeded(const HttpReply& reply, int* exit_code);
// The reply's body as JSON (an empty object when it is not).
boost::json::value JsonOf(const std::string& body);
// A query string from pairs (values percent-encoded).
std::string QueryOf(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace spool::cli
