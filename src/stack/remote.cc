#include "stack/remote.h"

#include "cli/iam_client.h"
#include "cli/lambda_client.h"
#include "cli/signed_http.h"

namespace spool::stack {
namespace {

namespace json = boost::json;

// A JSON API's answer: the body as an object; an error's code from __type (AWS JSON) or the
// X-Amzn-ErrorType header (Lambda), its message from message/Message.
Result FromJson(const cli::HttpReply& reply) {
  Result r;
  r.status = reply.status;
  r.body = reply.body;
  if (reply.status == 0) {
    r.code = "Unreachable";
    r.message = reply.body;
    return r;
  }
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  if (!ec && v.is_object()) r.json = std::move(v.get_object());
  if (r.ok()) return r;
  r.code = Text(r.json, "__type");
  if (r.code.empty()) r.code = reply.Header("X-Amzn-ErrorType");
  if (size_t hash = r.code.rfind('#'); hash != std::string::npos) r.code = r.code.substr(hash + 1);
  if (size_t colon = r.code.find(':'); colon != std::string::npos) r.code.resize(colon);
  if (r.code.empty()) r.code = "HTTP " + std::to_string(reply.status);
  r.message = Text(r.json, "message");
  if (r.message.empty()) r.message = Text(r.json, "Message");
  return r;
}

}  // namespace

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<int64_t> Integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<int64_t>();
}

Result Remote::Sqs(const std::string& action, const json::object& body) const {
  cli::SignedRequest request;
  request.service = "sqs";
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "AmazonSQS." + action}};
  request.body = json::serialize(body);
  return FromJson(cli::SendSigned(settings_, request));
}

Result Remote::Iam(const std::string& action,
                   const std::vector<std::pair<std::string, std::string>>& params) const {
  cli::Reply reply = cli::IamClient(settings_).Call(action, params);
  Result r;
  r.status = reply.status;
  r.body = std::move(reply.body);
  if (r.status == 0) {
    r.code = "Unreachable";
    r.message = r.body;
  } else if (!r.ok()) {
    auto codes = cli::XmlValues(r.body, "Code");
    auto messages = cli::XmlValues(r.body, "Message");
    r.code = codes.empty() ? "HTTP " + std::to_string(r.status) : codes[0];
    r.message = messages.empty() ? "" : messages[0];
  }
  return r;
}

Result Remote::Lambda(const std::string& method, const std::string& path,
                      const std::optional<json::object>& body, const std::string& query) const {
  cli::LambdaClient client(settings_);
  return FromJson(
      client.Call(method, path, query, body ? json::serialize(*body) : std::string(), {}, 120));
}

Result Remote::Secrets(const std::string& action, const json::object& body) const {
  cli::SignedRequest request;
  request.service = "secretsmanager";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "secretsmanager." + action}};
  request.body = json::serialize(body);
  return FromJson(cli::SendSigned(settings_, request));
}

std::string Remote::QueueUrl(const std::string& name) const {
  Result r = Sqs("GetQueueUrl", {{"QueueName", name}});
  return r.ok() ? Text(r.json, "QueueUrl") : "";
}

std::string Remote::QueueArn(const std::string& name) const {
  std::string url = QueueUrl(name);
  if (url.empty()) return "";
  Result r =
      Sqs("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array{"QueueArn"}}});
  if (!r.ok()) return "";
  const json::value* attributes = r.json.if_contains("Attributes");
  return attributes != nullptr && attributes->is_object()
             ? Text(attributes->get_object(), "QueueArn")
             : "";
}

}  // namespace spool::stack
