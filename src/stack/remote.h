#pragma once
// Remote: the four APIs of a Spool server that a stack touches, as plain calls over signed
// HTTP (cli/signed_http.h): SQS (AWS JSON 1.0), IAM (Query), Lambda (REST-JSON) and Secrets
// Manager (AWS JSON 1.1). Each call answers a Result: ok, or the AWS error code and message
// (a transport failure has code "Unreachable").
//
// Threading: one Remote per thread; calls are synchronous.

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/iam_client.h"

namespace spool::stack {

struct Result {
  int status = 0;
  std::string code;  // "" when ok
  std::string message;
  boost::json::object json;  // the body, for JSON APIs
  std::string body;          // the raw body (IAM's XML)

  bool ok() const { return status >= 200 && status < 300; }
  std::string Describe() const { return code + ": " + message; }
};

class Remote {
 public:
  explicit Remote(cli::ClientSettings settings) : settings_(std::move(settings)) {}
  const cli::ClientSettings& settings() const { return settings_; }

  // SQS: action (e.g. "CreateQueue") with a JSON body.
  Result Sqs(const std::string& action, const boost::json::object& body) const;
  // IAM Query: action and parameters.
  Result Iam(const std::string& action,
             const std::vector<std::pair<std::string, std::string>>& params) const;
  // Lambda REST: method, unencoded path ("/2015-03-31/functions/NAME"), optional JSON body.
  Result Lambda(const std::string& method, const std::string& path,
                const std::optional<boost::json::object>& body = std::nullopt,
                const std::string& query = "") const;
  // Secrets Manager: action with a JSON body.
  Result Secrets(const std::string& action, const boost::json::object& body) const;

  // Helpers over the above: "" when the queue does not exist.
  std::string QueueUrl(const std::string& name) const;
  std::string QueueArn(const std::string& name) const;

 private:
  cli::ClientSettings settings_;
};

// A JSON member as text ("" when absent or not a string) and as an integer.
std::string Text(const boost::json::object& o, std::string_view key);
std::optional<int64_t> Integer(const boost::json::object& o, std::string_view key);

}  // namespace spool::stack
