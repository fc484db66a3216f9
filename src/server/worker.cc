#include "server/worker.h"

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "cli/iam_client.h"
#include "common/log.h"
#include "logs/log_store.h"
#include "server/process_setup.h"
#include "workers/code_store.h"
#include "workers/http_transport.h"
#include "workers/service.h"

namespace spool::server {
namespace json = boost::json;
using common::Log;
using common::LogLevel;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const json::object& o, std::string_view key, int64_t fallback) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return fallback;
}

std::string AfterLastColon(const std::string& arn) {
  auto c = arn.rfind(':');
  return c == std::string::npos ? arn : arn.substr(c + 1);
}

// A GET on the Lambda API, parsed; nullopt (and a log line) on failure.
std::optional<json::object> Get(workers::HttpTransport& http, const std::string& target) {
  auto reply = http.Request("GET", target, "lambda", "");
  if (reply.status != 200) {
    Log(LogLevel::kWarn, "worker_catalog_failed",
        {{"target", target}, {"status", std::to_string(reply.status)}, {"body", reply.body}});
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// The code directory of a function deployed as a package: the copy in `code` when this host
// has the archive already, else the archive downloaded from Code.Location (a signed GET),
// checked against CodeSha256 and unpacked. "" (and a log line) when that fails.
std::string FetchPackage(workers::HttpTransport& http, const workers::CodeStore& code,
                         const std::string& name, const std::string& sha256,
                         const std::string& location) {
  if (auto found = code.Find(name, sha256)) return found->code_dir;
  // Location is http://HOST/PATH on the server this worker talks to: the path is enough.
  std::string target = location;
  if (auto scheme = target.find("://"); scheme != std::string::npos) {
    auto slash = target.find('/', scheme + 3);
    target = slash == std::string::npos ? "/" : target.substr(slash);
  }
  auto reply = http.Request("GET", target, "lambda", "");
  std::string problem;
  if (reply.status != 200) {
    problem = "status " + std::to_string(reply.status);
  } else if (workers::PackageSha256(reply.body) != sha256) {
    problem = "the archive does not match CodeSha256 " + sha256;
  } else {
    bool bad_archive = false;
    if (auto installed = code.Install(name, reply.body, &bad_archive, &problem)) {
      return installed->code_dir;
    }
  }
  Log(LogLevel::kWarn, "worker_code_failed",
      {{"function", name}, {"location", location}, {"error", problem}});
  return "";
}

// Functions and mappings as the server's Lambda API shows them; packages are fetched into
// `code`.
std::optional<workers::RegistrySnapshot> ReadCatalog(workers::HttpTransport& http,
                                                     const workers::CodeStore& code) {
  workers::RegistrySnapshot snapshot;
  std::string marker;
  do {
    auto page = Get(http, "/2015-03-31/functions/" + (marker.empty() ? "" : "?Marker=" + marker));
    if (!page) return std::nullopt;
    marker = Str(*page, "NextMarker");
    auto* list = page->if_contains("Functions");
    if (list == nullptr || !list->is_array()) break;
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) continue;
      std::string name = Str(item.as_object(), "FunctionName");
      auto full = Get(http, "/2015-03-31/functions/" + name);
      if (!full) return std::nullopt;
      auto* c = full->if_contains("Configuration");
      if (c == nullptr || !c->is_object()) continue;
      const auto& conf = c->as_object();
      workers::FunctionConfig f;
      f.name = name;
      auto runtime = workers::ParseRuntime(Str(conf, "Runtime"));
      if (!runtime) continue;
      f.runtime = *runtime;
      f.handler = Str(conf, "Handler");
      f.timeout_seconds = Int(conf, "Timeout", 3);
      f.memory_mb = Int(conf, "MemorySize", 128);
      f.revision_id = Str(conf, "RevisionId");
      f.description = Str(conf, "Description");
      if (auto* env = conf.if_contains("Environment"); env && env->is_object()) {
        if (auto* vars = env->as_object().if_contains("Variables"); vars && vars->is_object()) {
          for (const auto& [k, v] : vars->as_object()) {
            if (v.is_string()) f.environment[k] = std::string(v.as_string());
          }
        }
      }
      if (auto* c = full->if_contains("Code"); c && c->is_object()) {
        f.code_dir = Str(c->as_object(), "Location");
        if (Str(c->as_object(), "RepositoryType") == "S3") {
          f.code_sha256 = Str(conf, "CodeSha256");
          f.code_dir = FetchPackage(http, code, name, f.code_sha256, f.code_dir);
          if (f.code_dir.empty()) return std::nullopt;  // tried again at the next refresh
        }
      }
      if (auto* conc = full->if_contains("Concurrency"); conc && conc->is_object()) {
        if (conc->as_object().contains("ReservedConcurrentExecutions")) {
          f.reserved_concurrency = Int(conc->as_object(), "ReservedConcurrentExecutions", 0);
        }
      }
      snapshot.functions.push_back(std::move(f));
    }
  } while (!marker.empty());
  marker.clear();
  do {
    auto page = Get(
        http, "/2015-03-31/event-source-mappings/" + (marker.empty() ? "" : "?Marker=" + marker));
    if (!page) return std::nullopt;
    marker = Str(*page, "NextMarker");
    auto* list = page->if_contains("EventSourceMappings");
    if (list == nullptr || !list->is_array()) break;
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) continue;
      const auto& o = item.as_object();
      workers::MappingConfig m;
      m.uuid = Str(o, "UUID");
      m.function_name = AfterLastColon(Str(o, "FunctionArn"));
      m.queue_name = AfterLastColon(Str(o, "EventSourceArn"));
      m.batch_size = Int(o, "BatchSize", 10);
      m.batching_window_seconds = Int(o, "MaximumBatchingWindowInSeconds", 0);
      std::string state = Str(o, "State");
      m.enabled =
          state == "Enabled" || state == "Enabling" || state == "Creating" || state == "Updating";
      if (auto* types = o.if_contains("FunctionResponseTypes"); types && types->is_array()) {
        for (const auto& t : types->as_array()) {
          if (t.is_string() && t.as_string() == "ReportBatchItemFailures") {
            m.report_batch_item_failures = true;
          }
        }
      }
      if (auto* s = o.if_contains("ScalingConfig"); s && s->is_object()) {
        if (s->as_object().contains("MaximumConcurrency")) {
          m.maximum_concurrency = Int(s->as_object(), "MaximumConcurrency", 2);
        }
      }
      if (auto* fc = o.if_contains("FilterCriteria"); fc && fc->is_object()) {
        if (auto* fl = fc->as_object().if_contains("Filters"); fl && fl->is_array()) {
          for (const auto& f : fl->as_array()) {
            if (f.is_object()) m.filter_patterns.push_back(Str(f.as_object(), "Pattern"));
          }
        }
      }
      if (auto* b = o.if_contains("SpoolRetryBackoff"); b && b->is_object()) {
        m.retry_backoff = workers::RetryBackoff{Int(b->as_object(), "BaseSeconds", 5),
                                                Int(b->as_object(), "MaxSeconds", 900)};
      }
      // A change anywhere restarts the mapping's poller (the service compares this).
      m.last_modified_ms = static_cast<int64_t>(std::hash<std::string>{}(json::serialize(o)));
      snapshot.mappings.push_back(std::move(m));
    }
  } while (!marker.empty());
  return snapshot;
}

}  // namespace

