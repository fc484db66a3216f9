#pragma once
// ServeConfig: everything `spool serve` can be told, and where it comes from.
// Precedence, highest first: command-line flags, environment variables, the config file
// (TOML), built-in defaults.

#include <cstdint>
#include <optional>
#include <string>

namespace spool::server {

struct ServeConfig {
  std::string listen_host = "127.0.0.1";  // --listen / SPOOL_LISTEN / listen
  uint16_t listen_port = 9324;
  std::string region = "us-east-1";         // --region / SPOOL_REGION / region
  std::string account_id = "000000000000";  // --account-id / SPOOL_ACCOUNT_ID / account_id
  std::string public_url;                   // --public-url / SPOOL_PUBLIC_URL / public_url
  unsigned threads = 0;                     // --threads / SPOOL_THREADS / threads (0: per core)
  std::string log_level = "info";           // --log-level / SPOOL_LOG_LEVEL / log_level
  bool insecure_no_auth = false;            // --insecure-no-auth: loopback only
  std::string data_dir = "spool-data";      // --data-dir / SPOOL_DATA_DIR / data_dir
  bool in_memory = false;                   // --in-memory: no data directory, nothing durable
  std::string fsync = "always";             // --fsync / SPOOL_FSYNC / fsync: always|batch|never
  // Workers (functions and their mappings) run inside the server unless --no-workers (then
  // `spool worker` processes elsewhere run them).
  bool workers = true;
  int64_t worker_concurrency = 10;   // --worker-concurrency: per function and per mapping
  int64_t worker_idle_seconds = 60;  // --worker-idle-timeout: an idle environment is stopped
  // The account root's access key, from SPOOL_ROOT_ACCESS_KEY_ID and
  // SPOOL_ROOT_SECRET_ACCESS_KEY (both or neither). Absent: made at the first start of a data
  // directory and kept there (root-credentials).
  std::string root_access_key_id;
  std::string root_secret_access_key;
};

// Parses "HOST:PORT", "[IPv6]:PORT" or ":PORT". False on anything else.
bool ParseListen(const std::string& text, std::string* host, uint16_t* port);

// Overlays a TOML config file onto *config. Returns false with *error (naming line and column
// for syntax errors) when the file cannot be read or holds an unknown key or a bad value.
bool LoadConfigFile(const std::string& path, ServeConfig* config, std::string* error);

// Overlays SPOOL_* environment variables. Returns false with *error on a bad value.
bool LoadEnvironment(ServeConfig* config, std::string* error);

// Semantic checks: account id of 12 digits, region syntax, loopback unless allowed.
bool ValidateConfig(const ServeConfig& config, std::string* error);

bool IsLoopbackHost(const std::string& host);

}  // namespace spool::server
