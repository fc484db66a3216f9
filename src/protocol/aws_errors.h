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
  // JSON-only failures. SQS's JSON endpoint is "query compatible": clients name an error after
  // the Query code in x-amzn-query-error, so these reuse the Query codes the clients already
  // know for the same mistake (and, being unmodelled, carry that code as __type too):
  //   kUnknownOperation  unknown X-Amz-Target operation -> InvalidAction, 400
  //   kSerialization     body not valid JSON / not an object, or a member of the wrong JSON type
  //                      -> InvalidParameterValue, 400 (the message says what was wrong)
  // (AWS's generic JSON services would say UnknownOperationException / SerializationException
  // in __type; no SQS client we target looks for either.)
  kUnknownOperation,
  kSerialization,
  kAccessDenied,
  kInvalidClientTokenId,
  kSignatureDoesNotMatch,
  kIncompleteSignature,
  kMissingAuthenticationToken,
  kRequestExpired,
  kInternalError,
  kServiceUnavailable,
};

// One row of the catalogue (reference sqs-api.md section 5.1).
struct AwsErrorInfo {
  // <Code> and x-amzn-query-error, e.g. "AWS.SimpleQueueService.NonExistentQueue".
  std::string_view query_code;
  // __type suffix after "com.amazonaws.sqs#", e.g. "QueueDoesNotExist"; for codes the model does
  // not define as shapes (InvalidParameterValue, auth errors, ...) the Query code itself.
  std::string_view json_type;
  int http_status;
  bool sender_fault;  // Type Sender (4xx) or Receiver (5xx)
};

// The row for `error`; the strings are static.
const AwsErrorInfo& Info(AwsError error);

// A protocol-encoded error response, independent of the HTTP library.
struct EncodedError {
  int status = 400;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. x-amzn-query-error
  std::string body;
};

// Query: <?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">
// <Error><Type/><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse> with the status
// of the catalogue, Content-Type text/xml, no extra headers. `message` is escaped.
EncodedError EncodeQueryError(AwsError error, std::string_view message,
                              std::string_view request_id);
// JSON 1.0: {"__type":"com.amazonaws.sqs#<json_type>","message":...} with
// x-amzn-query-error: <query_code>;Sender|Receiver, Content-Type application/x-amz-json-1.0.
EncodedError EncodeJsonError(AwsError error, std::string_view message);

}  // namespace spool::protocol
