#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <memory>

#include "workers/sqs_port.h"

namespace spool::workers {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string StringOf(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t IntOf(std::string_view text) {
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return n;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<json::object> ParseObject(const SqsReply& reply) {
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

template <class T>
CallResult<T> Failed(CallError error) {
  CallResult<T> r;
  r.error = std::move(error);
  return r;
}

template <class T>
CallResult<T> Ok(T value) {
  CallResult<T> r;
  r.value = std::move(value);
  return r;
}

}  // namespace

CallError ErrorOf(const SqsReply& reply) {
  if (reply.status == 0) return {"Transport", reply.body};
  CallError error{"InternalError", "HTTP " + std::to_string(reply.status)};
  if (auto o = ParseObject(reply)) {
    std::string type = StringOf(*o, "__type");
    if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    if (!type.empty()) error.code = type;
    std::string message = StringOf(*o, "message");
    if (message.empty()) message = StringOf(*o, "Message");
    if (!message.empty()) error.message = message;
  }
  return error;
}

namespace {

// The transport's callback as an asynchronous operation. A plain function, not a coroutine:
// g++ 12 destroys lambda temporaries of a co_await expression twice (a shared_ptr captured
// there lost a reference), so the initiation lives here.
//
// The completion arrives on another thread; the handler (a coroutine frame) must only be
// touched, resumed and destroyed on the executor's thread, so the callback holds it by a plain
// pointer and the posted function owns it.
template <class Token>
auto AsyncCall(SqsTransport* transport, asio::any_io_executor executor, std::string action,
               std::string body, Token&& token) {
  return asio::async_initiate<Token, void(SqsReply)>(
      [transport, executor](auto handler, std::string action, std::string body) {
        using Handler = decltype(handler);
        auto* held = new Handler(std::move(handler));
        transport->Call(action, std::move(body), [held, executor](SqsReply reply) {
          asio::post(executor, [held, reply = std::move(reply)]() mutable {
            std::unique_ptr<Handler> owned(held);
            (*owned)(std::move(reply));
          });
        });
      },
      token, std::move(action), std::move(body));
}

}  // namespace

asio::awaitable<SqsReply> QueueClient::Call(std::string action, std::string body) {
  co_return co_await AsyncCall(transport_, executor_, std::move(action), std::move(body),
                               asio::use_awaitable);
}

asio::awaitable<CallResult<QueueInfo>> QueueClient::Describe(std::string queue_name) {
  json::object request{{"QueueName", queue_name}};
  SqsReply reply = co_await Call("GetQueueUrl", json::serialize(request));
  if (reply.status != 200) co_return Failed<QueueInfo>(ErrorOf(reply));
  QueueInfo info;
  if (auto o = ParseObject(reply)) info.url = StringOf(*o, "QueueUrl");
  if (info.url.empty()) co_return Failed<QueueInfo>({"InternalError", "no QueueUrl"});
  json::object attrs{{"QueueUrl", info.url},
                     {"AttributeNames", json::array{"QueueArn", "VisibilityTimeout", "FifoQueue",
                                                    "ApproximateNumberOfMessages"}}};
  reply = co_await Call("GetQueueAttributes", json::serialize(attrs));
  if (reply.status != 200) co_return Failed<QueueInfo>(ErrorOf(reply));
  auto o = ParseObject(reply);
  if (!o) co_return Failed<QueueInfo>({"InternalError", "unreadable attributes"});
  if (auto* a = o->if_contains("Attributes"); a != nullptr && a->is_object()) {
    const auto& m = a->as_object();
    info.arn = StringOf(m, "QueueArn");
    info.visibility_timeout = IntOf(StringOf(m, "VisibilityTimeout"));
    info.fifo = StringOf(m, "FifoQueue") == "true";
    info.approximate_messages = IntOf(StringOf(m, "ApproximateNumberOfMessages"));
  }
  co_return Ok(std::move(info));
}

asio::awaitable<CallResult<int64_t>> QueueClient::Backlog(std::string url) {
  json::object attrs{{"QueueUrl", url},
                     {"AttributeNames", json::array{"ApproximateNumberOfMessages"}}};
  SqsReply reply = co_await Call("GetQueueAttributes", json::serialize(attrs));
  if (reply.status != 200) co_return Failed<int64_t>(ErrorOf(reply));
  int64_t n = 0;
  if (auto o = ParseObject(reply)) {
    if (auto* a = o->if_contains("Attributes"); a != nullptr && a->is_object()) {
      n = IntOf(StringOf(a->as_object(), "ApproximateNumberOfMessages"));
    }
  }
  co_return Ok(n);
}

asio::awaitable<CallResult<std::vector<QueueMessage>>> QueueClient::Receive(std::string url,
                                                                            int max,
                                                                            int wait_seconds) {
  json::object request{{"QueueUrl", url},
                       {"MaxNumberOfMessages", max},
                       {"WaitTimeSeconds", wait_seconds},
                       {"MessageSystemAttributeNames", json::array{"All"}},
                       {"AttributeNames", json::array{"All"}},
                       {"MessageAttributeNames", json::array{"All"}}};
  SqsReply reply = co_await Call("ReceiveMessage", json::serialize(request));
  if (reply.status != 200) co_return Failed<std::vector<QueueMessage>>(ErrorOf(reply));
  std::vector<QueueMessage> out;
  auto o = ParseObject(reply);
  if (!o) co_return Failed<std::vector<QueueMessage>>({"InternalError", "unreadable reply"});
  auto* list = o->if_contains("Messages");
  if (list == nullptr || !list->is_array()) co_return Ok(std::move(out));
  auto now = std::chrono::steady_clock::now();
  for (auto& item : list->as_array()) {
    if (!item.is_object()) continue;
    auto& m = item.as_object();
    QueueMessage message;
    message.received_at = now;
    message.message_id = StringOf(m, "MessageId");
    message.receipt_handle = StringOf(m, "ReceiptHandle");
    message.body = StringOf(m, "Body");
    message.md5_of_body = StringOf(m, "MD5OfBody");
    message.md5_of_message_attributes = StringOf(m, "MD5OfMessageAttributes");
    if (auto* a = m.if_contains("Attributes"); a != nullptr && a->is_object()) {
      message.attributes = std::move(*a);
      message.receive_count =
          IntOf(StringOf(message.attributes.as_object(), "ApproximateReceiveCount"));
    } else {
      message.attributes = json::object();
    }
    if (auto* a = m.if_contains("MessageAttributes"); a != nullptr && a->is_object()) {
      message.message_attributes = std::move(*a);
    } else {
      message.message_attributes = json::object();
    }
    out.push_back(std::move(message));
  }
  co_return Ok(std::move(out));
}

namespace {

// Entries of a batch call in chunks of 10; counts the entries the queue refused. A chunk that
// fails as a whole (transport, throttling, 5xx) is tried up to three times; then its entries
// count as refused and the next chunk still goes (they come back by their visibility timeout).
asio::awaitable<CallResult<int64_t>> InChunks(QueueClient* client, std::string action,
                                              std::string url, std::vector<Settlement> entries,
                                              bool visibility) {
  int64_t failed = 0;
  for (size_t start = 0; start < entries.size(); start += 10) {
    size_t end = std::min(entries.size(), start + 10);
    json::array batch;
    for (size_t i = start; i < end; ++i) {
      json::object entry{{"Id", std::to_string(i)}, {"ReceiptHandle", entries[i].receipt_handle}};
      if (visibility) entry["VisibilityTimeout"] = entries[i].visibility_timeout;
      batch.push_back(std::move(entry));
    }
    std::string body = json::serialize(json::object{{"QueueUrl", url}, {"Entries", batch}});
    SqsReply reply;
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (attempt > 0) {
        asio::steady_timer pause(co_await asio::this_coro::executor,
                                 std::chrono::milliseconds(100 << attempt));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      reply = co_await client->Call(action, body);
      bool transient =
          reply.status == 0 || reply.status >= 500 ||
          (reply.status != 200 && ErrorOf(reply).code.find("Throttl") != std::string::npos);
      if (!transient) break;
    }
    if (reply.status != 200) {
      failed += static_cast<int64_t>(end - start);
      continue;
    }
    boost::system::error_code ec;
    json::value v = json::parse(reply.body, ec);
    if (!ec && v.is_object()) {
      if (auto* f = v.as_object().if_contains("Failed"); f != nullptr && f->is_array()) {
        failed += static_cast<int64_t>(f->as_array().size());
      }
    }
  }
  co_return Ok(failed);
}

}  // namespace

asio::awaitable<CallResult<int64_t>> QueueClient::Delete(std::string url,
                                                         std::vector<Settlement> entries) {
  co_return co_await InChunks(this, "DeleteMessageBatch", std::move(url), std::move(entries),
                              false);
}

asio::awaitable<CallResult<int64_t>> QueueClient::ChangeVisibility(
    std::string url, std::vector<Settlement> entries) {
  co_return co_await InChunks(this, "ChangeMessageVisibilityBatch", std::move(url),
                              std::move(entries), true);
}

}  // namespace spool::workers
