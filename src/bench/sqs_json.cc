#include "bench/sqs_json.h"

#include <charconv>

#include <boost/json.hpp>

#include "common/ascii_scan.h"

namespace spool::bench {
namespace {

namespace json = boost::json;

// Parses into a stack buffer first: most responses fit and allocate nothing from the heap.
class Parsed {
 public:
  explicit Parsed(std::string_view body)
      : mr_(buffer_, sizeof buffer_), value_(ParseOrNull(body, &mr_)) {}
  const json::object* object() const { return value_.if_object(); }

 private:
  // Moving the result into value_ keeps its storage (the stack buffer).
  static json::value ParseOrNull(std::string_view body, json::storage_ptr storage) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec, std::move(storage));
    if (ec) return json::value(nullptr);
    return v;
  }

  unsigned char buffer_[16384];
  json::monotonic_resource mr_;
  json::value value_;
};

bool Fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

std::string_view StringMember(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  const json::string& s = it->value().get_string();
  return std::string_view(s.data(), s.size());
}

int IndexOf(std::string_view id) {
  int v = -1;
  auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || ptr != id.data() + id.size()) return -1;
  return v;
}

void AppendMember(std::string_view name, std::string* out) {
  AppendJsonString(name, out);
  out->push_back(':');
}

void AppendMessageFields(const OutgoingMessage& m, std::string* out) {
  AppendMember("MessageBody", out);
  AppendJsonString(m.body, out);
  if (!m.group_id.empty()) {
    out->push_back(',');
    AppendMember("MessageGroupId", out);
    AppendJsonString(m.group_id, out);
  }
  if (!m.dedup_id.empty()) {
    out->push_back(',');
    AppendMember("MessageDeduplicationId", out);
    AppendJsonString(m.dedup_id, out);
  }
}

std::string Start(std::string_view queue_url, size_t reserve) {
  std::string out;
  out.reserve(reserve);
  out.append("{\"QueueUrl\":");
  AppendJsonString(queue_url, &out);
  return out;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending stretch that needs no escaping
  for (size_t i = 0;; ++i) {
    i = common::SkipJsonSafe(s, i);  // eight bytes at a time over plain ASCII
    if (i >= s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) continue;  // UTF-8 passes through as it is
    out->append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
    }
  }
  out->append(s.substr(run));
  out->push_back('"');
}

std::string CreateQueueRequest(std::string_view name, bool fifo) {
  std::string out = "{\"QueueName\":";
  AppendJsonString(name, &out);
  if (fifo) out.append(",\"Attributes\":{\"FifoQueue\":\"true\"}");
  out.push_back('}');
  return out;
}

std::string QueueDepthRequest(std::string_view queue_url) {
  std::string out = Start(queue_url, 160);
  out.append(",\"AttributeNames\":[\"ApproximateNumberOfMessages\"]}");
  return out;
}

std::string SendMessageRequest(std::string_view queue_url, const OutgoingMessage& m) {
  std::string out = Start(queue_url, 128 + m.body.size());
  out.push_back(',');
  AppendMessageFields(m, &out);
  out.push_back('}');
  return out;
}

std::string SendMessageBatchRequest(std::string_view queue_url,
                                    std::span<const OutgoingMessage> entries) {
  size_t bytes = 128;
  for (const OutgoingMessage& m : entries) bytes += m.body.size() + 128;
  std::string out = Start(queue_url, bytes);
  out.append(",\"Entries\":[");
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"Id\":\"").append(std::to_string(i)).append("\",");
    AppendMessageFields(entries[i], &out);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

std::string ReceiveMessageRequest(std::string_view queue_url, int max_messages, int wait_seconds) {
  std::string out = Start(queue_url, 160);
  out.append(",\"MaxNumberOfMessages\":").append(std::to_string(max_messages));
  out.append(",\"WaitTimeSeconds\":").append(std::to_string(wait_seconds));
  out.push_back('}');
  return out;
}

