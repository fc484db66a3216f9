#include "server/serve.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include <cstdio>
#include <string>

#include "api/dispatcher.h"
#include "auth/policy.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/thread_scheduler.h"
#include "engine/memory_engine.h"
#include "http/server.h"
#include "iam/identity_store.h"
#include "lambda/lambda_api.h"
#include "logs/log_store.h"
#include "logs/logs_api.h"
#include "secrets/secret_store.h"
#include "secrets/secrets_api.h"
#include "server/data_dir.h"
#include "server/in_process_transport.h"
#include "server/process_setup.h"
#include "storage/log.h"
#include "workers/invoker.h"
#include "workers/registry.h"
#include "workers/service.h"

namespace spool::server {

using common::Log;
using common::LogLevel;

namespace {

// A directory of the server's own files: DATA_DIR/NAME, or with --in-memory a fresh temporary
// directory that goes when the server stops.
class ServerDir {
 public:
  ServerDir(const ServeConfig& config, const std::string& name) {
    if (!config.in_memory) {
      path_ = std::filesystem::absolute(config.data_dir + "/" + name).string();
      return;
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/spool-" + name + "-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
      temporary_ = true;
    } else {
      path_ = std::filesystem::absolute(config.data_dir + "/" + name).string();
    }
  }
  ~ServerDir() {
    std::error_code ec;
    if (temporary_) std::filesystem::remove_all(path_, ec);
  }
  ServerDir(const ServerDir&) = delete;
  ServerDir& operator=(const ServerDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool temporary_ = false;
};

}  // namespace

int RunServe(const ServeConfig& config) {
  // Signals are taken synchronously by this thread; every other thread inherits the mask.
  sigset_t signals = TakeStopSignals();

  common::SystemClock clock;
  common::ThreadScheduler scheduler(&clock);

  engine::EngineOptions engine_options;
  engine_options.scope.region = config.region;
  engine_options.scope.account_id = config.account_id;
  std::string error;
  if (!config.in_memory &&
      !LoadOrCreateReceiptKey(config.data_dir, &engine_options.receipt_secret, &error)) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  engine::MemoryEngine engine(engine_options, &clock, &scheduler);

  // Recovery: replay the journal into the engine before anything is served.
  std::unique_ptr<storage::Log> log;
  if (config.in_memory) {
    Log(LogLevel::kWarn, "in_memory",
        {{"detail", "nothing is stored; a restart loses every message"}});
  } else {
    storage::LogOptions log_options;
    log_options.dir = JournalDir(config.data_dir);
    log_options.sync = ParseSyncMode(config.fsync);
    storage::RecoveryReport report;
    storage::Status status;
    std::string replay_error;
    auto started = std::chrono::steady_clock::now();
    log = storage::Log::Open(
        log_options,
        [&](std::string_view record) {
          if (replay_error.empty() && !engine.Replay(record, &replay_error)) {
            Log(LogLevel::kError, "replay_failed", {{"error", replay_error}});
          }
        },
        &report, &status);
    if (!log || !replay_error.empty()) {
      std::string why = !log ? status.message : replay_error;
      Log(LogLevel::kError, "recovery_failed", {{"error", why}});
      std::fprintf(stderr, "spool: cannot open %s: %s\n", log_options.dir.c_str(), why.c_str());
      return 1;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    Log(LogLevel::kInfo, "recovered",
        {{"data_dir", config.data_dir},
         {"records", std::to_string(report.records)},
         {"segments", std::to_string(report.segments)},
         {"snapshot", report.snapshot},
         {"ms", std::to_string(ms)},
         {"fsync", config.fsync}});
    if (report.truncated_bytes > 0) {
      Log(LogLevel::kWarn, "torn_tail_truncated",
          {{"file", report.truncated_file}, {"bytes", std::to_string(report.truncated_bytes)}});
    }
    engine.AttachLog(log.get());
  }

  // Identities: users, keys and policies (src/iam), beside the journal.
  auto identities = iam::IdentityStore::Open(config.in_memory ? "" : config.data_dir,
                                             config.account_id, &error, &auth::CheckIdentityPolicy);
  if (!identities) {
    Log(LogLevel::kError, "identities_failed", {{"error", error}});
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  {
    std::optional<iam::Credentials> configured;
    if (!config.root_access_key_id.empty()) {
      configured = iam::Credentials{config.root_access_key_id, config.root_secret_access_key};
    }
    bool created = false;
    auto root = identities->EnsureRootKey(configured, &created);
    if (!root.ok()) {
      std::fprintf(stderr, "spool: %s\n", root.error().message.c_str());
      return 1;
    }
    if (created) {
      // Printed once, at the first start of this data directory; never logged.
      std::string where = config.in_memory ? std::string("this process only")
                                           : "kept in " + config.data_dir + "/root-credentials";
      std::printf("Root access key (%s):\n  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n",
                  where.c_str(), root.value().access_key_id.c_str(),
                  root.value().secret_access_key.c_str());
    } else if (!config.in_memory && config.root_access_key_id.empty()) {
      std::printf(
          "Root access key: in %s/root-credentials (an AWS credentials file: "
          "AWS_SHARED_CREDENTIALS_FILE=%s/root-credentials)\n",
          config.data_dir.c_str(), config.data_dir.c_str());
    }
  }

  // Secrets (src/secrets), sealed under DATA_DIR/secrets.key. Deletions whose recovery window
  // has passed are purged hourly (and by any change).
  secrets::StoreOptions secret_options;
  secret_options.dir = config.in_memory ? "" : config.data_dir;
  secret_options.region = config.region;
  secret_options.account_id = config.account_id;
  auto secret_store = secrets::SecretStore::Open(secret_options, &clock, &error);
  if (!secret_store) {
    Log(LogLevel::kError, "secrets_failed", {{"error", error}});
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  std::function<void()> purge_secrets = [&] {
    if (size_t purged = secret_store->PurgeExpired(); purged > 0) {
      Log(LogLevel::kInfo, "secrets_purged", {{"secrets", std::to_string(purged)}});
    }
    scheduler.RunAt(clock.Now() + std::chrono::hours(1), purge_secrets);
  };
  purge_secrets();

  api::ApiOptions api_options;
  api_options.region = config.region;
  api_options.account_id = config.account_id;
  api_options.public_base_url = config.public_url;
  std::unique_ptr<api::Authenticator> authenticator;
  std::unique_ptr<api::Authorizer> authorizer;
  if (config.insecure_no_auth) {
    Log(LogLevel::kWarn, "insecure_no_auth",
        {{"detail", "requests are NOT authenticated: anyone who can connect acts as the root"}});
    std::fprintf(stderr,
                 "spool: WARNING: --insecure-no-auth: signatures are not checked; every request "
                 "acts as the account root. Loopback only; never use this for real data.\n");
  } else {
    authenticator = std::make_unique<api::Authenticator>(identities.get(), &clock);
    authorizer = std::make_unique<api::Authorizer>(identities.get(), &clock);
  }
  api::Dispatcher dispatcher(api_options, &engine, identities.get(), authenticator.get(),
                             authorizer.get());

  // Functions and event source mappings (src/workers) and what they print (src/logs).
  auto registry = workers::Registry::Open(config.in_memory ? "" : config.data_dir, &error);
  if (!registry) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  logs::LogStoreOptions log_store_options;
  log_store_options.dir = config.in_memory ? "" : config.data_dir;
  auto log_store = logs::LogStore::Open(log_store_options, &error);
  if (!log_store) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  // The CloudWatch Logs API over it: IAM users need logs:<Action> on the log group's ARN.
  api::Authorizer* logs_authorizer = authorizer.get();
  logs::LogsApi logs_api(
      log_store.get(), {config.region, config.account_id},
      [logs_authorizer](const api::Principal& p, const std::string& action,
                        const std::string& resource, std::string_view source_ip) {
        if (logs_authorizer == nullptr) return std::optional<std::string>();  // no auth
        return logs_authorizer->CheckIam(p, action, resource, source_ip);
      });
  // Functions' deployment packages (Lambda's ZipFile), unpacked. What no function refers to any
  // more (replaced or deleted code) goes now, while nothing runs it.
  ServerDir code_dir(config, "functions");
  auto code_store = workers::CodeStore::Open(code_dir.path(), &error);
  if (!code_store) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  {
    std::set<std::string> in_use;
    for (const auto& f : registry->Snapshot().functions) {
      if (!f.code_archive.empty()) in_use.insert(f.code_dir);
    }
    if (size_t gone = code_store->Collect(in_use); gone > 0) {
      Log(LogLevel::kInfo, "code_collected", {{"packages", std::to_string(gone)}});
    }
  }
  // The Secrets Manager API: IAM users need secretsmanager:<Action> on the secret's ARN.
  secrets::SecretsApi secrets_api(
      secret_store.get(),
      [logs_authorizer](const api::Principal& p, const std::string& action,
                        const std::string& resource, std::string_view source_ip) {
        if (logs_authorizer == nullptr) return std::optional<std::string>();  // no auth
        return logs_authorizer->CheckIam(p, action, resource, source_ip);
      });
  // The workers run here (unless --no-workers), calling the SQS API in process.
  InProcessTransport transport(&dispatcher, config.account_id, "127.0.0.1");
  ServerDir runtime_dir(config, "runtime");  // outlives the workers
  std::unique_ptr<workers::Service> workers_service;
  if (config.workers) {
    workers::ServiceOptions wo;
    wo.runtime.region = config.region;
    wo.runtime.account_id = config.account_id;
    wo.runtime.spool_binary = SelfPath();
    wo.runtime.bootstrap_dir = runtime_dir.path();
    wo.default_concurrency = config.worker_concurrency;
    wo.idle_timeout = std::chrono::seconds(config.worker_idle_seconds);
    if (!workers::WriteBootstraps(wo.runtime.bootstrap_dir, &error)) {
      std::fprintf(stderr, "spool: %s\n", error.c_str());
      return 1;
    }
    workers_service = std::make_unique<workers::Service>(wo, &transport, log_store.get());
  }
  // The Lambda control API; Invoke runs through the workers service.
  workers::Invoker* invoker = workers_service.get();
  lambda::LambdaApi lambda_api({config.region, config.account_id}, registry.get(), &engine,
                               authorizer.get(), invoker, &*code_store);
  api::ServiceApis service_apis;
  service_apis.lambda = &lambda_api;
  service_apis.logs = &logs_api;
  service_apis.secrets = &secrets_api;
  dispatcher.SetServiceApis(service_apis);

  http::ServerOptions http_options;
  http_options.host = config.listen_host;
  http_options.port = config.listen_port;
  http_options.threads = config.threads;
  http_options.max_upload_body_bytes = lambda::LambdaApi::kMaxUploadBodyBytes;
  http_options.is_upload = &lambda::LambdaApi::IsUpload;
  http::Server server(http_options, &dispatcher);
  if (!server.Start(&error)) {
    Log(LogLevel::kError, "listen_failed", {{"error", error}});
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  std::string host = config.listen_host.find(':') != std::string::npos
                         ? "[" + config.listen_host + "]"
                         : config.listen_host;
  std::string url = "http://" + host + ":" + std::to_string(server.port());
  Log(LogLevel::kInfo, "listening",
      {{"url", url}, {"region", config.region}, {"account_id", config.account_id}});
  std::printf("Spool listening on %s\n", url.c_str());
  std::fflush(stdout);

  if (workers_service) {
    workers_service->SetSqsEndpoint(url);  // AWS_ENDPOINT_URL_SQS for handlers that call back
    workers_service->Start();
    workers::Service* service = workers_service.get();
    workers::Registry* reg = registry.get();
    registry->Subscribe([service, reg] { service->Apply(reg->Snapshot()); });
    service->Apply(registry->Snapshot());
  }

  int sig = 0;
  sigwait(&signals, &sig);
  Log(LogLevel::kInfo, "shutting_down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (workers_service) workers_service->BeginStop();  // mappings take no more batches
  engine.Shutdown();                                  // waiting long polls answer now, empty
  if (workers_service) workers_service->Stop();       // batches in progress end, environments stop
  server.Stop();  // requests in progress finish, then connections close
  scheduler.Stop();
  if (log) log->Close();  // everything acknowledged is already durable; this flushes the rest
  engine.AttachLog(nullptr);
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace spool::server
