// Answers of the SQS operations (sqs_json.h).

#include "client/json_fields.h"
#include "client/sqs_json.h"
#include "common/encoding.h"

namespace spool::client {
namespace json = boost::json;

namespace {

// Every member of `object` must be a string (queue attributes, system attributes).
bool StringMap(const json::object& object, std::map<std::string, std::string>* out) {
  for (const auto& [k, v] : object) {
    if (!v.is_string()) return false;
    (*out)[std::string(k)] = std::string(v.get_string());
  }
  return true;
}

Result<MessageAttributes> ParseMessageAttributes(const json::object& object) {
  MessageAttributes out;
  for (const auto& [name, v] : object) {
    if (!v.is_object()) return MalformedResponse("message attribute " + std::string(name));
    Fields f(v.get_object(), "MessageAttributes");
    MessageAttributeValue value;
    value.data_type = f.String("DataType");
    value.string_value = f.String("StringValue");
    std::string binary = f.String("BinaryValue");
    if (!f.ok()) return f.error();
    if (!binary.empty()) {
      auto decoded = common::Base64Decode(binary);
      if (!decoded) return MalformedResponse("BinaryValue of " + std::string(name));
      value.binary_value = std::move(*decoded);
    }
    out.emplace(std::string(name), std::move(value));
  }
  return out;
}

Result<BatchResultError> ParseFailed(const json::value& v, std::string_view what) {
  if (!v.is_object()) return MalformedResponse(std::string(what) + ": a Failed entry");
  Fields f(v.get_object(), what);
  BatchResultError e;
  e.id = f.RequiredString("Id");
  e.code = f.String("Code");
  e.message = f.String("Message");
  e.sender_fault = f.Bool("SenderFault");
  if (!f.ok()) return f.error();
  return e;
}

}  // namespace

Result<SendMessageResult> ParseSendMessage(std::string_view json) {
  auto obj = ParseJsonObject(json, "SendMessage");
  if (!obj) return obj.error();
  Fields f(*obj, "SendMessage");
  SendMessageResult r;
  r.message_id = f.RequiredString("MessageId");
  r.md5_of_message_body = f.String("MD5OfMessageBody");
  r.md5_of_message_attributes = f.String("MD5OfMessageAttributes");
  r.sequence_number = f.String("SequenceNumber");
  if (!f.ok()) return f.error();
  return r;
}

Result<SendMessageBatchResult> ParseSendMessageBatch(std::string_view json) {
  auto obj = ParseJsonObject(json, "SendMessageBatch");
  if (!obj) return obj.error();
  Fields f(*obj, "SendMessageBatch");
  const json::array* successful = f.Array("Successful");
  const json::array* failed = f.Array("Failed");
  if (!f.ok()) return f.error();
  SendMessageBatchResult r;
  if (successful) {
    for (const auto& v : *successful) {
      if (!v.is_object()) return MalformedResponse("SendMessageBatch: a Successful entry");
      Fields e(v.get_object(), "SendMessageBatch");
      SendMessageBatchResultEntry entry;
      entry.id = e.RequiredString("Id");
      entry.message_id = e.RequiredString("MessageId");
      entry.md5_of_message_body = e.String("MD5OfMessageBody");
      entry.md5_of_message_attributes = e.String("MD5OfMessageAttributes");
      entry.sequence_number = e.String("SequenceNumber");
      if (!e.ok()) return e.error();
      r.successful.push_back(std::move(entry));
    }
  }
  if (failed) {
    for (const auto& v : *failed) {
      auto e = ParseFailed(v, "SendMessageBatch");
      if (!e) return e.error();
      r.failed.push_back(std::move(*e));
    }
  }
  return r;
}

Result<std::vector<Message>> ParseReceiveMessage(std::string_view json) {
  auto obj = ParseJsonObject(json, "ReceiveMessage");
  if (!obj) return obj.error();
  Fields f(*obj, "ReceiveMessage");
  const json::array* messages = f.Array("Messages");
  if (!f.ok()) return f.error();
  std::vector<Message> out;
  if (!messages) return out;
  out.reserve(messages->size());
  for (const auto& v : *messages) {
    if (!v.is_object()) return MalformedResponse("ReceiveMessage: a message is not an object");
    Fields m(v.get_object(), "ReceiveMessage");
    Message msg;
    msg.message_id = m.RequiredString("MessageId");
    msg.receipt_handle = m.RequiredString("ReceiptHandle");
    msg.body = m.String("Body");
    msg.md5_of_body = m.String("MD5OfBody");
    msg.md5_of_message_attributes = m.String("MD5OfMessageAttributes");
    const json::object* attributes = m.Object("Attributes");
    const json::object* message_attributes = m.Object("MessageAttributes");
    if (!m.ok()) return m.error();
    if (attributes && !StringMap(*attributes, &msg.attributes)) {
      return MalformedResponse("ReceiveMessage: an attribute value is not a string");
    }
    if (message_attributes) {
      auto parsed = ParseMessageAttributes(*message_attributes);
      if (!parsed) return parsed.error();
      msg.message_attributes = std::move(*parsed);
    }
    out.push_back(std::move(msg));
  }
  return out;
}

Result<BatchResult> ParseBatchResult(std::string_view json) {
  auto obj = ParseJsonObject(json, "batch");
  if (!obj) return obj.error();
  Fields f(*obj, "batch");
  const json::array* successful = f.Array("Successful");
  const json::array* failed = f.Array("Failed");
  if (!f.ok()) return f.error();
  BatchResult r;
  if (successful) {
    for (const auto& v : *successful) {
      if (!v.is_object()) return MalformedResponse("batch: a Successful entry");
      Fields e(v.get_object(), "batch");
      r.successful.push_back(e.RequiredString("Id"));
      if (!e.ok()) return e.error();
    }
  }
  if (failed) {
    for (const auto& v : *failed) {
      auto e = ParseFailed(v, "batch");
      if (!e) return e.error();
      r.failed.push_back(std::move(*e));
    }
  }
  return r;
}

Result<std::string> ParseQueueUrl(std::string_view json) {
  auto obj = ParseJsonObject(json, "queue URL");
  if (!obj) return obj.error();
  Fields f(*obj, "queue URL");
  std::string url = f.RequiredString("QueueUrl");
  if (!f.ok()) return f.error();
  return url;
}

Result<ListQueuesResult> ParseListQueues(std::string_view json) {
  auto obj = ParseJsonObject(json, "ListQueues");
  if (!obj) return obj.error();
  Fields f(*obj, "ListQueues");
  ListQueuesResult r;
  const json::array* urls = f.Array("QueueUrls");
  r.next_token = f.String("NextToken");
  if (!f.ok()) return f.error();
  if (urls) {
    for (const auto& v : *urls) {
      if (!v.is_string()) return MalformedResponse("ListQueues: a queue URL is not a string");
      r.queue_urls.emplace_back(v.get_string());
    }
  }
  return r;
}

Result<QueueAttributes> ParseQueueAttributes(std::string_view json) {
  auto obj = ParseJsonObject(json, "GetQueueAttributes");
  if (!obj) return obj.error();
  Fields f(*obj, "GetQueueAttributes");
  const json::object* attributes = f.Object("Attributes");
  if (!f.ok()) return f.error();
  QueueAttributes out;
  if (attributes && !StringMap(*attributes, &out)) {
    return MalformedResponse("GetQueueAttributes: an attribute value is not a string");
  }
  return out;
}

Result<void> ParseEmpty(std::string_view json) {
  if (json.empty()) return {};
  auto obj = ParseJsonObject(json, "empty");
  if (!obj) return obj.error();
  return {};
}

}  // namespace spool::client
