#include "workers/exec_runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace spool::workers {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct RuntimeClient {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  std::string host, port;

  bool Connect() {
    boost::system::error_code ec;
    if (socket.is_open()) return true;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return false;
    asio::connect(socket, endpoints, ec);
    return !ec;
  }

  bool Send(http::request<http::string_body>& req, http::response<http::string_body>* res) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!Connect()) return false;
      req.set(http::field::host, host + ":" + port);
      req.prepare_payload();
      boost::system::error_code ec;
      http::write(socket, req, ec);
      if (!ec) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(7 * 1024 * 1024);
        http::read(socket, buffer, parser, ec);
        if (!ec) {
          *res = parser.release();
          return true;
        }
      }
      boost::system::error_code ignored;
      socket.close(ignored);
      buffer.clear();
    }
    return false;
  }
};

struct RunResult {
  std::string out;
  int status = 0;
};

// Runs the handler with `input` on stdin; stdout collected, stderr inherited.
RunResult RunHandler(const std::string& program, const std::string& input,
                     const std::vector<std::string>& extra_env) {
  RunResult result;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    result.status = -1;
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::vector<std::string> env_strings(extra_env);
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string prog = program;
  char* argv[] = {prog.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, prog.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    std::fprintf(stderr, "exec-runtime: cannot run %s: %s\n", program.c_str(), std::strerror(rc));
    close(in[1]);
    close(out[0]);
    result.status = 127 << 8;
    return result;
  }
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  size_t written = 0;
  bool in_open = true;
  if (input.empty()) {
    close(in[1]);
    in_open = false;
  }
  char buf[65536];
  for (;;) {
    pollfd fds[2] = {{out[0], POLLIN, 0}, {in_open ? in[1] : -1, POLLOUT, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in_open && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) written = input.size();
      if (written == input.size()) {
        close(in[1]);
        in_open = false;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      result.out.append(buf, static_cast<size_t>(n));
    }
  }
  if (in_open) close(in[1]);
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = status;
  return result;
}

}  // namespace

int RunExecRuntime() {
  // A handler that exits without reading its whole event must not kill this runtime.
  signal(SIGPIPE, SIG_IGN);
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  const char* handler = std::getenv("_HANDLER");
  const char* root = std::getenv("LAMBDA_TASK_ROOT");
  if (api == nullptr || handler == nullptr) {
    std::fprintf(stderr, "exec-runtime: AWS_LAMBDA_RUNTIME_API and _HANDLER must be set\n");
    return 1;
  }
  std::string address = api;
  RuntimeClient client;
  auto colon = address.rfind(':');
  client.host = address.substr(0, colon);
  client.port = colon == std::string::npos ? "80" : address.substr(colon + 1);
  std::string program = handler;
  if (!program.starts_with("/"))
    program = std::string(root != nullptr ? root : ".") + "/" + program;
  if (access(program.c_str(), X_OK) != 0) {
    http::request<http::string_body> req{http::verb::post, "/2018-06-01/runtime/init/error", 11};
    req.set("Lambda-Runtime-Function-Error-Type", "Runtime.HandlerNotFound");
    req.set(http::field::content_type, "application/json");
    req.body() = boost::json::serialize(boost::json::object{
        {"errorType", "Runtime.HandlerNotFound"},
        {"errorMessage",
         std::string(handler) + " is not an executable file in the code directory"}});
    http::response<http::string_body> res;
    client.Send(req, &res);
    return 1;
  }
  for (;;) {
    http::request<http::string_body> next{http::verb::get, "/2018-06-01/runtime/invocation/next",
                                          11};
    http::response<http::string_body> event;
    if (!client.Send(next, &event) || event.result_int() != 200) return 1;
    std::string id(event["Lambda-Runtime-Aws-Request-Id"]);
    std::vector<std::string> env = {
        "AWS_LAMBDA_REQUEST_ID=" + id,
        "AWS_LAMBDA_DEADLINE_MS=" + std::string(event["Lambda-Runtime-Deadline-Ms"]),
        "_X_AMZN_TRACE_ID=" + std::string(event["Lambda-Runtime-Trace-Id"])};
    RunResult run = RunHandler(program, event.body(), env);
    http::request<http::string_body> post;
    post.version(11);
    post.method(http::verb::post);
    post.set(http::field::content_type, "application/json");
    if (WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) {
      post.target("/2018-06-01/runtime/invocation/" + id + "/response");
      post.body() = std::move(run.out);
    } else {
      std::string why = WIFEXITED(run.status)
                            ? "exit status " + std::to_string(WEXITSTATUS(run.status))
                            : "signal " + std::to_string(WTERMSIG(run.status));
      post.target("/2018-06-01/runtime/invocation/" + id + "/error");
      post.set("Lambda-Runtime-Function-Error-Type", "Function.ExitError");
      post.body() = boost::json::serialize(boost::json::object{
          {"errorType", "Function.ExitError"},
          {"errorMessage", program.substr(program.rfind('/') + 1) + " failed: " + why},
          {"stackTrace", boost::json::array()}});
    }
    http::response<http::string_body> ack;
    if (!client.Send(post, &ack)) return 1;
  }
}

}  // namespace spool::workers
