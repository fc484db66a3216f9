#include "api/dispatcher.h"

#include "api/actions.h"
#include "api/iam_actions.h"
#include "api/queue_url.h"
#include "common/uuid.h"
#include "protocol/form.h"

namespace spool::api {
namespace {

constexpr std::string_view kJsonTargetPrefix = "AmazonSQS.";

std::string BaseUrl(const ApiOptions& options, const http::Request& request) {
  if (!options.public_base_url.empty()) return options.public_base_url;
  std::string_view host = request.header("Host");
  if (host.empty()) host = "127.0.0.1";
  return "http://" + std::string(host);
}

}  // namespace

Dispatcher::Dispatcher(ApiOptions options, engine::QueueService* service,
                       iam::IdentityStore* identities, const Authenticator* authenticator,
                       const Authorizer* authorizer)
    : options_(std::move(options)),
      service_(service),
      identities_(identities),
      authenticator_(authenticator),
      authorizer_(authorizer) {}

namespace {

CallPtr NewCall(const ApiOptions& options, engine::QueueService* service,
                const http::Request& request, http::Respond done) {
  auto call = std::make_shared<Call>();
  call->request_id = common::NewUuid();
  call->service = service;
  call->options = &options;
  call->respond = std::move(done);
  call->base_url = BaseUrl(options, request);
  call->source_ip = request.remote_address;
  if (auto parts = ParseQueuePath(request.path());
      parts && parts->account_id == options.account_id) {
    call->path_queue = parts->name;
  }
  std::string_view target = request.header("X-Amz-Target");
  bool json =
      !target.empty() || request.header("Content-Type").starts_with("application/x-amz-json");
  call->protocol = json ? Protocol::kJson : Protocol::kQuery;
  return call;
}

// The other AWS API a request is for, "" for SQS and IAM.
std::string_view ServiceOf(const http::Request& request) {
  std::string_view path = request.path();
  if (path.starts_with("/2015-03-31/") || path.starts_with("/2017-10-31/") ||
      path.starts_with("/2019-09-30/")) {
    return "lambda";  // 2019-09-30: GetFunctionConcurrency
  }
  std::string_view target = request.header("X-Amz-Target");
  if (target.starts_with("Logs_20140328.")) return "logs";
  if (target.starts_with("secretsmanager.")) return "secretsmanager";
  return "";
}

}  // namespace

void Dispatcher::Handle(http::Request request, http::Respond done) {
  auto call = NewCall(options_, service_, request, std::move(done));
  if (authenticator_ == nullptr) {
    call->principal.id = options_.account_id;  // --insecure-no-auth: everything is the root's
    call->principal.arn = "arn:aws:iam::" + options_.account_id + ":root";
  } else {
    auto who = authenticator_->Authenticate(request);
    if (auto* failure = std::get_if<AuthFailure>(&who)) {
      call->action = "Unknown";
      return call->FailAws(failure->error, failure->message);
    }
    call->principal = std::get<Principal>(std::move(who));
  }
  Route(call, request);
}

void Dispatcher::HandleAs(Principal principal, http::Request request, http::Respond done) {
  auto call = NewCall(options_, service_, request, std::move(done));
  call->principal = std::move(principal);
  Route(call, request);
}

void Dispatcher::Route(const CallPtr& call, http::Request& request) {
  if (std::string_view other = ServiceOf(request); !other.empty()) {
    ServiceApi* api = other == "lambda" ? apis_.lambda
                      : other == "logs" ? apis_.logs
                                        : apis_.secrets;
    if (api != nullptr) {
      if (authenticator_ != nullptr && !call->principal.service.empty() &&
          call->principal.service != other) {
        call->action = "Unknown";
        return call->FailAws(
            protocol::AwsError::kSignatureDoesNotMatch,
            "Credential should be scoped to correct service: '" + std::string(other) + "'.");
      }
      return api->Handle(call->principal, std::move(request), std::move(call->respond));
    }
  }
  if (call->protocol == Protocol::kJson) {
    std::string_view target = request.header("X-Amz-Target");
    if (!target.starts_with(kJsonTargetPrefix)) {
      call->action = "Unknown";
      return call->FailAws(protocol::AwsError::kUnknownOperation,
                           "The X-Amz-Target header must name an AmazonSQS operation.");
    }
    call->action = std::string(target.substr(kJsonTargetPrefix.size()));
    return HandleJson(call, request);
  }
  HandleQuery(call, request);
}

void Dispatcher::HandleJson(const CallPtr& call, http::Request& request) {
  std::string error;
  call->reader = protocol::MakeJsonReader(request.body, &error);
  if (!call->reader) {
    return call->FailAws(protocol::AwsError::kSerialization,
                         "The request body is not valid JSON: " + error);
  }
  Run(call);
}

void Dispatcher::HandleQuery(const CallPtr& call, http::Request& request) {
  protocol::FormParams params;
  bool ok = protocol::ParseForm(request.query(), &params);
  std::string_view content_type = request.header("Content-Type");
  if (ok && !request.body.empty()) {
    if (!content_type.empty() && !content_type.starts_with("application/x-www-form-urlencoded")) {
      call->action = "Unknown";
      return call->FailAws(protocol::AwsError::kInvalidParameterValue,
                           "Unsupported Content-Type " + std::string(content_type) + ".");
    }
    ok = protocol::ParseForm(request.body, &params);
  }
  if (!ok) {
    call->action = "Unknown";
    return call->FailAws(protocol::AwsError::kMalformedQueryString,
                         "The request has a malformed query string or form body.");
  }
  bool iam = false;
  for (const auto& [k, v] : params) {
    if (k == "Action") call->action = v;
    if (k == "Version" && v == kIamVersion) iam = true;
  }
  call->reader = protocol::MakeQueryReader(std::move(params));
  if (iam && !call->action.empty()) {
    if (authenticator_ != nullptr && call->principal.service != "iam") {
      return call->FailAws(protocol::AwsError::kSignatureDoesNotMatch,
                           "Credential should be scoped to correct service: 'iam'.");
    }
    if (!call->principal.root()) {
      // IAM users need an identity policy that allows the iam: action on its resource.
      std::string resource = IamResourceOf(*call);
      std::optional<std::string> denied =
          authorizer_ == nullptr
              ? std::optional<std::string>("User: " + call->principal.arn +
                                           " is not authorized to perform: iam:" + call->action)
              : authorizer_->CheckIam(call->principal, "iam:" + call->action, resource,
                                      call->source_ip);
      if (denied) return call->FailAws(protocol::AwsError::kAccessDenied, *denied);
    }
    return HandleIam(call, identities_);
  }
  Run(call);
}

void Dispatcher::Run(const CallPtr& call) {
  if (call->action.empty()) {
    call->action = "Unknown";
    return call->FailAws(protocol::AwsError::kMissingAction,
                         "The request must contain the parameter Action.");
  }
  if (authenticator_ != nullptr && call->principal.service != "sqs") {
    return call->FailAws(protocol::AwsError::kSignatureDoesNotMatch,
                         "Credential should be scoped to correct service: 'sqs'.");
  }
  ActionFn fn = FindAction(call->action);
  if (fn == nullptr) {
    std::string action = call->action;
    call->action = "Unknown";
    if (call->protocol == Protocol::kJson) {
      return call->FailAws(protocol::AwsError::kUnknownOperation,
                           "The operation " + action + " is not valid for this endpoint.");
    }
    return call->FailAws(protocol::AwsError::kInvalidAction,
                         "The action " + action + " is not valid for this endpoint.");
  }
  if (authorizer_ == nullptr || call->principal.root()) return fn(call);
  std::string queue = QueueOf(*call);
  std::string resource = queue.empty() ? "*" : call->QueueArn(queue);
  auto decide = [this, call, fn, resource](std::string_view policy) {
    if (auto denied =
            authorizer_->Check(call->principal, call->action, resource, policy, call->source_ip)) {
      return call->FailAws(protocol::AwsError::kAccessDenied, *denied);
    }
    fn(call);
  };
  if (queue.empty() || call->action == "CreateQueue") return decide("");
  // The queue's own policy takes part (unknown queue: none; the action then says so).
  service_->GetQueueAttributes(queue, {"Policy"}, [decide](engine::Result<engine::StringPairs> r) {
    std::string policy;
    if (r.ok()) {
      for (const auto& [name, value] : r.value()) {
        if (name == "Policy") policy = value;
      }
    }
    decide(policy);
  });
}

std::string Dispatcher::IamResourceOf(const Call& call) const {
  protocol::Reader& r = *call.reader;
  std::string account = "arn:aws:iam::" + options_.account_id + ":";
  if (auto arn = r.String("PolicyArn", "PolicyArn"); arn && !call.action.ends_with("UserPolicy")) {
    return *arn;  // CreatePolicy has none: "*" below
  }
  if (call.action == "CreatePolicy") {
    return account + "policy/" + r.String("PolicyName", "PolicyName").value_or("");
  }
  if (auto user = r.String("UserName", "UserName")) {
    // The user's ARN as IAM writes it (the default path; users under other paths are matched
    // by a wildcard such as arn:aws:iam::ACCOUNT:user/*).
    if (identities_ != nullptr) {
      if (auto u = identities_->GetUser(*user); u.ok()) return u.value().arn;
    }
    return account + "user/" + *user;
  }
  if (call.action == "ListAccessKeys" || call.action == "CreateAccessKey" ||
      call.action == "UpdateAccessKey" || call.action == "DeleteAccessKey") {
    return call.principal.arn;  // no UserName: the caller's own keys
  }
  return "*";
}

std::string Dispatcher::QueueOf(const Call& call) const {
  protocol::Reader& r = *call.reader;  // reading records malformed members for the action
  if (call.action == "ListQueues" || call.action == "CancelMessageMoveTask") return "";
  if (call.action == "CreateQueue" || call.action == "GetQueueUrl") {
    return r.String("QueueName", "QueueName").value_or("");
  }
  if (call.action == "StartMessageMoveTask" || call.action == "ListMessageMoveTasks") {
    std::string arn = r.String("SourceArn", "SourceArn").value_or("");
    std::string prefix = "arn:aws:sqs:" + options_.region + ":" + options_.account_id + ":";
    return arn.starts_with(prefix) ? arn.substr(prefix.size()) : "";
  }
  if (auto url = r.String("QueueUrl", "QueueUrl")) {
    auto parts = ParseQueueUrl(*url);
    return parts && parts->account_id == options_.account_id ? parts->name : "";
  }
  return call.path_queue;
}
}  // namespace spool::api
