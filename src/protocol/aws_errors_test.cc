#include "protocol/aws_errors.h"

#include <gtest/gtest.h>

namespace spool::protocol {
namespace {

struct Expected {
  AwsError error;
  std::string_view query_code;
  std::string_view json_type;
  int status;
};

// Reference sqs-api.md section 5.1, row by row, plus the choices documented in aws_errors.h.
constexpr Expected kCatalogue[] = {
    {AwsError::kNonExistentQueue, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
     400},
    {AwsError::kQueueAlreadyExists, "QueueAlreadyExists", "QueueNameExists", 400},
    {AwsError::kQueueDeletedRecently, "AWS.SimpleQueueService.QueueDeletedRecently",
     "QueueDeletedRecently", 400},
    {AwsError::kPurgeQueueInProgress, "AWS.SimpleQueueService.PurgeQueueInProgress",
     "PurgeQueueInProgress", 403},
    {AwsError::kMessageNotInflight, "AWS.SimpleQueueService.MessageNotInflight",
     "MessageNotInflight", 400},
    {AwsError::kReceiptHandleIsInvalid, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404},
    {AwsError::kTooManyEntriesInBatchRequest, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
     "TooManyEntriesInBatchRequest", 400},
    {AwsError::kEmptyBatchRequest, "AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest",
     400},
    {AwsError::kBatchEntryIdsNotDistinct, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
     "BatchEntryIdsNotDistinct", 400},
    {AwsError::kInvalidBatchEntryId, "AWS.SimpleQueueService.InvalidBatchEntryId",
     "InvalidBatchEntryId", 400},
    {AwsError::kBatchRequestTooLong, "AWS.SimpleQueueService.BatchRequestTooLong",
     "BatchRequestTooLong", 400},
    {AwsError::kUnsupportedOperation, "AWS.SimpleQueueService.UnsupportedOperation",
     "UnsupportedOperation", 400},
    {AwsError::kInvalidAttributeName, "InvalidAttributeName", "InvalidAttributeName", 400},
    {AwsError::kInvalidAttributeValue, "InvalidAttributeValue", "InvalidAttributeValue", 400},
    {AwsError::kInvalidMessageContents, "InvalidMessageContents", "InvalidMessageContents", 400},
    {AwsError::kOverLimit, "OverLimit", "OverLimit", 403},
    {AwsError::kRequestThrottled, "RequestThrottled", "RequestThrottled", 403},
    {AwsError::kInvalidAddress, "InvalidAddress", "InvalidAddress", 404},
    {AwsError::kInvalidSecurity, "InvalidSecurity", "InvalidSecurity", 403},
    {AwsError::kResourceNotFound, "ResourceNotFoundException", "ResourceNotFoundException", 404},
    {AwsError::kInvalidParameterValue, "InvalidParameterValue", "InvalidParameterValue", 400},
    {AwsError::kMissingParameter, "MissingParameter", "MissingParameter", 400},
    {AwsError::kInvalidParameterCombination, "InvalidParameterCombination",
     "InvalidParameterCombination", 400},
    {AwsError::kInvalidAction, "InvalidAction", "InvalidAction", 400},
    {AwsError::kMissingAction, "MissingAction", "MissingAction", 400},
    {AwsError::kMalformedQueryString, "MalformedQueryString", "MalformedQueryString", 404},
    {AwsError::kUnknownOperation, "InvalidAction", "InvalidAction", 400},
    {AwsError::kSerialization, "InvalidParameterValue", "InvalidParameterValue", 400},
    {AwsError::kAccessDenied, "AccessDenied", "AccessDenied", 403},
    {AwsError::kInvalidClientTokenId, "InvalidClientTokenId", "InvalidClientTokenId", 403},
    {AwsError::kSignatureDoesNotMatch, "SignatureDoesNotMatch", "SignatureDoesNotMatch", 403},
    {AwsError::kIncompleteSignature, "IncompleteSignature", "IncompleteSignature", 400},
    {AwsError::kMissingAuthenticationToken, "MissingAuthenticationToken",
     "MissingAuthenticationToken", 403},
    {AwsError::kRequestExpired, "RequestExpired", "RequestExpired", 400},
    {AwsError::kInternalError, "InternalError", "InternalError", 500},
    {AwsError::kServiceUnavailable, "ServiceUnavailable", "ServiceUnavailable", 503},
};

TEST(AwsErrors, CatalogueMatchesTheReference) {
  static_assert(std::size(kCatalogue) == static_cast<size_t>(AwsError::kServiceUnavailable) + 1);
  for (const Expected& e : kCatalogue) {
    const AwsErrorInfo& info = Info(e.error);
    EXPECT_EQ(info.query_code, e.query_code);
    EXPECT_EQ(info.json_type, e.json_type) << e.query_code;
    EXPECT_EQ(info.http_status, e.status) << e.query_code;
    EXPECT_EQ(info.sender_fault, e.status < 500) << e.query_code;
  }
}

TEST(AwsErrors, QueryErrorEnvelope) {
  const EncodedError e = EncodeQueryError(
      AwsError::kNonExistentQueue, "The specified queue does not exist for this wsdl version.",
      "b7452ca7-1cbd-4100-8722-762e520d3784");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.content_type, "text/xml");
  EXPECT_TRUE(e.headers.empty());
  EXPECT_EQ(e.body,
            R"(<?xml version="1.0"?><ErrorResponse )"
            R"(xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>)"
            R"(<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue )"
            R"(does not exist for this wsdl version.</Message><Detail/></Error>)"
            R"(<RequestId>b7452ca7-1cbd-4100-8722-762e520d3784</RequestId></ErrorResponse>)");
}

TEST(AwsErrors, QueryErrorOfTheServerIsReceiverAndEscaped) {
  const EncodedError e = EncodeQueryError(AwsError::kInternalError, "a<b & c\r", "r");
  EXPECT_EQ(e.status, 500);
  EXPECT_EQ(e.body,
            R"(<?xml version="1.0"?><ErrorResponse )"
            R"(xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Receiver</Type>)"
            R"(<Code>InternalError</Code><Message>a&lt;b &amp; c&#xD;</Message><Detail/></Error>)"
            R"(<RequestId>r</RequestId></ErrorResponse>)");
}

TEST(AwsErrors, JsonErrorWithQueryErrorHeader) {
  const EncodedError e =
      EncodeJsonError(AwsError::kNonExistentQueue, "The specified queue does not exist.");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.content_type, "application/x-amz-json-1.0");
  ASSERT_EQ(e.headers.size(), 1u);
  EXPECT_EQ(e.headers[0].first, "x-amzn-query-error");
  EXPECT_EQ(e.headers[0].second, "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(e.body, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist",)"
                    R"("message":"The specified queue does not exist."})");
}

