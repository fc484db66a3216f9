#pragma once
// The action families of the Lambda API (one file each) and what they share.

#include <string>

#include "engine/queue_service.h"
#include "lambda/body.h"
#include "lambda/exchange.h"
#include "lambda/shapes.h"
#include "workers/code_store.h"
#include "workers/invoker.h"
#include "workers/registry.h"

namespace spool::lambda {

struct Services {
  Scope scope;
  workers::Registry* registry = nullptr;
  engine::QueueService* queues = nullptr;
  workers::Invoker* invoker = nullptr;
  const workers::CodeStore* code_store = nullptr;  // null: ZipFile is refused
};

// function_actions.cc: Create/Get/List/Update/Delete functions, their concurrency.
void RunFunctionAction(const Services& services, const ExchangePtr& exchange);
// mapping_actions.cc: the event source mapping actions.
void RunMappingAction(const Services& services, const ExchangePtr& exchange);
// invoke_action.cc: Invoke.
void RunInvoke(const Services& services, const ExchangePtr& exchange);

// Answers a registry error with its Lambda exception.
void FailRegistry(const Services& services, Exchange& exchange,
                  const workers::RegistryError& error);
// The request body as a JSON object; answers InvalidRequestContentException and returns
// nullopt when it is not one.
std::optional<Body> ParseBody(Exchange& exchange);
// The function named by the route ({FunctionName}); answers the error and returns nullopt when
// the name is not one of ours.
std::optional<std::string> RouteFunction(const Services& services, Exchange& exchange);

}  // namespace spool::lambda
