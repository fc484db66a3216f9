#include "lambda/exchange.h"

#include <boost/json.hpp>

namespace spool::lambda {

std::string_view ErrorCode(LambdaErrc code) {
  switch (code) {
    case LambdaErrc::kResourceNotFound:
      return "ResourceNotFoundException";
    case LambdaErrc::kResourceConflict:
      return "ResourceConflictException";
    case LambdaErrc::kInvalidParameterValue:
      return "InvalidParameterValueException";
    case LambdaErrc::kInvalidRequestContent:
      return "InvalidRequestContentException";
    case LambdaErrc::kUnsupportedMediaType:
      return "UnsupportedMediaTypeException";
    case LambdaErrc::kPreconditionFailed:
      return "PreconditionFailedException";
    case LambdaErrc::kAccessDenied:
      return "AccessDeniedException";
    case LambdaErrc::kTooManyRequests:
      return "TooManyRequestsException";
    case LambdaErrc::kRequestTooLarge:
      return "RequestEntityTooLargeException";
    case LambdaErrc::kUnknownOperation:
      return "UnknownOperationException";
    case LambdaErrc::kService:
      break;
  }
  return "ServiceException";
}

int HttpStatus(LambdaErrc code) {
  switch (code) {
    case LambdaErrc::kResourceNotFound:
    case LambdaErrc::kUnknownOperation:
      return 404;
    case LambdaErrc::kResourceConflict:
      return 409;
    case LambdaErrc::kUnsupportedMediaType:
      return 415;
    case LambdaErrc::kPreconditionFailed:
      return 412;
    case LambdaErrc::kAccessDenied:
      return 403;
    case LambdaErrc::kTooManyRequests:
      return 429;
    case LambdaErrc::kRequestTooLarge:
      return 413;
    case LambdaErrc::kService:
      return 500;
    default:
      return 400;
  }
}

void Exchange::ReplyRaw(http::Response response) {
  response.headers.push_back({"x-amzn-RequestId", request_id});
  respond(std::move(response));
}

void Exchange::Reply(int status, const boost::json::value& body) {
  http::Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = boost::json::serialize(body);
  ReplyRaw(std::move(r));
}

void Exchange::ReplyEmpty(int status) {
  http::Response r;
  r.status = status;
  ReplyRaw(std::move(r));
}

void Exchange::Fail(LambdaErrc code, std::string_view message) {
  http::Response r;
  r.status = HttpStatus(code);
  r.headers.push_back({"Content-Type", "application/json"});
  r.headers.push_back({"X-Amzn-ErrorType", std::string(ErrorCode(code))});
  boost::json::object body;
  body["Type"] = code == LambdaErrc::kService ? "Service" : "User";
  body["message"] = message;
  r.body = boost::json::serialize(body);
  ReplyRaw(std::move(r));
}

}  // namespace spool::lambda
