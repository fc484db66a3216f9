#pragma once
// LambdaApi: the AWS Lambda REST-JSON API subset that manages Spool's functions and event
// source mappings, served on Spool's endpoint beside SQS (README.md lists the actions, the
// shapes and where Spool differs).
//
// Authorisation: the account root may do everything; an IAM user needs an identity-policy
// Allow of lambda:<Action> (lambda:InvokeFunction for Invoke) on the function's ARN, or on the
// mapping's ARN (arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID), or on "*" for
// CreateEventSourceMapping, ListEventSourceMappings and ListFunctions; otherwise
// AccessDeniedException.
//
// Threading: Handle runs on I/O threads concurrently. The registry has its own mutex (its
// writes are small synchronous file writes); queue checks complete on engine threads and
// invocations on the workers' thread; each request is answered exactly once.

#include "api/authorizer.h"
#include "api/service_api.h"
#include "engine/queue_service.h"
#include "lambda/shapes.h"
#include "workers/code_store.h"
#include "workers/invoker.h"
#include "workers/registry.h"

namespace spool::lambda {

class LambdaApi final : public api::ServiceApi {
 public:
  // Everything must outlive the API. `authorizer` null: every principal may do everything
  // (as the SQS dispatcher without one); `invoker` null: Invoke answers ServiceException
  // (no workers are running); `code_store` null: deployment packages (ZipFile) are refused.
  LambdaApi(Scope scope, workers::Registry* registry, engine::QueueService* queues,
            const api::Authorizer* authorizer, workers::Invoker* invoker,
            const workers::CodeStore* code_store = nullptr);

  // The largest request body CreateFunction and UpdateFunctionCode accept (Lambda's: a 50 MB
  // archive, base64 in JSON), and whether a request is one of them (http::ServerOptions's
  // is_upload).
  static constexpr size_t kMaxUploadBodyBytes = 70'167'211;
  static bool IsUpload(std::string_view method, std::string_view target);

  void Handle(const api::Principal& principal, http::Request request, http::Respond done) override;

 private:
  Scope scope_;
  workers::Registry* registry_;
  engine::QueueService* queues_;
  const api::Authorizer* authorizer_;
  workers::Invoker* invoker_;
  const workers::CodeStore* code_store_;
};

}  // namespace spool::lambda
