#pragma once
// Exchange: one Lambda API request in progress (the principal, the parsed route, the reply
// channel) and the ways to answer it in Lambda's REST-JSON shape.
//
// Errors are answered as Lambda answers them: the HTTP status, the header
// `X-Amzn-ErrorType: <Code>` and the body {"Type":"User"|"Service","message":"..."}.
//
// Threading: an exchange is used by one thread at a time (the I/O thread, then whichever thread
// completes an engine or invoker callback); it is answered exactly once.

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "api/principal.h"
#include "http/handler.h"
#include "lambda/route.h"

namespace spool::lambda {

enum class LambdaErrc {
  kResourceNotFound,       // 404
  kResourceConflict,       // 409
  kInvalidParameterValue,  // 400
  kInvalidRequestContent,  // 400: the body is not JSON, or a member has the wrong type
  kUnsupportedMediaType,   // 415
  kPreconditionFailed,     // 412: RevisionId does not match
  kAccessDenied,           // 403
  kTooManyRequests,        // 429: throttled invocation
  kRequestTooLarge,        // 413: a deployment package over the direct-upload limit
  kService,                // 500
  kUnknownOperation,       // 404: no Lambda action at this method and path
};

std::string_view ErrorCode(LambdaErrc code);  // "ResourceNotFoundException", ...
int HttpStatus(LambdaErrc code);

struct Exchange {
  std::string request_id;
  api::Principal principal;
  http::Request request;
  http::Respond respond;
  Route route;

  // 200..299 with a JSON body (Content-Type application/json).
  void Reply(int status, const boost::json::value& body);
  // A status without a body (204, 202).
  void ReplyEmpty(int status);
  // A response whose headers and body the caller built (Invoke); adds the request id.
  void ReplyRaw(http::Response response);
  void Fail(LambdaErrc code, std::string_view message);
};

using ExchangePtr = std::shared_ptr<Exchange>;

}  // namespace spool::lambda
