// `spool mappings create|list|get|update|enable|disable|delete`.

#include <boost/json.hpp>

#include <charconv>
#include <cstdio>

#include "cli/lambda_verbs.h"

namespace spool::cli {
namespace {

const std::string kMappings = "/2015-03-31/event-source-mappings/";

void PrintSummary(const boost::json::value& m) {
  std::printf("UUID:           %s\n", Member(m, "UUID").c_str());
  std::printf("Function:       %s\n", NameOfArn(Member(m, "FunctionArn")).c_str());
  std::printf("Queue:          %s\n", NameOfArn(Member(m, "EventSourceArn")).c_str());
  std::printf("State:          %s\n", Member(m, "State").c_str());
  std::printf("Batch size:     %s\n", Member(m, "BatchSize").c_str());
  std::printf("Batch window:   %s s\n", Member(m, "MaximumBatchingWindowInSeconds").c_str());
  bool partial =
      Member(m, "FunctionResponseTypes").find("ReportBatchItemFailures") != std::string::npos;
  std::printf("Item failures:  %s\n", partial ? "reported" : "whole batch");
  if (const auto* s = m.is_object() ? m.get_object().if_contains("ScalingConfig") : nullptr) {
    std::printf("Concurrency:    at most %s\n", Member(*s, "MaximumConcurrency").c_str());
  }
  if (const auto* b = m.is_object() ? m.get_object().if_contains("SpoolRetryBackoff") : nullptr) {
    std::printf("Retry backoff:  %s..%s s\n", Member(*b, "BaseSeconds").c_str(),
                Member(*b, "MaxSeconds").c_str());
  }
  if (const auto* fc = m.is_object() ? m.get_object().if_contains("FilterCriteria") : nullptr;
      fc != nullptr && fc->is_object()) {
    if (const auto* fs = fc->get_object().if_contains("Filters"); fs && fs->is_array()) {
      for (const auto& f : fs->get_array()) {
        std::printf("Filter:         %s\n", Member(f, "Pattern").c_str());
      }
    }
  }
  if (const auto* st = m.is_object() ? m.get_object().if_contains("SpoolStatus") : nullptr) {
    std::printf("Polling:        %s, %s of %s batches at work\n", Member(*st, "State").c_str(),
                Member(*st, "ActiveBatches").c_str(), Member(*st, "TargetConcurrency").c_str());
    std::printf("Messages:       %s received, %s filtered out, %s deleted\n",
                Member(*st, "Received").c_str(), Member(*st, "FilteredOut").c_str(),
                Member(*st, "Deleted").c_str());
    std::printf("Invocations:    %s (%s succeeded, %s failed, %s partly)\n",
                Member(*st, "Invocations").c_str(), Member(*st, "Succeeded").c_str(),
                Member(*st, "Failed").c_str(), Member(*st, "Partial").c_str());
    std::printf("Overhead:       p50 %s us, p99 %s us per invocation\n",
                Member(*st, "OverheadMicrosP50").c_str(), Member(*st, "OverheadMicrosP99").c_str());
  }
  if (std::string last = Member(m, "LastProcessingResult"); !last.empty()) {
    std::printf("Last result:    %s\n", last.c_str());
  }
}

int Print(const LambdaFlags& flags, const std::string& body) {
  if (flags.json) {
    std::printf("%s\n", body.c_str());
  } else {
    PrintSummary(JsonOf(body));
  }
  return 0;
}

// The members of Create/UpdateEventSourceMapping the flags give; false after printing the
// error when one is malformed.
bool MembersOf(const LambdaFlags& flags, boost::json::object* body) {
  if (flags.has("--batch-size")) (*body)["BatchSize"] = flags.batch_size;
  if (flags.has("--batching-window")) {
    (*body)["MaximumBatchingWindowInSeconds"] = flags.batching_window;
  }
  if (flags.report_failures) {
    (*body)["FunctionResponseTypes"] = boost::json::array{"ReportBatchItemFailures"};
  } else if (flags.no_report_failures) {
    (*body)["FunctionResponseTypes"] = boost::json::array();
  }
  if (flags.has("--max-concurrency")) {
    (*body)["ScalingConfig"] = boost::json::object{{"MaximumConcurrency", flags.max_concurrency}};
  }
  if (flags.has("--filter") || flags.no_filters) {
    boost::json::array filters;
    for (const auto& p : flags.filters) filters.push_back(boost::json::object{{"Pattern", p}});
    (*body)["FilterCriteria"] = boost::json::object{{"Filters", std::move(filters)}};
  }
  if (flags.has("--retry-backoff")) {
    const std::string& text = flags.retry_backoff;
    size_t colon = text.find(':');
    int64_t base = 0, max = 0;
    bool ok = colon != std::string::npos;
    if (ok) {
      auto a = std::from_chars(text.data(), text.data() + colon, base);
      auto b = std::from_chars(text.data() + colon + 1, text.data() + text.size(), max);
      ok = a.ec == std::errc() && a.ptr == text.data() + colon && b.ec == std::errc() &&
           b.ptr == text.data() + text.size();
    }
    if (!ok) {
      UsageError("--retry-backoff wants BASE:MAX seconds, e.g. 5:900; got '" + text + "'");
      return false;
    }
    (*body)["SpoolRetryBackoff"] = boost::json::object{{"BaseSeconds", base}, {"MaxSeconds", max}};
  } else if (flags.no_retry_backoff) {
    (*body)["SpoolRetryBackoff"] = nullptr;
  }
  return true;
}

int Create(const LambdaClient& client, const LambdaFlags& flags) {
  if (!flags.args.empty() || !flags.has("--queue") || !flags.has("--function")) {
    return UsageError(
        "usage: spool mappings create --queue Q --function F [--batch-size N] "
        "[--batching-window S] [--report-batch-item-failures] [--max-concurrency N] "
        "[--filter PATTERN]... [--retry-backoff BASE:MAX] [--disabled]");
  }
  boost::json::object body{{"FunctionName", flags.function}};
  if (!MembersOf(flags, &body)) return 2;
  int code = 0;
  auto arn = client.QueueArn(flags.queue, &code);
  if (!arn) return code;
  body["EventSourceArn"] = *arn;
  if (flags.disabled) body["Enabled"] = false;
  HttpReply r = client.Call("POST", kMappings, "", boost::json::serialize(body));
  if (!Succeeded(r, &code)) return code;
  return Print(flags, r.body);
}

int List(const LambdaClient& client, const LambdaFlags& flags) {
  int code = 0;
  std::vector<std::pair<std::string, std::string>> filter;
  if (flags.has("--function")) filter.emplace_back("FunctionName", flags.function);
  if (flags.has("--queue")) {
    auto arn = client.QueueArn(flags.queue, &code);
    if (!arn) return code;
    filter.emplace_back("EventSourceArn", *arn);
  }
  boost::json::array all;
  std::string marker;
  do {
    auto q = filter;
    q.emplace_back("MaxItems", "1000");
    if (!marker.empty()) q.emplace_back("Marker", marker);
    HttpReply r = client.Call("GET", kMappings, QueryOf(q));
    if (!Succeeded(r, &code)) return code;
    boost::json::value v = JsonOf(r.body);
    const auto* ms = v.is_object() ? v.get_object().if_contains("EventSourceMappings") : nullptr;
    if (ms != nullptr && ms->is_array()) {
      for (const auto& m : ms->get_array()) all.push_back(m);
    }
    marker = Member(v, "NextMarker");
  } while (!marker.empty());
  if (flags.json) {
    std::printf("%s\n",
                boost::json::serialize(boost::json::object{{"EventSourceMappings", all}}).c_str());
    return 0;
  }
  std::printf("%-36s  %-24s %-24s %-8s %6s\n", "UUID", "FUNCTION", "QUEUE", "STATE", "BATCH");
  for (const auto& m : all) {
    std::printf("%-36s  %-24s %-24s %-8s %6s\n", Member(m, "UUID").c_str(),
                NameOfArn(Member(m, "FunctionArn")).c_str(),
                NameOfArn(Member(m, "EventSourceArn")).c_str(), Member(m, "State").c_str(),
                Member(m, "BatchSize").c_str());
  }
  return 0;
}

}  // namespace

int RunMappingVerb(const LambdaClient& client, const LambdaFlags& flags) {
  const std::string& verb = flags.verb;
  if (verb == "create") return Create(client, flags);
  if (verb == "list") {
    if (!flags.args.empty())
      return UsageError("usage: spool mappings list [--function F] [--queue Q]");
    return List(client, flags);
  }
  if (verb != "get" && verb != "update" && verb != "enable" && verb != "disable" &&
      verb != "delete") {
    return UsageError("unknown verb '" + verb +
                      "' (create, list, get, update, enable, disable, delete)");
  }
  if (flags.args.size() != 1) return UsageError("usage: spool mappings " + verb + " UUID");
  const std::string path = kMappings + flags.args[0];
  int code = 0;
  HttpReply r;
  if (verb == "get") {
    r = client.Call("GET", path);
  } else if (verb == "delete") {
    r = client.Call("DELETE", path);
  } else {
    boost::json::object body;
    if (verb == "enable" || verb == "disable") {
      body["Enabled"] = verb == "enable";
    } else {
      if (!MembersOf(flags, &body)) return 2;
      if (flags.has("--function")) body["FunctionName"] = flags.function;
      if (flags.disabled) body["Enabled"] = false;
      if (body.empty()) {
        return UsageError("spool mappings update UUID: give at least one setting to change");
      }
    }
    r = client.Call("PUT", path, "", boost::json::serialize(body));
  }
  if (!Succeeded(r, &code)) return code;
  if (verb == "delete" && !flags.json) return 0;
  return Print(flags, r.body);
}

}  // namespace spool::cli
