// Request bodies of the SQS operations (sqs_json.h).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "client/sqs_json.h"
#include "common/encoding.h"

namespace spool::client {
namespace json = boost::json;

namespace {

json::object AttributeValue(const MessageAttributeValue& v) {
  json::object o;
  o["DataType"] = v.data_type;
  if (v.data_type.starts_with("Binary")) {
    o["BinaryValue"] = common::Base64Encode(v.binary_value);
  } else {
    o["StringValue"] = v.string_value;
  }
  return o;
}

void PutMessageFields(json::object& o, const std::string& body, const std::optional<int>& delay,
                      const MessageAttributes& attributes, const std::string& group_id,
                      const std::string& dedup_id) {
  o["MessageBody"] = body;
  if (delay) o["DelaySeconds"] = *delay;
  if (!attributes.empty()) {
    json::object attrs;
    for (const auto& [name, value] : attributes) attrs[name] = AttributeValue(value);
    o["MessageAttributes"] = std::move(attrs);
  }
  if (!group_id.empty()) o["MessageGroupId"] = group_id;
  if (!dedup_id.empty()) o["MessageDeduplicationId"] = dedup_id;
}

json::array Strings(const std::vector<std::string>& values) {
  json::array a;
  for (const auto& v : values) a.emplace_back(v);
  return a;
}

json::object StringMap(const std::map<std::string, std::string>& values) {
  json::object o;
  for (const auto& [k, v] : values) o[k] = v;
  return o;
}

json::object WithQueueUrl(const std::string& queue_url) {
  json::object o;
  o["QueueUrl"] = queue_url;
  return o;
}

}  // namespace

std::string SendMessageJson(const SendMessageRequest& r) {
  json::object o = WithQueueUrl(r.queue_url);
  PutMessageFields(o, r.body, r.delay_seconds, r.message_attributes, r.message_group_id,
                   r.message_deduplication_id);
  return json::serialize(o);
}

std::string SendMessageBatchJson(const std::string& queue_url,
                                 const std::vector<SendMessageBatchEntry>& entries) {
  json::object o = WithQueueUrl(queue_url);
  json::array list;
  for (const auto& e : entries) {
    json::object entry;
    entry["Id"] = e.id;
    PutMessageFields(entry, e.body, e.delay_seconds, e.message_attributes, e.message_group_id,
                     e.message_deduplication_id);
    list.emplace_back(std::move(entry));
  }
  o["Entries"] = std::move(list);
  return json::serialize(o);
}

std::string ReceiveMessageJson(const ReceiveMessageRequest& r) {
  json::object o = WithQueueUrl(r.queue_url);
  o["MaxNumberOfMessages"] = r.max_number_of_messages;
  if (r.wait_time_seconds) o["WaitTimeSeconds"] = *r.wait_time_seconds;
  if (r.visibility_timeout) o["VisibilityTimeout"] = *r.visibility_timeout;
  if (!r.attribute_names.empty()) {
    // Both names: servers before 2024 know AttributeNames, newer SDKs send the other one.
    o["AttributeNames"] = Strings(r.attribute_names);
    o["MessageSystemAttributeNames"] = Strings(r.attribute_names);
  }
  if (!r.message_attribute_names.empty()) {
    o["MessageAttributeNames"] = Strings(r.message_attribute_names);
  }
  if (!r.receive_request_attempt_id.empty()) {
    o["ReceiveRequestAttemptId"] = r.receive_request_attempt_id;
  }
  return json::serialize(o);
}

std::string DeleteMessageJson(const std::string& queue_url, const std::string& receipt_handle) {
  json::object o = WithQueueUrl(queue_url);
  o["ReceiptHandle"] = receipt_handle;
  return json::serialize(o);
}

std::string DeleteMessageBatchJson(const std::string& queue_url,
                                   const std::vector<DeleteMessageBatchEntry>& entries) {
  json::object o = WithQueueUrl(queue_url);
  json::array list;
  for (const auto& e : entries) {
    list.emplace_back(json::object{{"Id", e.id}, {"ReceiptHandle", e.receipt_handle}});
  }
  o["Entries"] = std::move(list);
  return json::serialize(o);
}

std::string ChangeMessageVisibilityJson(const std::string& queue_url,
                                        const std::string& receipt_handle, int visibility_timeout) {
  json::object o = WithQueueUrl(queue_url);
  o["ReceiptHandle"] = receipt_handle;
  o["VisibilityTimeout"] = visibility_timeout;
  return json::serialize(o);
}

std::string ChangeMessageVisibilityBatchJson(
    const std::string& queue_url, const std::vector<ChangeMessageVisibilityBatchEntry>& entries) {
  json::object o = WithQueueUrl(queue_url);
  json::array list;
  for (const auto& e : entries) {
    list.emplace_back(json::object{{"Id", e.id},
                                   {"ReceiptHandle", e.receipt_handle},
                                   {"VisibilityTimeout", e.visibility_timeout}});
  }
  o["Entries"] = std::move(list);
  return json::serialize(o);
}

std::string CreateQueueJson(const CreateQueueRequest& r) {
  json::object o;
  o["QueueName"] = r.queue_name;
  if (!r.attributes.empty()) o["Attributes"] = StringMap(r.attributes);
  if (!r.tags.empty()) o["tags"] = StringMap(r.tags);  // lower-case t in the JSON protocol
  return json::serialize(o);
}

std::string GetQueueUrlJson(const std::string& queue_name) {
  json::object o;
  o["QueueName"] = queue_name;
  return json::serialize(o);
}

std::string QueueUrlJson(const std::string& queue_url) {
  return json::serialize(WithQueueUrl(queue_url));
}

std::string ListQueuesJson(const ListQueuesRequest& r) {
  json::object o;
  if (!r.queue_name_prefix.empty()) o["QueueNamePrefix"] = r.queue_name_prefix;
  if (r.max_results) o["MaxResults"] = *r.max_results;
  if (!r.next_token.empty()) o["NextToken"] = r.next_token;
  return json::serialize(o);
}

std::string GetQueueAttributesJson(const std::string& queue_url,
                                   const std::vector<std::string>& names) {
  json::object o = WithQueueUrl(queue_url);
  o["AttributeNames"] = Strings(names);
  return json::serialize(o);
}

std::string SetQueueAttributesJson(const std::string& queue_url,
                                   const QueueAttributes& attributes) {
  json::object o = WithQueueUrl(queue_url);
  o["Attributes"] = StringMap(attributes);
  return json::serialize(o);
}

}  // namespace spool::client
