#pragma once
// Requests and results of the SQS operations of spool::Client. Member names follow the SQS API
// (reference: the AWS SQS API Reference); optional members that are not set are not sent, so
// the queue's own defaults apply.
//
// Threading: plain values.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spool {

// A message attribute: a data type ("String", "Number", "Binary", optionally with a custom
// suffix such as "Number.float") and a value. String and Number types use string_value;
// Binary types use binary_value (raw bytes; base64 on the wire).
struct MessageAttributeValue {
  std::string data_type{};
  std::string string_value{};
  std::string binary_value{};

  static MessageAttributeValue String(std::string value) {
    return {"String", std::move(value), {}};
  }
  static MessageAttributeValue Number(std::string value) {
    return {"Number", std::move(value), {}};
  }
  static MessageAttributeValue Binary(std::string bytes) {
    return {"Binary", {}, std::move(bytes)};
  }
  bool operator==(const MessageAttributeValue&) const = default;
};

using MessageAttributes = std::map<std::string, MessageAttributeValue>;
// Queue attributes by name ("VisibilityTimeout", "RedrivePolicy", ...); values are strings,
// numeric ones too, as in the API.
using QueueAttributes = std::map<std::string, std::string>;
using QueueTags = std::map<std::string, std::string>;

struct SendMessageRequest {
  std::string queue_url{};
  std::string body{};                  // 1 byte to the queue's MaximumMessageSize, UTF-8
  std::optional<int> delay_seconds{};  // 0..900; not allowed on FIFO queues
  MessageAttributes message_attributes{};
  std::string message_group_id{};          // FIFO queues (required there); fair queues
  std::string message_deduplication_id{};  // FIFO queues without content-based deduplication
};

struct SendMessageResult {
  std::string message_id{};
  std::string md5_of_message_body{};        // checked by the client
  std::string md5_of_message_attributes{};  // "" without attributes; checked by the client
  std::string sequence_number{};            // FIFO queues only
};

// One entry of SendMessageBatch / SendMessages. `id` must be unique within the request
// (letters, digits, '-' and '_', up to 80); SendMessages fills an empty id with the entry's
// index.
struct SendMessageBatchEntry {
  std::string id{};
  std::string body{};
  std::optional<int> delay_seconds{};
  MessageAttributes message_attributes{};
  std::string message_group_id{};
  std::string message_deduplication_id{};
};

struct SendMessageBatchResultEntry {
  std::string id{};
  std::string message_id{};
  std::string md5_of_message_body{};
  std::string md5_of_message_attributes{};
  std::string sequence_number{};
};

// An entry the server (or, for SendMessages, a whole failed request) did not process.
struct BatchResultError {
  std::string id{};
  std::string code{};  // "InvalidParameterValue", "ReceiptHandleIsInvalid", ...
  std::string message{};
  bool sender_fault = true;  // false: the server's fault, worth trying again
};

struct SendMessageBatchResult {
  std::vector<SendMessageBatchResultEntry> successful{};
  std::vector<BatchResultError> failed{};
};

struct ReceiveMessageRequest {
  std::string queue_url{};
  int max_number_of_messages = 1;  // 1..10
  // Long poll: wait up to this long (0..20 s) for a message. nullopt: the queue's
  // ReceiveMessageWaitTimeSeconds (the client then allows for 20 s).
  std::optional<int> wait_time_seconds{};
  // Seconds the received messages stay invisible (0..43200); nullopt: the queue's.
  std::optional<int> visibility_timeout{};
  // System attributes to return: "All" or names such as "ApproximateReceiveCount",
  // "SentTimestamp", "MessageGroupId" (sent as MessageSystemAttributeNames and AttributeNames).
  std::vector<std::string> attribute_names{};
  // Message attributes to return: "All", ".*", exact names, or "prefix.*".
  std::vector<std::string> message_attribute_names{};
  std::string receive_request_attempt_id{};  // FIFO queues only
};

struct Message {
  std::string message_id{};
  std::string receipt_handle{};
  std::string body{};
  std::string md5_of_body{};                        // checked by the client
  std::string md5_of_message_attributes{};          // checked by the client when attributes came
  std::map<std::string, std::string> attributes{};  // system attributes asked for
  MessageAttributes message_attributes{};           // message attributes asked for
};

struct DeleteMessageBatchEntry {
  std::string id{};
  std::string receipt_handle{};
};

struct ChangeMessageVisibilityBatchEntry {
  std::string id{};
  std::string receipt_handle{};
  int visibility_timeout = 0;  // seconds from now, 0..43200
};

// The outcome of DeleteMessageBatch and ChangeMessageVisibilityBatch: the ids that succeeded
// and the entries that failed.
struct BatchResult {
  std::vector<std::string> successful{};
  std::vector<BatchResultError> failed{};
};

struct CreateQueueRequest {
  std::string queue_name{};      // 1..80 of [A-Za-z0-9_-]; ".fifo" suffix for FIFO queues
  QueueAttributes attributes{};  // e.g. {"FifoQueue", "true"}, {"VisibilityTimeout", "60"}
  QueueTags tags{};
};

struct ListQueuesRequest {
  std::string queue_name_prefix{};
  std::optional<int> max_results{};  // 1..1000; paging (next_token) needs it
  std::string next_token{};
};

struct ListQueuesResult {
  std::vector<std::string> queue_urls{};
  std::string next_token{};  // "" on the last page
};

// Secrets Manager GetSecretValue.
struct GetSecretValueRequest {
  std::string secret_id{};      // name or ARN
  std::string version_id{};     // "" = the version with version_stage
  std::string version_stage{};  // "" = AWSCURRENT
};

struct SecretValue {
  std::string arn{};
  std::string name{};
  std::string version_id{};
  std::optional<std::string> secret_string{};
  std::optional<std::string> secret_binary{};  // raw bytes (base64 on the wire)
  std::vector<std::string> version_stages{};
  double created_date = 0;  // seconds since the epoch
};

}  // namespace spool
