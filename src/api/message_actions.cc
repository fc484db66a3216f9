// SendMessage, SendMessageBatch, ReceiveMessage.

#include <algorithm>
#include <array>

#include "api/actions.h"
#include "api/batch_result.h"
#include "common/encoding.h"
#include "engine/message_rules.h"

namespace spool::api {
namespace {

using engine::MessageAttributes;

std::optional<MessageAttributes> ReadAttributes(protocol::Reader& r, std::string_view json_name,
                                                std::string_view query_prefix) {
  auto entries = r.StructMap(json_name, query_prefix);
  if (!entries) return std::nullopt;
  MessageAttributes out;
  out.reserve(entries->size());
  for (auto& [name, v] : *entries) {
    engine::AttributeValue value;
    if (auto t = v->String("DataType", "DataType")) value.data_type = std::move(*t);
    if (auto s = v->String("StringValue", "StringValue")) value.string_value = std::move(*s);
    if (auto b = v->Blob("BinaryValue", "BinaryValue")) value.binary_value = std::move(*b);
    if (auto l = v->StringList("StringListValues", "StringListValue")) {
      value.string_list_values = std::move(*l);
    }
    if (auto l = v->BlobList("BinaryListValues", "BinaryListValue")) {
      value.binary_list_values = std::move(*l);
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// Reads one SendMessage-shaped entry (the request itself or a batch entry).
engine::SendEntry ReadSendEntry(protocol::Reader& r) {
  engine::SendEntry e;
  if (auto id = r.String("Id", "Id")) e.id = std::move(*id);
  e.body = r.String("MessageBody", "MessageBody");
  e.delay_seconds = r.Int("DelaySeconds", "DelaySeconds");
  if (auto a = ReadAttributes(r, "MessageAttributes", "MessageAttribute")) {
    e.attributes = std::move(*a);
  }
  if (auto a = ReadAttributes(r, "MessageSystemAttributes", "MessageSystemAttribute")) {
    e.system_attributes = std::move(*a);
  }
  e.deduplication_id = r.String("MessageDeduplicationId", "MessageDeduplicationId");
  e.group_id = r.String("MessageGroupId", "MessageGroupId");
  return e;
}

// An MD5 digest as the 32 hex digits SQS returns, without a heap allocation.
struct Md5Text {
  char digits[32];
  operator std::string_view() const { return {digits, sizeof digits}; }
};
Md5Text Hex(const common::Md5Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  Md5Text t;
  for (size_t i = 0; i < d.size(); ++i) {
    t.digits[2 * i] = kDigits[d[i] >> 4];
    t.digits[2 * i + 1] = kDigits[d[i] & 0xf];
  }
  return t;
}

void WriteSendDigests(protocol::Writer& w, const engine::SendEntryResult& e) {
  w.String("MD5OfMessageBody", "MD5OfMessageBody", Hex(e.md5_body));
  if (e.md5_attributes) {
    w.String("MD5OfMessageAttributes", "MD5OfMessageAttributes", Hex(*e.md5_attributes));
  }
  if (e.md5_system_attributes) {
    w.String("MD5OfMessageSystemAttributes", "MD5OfMessageSystemAttributes",
             Hex(*e.md5_system_attributes));
  }
  if (!e.sequence_number.empty()) {
    w.String("SequenceNumber", "SequenceNumber", e.sequence_number);
  }
  w.String("MessageId", "MessageId", e.message_id);
}

void WriteAttributeValue(protocol::Writer& w, const engine::AttributeValue& v) {
  w.String("DataType", "DataType", v.data_type);
  if (!v.string_list_values.empty()) {
    std::vector<std::string_view> views(v.string_list_values.begin(), v.string_list_values.end());
    w.StringList("StringListValues", "StringListValue", views);
  } else if (!v.binary_list_values.empty()) {
    std::vector<std::string> encoded;
    for (const auto& b : v.binary_list_values) encoded.push_back(common::Base64Encode(b));
    std::vector<std::string_view> views(encoded.begin(), encoded.end());
    w.StringList("BinaryListValues", "BinaryListValue", views);
  } else if (v.data_type.starts_with("Binary")) {
    w.Blob("BinaryValue", "BinaryValue", v.binary_value);
  } else {
    w.String("StringValue", "StringValue", v.string_value);
  }
}

// Which attributes a receive asked for.
struct AttributeFilter {
  bool all_system = false;
  std::vector<std::string> system;
  bool all_message = false;
  std::vector<std::string> message_exact;
  std::vector<std::string> message_prefixes;  // "foo." for "foo.*"

  bool WantsSystem(std::string_view name) const {
    return all_system || std::find(system.begin(), system.end(), name) != system.end();
  }
  bool WantsMessage(std::string_view name) const {
    if (all_message) return true;
    if (std::find(message_exact.begin(), message_exact.end(), name) != message_exact.end()) {
      return true;
    }
    return std::any_of(message_prefixes.begin(), message_prefixes.end(),
                       [&](const std::string& p) { return name.starts_with(p); });
  }
};

void WriteMessage(protocol::Writer& w, const engine::ReceivedMessage& m,
                  const AttributeFilter& filter, const Principal&) {
  const engine::MessagePayload& p = *m.payload;
  std::array<char, 36> id;
  w.BeginItem();
  w.String("MessageId", "MessageId", p.message_id(id));
  w.String("ReceiptHandle", "ReceiptHandle", m.receipt_handle);
  w.String("MD5OfBody", "MD5OfBody", Hex(p.md5_body()));
  w.String("Body", "Body", p.body());

  std::vector<std::pair<std::string_view, std::string>> system;
  auto add = [&](std::string_view name, std::string value) {
    if (filter.WantsSystem(name)) system.emplace_back(name, std::move(value));
  };
  add("SenderId", p.sender_id());
  add("SentTimestamp", std::to_string(p.sent_ms()));
  add("ApproximateReceiveCount", std::to_string(m.receive_count));
  add("ApproximateFirstReceiveTimestamp", std::to_string(common::ToEpochMillis(m.first_receive)));
  if (!p.group_id().empty()) add("MessageGroupId", p.group_id());
  if (!p.dedup_id().empty()) add("MessageDeduplicationId", p.dedup_id());
  if (!m.sequence_number.empty()) add("SequenceNumber", m.sequence_number);
  for (const auto& [name, value] : p.system_attributes()) add(name, value.string_value);
  if (!m.dead_letter_source_arn.empty()) add("DeadLetterQueueSourceArn", m.dead_letter_source_arn);
  if (!system.empty()) {
    std::vector<std::pair<std::string_view, std::string_view>> views(system.begin(), system.end());
    w.StringMap("Attributes", "Attribute", views);
  }

  auto keep = [&](const std::string& name) { return filter.WantsMessage(name); };
  if (auto md5 = engine::AttributesMd5If(p.attributes(), keep)) {
    w.String("MD5OfMessageAttributes", "MD5OfMessageAttributes", Hex(*md5));
    w.BeginMap("MessageAttributes", "MessageAttribute");
    for (const auto& [name, value] : p.attributes()) {
      if (!keep(name)) continue;
      w.BeginEntry(name);
      WriteAttributeValue(w, value);
      w.EndEntry();
    }
    w.EndMap();
  }
  w.EndItem();
}

}  // namespace

void SendMessage(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  engine::SendRequest req;
  req.queue = *queue;
  req.sender_id = call->principal.id;
  req.entries.push_back(ReadSendEntry(*call->reader));
  if (call->FailedToRead()) return;
  if (!req.entries[0].body) return call->FailMissing("MessageBody");
  call->service->SendMessages(
      std::move(req), OnSuccess<engine::SendResult>(call, [call](engine::SendResult result) {
        const auto& e = result.entries.at(0);
        if (e.error) return call->Fail(*e.error);
        auto w = call->NewWriter(true);
        WriteSendDigests(*w, e);
        call->Reply(*w);
      }));
}

void SendMessageBatch(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  engine::SendRequest req;
  req.queue = *queue;
  req.batch = true;
  req.sender_id = call->principal.id;
  auto entries = call->reader->StructList("Entries", "SendMessageBatchRequestEntry");
  if (entries) {
    for (auto& r : *entries) req.entries.push_back(ReadSendEntry(*r));
  }
  if (call->FailedToRead()) return;
  if (!entries) return call->FailMissing("Entries");
  call->service->SendMessages(
      std::move(req), OnSuccess<engine::SendResult>(call, [call](engine::SendResult result) {
        auto w = call->NewWriter(true);
        WriteBatchResult(
            *w, result.entries, "SendMessageBatchResultEntry",
            [](protocol::Writer& w, const engine::SendEntryResult& e) { WriteSendDigests(w, e); });
        call->Reply(*w);
      }));
}

void ReceiveMessage(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto& r = *call->reader;
  engine::ReceiveRequest req;
  req.queue = *queue;
  req.max_messages = r.Int("MaxNumberOfMessages", "MaxNumberOfMessages");
  req.visibility_timeout = r.Int("VisibilityTimeout", "VisibilityTimeout");
  req.wait_seconds = r.Int("WaitTimeSeconds", "WaitTimeSeconds");
  req.attempt_id = r.String("ReceiveRequestAttemptId", "ReceiveRequestAttemptId");
  AttributeFilter filter;
  for (auto* names : {&filter.system}) {
    if (auto l = r.StringList("AttributeNames", "AttributeName")) {
      names->insert(names->end(), l->begin(), l->end());
    }
    if (auto l = r.StringList("MessageSystemAttributeNames", "MessageSystemAttributeName")) {
      names->insert(names->end(), l->begin(), l->end());
    }
  }
  filter.all_system =
      std::find(filter.system.begin(), filter.system.end(), "All") != filter.system.end();
  if (auto l = r.StringList("MessageAttributeNames", "MessageAttributeName")) {
    for (auto& n : *l) {
      if (n == "All" || n == ".*") {
        filter.all_message = true;
      } else if (n.size() > 2 && n.ends_with(".*")) {
        filter.message_prefixes.push_back(n.substr(0, n.size() - 1));
      } else {
        filter.message_exact.push_back(std::move(n));
      }
    }
  }
  if (call->FailedToRead()) return;
  call->service->ReceiveMessages(
      std::move(req), OnSuccess<engine::ReceiveResult>(
                          call, [call, filter = std::move(filter)](engine::ReceiveResult result) {
                            auto w = call->NewWriter(true);
                            if (!result.messages.empty()) {
                              w->BeginList("Messages", "Message");
                              for (const auto& m : result.messages) {
                                WriteMessage(*w, m, filter, call->principal);
                              }
                              w->EndList();
                            }
                            call->Reply(*w);
                          }));
}

}  // namespace spool::api
