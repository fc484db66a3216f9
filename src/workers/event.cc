#include "workers/event.h"

#include <boost/json.hpp>

namespace spool::workers {
namespace json = boost::json;

namespace {

json::object LambdaAttribute(const json::object& sqs) {
  json::object out;
  auto copy = [&](std::string_view from, std::string_view to) {
    if (auto* v = sqs.if_contains(from); v != nullptr && v->is_string()) out[to] = *v;
  };
  copy("StringValue", "stringValue");
  copy("BinaryValue", "binaryValue");
  out["stringListValues"] = json::array();
  out["binaryListValues"] = json::array();
  copy("DataType", "dataType");
  return out;
}

}  // namespace

std::string EventRecord(const QueueMessage& message, std::string_view queue_arn,
                        std::string_view region) {
  json::object record;
  record["messageId"] = message.message_id;
  record["receiptHandle"] = message.receipt_handle;
  record["body"] = message.body;
  record["attributes"] = message.attributes.is_object() ? message.attributes : json::object();
  json::object attributes;
  if (message.message_attributes.is_object()) {
    for (const auto& [name, value] : message.message_attributes.as_object()) {
      if (value.is_object()) attributes[name] = LambdaAttribute(value.as_object());
    }
  }
  record["messageAttributes"] = std::move(attributes);
  if (!message.md5_of_message_attributes.empty()) {
    record["md5OfMessageAttributes"] = message.md5_of_message_attributes;
  }
  record["md5OfBody"] = message.md5_of_body;
  record["eventSource"] = "aws:sqs";
  record["eventSourceARN"] = queue_arn;
  record["awsRegion"] = region;
  return json::serialize(record);
}

std::string EventOf(const std::vector<std::string>& records) {
  size_t size = 14;
  for (const auto& r : records) size += r.size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"Records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) out += ',';
    out += records[i];
  }
  out += "]}";
  return out;
}

BatchVerdict JudgeBatchResponse(std::string_view response, const std::set<std::string>& batch_ids) {
  BatchVerdict verdict;
  auto fail = [&](std::string reason) {
    verdict.whole_batch_failed = true;
    verdict.failed_ids.clear();
    verdict.reason = std::move(reason);
    return verdict;
  };
  // An empty body counts as no response (a custom runtime posting nothing).
  bool blank = response.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) return verdict;
  boost::system::error_code ec;
  json::value v = json::parse(response, ec);
  if (ec) return fail("the response is not valid JSON");
  if (v.is_null()) return verdict;
  if (!v.is_object()) return fail("the response is not a JSON object");
  auto* failures = v.as_object().if_contains("batchItemFailures");
  if (failures == nullptr || failures->is_null()) return verdict;
  if (!failures->is_array()) return fail("batchItemFailures is not an array");
  for (const auto& item : failures->as_array()) {
    if (!item.is_object()) return fail("a batchItemFailures entry is not an object");
    auto* id = item.as_object().if_contains("itemIdentifier");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) {
      return fail("a batchItemFailures entry has no itemIdentifier");
    }
    std::string text(id->as_string());
    if (!batch_ids.contains(text)) {
      return fail("itemIdentifier " + text + " is not a messageId of this batch");
    }
    verdict.failed_ids.insert(std::move(text));
  }
  return verdict;
}

}  // namespace spool::workers
