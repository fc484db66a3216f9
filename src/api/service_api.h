#pragma once
// ServiceApi: another AWS API answered on the same endpoint as SQS (Lambda's REST API,
// CloudWatch Logs' and Secrets Manager's JSON 1.1 APIs). The dispatcher routes a request to one by
// its path or its X-Amz-Target, after authenticating it and checking that its credential scope
// names the service; the ServiceApi authorises the principal for its own actions and answers in its
// own protocol.
//
// Threading: Handle() runs on an I/O thread, concurrently; `done` is called exactly once, from
// any thread (the http::Handler contract).

#include "api/principal.h"
#include "http/handler.h"

namespace spool::api {

class ServiceApi {
 public:
  virtual ~ServiceApi() = default;
  virtual void Handle(const Principal& principal, http::Request request, http::Respond done) = 0;
};

// The APIs beside SQS and IAM; a null one is not served (its requests get SQS's answer to an
// unknown operation).
struct ServiceApis {
  // paths /2015-03-31/..., /2017-10-31/..., /2019-09-30/... ; scope "lambda"
  ServiceApi* lambda = nullptr;
  ServiceApi* logs = nullptr;     // X-Amz-Target Logs_20140328.* ; scope "logs"
  ServiceApi* secrets = nullptr;  // X-Amz-Target secretsmanager.* ; scope "secretsmanager"
};

}  // namespace spool::api