std::string DeleteMessageBatchRequest(std::string_view queue_url,
                                      std::span<const std::string> receipt_handles) {
  size_t bytes = 128;
  for (const std::string& h : receipt_handles) bytes += h.size() + 32;
  std::string out = Start(queue_url, bytes);
  out.append(",\"Entries\":[");
  for (size_t i = 0; i < receipt_handles.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"Id\":\"").append(std::to_string(i)).append("\",\"ReceiptHandle\":");
    AppendJsonString(receipt_handles[i], &out);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

ApiError ParseApiError(int status, std::string_view body) {
  ApiError e;
  Parsed p(body);
  if (const json::object* o = p.object()) {
    std::string_view type = StringMember(*o, "__type");
    if (size_t hash = type.rfind('#'); hash != std::string_view::npos) type = type.substr(hash + 1);
    e.code = std::string(type);
    std::string_view message = StringMember(*o, "message");
    if (message.empty()) message = StringMember(*o, "Message");
    e.message = std::string(message);
  }
  if (e.code.empty()) e.code = "HTTP " + std::to_string(status);
  if (e.message.empty()) e.message = std::string(body.substr(0, 200));
  return e;
}

bool ParseCreateQueue(std::string_view body, std::string* queue_url, std::string* error) {
  Parsed p(body);
  if (!p.object()) return Fail(error, "CreateQueue: response is not a JSON object");
  std::string_view url = StringMember(*p.object(), "QueueUrl");
  if (url.empty()) return Fail(error, "CreateQueue: response has no QueueUrl");
  *queue_url = std::string(url);
  return true;
}

bool ParseQueueDepth(std::string_view body, uint64_t* depth, std::string* error) {
  Parsed p(body);
  if (!p.object()) return Fail(error, "GetQueueAttributes: response is not a JSON object");
  auto it = p.object()->find("Attributes");
  if (it == p.object()->end() || !it->value().is_object()) {
    return Fail(error, "GetQueueAttributes: response has no Attributes");
  }
  std::string_view text = StringMember(it->value().get_object(), "ApproximateNumberOfMessages");
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *depth);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Fail(error, "GetQueueAttributes: bad ApproximateNumberOfMessages");
  }
  return true;
}

bool ParseSendMessage(std::string_view body, std::string* md5, std::string* error) {
  Parsed p(body);
  if (!p.object()) return Fail(error, "SendMessage: response is not a JSON object");
  *md5 = std::string(StringMember(*p.object(), "MD5OfMessageBody"));
  return true;
}

bool ParseBatchResult(std::string_view body, BatchResult* result, std::string* error) {
  result->successful.clear();
  result->failed.clear();
  Parsed p(body);
  if (!p.object()) return Fail(error, "batch: response is not a JSON object");
  if (auto it = p.object()->find("Successful"); it != p.object()->end()) {
    if (!it->value().is_array()) return Fail(error, "batch: Successful is not an array");
    for (const json::value& v : it->value().get_array()) {
      if (!v.is_object()) return Fail(error, "batch: a Successful entry is not an object");
      EntryResult r;
      r.index = IndexOf(StringMember(v.get_object(), "Id"));
      r.md5 = std::string(StringMember(v.get_object(), "MD5OfMessageBody"));
      result->successful.push_back(std::move(r));
    }
  }
  if (auto it = p.object()->find("Failed"); it != p.object()->end()) {
    if (!it->value().is_array()) return Fail(error, "batch: Failed is not an array");
    for (const json::value& v : it->value().get_array()) {
      if (!v.is_object()) return Fail(error, "batch: a Failed entry is not an object");
      EntryFailure f;
      f.index = IndexOf(StringMember(v.get_object(), "Id"));
      f.code = std::string(StringMember(v.get_object(), "Code"));
      f.message = std::string(StringMember(v.get_object(), "Message"));
      result->failed.push_back(std::move(f));
    }
  }
  return true;
}

bool ParseReceiveMessage(std::string_view body, std::vector<ReceivedMessage>* messages,
                         std::string* error) {
  messages->clear();
  Parsed p(body);
  if (!p.object()) return Fail(error, "ReceiveMessage: response is not a JSON object");
  auto it = p.object()->find("Messages");
  if (it == p.object()->end()) return true;
  if (!it->value().is_array()) return Fail(error, "ReceiveMessage: Messages is not an array");
  for (const json::value& v : it->value().get_array()) {
    if (!v.is_object()) return Fail(error, "ReceiveMessage: a message is not an object");
    const json::object& m = v.get_object();
    ReceivedMessage r;
    r.receipt_handle = std::string(StringMember(m, "ReceiptHandle"));
    r.body = std::string(StringMember(m, "Body"));
    r.md5 = std::string(StringMember(m, "MD5OfBody"));
    if (r.receipt_handle.empty()) return Fail(error, "ReceiveMessage: a message has no handle");
    messages->push_back(std::move(r));
  }
  return true;
}

}  // namespace spool::bench
