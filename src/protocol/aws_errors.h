#pragma once
// The catalogue of AWS error codes Spool emits, and how each protocol carries an error.
// Which error a failure becomes is decided elsewhere (api/error_mapping); this file only knows
// the codes' wire spellings and HTTP statuses.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool::protocol {

enum class AwsError {
  kNonExistentQueue,
  kQueueAlreadyExists,
  kQueueDeletedRecently,
  kPurgeQueueInProgress,
  kMessageNotInflight,
  kReceiptHandleIsInvalid,
  kTooManyEntriesInBatchRequest,
  kEmptyBatchRequest,
  kBatchEntryIdsNotDistinct,
  kInvalidBatchEntryId,
  kBatchRequestTooLong,
  kUnsupportedOperation,
  kInvalidAttributeName,
  kInvalidAttributeValue,
  kInvalidMessageContents,
  kOverLimit,
  kRequestThrottled,
  kInvalidAddress,
  kInvalidSecurity,
  kResourceNotFound,
  kInvalidParameterValue,
  kMissingParameter,
  kInvalidParameterCombination,
  kInvalidAction,
  kMissingAction,
  kMalformedQueryString,
  kUnknownOperation,  // JSON: unknown X-Amz-Target operation
  kSerialization,     // JSON: body is not valid JSON
  kAccessDenied,
  kInvalidClientTokenId,
  kSignatureDoesNotMatch,
  kIncompleteSignature,
  kMissingAuthenticationToken,
  kRequestExpired,
  kInternalError,
  kServiceUnavailable,
};

struct AwsErrorInfo {
  std::string_view query_code;  // <Code> and x-amzn-query-error, e.g. "AWS.SimpleQueueService.NonExistentQueue"
  std::string_view json_type;   // __type suffix after "com.amazonaws.sqs#", e.g. "QueueDoesNotExist"
  int http_status;
  bool sender_fault;  // Type Sender (4xx) or Receiver (5xx)
};

const AwsErrorInfo& Info(AwsError error);

// A protocol-encoded error response, independent of the HTTP library.
struct EncodedError {
  int status = 400;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. x-amzn-query-error
  std::string body;
};

// Query: <ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/>
// </ErrorResponse>, Content-Type text/xml.
EncodedError EncodeQueryError(AwsError error, std::string_view message,
                              std::string_view request_id);
// JSON 1.0: {"__type":"com.amazonaws.sqs#<json_type>","message":...} with
// x-amzn-query-error: <query_code>;Sender|Receiver, Content-Type application/x-amz-json-1.0.
EncodedError EncodeJsonError(AwsError error, std::string_view message);

}  // namespace spool::protocol
