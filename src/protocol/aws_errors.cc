#include "protocol/aws_errors.h"

#include <array>
#include <cstdlib>

#include "protocol/escape.h"

namespace spool::protocol {
namespace {

constexpr std::string_view kJsonContentType = "application/x-amz-json-1.0";
constexpr std::string_view kXmlContentType = "text/xml";
constexpr std::string_view kJsonTypePrefix = "com.amazonaws.sqs#";

struct Row {
  AwsError error;
  AwsErrorInfo info;
};

constexpr AwsErrorInfo Sender(std::string_view query_code, std::string_view json_type, int status) {
  return {query_code, json_type, status, true};
}
// Unmodelled codes: the JSON __type carries the Query code itself (sqs-api.md 5.2).
constexpr AwsErrorInfo Plain(std::string_view code, int status) {
  return {code, code, status, status < 500};
}

// In enum order; checked below, so a new enumerator without a row fails to compile.
constexpr Row kTable[] = {
    {AwsError::kNonExistentQueue,
     Sender("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", 400)},
    {AwsError::kQueueAlreadyExists, Sender("QueueAlreadyExists", "QueueNameExists", 400)},
    {AwsError::kQueueDeletedRecently,
     Sender("AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently", 400)},
    {AwsError::kPurgeQueueInProgress,
     Sender("AWS.SimpleQueueService.PurgeQueueInProgress", "PurgeQueueInProgress", 403)},
    {AwsError::kMessageNotInflight,
     Sender("AWS.SimpleQueueService.MessageNotInflight", "MessageNotInflight", 400)},
    {AwsError::kReceiptHandleIsInvalid,
     Sender("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404)},
    {AwsError::kTooManyEntriesInBatchRequest,
     Sender("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest",
            400)},
    {AwsError::kEmptyBatchRequest,
     Sender("AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest", 400)},
    {AwsError::kBatchEntryIdsNotDistinct,
     Sender("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", 400)},
    {AwsError::kInvalidBatchEntryId,
     Sender("AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId", 400)},
    {AwsError::kBatchRequestTooLong,
     Sender("AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong", 400)},
    {AwsError::kUnsupportedOperation,
     Sender("AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation", 400)},
    {AwsError::kInvalidAttributeName, Sender("InvalidAttributeName", "InvalidAttributeName", 400)},
    {AwsError::kInvalidAttributeValue,
     Sender("InvalidAttributeValue", "InvalidAttributeValue", 400)},
    {AwsError::kInvalidMessageContents,
     Sender("InvalidMessageContents", "InvalidMessageContents", 400)},
    {AwsError::kOverLimit, Sender("OverLimit", "OverLimit", 403)},
    {AwsError::kRequestThrottled, Sender("RequestThrottled", "RequestThrottled", 403)},
    {AwsError::kInvalidAddress, Sender("InvalidAddress", "InvalidAddress", 404)},
    {AwsError::kInvalidSecurity, Sender("InvalidSecurity", "InvalidSecurity", 403)},
    {AwsError::kResourceNotFound,
     Sender("ResourceNotFoundException", "ResourceNotFoundException", 404)},
    {AwsError::kInvalidParameterValue, Plain("InvalidParameterValue", 400)},
    {AwsError::kMissingParameter, Plain("MissingParameter", 400)},
    {AwsError::kInvalidParameterCombination, Plain("InvalidParameterCombination", 400)},
    {AwsError::kInvalidAction, Plain("InvalidAction", 400)},
    {AwsError::kMissingAction, Plain("MissingAction", 400)},
    {AwsError::kMalformedQueryString, Plain("MalformedQueryString", 404)},
    {AwsError::kUnknownOperation, Plain("InvalidAction", 400)},
    {AwsError::kSerialization, Plain("InvalidParameterValue", 400)},
    {AwsError::kAccessDenied, Plain("AccessDenied", 403)},
    {AwsError::kInvalidClientTokenId, Plain("InvalidClientTokenId", 403)},
    {AwsError::kSignatureDoesNotMatch, Plain("SignatureDoesNotMatch", 403)},
    {AwsError::kIncompleteSignature, Plain("IncompleteSignature", 400)},
    {AwsError::kMissingAuthenticationToken, Plain("MissingAuthenticationToken", 403)},
    {AwsError::kRequestExpired, Plain("RequestExpired", 400)},
    {AwsError::kInternalError, Plain("InternalError", 500)},
    {AwsError::kServiceUnavailable, Plain("ServiceUnavailable", 503)},
};

constexpr bool TableInEnumOrder() {
  for (size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<size_t>(kTable[i].error) != i) return false;
  }
  return true;
}
static_assert(TableInEnumOrder(), "kTable rows must follow the AwsError enumerators");
static_assert(std::size(kTable) == static_cast<size_t>(AwsError::kServiceUnavailable) + 1,
              "every AwsError needs a row in kTable");

std::string_view FaultType(const AwsErrorInfo& info) {
  return info.sender_fault ? "Sender" : "Receiver";
}

}  // namespace

const AwsErrorInfo& Info(AwsError error) {
  const auto index = static_cast<size_t>(error);
  if (index >= std::size(kTable)) std::abort();  // not an enumerator
  return kTable[index].info;
}

EncodedError EncodeQueryError(AwsError error, std::string_view message,
                              std::string_view request_id) {
  const AwsErrorInfo& info = Info(error);
  EncodedError encoded;
  encoded.status = info.http_status;
  encoded.content_type = kXmlContentType;
  std::string& body = encoded.body;
  body.reserve(256 + message.size() + request_id.size());
  body.append(
      "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
      "<Error><Type>");
  body.append(FaultType(info));
  body.append("</Type><Code>");
  body.append(info.query_code);
  body.append("</Code><Message>");
  AppendXmlText(&body, message);
  body.append("</Message><Detail/></Error><RequestId>");
  AppendXmlText(&body, request_id);
  body.append("</RequestId></ErrorResponse>");
  return encoded;
}

EncodedError EncodeJsonError(AwsError error, std::string_view message) {
  const AwsErrorInfo& info = Info(error);
  EncodedError encoded;
  encoded.status = info.http_status;
  encoded.content_type = kJsonContentType;
  std::string query_error(info.query_code);
  query_error.push_back(';');
  query_error.append(FaultType(info));
  encoded.headers.emplace_back("x-amzn-query-error", std::move(query_error));
  std::string& body = encoded.body;
  body.reserve(64 + info.json_type.size() + message.size());
  body.append("{\"__type\":\"");
  body.append(kJsonTypePrefix);
  body.append(info.json_type);
  body.append("\",\"message\":");
  AppendJsonString(&body, message);
  body.push_back('}');
  return encoded;
}

}  // namespace spool::protocol
