#include "cli/iam_client.h"

#include <cstdlib>

#include "auth/canonical.h"
#include "cli/signed_http.h"
#include "spool/credentials.h"

namespace spool::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += auth::UriEncode(k, false);
    out += '=';
    out += auth::UriEncode(v, false);
  }
  return out;
}

std::string XmlDecode(std::string s) {
  static const std::pair<const char*, char> kEntities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&amp;", '&'}};
  for (const auto& [entity, c] : kEntities) {
    for (size_t pos = 0; (pos = s.find(entity, pos)) != std::string::npos; ++pos) {
      s.replace(pos, std::string_view(entity).size(), 1, c);
    }
  }
  return s;
}

}  // namespace

bool LoadSettings(const std::string& endpoint_flag, ClientSettings* out, std::string* error) {
  out->endpoint = !endpoint_flag.empty()           ? endpoint_flag
                  : !Env("SPOOL_ENDPOINT").empty() ? Env("SPOOL_ENDPOINT")
                                                   : "http://127.0.0.1:9324";
  // The AWS chain of the C++ client (src/client): environment, then the profile of the shared
  // files; then the root key of a local server's data directory.
  out->region = spool::ResolveRegion();
  Result<spool::Credentials> found = spool::DefaultCredentialChain()->Get();
  if (!found) {
    found = spool::ProfileCredentials({.profile = "default",
                                       .credentials_file = "spool-data/root-credentials",
                                       .config_file = "/dev/null"})
                ->Get();
  }
  if (found) {
    out->credentials = {found->access_key_id, found->secret_access_key, found->session_token};
    return true;
  }
  *error =
      "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in "
      "AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials (AWS_PROFILE; a local server's root "
      "key is in DATA_DIR/root-credentials)";
  return false;
}

Reply IamClient::Call(const std::string& action,
                      const std::vector<std::pair<std::string, std::string>>& params) const {
  std::vector<std::pair<std::string, std::string>> form = {{"Action", action},
                                                           {"Version", "2010-05-08"}};
  form.insert(form.end(), params.begin(), params.end());
  SignedRequest request;
  request.service = "iam";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = FormEncode(form);
  HttpReply r = SendSigned(settings_, request);
  return {r.status, std::move(r.body)};
}

namespace {

std::vector<std::string> RawValues(const std::string& xml, const std::string& tag, bool decode) {
  std::vector<std::string> out;
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (size_t pos = 0; (pos = xml.find(open, pos)) != std::string::npos;) {
    size_t start = pos + open.size();
    size_t end = xml.find(close, start);
    if (end == std::string::npos) break;
    std::string value = xml.substr(start, end - start);
    out.push_back(decode ? XmlDecode(std::move(value)) : std::move(value));
    pos = end + close.size();
  }
  return out;
}

}  // namespace

std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag) {
  return RawValues(xml, tag, true);
}

std::vector<std::string> XmlMembers(const std::string& xml, const std::string& list) {
  auto lists = RawValues(xml, list, false);
  if (lists.empty()) return {};
  return RawValues(lists.front(), "member", false);
}

}  // namespace spool::cli