int RunWorker(const WorkerConfig& config) {
  sigset_t signals = TakeStopSignals();

  cli::ClientSettings settings;
  std::string error;
  if (!cli::LoadSettings(config.endpoint, &settings, &error)) {
    std::fprintf(stderr, "spool worker: %s\n", error.c_str());
    return 2;
  }
  workers::HttpEndpoint endpoint;
  if (!workers::ParseHttpEndpoint(settings.endpoint, &endpoint, &error)) {
    std::fprintf(stderr, "spool worker: %s\n", error.c_str());
    return 2;
  }
  // Receives and settles in flight: one per batch slot and one more for each, plus the scaler.
  auto transport =
      std::make_unique<workers::HttpTransport>(endpoint, settings.credentials, settings.region,
                                               static_cast<int>(config.concurrency * 2 + 4));
  workers::HttpTransport& http = *transport;
  logs::LogStoreOptions log_options;
  log_options.dir = config.data_dir;
  auto log_store = logs::LogStore::Open(log_options, &error);
  if (!log_store) {
    std::fprintf(stderr, "spool worker: %s\n", error.c_str());
    return 1;
  }
  workers::ServiceOptions options;
  options.runtime.region = settings.region;
  options.runtime.sqs_endpoint = settings.endpoint;
  options.runtime.spool_binary = SelfPath();
  std::string runtime_dir = config.data_dir.empty()
                                ? (std::filesystem::temp_directory_path() /
                                   ("spool-worker-runtime-" + std::to_string(getpid())))
                                      .string()
                                : std::filesystem::absolute(config.data_dir + "/runtime").string();
  options.runtime.bootstrap_dir = runtime_dir;
  options.default_concurrency = config.concurrency;
  options.idle_timeout = std::chrono::seconds(config.idle_seconds);
  options.only_functions = config.functions;
  options.code_overrides = config.code_dirs;
  if (!workers::WriteBootstraps(runtime_dir, &error)) {
    std::fprintf(stderr, "spool worker: %s\n", error.c_str());
    return 1;
  }
  // Functions deployed as packages are downloaded and unpacked here.
  std::string code_root = config.data_dir.empty()
                              ? (std::filesystem::temp_directory_path() /
                                 ("spool-worker-code-" + std::to_string(getpid())))
                                    .string()
                              : std::filesystem::absolute(config.data_dir + "/functions").string();
  auto code = workers::CodeStore::Open(code_root, &error);
  if (!code) {
    std::fprintf(stderr, "spool worker: %s\n", error.c_str());
    return 1;
  }
  // The account id is in the queue ARNs the server hands out; function ARNs use it too.
  options.runtime.account_id = "000000000000";
  auto first = ReadCatalog(http, *code);
  if (!first) {
    std::fprintf(stderr, "spool worker: cannot read the functions of %s (see the log above)\n",
                 settings.endpoint.c_str());
    return 1;
  }
  auto service_owner = std::make_unique<workers::Service>(options, &http, log_store.get());
  workers::Service& service = *service_owner;
  service.Start();
  service.Apply(*first);
  std::printf("spool worker: %zu function(s), %zu mapping(s) from %s\n", first->functions.size(),
              first->mappings.size(), settings.endpoint.c_str());
  std::fflush(stdout);

  // Prints what the functions write, and re-reads the catalog, until a signal.
  std::atomic<bool> stop{false};
  std::thread printer([&] {
    std::map<std::string, uint64_t> seen;
    auto last_refresh = std::chrono::steady_clock::now();
    while (!stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      for (const auto& group : log_store->Groups()) {
        logs::LogQuery q;
        q.after_sequence = seen[group];
        for (const auto& e : log_store->Read(group, q)) {
          seen[group] = e.sequence;
          std::printf("%s %s\n", group.c_str(), e.message.c_str());
        }
      }
      std::fflush(stdout);
      if (std::chrono::steady_clock::now() - last_refresh >
          std::chrono::seconds(config.refresh_seconds)) {
        last_refresh = std::chrono::steady_clock::now();
        if (auto snapshot = ReadCatalog(http, *code)) service.Apply(std::move(*snapshot));
      }
    }
  });
  int sig = 0;
  sigwait(&signals, &sig);
  stop = true;
  printer.join();
  service.BeginStop();  // no more batches
  http.Abort();         // receives waiting on the server end now
  service.Stop();       // batches in progress finish, environments stop
  // The transport's threads end before the service's io_context goes: a call still finishing
  // posts its completion into it.
  transport.reset();
  service_owner.reset();
  if (config.data_dir.empty()) {
    std::filesystem::remove_all(runtime_dir);
    std::filesystem::remove_all(code_root);
  }
  return 0;
}

}  // namespace spool::server
