#pragma once
// The AWS JSON 1.0 bodies of the SQS operations: requests built from the public request types
// (sqs_requests.cc) and answers parsed into the public result types (sqs_responses.cc). Member
// names as in the SQS API Reference; absent optional members are not sent; binary attribute
// values are standard base64 on the wire.
//
// Parsing is lenient where the SDKs are (unknown members are ignored, an absent list is empty)
// and strict where a wrong answer would be silently misread: a body that is not a JSON object,
// a member of the wrong type, or a missing id gives ErrorKind::kResponse ("MalformedResponse").
//
// Threading: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "spool/result.h"
#include "spool/sqs_types.h"

namespace spool::client {

// ---- requests ----
std::string SendMessageJson(const SendMessageRequest& request);
std::string SendMessageBatchJson(const std::string& queue_url,
                                 const std::vector<SendMessageBatchEntry>& entries);
std::string ReceiveMessageJson(const ReceiveMessageRequest& request);
std::string DeleteMessageJson(const std::string& queue_url, const std::string& receipt_handle);
std::string DeleteMessageBatchJson(const std::string& queue_url,
                                   const std::vector<DeleteMessageBatchEntry>& entries);
std::string ChangeMessageVisibilityJson(const std::string& queue_url,
                                        const std::string& receipt_handle, int visibility_timeout);
std::string ChangeMessageVisibilityBatchJson(
    const std::string& queue_url, const std::vector<ChangeMessageVisibilityBatchEntry>& entries);
std::string CreateQueueJson(const CreateQueueRequest& request);
std::string GetQueueUrlJson(const std::string& queue_name);
// DeleteQueue, PurgeQueue: {"QueueUrl": ...}.
std::string QueueUrlJson(const std::string& queue_url);
std::string ListQueuesJson(const ListQueuesRequest& request);
std::string GetQueueAttributesJson(const std::string& queue_url,
                                   const std::vector<std::string>& names);
std::string SetQueueAttributesJson(const std::string& queue_url, const QueueAttributes& attributes);

// ---- answers ----
Result<SendMessageResult> ParseSendMessage(std::string_view json);
Result<SendMessageBatchResult> ParseSendMessageBatch(std::string_view json);
Result<std::vector<Message>> ParseReceiveMessage(std::string_view json);
// DeleteMessageBatch, ChangeMessageVisibilityBatch.
Result<BatchResult> ParseBatchResult(std::string_view json);
// CreateQueue, GetQueueUrl.
Result<std::string> ParseQueueUrl(std::string_view json);
Result<ListQueuesResult> ParseListQueues(std::string_view json);
Result<QueueAttributes> ParseQueueAttributes(std::string_view json);
// Operations without output: the answer must be a JSON object (usually {}).
Result<void> ParseEmpty(std::string_view json);

// The error of an answer that cannot be read (ErrorKind::kResponse).
Error MalformedResponse(std::string what);

}  // namespace spool::client
