#include "api/call.h"

#include "api/error_mapping.h"
#include "api/queue_url.h"

namespace spool::api {
namespace {

http::Response MakeResponse(int status, std::string_view content_type,
                            const std::string& request_id, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::string(content_type)});
  r.headers.push_back({"x-amzn-RequestId", request_id});
  r.body = std::move(body);
  return r;
}

}  // namespace

std::unique_ptr<protocol::Writer> Call::NewWriter(bool has_result) const {
  if (protocol == Protocol::kJson) return protocol::MakeJsonWriter();
  return protocol::MakeXmlWriter(action, request_id, has_result);
}

void Call::Reply(protocol::Writer& writer) {
  auto content_type = protocol == Protocol::kJson ? "application/x-amz-json-1.0" : "text/xml";
  respond(MakeResponse(200, content_type, request_id, writer.Finish()));
}

void Call::Fail(const engine::Error& error) { FailAws(ToAwsError(error.code), error.message); }

void Call::FailAws(protocol::AwsError error, std::string_view message) {
  protocol::EncodedError e = protocol == Protocol::kJson
                                 ? protocol::EncodeJsonError(error, message)
                                 : protocol::EncodeQueryError(error, message, request_id);
  http::Response r = MakeResponse(e.status, e.content_type, request_id, std::move(e.body));
  for (auto& [k, v] : e.headers) r.headers.push_back({std::move(k), std::move(v)});
  respond(std::move(r));
}

void Call::FailMissing(std::string_view parameter) {
  FailAws(protocol::AwsError::kMissingParameter,
          "The request must contain the parameter " + std::string(parameter) + ".");
}

bool Call::FailedToRead() {
  const auto& err = reader->error();
  if (!err) return false;
  FailAws(protocol::AwsError::kInvalidParameterValue,
          "Value for parameter " + err->field + " is invalid. Reason: " + err->message);
  return true;
}

std::optional<std::string> Call::RequireQueue() {
  auto url = reader->String("QueueUrl", "QueueUrl");
  if (FailedToRead()) return std::nullopt;
  if (!url) {
    if (!path_queue.empty()) return path_queue;
    FailMissing("QueueUrl");
    return std::nullopt;
  }
  auto parsed = ParseQueueUrl(*url);
  if (!parsed) {
    FailAws(protocol::AwsError::kInvalidAddress,
            "The address " + *url + " is not valid for this endpoint.");
    return std::nullopt;
  }
  if (parsed->account_id != options->account_id) {
    FailAws(protocol::AwsError::kNonExistentQueue, "The specified queue does not exist.");
    return std::nullopt;
  }
  return parsed->name;
}

std::string Call::QueueUrl(std::string_view name) const {
  std::string url = base_url;
  url.append("/").append(options->account_id).append("/").append(name);
  return url;
}

std::string Call::QueueArn(std::string_view name) const {
  std::string arn = "arn:aws:sqs:";
  arn.append(options->region).append(":").append(options->account_id).append(":").append(name);
  return arn;
}

}  // namespace spool::api
