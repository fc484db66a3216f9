// `spool functions create|list|get|update|delete|invoke`.

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/lambda_verbs.h"
#include "common/encoding.h"

namespace spool::cli {

int UsageError(const std::string& text) {
  std::fprintf(stderr, "spool: %s\n", text.c_str());
  return 2;
}

std::string Member(const boost::json::value& object, const char* key) {
  if (!object.is_object()) return "";
  const auto* v = object.get_object().if_contains(key);
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return std::string(v->get_string());
  return boost::json::serialize(*v);
}

std::string NameOfArn(const std::string& arn) {
  size_t colon = arn.rfind(':');
  return colon == std::string::npos ? arn : arn.substr(colon + 1);
}

namespace {

const char* kFunctions = "/2015-03-31/functions/";

void PrintSummary(const boost::json::value& config, const boost::json::value* concurrency) {
  std::printf("Name:         %s\n", Member(config, "FunctionName").c_str());
  std::printf("ARN:          %s\n", Member(config, "FunctionArn").c_str());
  std::printf("Runtime:      %s\n", Member(config, "Runtime").c_str());
  std::printf("Handler:      %s\n", Member(config, "Handler").c_str());
  std::printf("Timeout:      %s s\n", Member(config, "Timeout").c_str());
  std::printf("Memory:       %s MB\n", Member(config, "MemorySize").c_str());
  if (std::string sha = Member(config, "CodeSha256"); !sha.empty()) {
    std::printf("Package:      %s bytes, SHA-256 %s\n", Member(config, "CodeSize").c_str(),
                sha.c_str());
  }
  if (std::string d = Member(config, "Description"); !d.empty()) {
    std::printf("Description:  %s\n", d.c_str());
  }
  if (config.is_object()) {
    if (const auto* env = config.get_object().if_contains("Environment");
        env != nullptr && env->is_object()) {
      if (const auto* vars = env->get_object().if_contains("Variables");
          vars != nullptr && vars->is_object()) {
        for (const auto& [k, v] : vars->get_object()) {
          std::printf("Environment:  %s=%s\n", std::string(k).c_str(),
                      v.is_string() ? v.get_string().c_str() : "");
        }
      }
    }
  }
  if (concurrency != nullptr) {
    std::printf("Concurrency:  %s (reserved)\n",
                Member(*concurrency, "ReservedConcurrentExecutions").c_str());
  }
  std::printf("Modified:     %s\n", Member(config, "LastModified").c_str());
}

// GET the function and print it (the summary or the JSON).
int Show(const LambdaClient& client, const LambdaFlags& flags, const std::string& name) {
  int code = 0;
  HttpReply r = client.Call("GET", kFunctions + name);
  if (!Succeeded(r, &code)) return code;
  if (flags.json) {
    std::printf("%s\n", r.body.c_str());
    return 0;
  }
  boost::json::value v = JsonOf(r.body);
  const boost::json::value* config = nullptr;
  const boost::json::value* concurrency = nullptr;
  if (v.is_object()) {
    config = v.get_object().if_contains("Configuration");
    concurrency = v.get_object().if_contains("Concurrency");
  }
  if (config == nullptr) return UsageError("unexpected answer: " + r.body);
  PrintSummary(*config, concurrency);
  if (const auto* where = v.get_object().if_contains("Code")) {
    std::printf("Code:         %s\n", Member(*where, "Location").c_str());
  }
  if (const auto* st = v.get_object().if_contains("SpoolStatus")) {
    std::printf("Environments: %s (%s busy, %s invocations waiting)\n",
                Member(*st, "Environments").c_str(), Member(*st, "Busy").c_str(),
                Member(*st, "Waiting").c_str());
    std::printf("Invocations:  %s (%s errors, %s throttled, %s cold starts)\n",
                Member(*st, "Invocations").c_str(), Member(*st, "Errors").c_str(),
                Member(*st, "Throttles").c_str(), Member(*st, "ColdStarts").c_str());
  }
  return 0;
}

// The members of CreateFunction/UpdateFunctionConfiguration the flags give; false after
// printing the error when one is malformed.
bool ConfigurationOf(const LambdaFlags& flags, boost::json::object* body) {
  if (flags.has("--runtime")) (*body)["Runtime"] = flags.runtime;
  if (flags.has("--handler")) (*body)["Handler"] = flags.handler;
  if (flags.has("--timeout")) (*body)["Timeout"] = flags.timeout;
  if (flags.has("--memory")) (*body)["MemorySize"] = flags.memory;
  if (flags.has("--description")) (*body)["Description"] = flags.description;
  if (flags.has("--env")) {
    boost::json::object variables;
    for (const auto& kv : flags.env) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        UsageError("--env wants NAME=VALUE, got '" + kv + "'");
        return false;
      }
      variables[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    (*body)["Environment"] = boost::json::object{{"Variables", std::move(variables)}};
  }
  return true;
}

std::string AbsoluteDir(const std::string& dir) {
  return std::filesystem::absolute(dir).lexically_normal().string();
}

// The Code member (or UpdateFunctionCode body) that --code DIR or --zip FILE gives; false after
// a usage error.
bool CodeOf(const LambdaFlags& flags, boost::json::object* code) {
  if (flags.has("--code") && flags.has("--zip")) {
    UsageError("give the code either as --code DIR or as --zip FILE, not both");
    return false;
  }
  if (flags.has("--code")) {
    (*code)["SpoolCodeDirectory"] = AbsoluteDir(flags.code);
    return true;
  }
  std::ifstream in(flags.zip, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) {
    UsageError("cannot read the zip archive " + flags.zip);
    return false;
  }
  (*code)["ZipFile"] = common::Base64Encode(bytes.str());
  return true;
}

int PutConcurrency(const LambdaClient& client, const LambdaFlags& flags, const std::string& name) {
  int code = 0;
  std::string body = boost::json::serialize(
      boost::json::object{{"ReservedConcurrentExecutions", flags.concurrency}});
  HttpReply r = client.Call("PUT", "/2017-10-31/functions/" + name + "/concurrency", "", body);
  return Succeeded(r, &code) ? 0 : code;
}

int Create(const LambdaClient& client, const LambdaFlags& flags, const std::string& name) {
  if (!flags.has("--runtime") || !flags.has("--handler") ||
      (!flags.has("--code") && !flags.has("--zip"))) {
    return UsageError(
        "usage: spool functions create NAME --runtime R --handler H (--code DIR | --zip FILE) "
        "[--timeout S] [--memory MB] [--env K=V]... [--concurrency N] [--description D]");
  }
  boost::json::object body{{"FunctionName", name}};
  if (!ConfigurationOf(flags, &body)) return 2;
  boost::json::object code_member;
  if (!CodeOf(flags, &code_member)) return 2;
  body["Code"] = std::move(code_member);
  int code = 0;
  HttpReply r = client.Call("POST", "/2015-03-31/functions", "", boost::json::serialize(body));
  if (!Succeeded(r, &code)) return code;
  if (flags.has("--concurrency")) {
    if (int c = PutConcurrency(client, flags, name); c != 0) return c;
  }
  return Show(client, flags, name);
}

int Update(const LambdaClient& client, const LambdaFlags& flags, const std::string& name) {
  int code = 0;
  boost::json::object body;
  if (!ConfigurationOf(flags, &body)) return 2;
  bool new_code = flags.has("--code") || flags.has("--zip");
  bool any = !body.empty() || new_code || flags.has("--concurrency");
  if (!any) return UsageError("spool functions update NAME: give at least one setting to change");
  if (!body.empty()) {
    HttpReply r =
        client.Call("PUT", kFunctions + name + "/configuration", "", boost::json::serialize(body));
    if (!Succeeded(r, &code)) return code;
  }
  if (new_code) {
    boost::json::object code_body;
    if (!CodeOf(flags, &code_body)) return 2;
    HttpReply r =
        client.Call("PUT", kFunctions + name + "/code", "", boost::json::serialize(code_body));
    if (!Succeeded(r, &code)) return code;
  }
  if (flags.has("--concurrency")) {
    if (int c = PutConcurrency(client, flags, name); c != 0) return c;
  }
  return Show(client, flags, name);
}

int List(const LambdaClient& client, const LambdaFlags& flags) {
  int code = 0;
  boost::json::array all;
  std::string marker;
  do {
    std::vector<std::pair<std::string, std::string>> q = {{"MaxItems", "1000"}};
    if (!marker.empty()) q.emplace_back("Marker", marker);
    HttpReply r = client.Call("GET", kFunctions, QueryOf(q));
    if (!Succeeded(r, &code)) return code;
    boost::json::value v = JsonOf(r.body);
    if (const auto* fs = v.is_object() ? v.get_object().if_contains("Functions") : nullptr;
        fs != nullptr && fs->is_array()) {
      for (const auto& f : fs->get_array()) all.push_back(f);
    }
    marker = Member(v, "NextMarker");
  } while (!marker.empty());
  if (flags.json) {
    std::printf("%s\n", boost::json::serialize(boost::json::object{{"Functions", all}}).c_str());
    return 0;
  }
  std::printf("%-32s %-9s %-24s %8s %7s  %s\n", "NAME", "RUNTIME", "HANDLER", "TIMEOUT", "MEMORY",
              "MODIFIED");
  for (const auto& f : all) {
    std::printf("%-32s %-9s %-24s %7ss %5sMB  %s\n", Member(f, "FunctionName").c_str(),
                Member(f, "Runtime").c_str(), Member(f, "Handler").c_str(),
                Member(f, "Timeout").c_str(), Member(f, "MemorySize").c_str(),
                Member(f, "LastModified").c_str());
  }
  return 0;
}

int Invoke(const LambdaClient& client, const LambdaFlags& flags, const std::string& name) {
  std::string payload = flags.payload;
  if (flags.has("--payload-file")) {
    std::ifstream in(flags.payload_file);
    if (!in) return UsageError("cannot read " + flags.payload_file);
    std::stringstream ss;
    ss << in.rdbuf();
    payload = ss.str();
  }
  if (payload.empty()) payload = "{}";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Amz-Invocation-Type", "RequestResponse"}};
  if (flags.log) headers.emplace_back("X-Amz-Log-Type", "Tail");
  int code = 0;
  // A function may run 900 s; the answer comes when it is done.
  HttpReply r =
      client.Call("POST", kFunctions + name + "/invocations", "", payload, std::move(headers), 960);
  if (!Succeeded(r, &code)) return code;
  if (std::string log = r.Header("X-Amz-Log-Result"); flags.log && !log.empty()) {
    auto text = common::Base64Decode(log);
    std::fprintf(stderr, "%s", text.value_or("").c_str());
    if (text && !text->empty() && text->back() != '\n') std::fprintf(stderr, "\n");
  }
  std::printf("%s\n", r.body.c_str());
  if (std::string error = r.Header("X-Amz-Function-Error"); !error.empty()) {
    std::fprintf(stderr, "spool: the function failed (%s)\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int RunFunctionVerb(const LambdaClient& client, const LambdaFlags& flags) {
  const std::string& verb = flags.verb;
  if (verb == "list") {
    if (!flags.args.empty()) return UsageError("usage: spool functions list");
    return List(client, flags);
  }
  if (verb != "create" && verb != "get" && verb != "update" && verb != "delete" &&
      verb != "invoke") {
    return UsageError("unknown verb '" + verb + "' (create, list, get, update, delete, invoke)");
  }
  if (flags.args.size() != 1) return UsageError("usage: spool functions " + verb + " NAME");
  const std::string& name = flags.args[0];
  if (verb == "create") return Create(client, flags, name);
  if (verb == "get") return Show(client, flags, name);
  if (verb == "update") return Update(client, flags, name);
  if (verb == "invoke") return Invoke(client, flags, name);
  int code = 0;
  return Succeeded(client.Call("DELETE", kFunctions + name), &code) ? 0 : code;
}

}  // namespace spool::cli
