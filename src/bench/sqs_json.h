#pragma once
// The few SQS AWS JSON 1.0 requests `spool bench` sends, written by hand into one string, and
// their responses, read with Boost.JSON. Member names as in the SQS reference, section 3.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spool::bench {

// A message to send. Batch entry ids are the entry's index ("0".."9").
struct OutgoingMessage {
  std::string_view body;
  std::string_view group_id;  // FIFO only
  std::string_view dedup_id;  // FIFO only
};

// Appends `s` as a JSON string literal (quotes and escapes included).
void AppendJsonString(std::string_view s, std::string* out);

std::string CreateQueueRequest(std::string_view name, bool fifo);
std::string QueueDepthRequest(std::string_view queue_url);
std::string SendMessageRequest(std::string_view queue_url, const OutgoingMessage& m);
std::string SendMessageBatchRequest(std::string_view queue_url,
                                    std::span<const OutgoingMessage> entries);
std::string ReceiveMessageRequest(std::string_view queue_url, int max_messages, int wait_seconds);
std::string DeleteMessageBatchRequest(std::string_view queue_url,
                                      std::span<const std::string> receipt_handles);

// An error the server answered with: the JSON `__type` (its last '#' part) and message.
struct ApiError {
  std::string code;
  std::string message;
};
ApiError ParseApiError(int status, std::string_view body);

struct EntryResult {
  int index = -1;   // the entry's position in the request
  std::string md5;  // MD5OfMessageBody (send batches only)
};
struct EntryFailure {
  int index = -1;
  std::string code;
  std::string message;
};
struct BatchResult {
  std::vector<EntryResult> successful;
  std::vector<EntryFailure> failed;
};

struct ReceivedMessage {
  std::string receipt_handle;
  std::string body;
  std::string md5;  // MD5OfBody
};

// Each parser returns false with *error when the body is not the expected JSON shape.
bool ParseCreateQueue(std::string_view body, std::string* queue_url, std::string* error);
bool ParseQueueDepth(std::string_view body, uint64_t* depth, std::string* error);
bool ParseSendMessage(std::string_view body, std::string* md5, std::string* error);
bool ParseBatchResult(std::string_view body, BatchResult* result, std::string* error);
bool ParseReceiveMessage(std::string_view body, std::vector<ReceivedMessage>* messages,
                         std::string* error);

}  // namespace spool::bench
