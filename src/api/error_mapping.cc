#include "api/error_mapping.h"

namespace spool::api {

using engine::Errc;
using protocol::AwsError;

AwsError ToAwsError(Errc code) {
  switch (code) {
    case Errc::kQueueNotFound:
      return AwsError::kNonExistentQueue;
    case Errc::kQueueNameExists:
      return AwsError::kQueueAlreadyExists;
    case Errc::kQueueDeletedRecently:
      return AwsError::kQueueDeletedRecently;
    case Errc::kPurgeInProgress:
      return AwsError::kPurgeQueueInProgress;
    case Errc::kInvalidAttributeName:
      return AwsError::kInvalidAttributeName;
    case Errc::kInvalidAttributeValue:
      return AwsError::kInvalidAttributeValue;
    case Errc::kInvalidParameterValue:
      return AwsError::kInvalidParameterValue;
    case Errc::kMissingParameter:
      return AwsError::kMissingParameter;
    case Errc::kInvalidMessageContents:
      return AwsError::kInvalidMessageContents;
    case Errc::kReceiptHandleInvalid:
      return AwsError::kReceiptHandleIsInvalid;
    case Errc::kMessageNotInflight:
      return AwsError::kMessageNotInflight;
    case Errc::kEmptyBatch:
      return AwsError::kEmptyBatchRequest;
    case Errc::kTooManyEntries:
      return AwsError::kTooManyEntriesInBatchRequest;
    case Errc::kBatchIdsNotDistinct:
      return AwsError::kBatchEntryIdsNotDistinct;
    case Errc::kInvalidBatchEntryId:
      return AwsError::kInvalidBatchEntryId;
    case Errc::kBatchTooLong:
      return AwsError::kBatchRequestTooLong;
    case Errc::kOverLimit:
      return AwsError::kOverLimit;
    case Errc::kUnsupportedOperation:
      return AwsError::kUnsupportedOperation;
    case Errc::kResourceNotFound:
      return AwsError::kResourceNotFound;
    case Errc::kShuttingDown:
      return AwsError::kServiceUnavailable;
    case Errc::kInternal:
      return AwsError::kInternalError;
  }
  return AwsError::kInternalError;
}

}  // namespace spool::api
