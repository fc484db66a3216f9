#pragma once
// IamClient: calls the IAM API of a Spool server (IAM's Query protocol: a form POST with
// Action and Version=2010-05-08, SigV4-signed for service "iam"), one request at a time.
//
// Threading: one client per thread. Errors: Call returns the HTTP status and body; a transport
// failure is status 0 with the reason in `body`.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4.h"

namespace spool::cli {

struct ClientSettings {
  std::string endpoint = "http://127.0.0.1:9324";
  std::string region = "us-east-1";
  auth::Credentials credentials;
};

// Endpoint, credentials and region from the environment and the defaults (README.md);
// `endpoint_flag` wins when not empty. False with *error when no credentials can be found.
bool LoadSettings(const std::string& endpoint_flag, ClientSettings* out, std::string* error);

struct Reply {
  int status = 0;
  std::string body;
};

class IamClient {
 public:
  explicit IamClient(ClientSettings settings) : settings_(std::move(settings)) {}
  Reply Call(const std::string& action,
             const std::vector<std::pair<std::string, std::string>>& params) const;

 private:
  ClientSettings settings_;
};

// The text of every <tag>...</tag> in `xml`, in order, XML entities decoded.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag);
// The <member> elements inside <list> (each as its XML).
std::vector<std::string> XmlMembers(const std::string& xml, const std::string& list);

}  // namespace spool::cli
