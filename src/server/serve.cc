#include "server/serve.h"

#include <signal.h>

#include <cstdio>
#include <string>

#include "api/dispatcher.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/thread_scheduler.h"
#include "engine/memory_engine.h"
#include "http/server.h"

namespace spool::server {

using common::Log;
using common::LogLevel;

int RunServe(const ServeConfig& config) {
  // Signals are taken synchronously by this thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  common::SystemClock clock;
  common::ThreadScheduler scheduler(&clock);

  engine::EngineOptions engine_options;
  engine_options.scope.region = config.region;
  engine_options.scope.account_id = config.account_id;
  engine::MemoryEngine engine(engine_options, &clock, &scheduler);

  api::ApiOptions api_options;
  api_options.region = config.region;
  api_options.account_id = config.account_id;
  api_options.public_base_url = config.public_url;
  api::Dispatcher dispatcher(api_options, &engine);

  http::ServerOptions http_options;
  http_options.host = config.listen_host;
  http_options.port = config.listen_port;
  http_options.threads = config.threads;
  http::Server server(http_options, &dispatcher);
  std::string error;
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

  int sig = 0;
  sigwait(&signals, &sig);
  Log(LogLevel::kInfo, "shutting_down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  engine.Shutdown();  // waiting long polls answer now, empty
  server.Stop();      // requests in progress finish, then connections close
  scheduler.Stop();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace spool::server
