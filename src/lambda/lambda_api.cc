#include "lambda/lambda_api.h"

#include "common/uuid.h"
#include "lambda/actions.h"

namespace spool::lambda {

LambdaApi::LambdaApi(Scope scope, workers::Registry* registry, engine::QueueService* queues,
                     const api::Authorizer* authorizer, workers::Invoker* invoker,
                     const workers::CodeStore* code_store)
    : scope_(std::move(scope)),
      registry_(registry),
      queues_(queues),
      authorizer_(authorizer),
      invoker_(invoker),
      code_store_(code_store) {}

bool LambdaApi::IsUpload(std::string_view method, std::string_view target) {
  if (!target.starts_with("/2015-03-31/functions")) return false;
  std::string_view path = target.substr(0, target.find('?'));
  auto route = ParseRoute(method, path, "");
  return route &&
         (route->action == Action::kCreateFunction || route->action == Action::kUpdateFunctionCode);
}

namespace {

// The ARN an action is authorised on ("*" when it names no single resource).
std::string ResourceOf(const Scope& scope, const Exchange& exchange) {
  const Route& route = exchange.route;
  switch (route.action) {
    case Action::kListFunctions:
    case Action::kCreateEventSourceMapping:
    case Action::kListEventSourceMappings:
      return "*";
    case Action::kGetEventSourceMapping:
    case Action::kUpdateEventSourceMapping:
    case Action::kDeleteEventSourceMapping:
      return MappingArn(scope, route.uuid);
    case Action::kCreateFunction: {
      // The new function's ARN (an unreadable body is answered by the action).
      std::string error;
      auto body = Body::Parse(exchange.request.body, &error);
      auto name = body ? body->String("FunctionName") : std::nullopt;
      bool not_found = false;
      auto resolved = name ? ResolveFunctionName(scope, *name, &error, &not_found) : std::nullopt;
      return FunctionArn(scope, resolved.value_or(name.value_or("")));
    }
    default: {
      std::string error;
      bool not_found = false;
      auto name = ResolveFunctionName(scope, route.function, &error, &not_found);
      return FunctionArn(scope, name.value_or(route.function));
    }
  }
}

}  // namespace

void LambdaApi::Handle(const api::Principal& principal, http::Request request, http::Respond done) {
  auto exchange = std::make_shared<Exchange>();
  exchange->request_id = common::NewUuid();
  exchange->principal = principal;
  exchange->request = std::move(request);
  exchange->respond = std::move(done);
  auto route =
      ParseRoute(exchange->request.method, exchange->request.path(), exchange->request.query());
  if (!route) {
    return exchange->Fail(LambdaErrc::kUnknownOperation,
                          "No Lambda operation is served at " + exchange->request.method + " " +
                              std::string(exchange->request.path()) + ".");
  }
  exchange->route = std::move(*route);
  if (authorizer_ != nullptr && !principal.root()) {
    if (auto denied = authorizer_->CheckIam(principal, IamActionOf(exchange->route.action),
                                            ResourceOf(scope_, *exchange),
                                            exchange->request.remote_address)) {
      return exchange->Fail(LambdaErrc::kAccessDenied, *denied);
    }
  }
  Services services{scope_, registry_, queues_, invoker_, code_store_};
  switch (exchange->route.action) {
    case Action::kInvoke:
      return RunInvoke(services, exchange);
    case Action::kCreateEventSourceMapping:
    case Action::kListEventSourceMappings:
    case Action::kGetEventSourceMapping:
    case Action::kUpdateEventSourceMapping:
    case Action::kDeleteEventSourceMapping:
      return RunMappingAction(services, exchange);
    default:
      return RunFunctionAction(services, exchange);
  }
}

void FailRegistry(const Services& services, Exchange& exchange,
                  const workers::RegistryError& error) {
  using workers::RegistryError;
  switch (error.code) {
    case RegistryError::kNotFound: {
      // The registry names functions; Lambda names their ARNs.
      constexpr std::string_view kPrefix = "Function not found: ";
      if (error.message.starts_with(kPrefix)) {
        return exchange.Fail(LambdaErrc::kResourceNotFound,
                             std::string(kPrefix) +
                                 FunctionArn(services.scope, error.message.substr(kPrefix.size())));
      }
      return exchange.Fail(LambdaErrc::kResourceNotFound, error.message);
    }
    case RegistryError::kConflict:
      return exchange.Fail(LambdaErrc::kResourceConflict, error.message);
    case RegistryError::kInvalid:
      return exchange.Fail(LambdaErrc::kInvalidParameterValue, error.message);
    case RegistryError::kIo:
      break;
  }
  exchange.Fail(LambdaErrc::kService, error.message);
}

std::optional<Body> ParseBody(Exchange& exchange) {
  std::string error;
  auto body = Body::Parse(exchange.request.body, &error);
  if (!body) exchange.Fail(LambdaErrc::kInvalidRequestContent, error);
  return body;
}

std::optional<std::string> RouteFunction(const Services& services, Exchange& exchange) {
  std::string error;
  bool not_found = false;
  std::string text = exchange.route.function;
  if (auto q = exchange.route.query.find("Qualifier"); q != exchange.route.query.end()) {
    text += ":" + q->second;  // ?Qualifier=: Spool has $LATEST only
  }
  auto name = ResolveFunctionName(services.scope, text, &error, &not_found);
  if (!name) {
    exchange.Fail(not_found ? LambdaErrc::kResourceNotFound : LambdaErrc::kInvalidParameterValue,
                  error);
  }
  return name;
}

}  // namespace spool::lambda