TEST(AwsErrors, JsonErrorForUnmodelledCodesAndServerFaults) {
  const EncodedError bad = EncodeJsonError(AwsError::kInvalidParameterValue, "bad \"x\"\n");
  EXPECT_EQ(bad.headers[0].second, "InvalidParameterValue;Sender");
  EXPECT_EQ(bad.body,
            R"({"__type":"com.amazonaws.sqs#InvalidParameterValue","message":"bad \"x\"\n"})");

  const EncodedError busy = EncodeJsonError(AwsError::kServiceUnavailable, "later");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.headers[0].second, "ServiceUnavailable;Receiver");

  const EncodedError auth = EncodeJsonError(AwsError::kSignatureDoesNotMatch, "no");
  EXPECT_EQ(auth.status, 403);
  EXPECT_EQ(auth.headers[0].second, "SignatureDoesNotMatch;Sender");
  EXPECT_EQ(auth.body, R"({"__type":"com.amazonaws.sqs#SignatureDoesNotMatch","message":"no"})");
}

TEST(AwsErrors, JsonOnlyFailuresUseQueryCodesClientsKnow) {
  const EncodedError op = EncodeJsonError(AwsError::kUnknownOperation, "Unknown operation X.");
  EXPECT_EQ(op.status, 400);
  EXPECT_EQ(op.headers[0].second, "InvalidAction;Sender");
  const EncodedError ser = EncodeJsonError(AwsError::kSerialization, "not JSON");
  EXPECT_EQ(ser.status, 400);
  EXPECT_EQ(ser.headers[0].second, "InvalidParameterValue;Sender");
}

}  // namespace
}  // namespace spool::protocol
