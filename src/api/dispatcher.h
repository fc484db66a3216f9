#pragma once
// Dispatcher: the http::Handler that answers the SQS API on every path.
//
// For each request: mint a request id; pick the protocol (X-Amz-Target "AmazonSQS.<Action>"
// means AWS JSON 1.0, otherwise Query parameters from the URL and a form body; a Query request
// with Version=2010-05-08 is an IAM request, answered by iam_actions.h); authenticate
// (the seam where SigV4 verification goes); find the action; run it. Every failure before the
// action (unknown action, unparseable body) is answered in the client's protocol.
//
// Threading: Handle() may run on any I/O thread concurrently; the dispatcher holds no mutable
// state of its own.

#include "api/authenticator.h"
#include "api/authorizer.h"
#include "api/call.h"
#include "api/service_api.h"
#include "engine/queue_service.h"
#include "http/handler.h"
#include "iam/identity_store.h"

namespace spool::api {

class Dispatcher final : public http::Handler {
 public:
  // `service`, `identities` (may be null: no IAM API), `authenticator` (may be null: every
  // request is the account root's, --insecure-no-auth) and `authorizer` (may be null: every
  // authenticated principal may do everything) must outlive the dispatcher.
  Dispatcher(ApiOptions options, engine::QueueService* service,
             iam::IdentityStore* identities = nullptr, const Authenticator* authenticator = nullptr,
             const Authorizer* authorizer = nullptr);

  // Routes Lambda and CloudWatch Logs requests to these (see service_api.h). Call before the
  // server starts.
  void SetServiceApis(ServiceApis apis) { apis_ = apis; }

  // Answers `request` as `principal` without authenticating it: for Spool's own components
  // (the in-process workers), never for anything that arrived over the network.
  void HandleAs(Principal principal, http::Request request, http::Respond done);

  void Handle(http::Request request, http::Respond done) override;

 private:
  void Route(const CallPtr& call, http::Request& request);
  void HandleJson(const CallPtr& call, http::Request& request);
  void HandleQuery(const CallPtr& call, http::Request& request);
  void Run(const CallPtr& call);
  // The queue an SQS action addresses ("" when none or not ours), for authorisation.
  std::string QueueOf(const Call& call) const;
  // The IAM resource an IAM action addresses (a user's or a policy's ARN, or "*").
  std::string IamResourceOf(const Call& call) const;

  const ApiOptions options_;
  engine::QueueService* service_;
  iam::IdentityStore* identities_;
  const Authenticator* authenticator_;
  const Authorizer* authorizer_;
  ServiceApis apis_;
};

}  // namespace spool::api
