#include "cli/iam_client.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth/canonical.h"
#include "cli/signed_http.h"

namespace spool::cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The [default] profile of an AWS credentials file.
bool ReadCredentialsFile(const std::string& path, auth::Credentials* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line, section;
  auto trim = [](std::string s) {
    size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
  };
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      section = trim(line.substr(1, line.find(']') - 1));
      continue;
    }
    if (section != "default") continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") out->access_key_id = value;
    if (key == "aws_secret_access_key") out->secret_access_key = value;
    if (key == "aws_session_token") out->session_token = value;
  }
  return !out->access_key_id.empty() && !out->secret_access_key.empty();
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
  if (!Env("AWS_REGION").empty()) {
    out->region = Env("AWS_REGION");
  } else if (!Env("AWS_DEFAULT_REGION").empty()) {
    out->region = Env("AWS_DEFAULT_REGION");
  }
  out->credentials.access_key_id = Env("AWS_ACCESS_KEY_ID");
  out->credentials.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
  out->credentials.session_token = Env("AWS_SESSION_TOKEN");
  if (!out->credentials.access_key_id.empty() && !out->credentials.secret_access_key.empty()) {
    return true;
  }
  out->credentials = {};
  if (!Env("AWS_SHARED_CREDENTIALS_FILE").empty() &&
      ReadCredentialsFile(Env("AWS_SHARED_CREDENTIALS_FILE"), &out->credentials)) {
    return true;
  }
  if (ReadCredentialsFile("spool-data/root-credentials", &out->credentials)) return true;
  *error =
      "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
      "AWS_SHARED_CREDENTIALS_FILE (a local server's root key is in "
      "DATA_DIR/root-credentials)";
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
