#include "server/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace spool::server {
namespace {

bool ParsePort(std::string_view text, uint16_t* port) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v > 65535 || text.empty()) {
    return false;
  }
  *port = static_cast<uint16_t>(v);
  return true;
}

}  // namespace

bool ParseListen(const std::string& text, std::string* host, uint16_t* port) {
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    *host = text.substr(1, close - 1);
    return !host->empty() && ParsePort(std::string_view(text).substr(close + 2), port);
  }
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string h = text.substr(0, colon);
  if (h.find(':') != std::string::npos) return false;  // bare IPv6 needs brackets
  if (!ParsePort(std::string_view(text).substr(colon + 1), port)) return false;
  *host = h.empty() ? "127.0.0.1" : h;
  return true;
}

bool LoadConfigFile(const std::string& path, ServeConfig* c, std::string* error) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    *error = msg.str();
    return false;
  }
  for (const auto& [key, value] : table) {
    std::string k(key.str());
    auto bad = [&](const char* what) {
      *error = path + ": key '" + k + "' must be " + what;
      return false;
    };
    if (k == "listen") {
      auto s = value.value<std::string>();
      if (!s || !ParseListen(*s, &c->listen_host, &c->listen_port)) return bad("\"HOST:PORT\"");
    } else if (k == "region" || k == "account_id" || k == "public_url" || k == "log_level" ||
               k == "data_dir" || k == "fsync") {
      auto s = value.value<std::string>();
      if (!s) return bad("a string");
      if (k == "data_dir") c->data_dir = *s;
      if (k == "fsync") c->fsync = *s;
      if (k == "region") c->region = *s;
      if (k == "account_id") c->account_id = *s;
      if (k == "public_url") c->public_url = *s;
      if (k == "log_level") c->log_level = *s;
    } else if (k == "threads") {
      auto n = value.value<int64_t>();
      if (!n || *n < 0 || *n > 256) return bad("an integer from 0 to 256");
      c->threads = static_cast<unsigned>(*n);
    } else {
      *error = path + ": unknown key '" + k + "'";
      return false;
    }
  }
  return true;
}

bool LoadEnvironment(ServeConfig* c, std::string* error) {
  auto get = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  if (auto v = get("SPOOL_LISTEN")) {
    if (!ParseListen(*v, &c->listen_host, &c->listen_port)) {
      *error = "SPOOL_LISTEN must be HOST:PORT, got '" + *v + "'";
      return false;
    }
  }
  if (auto v = get("SPOOL_REGION")) c->region = *v;
  if (auto v = get("SPOOL_ACCOUNT_ID")) c->account_id = *v;
  if (auto v = get("SPOOL_PUBLIC_URL")) c->public_url = *v;
  if (auto v = get("SPOOL_LOG_LEVEL")) c->log_level = *v;
  if (auto v = get("SPOOL_DATA_DIR")) c->data_dir = *v;
  if (auto v = get("SPOOL_FSYNC")) c->fsync = *v;
  auto root_id = get("SPOOL_ROOT_ACCESS_KEY_ID");
  auto root_secret = get("SPOOL_ROOT_SECRET_ACCESS_KEY");
  if (root_id.has_value() != root_secret.has_value()) {
    *error = "set both SPOOL_ROOT_ACCESS_KEY_ID and SPOOL_ROOT_SECRET_ACCESS_KEY, or neither";
    return false;
  }
  if (root_id) {
    c->root_access_key_id = *root_id;
    c->root_secret_access_key = *root_secret;
  }
  if (auto v = get("SPOOL_THREADS")) {
    unsigned n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n > 256) {
      *error = "SPOOL_THREADS must be an integer from 0 to 256";
      return false;
    }
    c->threads = n;
  }
  return true;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

bool ValidateConfig(const ServeConfig& c, std::string* error) {
  if (c.account_id.size() != 12 ||
      !std::all_of(c.account_id.begin(), c.account_id.end(),
                   [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
    *error = "account id must be 12 digits, got '" + c.account_id + "'";
    return false;
  }
  if (c.region.empty() || !std::all_of(c.region.begin(), c.region.end(), [](char ch) {
        return std::islower(static_cast<unsigned char>(ch)) ||
               std::isdigit(static_cast<unsigned char>(ch)) || ch == '-';
      })) {
    *error = "region must look like us-east-1, got '" + c.region + "'";
    return false;
  }
  if (c.fsync != "always" && c.fsync != "batch" && c.fsync != "never") {
    *error = "fsync must be always, batch or never, got '" + c.fsync + "'";
    return false;
  }
  if (!c.in_memory && c.data_dir.empty()) {
    *error = "a data directory is required (or --in-memory)";
    return false;
  }
  if (!IsLoopbackHost(c.listen_host)) {
    if (c.insecure_no_auth) {
      *error = "refusing to listen on " + c.listen_host +
               " without authentication: --insecure-no-auth is for loopback addresses only";
      return false;
    }
    if (!c.root_secret_access_key.empty() && c.root_secret_access_key.size() < 20) {
      *error = "refusing to listen on " + c.listen_host +
               " with a development root key (SPOOL_ROOT_SECRET_ACCESS_KEY shorter than 20 "
               "characters): use a real secret, or the generated one";
      return false;
    }
  }
  return true;
}

}  // namespace spool::server
