#include "cli/lambda_client.h"

#include <boost/json.hpp>

#include <cstdio>

#include "auth/canonical.h"

namespace spool::cli {

HttpReply LambdaClient::Call(const std::string& method, const std::string& path,
                             const std::string& query, const std::string& body,
                             std::vector<std::pair<std::string, std::string>> headers,
                             int timeout_seconds) const {
  SignedRequest request;
  request.service = "lambda";
  request.method = method;
  request.path = auth::UriEncode(path, true);
  request.query = query;
  request.headers = std::move(headers);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  request.timeout_seconds = timeout_seconds;
  return SendSigned(settings_, request);
}

std::optional<std::string> LambdaClient::QueueArn(const std::string& queue, int* exit_code) const {
  if (queue.starts_with("arn:")) return queue;
  SignedRequest request;
  request.service = "sqs";
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "AmazonSQS.GetQueueUrl"}};
  request.body = boost::json::serialize(boost::json::object{{"QueueName", queue}});
  HttpReply r = SendSigned(settings_, request);
  if (r.status == 0) {
    std::fprintf(stderr, "spool: %s\n", r.body.c_str());
    *exit_code = 2;
    return std::nullopt;
  }
  boost::json::value v = JsonOf(r.body);
  const auto* url = v.is_object() ? v.get_object().if_contains("QueueUrl") : nullptr;
  if (r.status != 200 || url == nullptr || !url->is_string()) {
    const auto* message = v.is_object() ? v.get_object().if_contains("message") : nullptr;
    std::fprintf(
        stderr, "spool: queue %s: %s\n", queue.c_str(),
        message != nullptr && message->is_string() ? message->get_string().c_str() : "not found");
    *exit_code = 1;
    return std::nullopt;
  }
  // http://HOST/ACCOUNT/NAME
  std::string text(url->get_string());
  size_t name_at = text.rfind('/');
  size_t account_at = text.rfind('/', name_at - 1);
  std::string account = text.substr(account_at + 1, name_at - account_at - 1);
  return "arn:aws:sqs:" + settings_.region + ":" + account + ":" + queue;
}

bool Succeeded(const HttpReply& reply, int* exit_code) {
  if (reply.status == 0) {
    std::fprintf(stderr, "spool: %s\n", reply.body.c_str());
    *exit_code = 2;
    return false;
  }
  if (reply.status >= 200 && reply.status < 300) return true;
  std::string code = reply.Header("X-Amzn-ErrorType");
  std::string message = reply.body;
  boost::json::value v = JsonOf(reply.body);
  if (v.is_object()) {
    for (const char* key : {"message", "Message"}) {
      if (const auto* m = v.get_object().if_contains(key); m != nullptr && m->is_string()) {
        message = std::string(m->get_string());
      }
    }
  }
  if (code.empty()) code = "HTTP " + std::to_string(reply.status);
  std::fprintf(stderr, "spool: %s: %s\n", code.c_str(), message.c_str());
  *exit_code = 1;
  return false;
}

boost::json::value JsonOf(const std::string& body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return boost::json::object();
  return v;
}

std::string QueryOf(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += auth::UriEncode(k, false) + "=" + auth::UriEncode(v, false);
  }
  return out;
}

}  // namespace spool::cli
