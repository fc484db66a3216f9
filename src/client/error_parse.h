#pragma once
// An error answer of an AWS JSON service as an Error (ErrorKind::kService), read the way the
// AWS SDKs read it:
//   - type: `__type` of the JSON body, cut after '#' and before ':' ("com.amazonaws.sqs#
//     QueueDoesNotExist" -> "QueueDoesNotExist"), else the x-amzn-ErrorType header;
//   - code: the Query code of the x-amzn-query-error header ("CODE;Sender"), else the type;
//   - message: `message` or `Message` of the body;
//   - request id: x-amzn-RequestId (or x-amz-request-id).
// A body that is not JSON (a proxy's HTML page) gives code "UnknownError" with the status and
// the start of the body in the message. Retryability is not decided here (retry_policy.h).
//
// Threading: pure function.

#include "client/http_connection.h"
#include "spool/result.h"

namespace spool::client {

Error ErrorFromResponse(const HttpResponse& response);

// The JSON shape name of a `__type` value.
std::string ShapeName(std::string_view type);

}  // namespace spool::client
