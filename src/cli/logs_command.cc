#include "cli/logs_command.h"

#include <CLI/CLI.hpp>

#include <boost/json.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "cli/iam_client.h"
#include "cli/signed_http.h"

namespace spool::cli {
namespace {

namespace json = boost::json;

std::atomic<bool> interrupted{false};

void OnInterrupt(int) { interrupted = true; }

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 2026-01-31T10:00:01.250Z
std::string FormatTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

// Spool's FilterLogEvents continues after an event with the token "f/" + its eventId in 56
// digits (src/logs/README.md), so a follower asks only for what is new.
std::string TokenAfter(uint64_t sequence) {
  std::string digits = std::to_string(sequence);
  return "f/" + std::string(56 - digits.size(), '0') + digits;
}

// The error of a non-200 reply: (type, message).
std::pair<std::string, std::string> ErrorOf(const HttpReply& reply) {
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  std::string type = "HTTP " + std::to_string(reply.status), message = reply.body;
  if (!ec && v.is_object()) {
    const json::object& o = v.get_object();
    if (auto* t = o.if_contains("__type"); t != nullptr && t->is_string()) {
      type = std::string(t->get_string());
      if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    }
    if (auto* m = o.if_contains("message"); m != nullptr && m->is_string()) {
      message = std::string(m->get_string());
    }
  }
  return {type, message};
}

void Print(const json::object& event, bool as_json) {
  if (as_json) {
    std::printf("%s\n", json::serialize(event).c_str());
    return;
  }
  auto text = [&](const char* key) {
    const json::value* v = event.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const json::value* ts = event.if_contains("timestamp");
  int64_t ms = ts != nullptr && ts->is_int64() ? ts->get_int64() : 0;
  std::string message = text("message");
  for (char& c : message) {
    if (c == '\r') c = '\n';
  }
  std::printf("%s %s %s\n", FormatTime(ms).c_str(), text("logStreamName").c_str(), message.c_str());
}

}  // namespace

std::optional<long long> ParseSince(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  long long unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1000;
      break;
    case 'm':
      unit = 60'000;
      break;
    case 'h':
      unit = 3'600'000;
      break;
    case 'd':
      unit = 86'400'000;
      break;
    case 'w':
      unit = 604'800'000;
      break;
    default:
      return std::nullopt;
  }
  long long n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9' || n > 1'000'000'000) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n * unit;
}

void LogsCommand::Register(CLI::App& app) {
  command_ = app.add_subcommand(
      "logs", "Print a function's logs (through the CloudWatch Logs API of a running server).");
  command_->add_option("function", function_, "The function (its log group is /aws/lambda/NAME)")
      ->required();
  command_->add_flag("-f,--follow", follow_, "Keep printing new lines until Ctrl-C");
  command_->add_option("--since", since_,
                       "How far back to start: 30s, 10m, 2h, 1d, 1w (default 10m)");
  command_->add_option("--stream", stream_, "Only log streams whose names start with this");
  command_->add_option("--filter", filter_,
                       "A CloudWatch filter pattern: terms, \"a phrase\", ?any, -not, "
                       "{ $.level = \"ERROR\" }");
  command_->add_flag("--json", json_, "Print each event as the API's JSON, one per line");
  command_->add_option("--endpoint-url", endpoint_,
                       "Spool's endpoint (env SPOOL_ENDPOINT; default http://127.0.0.1:9324)");
}

bool LogsCommand::parsed() const { return command_ != nullptr && command_->parsed(); }

int LogsCommand::Run() {
  auto since = ParseSince(since_);
  if (!since) {
    std::fprintf(stderr, "spool: --since must be a number and a unit (s, m, h, d, w), e.g. 10m\n");
    return 2;
  }
  ClientSettings settings;
  std::string error;
  if (!LoadSettings(endpoint_, &settings, &error)) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 2;
  }
  std::string group = function_.starts_with("/") ? function_ : "/aws/lambda/" + function_;
  const int64_t start = NowMillis() - *since;

  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  action.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
  sigemptyset(&action.sa_mask);
  if (follow_) sigaction(SIGINT, &action, nullptr);

  uint64_t last_seen = 0;  // eventId (Spool: the event's sequence number) of the last one shown
  std::string token;
  bool said_waiting = false;
  while (!interrupted) {
    json::object body{{"logGroupName", group}, {"startTime", start}, {"interleaved", true}};
    if (!stream_.empty()) body["logStreamNamePrefix"] = stream_;
    if (!filter_.empty()) body["filterPattern"] = filter_;
    if (!token.empty()) body["nextToken"] = token;
    SignedRequest request;
    request.service = "logs";
    request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", "Logs_20140328.FilterLogEvents"}};
    request.body = json::serialize(body);
    HttpReply reply = SendSigned(settings, request);
    if (interrupted) break;
    if (reply.status == 0) {
      std::fprintf(stderr, "spool: %s\n", reply.body.c_str());
      return 2;
    }
    bool more = false;
    if (reply.status != 200) {
      auto [type, message] = ErrorOf(reply);
      if (!(follow_ && type == "ResourceNotFoundException")) {
        std::fprintf(stderr, "spool: %s: %s\n", type.c_str(), message.c_str());
        return 1;
      }
      if (!said_waiting) {  // the function has printed nothing yet
        std::fprintf(stderr, "spool: no logs for %s yet; waiting\n", group.c_str());
        said_waiting = true;
      }
    } else {
      boost::system::error_code ec;
      json::value v = json::parse(reply.body, ec);
      if (ec || !v.is_object()) {
        std::fprintf(stderr, "spool: the server's answer is not JSON\n");
        return 1;
      }
      const json::object& page = v.get_object();
      if (const json::value* events = page.if_contains("events"); events && events->is_array()) {
        for (const json::value& e : events->get_array()) {
          if (!e.is_object()) continue;
          const json::value* id = e.get_object().if_contains("eventId");
          uint64_t sequence = 0;
          if (id != nullptr && id->is_string()) {
            sequence = std::strtoull(std::string(id->get_string()).c_str(), nullptr, 10);
          }
          if (sequence != 0 && sequence <= last_seen) continue;
          Print(e.get_object(), json_);
          last_seen = std::max(last_seen, sequence);
        }
      }
      std::fflush(stdout);
      const json::value* next = page.if_contains("nextToken");
      more = next != nullptr && next->is_string();
      token = more ? std::string(next->get_string())
                   : (last_seen > 0 ? TokenAfter(last_seen) : std::string());
    }
    if (more) continue;
    if (!follow_) break;
    for (int i = 0; i < 10 && !interrupted; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return 0;
}

}  // namespace spool::cli
