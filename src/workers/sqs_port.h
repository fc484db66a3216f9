#pragma once
// The queue-client port: the SQS calls a worker makes, in AWS JSON 1.0, over a transport.
//
// Two transports, one poller: inside `spool serve` the calls go straight to the API dispatcher
// (server/in_process_transport.h, no socket, no signature); `spool worker` on another host
// sends them as signed HTTP requests (http_transport.h). Both answer exactly as the SQS API
// does, so the poller is tested once against the real API.
//
// Threading: Call() may be called from any thread; `done` runs once, on any thread (the
// QueueClient posts it back to its executor).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

namespace spool::workers {

struct SqsReply {
  int status = 0;    // HTTP status; 0 when the call never reached the server
  std::string body;  // the JSON answer (an error's __type and message), or the transport error
};

class SqsTransport {
 public:
  virtual ~SqsTransport() = default;
  // `action` without the "AmazonSQS." prefix; `body` the request JSON.
  virtual void Call(std::string_view action, std::string body,
                    std::function<void(SqsReply)> done) = 0;
};

// A received message, as ReceiveMessage answered it (workers.md 1.6).
struct QueueMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::string md5_of_body;
  std::string md5_of_message_attributes;  // "" when the message has none
  boost::json::value attributes;          // object of system attributes (string values)
  boost::json::value message_attributes;  // object name -> {DataType, StringValue, ...}
  int64_t receive_count = 0;              // ApproximateReceiveCount
  // When the receive that returned it was answered (its visibility timeout runs from about
  // then).
  std::chrono::steady_clock::time_point received_at{};
};

struct CallError {
  std::string code;  // SQS error code (__type without its prefix), or "Transport"
  std::string message;
};

template <class T>
struct CallResult {
  std::optional<T> value;  // absent on error
  CallError error;
  bool ok() const { return value.has_value(); }
};

struct QueueInfo {
  std::string url;
  std::string arn;
  int64_t visibility_timeout = 30;
  bool fifo = false;
  int64_t approximate_messages = 0;  // visible backlog at the time of the call
};

// A message a batch settles: its id (for batch entries) and this receive's handle.
struct Settlement {
  std::string receipt_handle;
  int64_t visibility_timeout = 0;  // for ChangeVisibility
};

// Typed SQS calls for one queue over a transport. Awaitables complete on `executor`.
class QueueClient {
 public:
  QueueClient(SqsTransport* transport, boost::asio::any_io_executor executor)
      : transport_(transport), executor_(std::move(executor)) {}

  // GetQueueUrl, then GetQueueAttributes (QueueArn, VisibilityTimeout, FifoQueue,
  // ApproximateNumberOfMessages).
  boost::asio::awaitable<CallResult<QueueInfo>> Describe(std::string queue_name);
  // ApproximateNumberOfMessages only.
  boost::asio::awaitable<CallResult<int64_t>> Backlog(std::string url);
  // ReceiveMessage with every system and message attribute; max 1..10, wait 0..20.
  boost::asio::awaitable<CallResult<std::vector<QueueMessage>>> Receive(std::string url, int max,
                                                                        int wait_seconds);
  // DeleteMessageBatch / ChangeMessageVisibilityBatch in chunks of 10. Returns how many
  // entries failed (each is logged by the caller's choice; they will come back by themselves).
  boost::asio::awaitable<CallResult<int64_t>> Delete(std::string url,
                                                     std::vector<Settlement> entries);
  boost::asio::awaitable<CallResult<int64_t>> ChangeVisibility(std::string url,
                                                               std::vector<Settlement> entries);

  // One raw call, completing on the executor.
  boost::asio::awaitable<SqsReply> Call(std::string action, std::string body);

 private:
  SqsTransport* transport_;
  boost::asio::any_io_executor executor_;
};

// The SQS error in a reply (its __type's last part, e.g. "QueueDoesNotExist"), or "Transport".
CallError ErrorOf(const SqsReply& reply);

}  // namespace spool::workers
