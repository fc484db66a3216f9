// CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings,
// UpdateEventSourceMapping, DeleteEventSourceMapping (SQS sources only).

#include <boost/json.hpp>

#include <charconv>

#include "lambda/actions.h"
#include "lambda/filters.h"

namespace spool::lambda {
namespace {

using workers::MappingConfig;

// Parameters of other event sources (streams, Kafka, MQ, DocumentDB) and features Spool does
// not have: refused rather than silently ignored.
constexpr std::string_view kNotForSqs[] = {
    "StartingPosition",
    "StartingPositionTimestamp",
    "DestinationConfig",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "ParallelizationFactor",
    "TumblingWindowInSeconds",
    "Topics",
    "Queues",
    "SourceAccessConfigurations",
    "SelfManagedEventSource",
    "SelfManagedKafkaEventSourceConfig",
    "AmazonManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig",
    "ProvisionedPollerConfig",
    "MetricsConfig",
};

bool RefuseNotForSqs(Exchange& ex, const Body& body) {
  for (std::string_view key : kNotForSqs) {
    if (body.Has(key)) {
      ex.Fail(LambdaErrc::kInvalidParameterValue,
              std::string(key) +
                  " is not valid for SQS event sources (or not supported by "
                  "Spool).");
      return false;
    }
  }
  return true;
}

// The members Create and Update share, applied to `m`. Answers the error and returns false
// when one is wrong.
bool ApplyMembers(const Services& s, Exchange& ex, Body& body, MappingConfig* m) {
  if (!RefuseNotForSqs(ex, body)) return false;
  if (auto function = body.String("FunctionName")) {
    std::string error;
    bool not_found = false;
    auto name = ResolveFunctionName(s.scope, *function, &error, &not_found);
    if (!name) {
      ex.Fail(not_found ? LambdaErrc::kResourceNotFound : LambdaErrc::kInvalidParameterValue,
              error);
      return false;
    }
    m->function_name = *name;
  }
  if (auto enabled = body.Bool("Enabled")) m->enabled = *enabled;
  if (auto size = body.Int("BatchSize")) m->batch_size = *size;
  if (auto window = body.Int("MaximumBatchingWindowInSeconds")) {
    m->batching_window_seconds = *window;
  }
  if (const auto* types = body.Array("FunctionResponseTypes")) {
    m->report_batch_item_failures = false;
    for (const auto& t : *types) {
      if (!t.is_string() || t.get_string() != "ReportBatchItemFailures") {
        ex.Fail(LambdaErrc::kInvalidParameterValue,
                "FunctionResponseTypes may only contain ReportBatchItemFailures.");
        return false;
      }
      m->report_batch_item_failures = true;
    }
  }
  if (const auto* criteria = body.Object("FilterCriteria")) {
    m->filter_patterns.clear();
    const auto* filters = criteria->if_contains("Filters");
    if (filters != nullptr && !filters->is_null()) {
      if (!filters->is_array()) {
        body.SetError(
            "Could not parse request body into json: FilterCriteria.Filters must be "
            "an array");
      } else {
        for (const auto& f : filters->get_array()) {
          const auto* pattern = f.is_object() ? f.get_object().if_contains("Pattern") : nullptr;
          if (pattern == nullptr || !pattern->is_string()) {
            body.SetError(
                "Could not parse request body into json: each filter must be "
                "{\"Pattern\": \"<JSON text>\"}");
            break;
          }
          m->filter_patterns.emplace_back(pattern->get_string());
        }
      }
    }
  }
  if (const auto* scaling = body.Object("ScalingConfig")) {
    m->maximum_concurrency.reset();
    if (const auto* max = scaling->if_contains("MaximumConcurrency");
        max != nullptr && !max->is_null()) {
      if (!max->is_int64()) {
        body.SetError(
            "Could not parse request body into json: "
            "ScalingConfig.MaximumConcurrency must be an integer");
      } else {
        m->maximum_concurrency = max->get_int64();
      }
    }
  }
  if (body.object().contains("SpoolRetryBackoff")) {  // null or {} removes it
    const auto* backoff = body.Object("SpoolRetryBackoff");
    m->retry_backoff.reset();
    if (backoff != nullptr && !backoff->empty()) {
      workers::RetryBackoff b;
      Body members(*backoff);
      b.base_seconds = members.Int("BaseSeconds").value_or(b.base_seconds);
      b.max_seconds = members.Int("MaxSeconds").value_or(b.max_seconds);
      if (!members.error().empty()) body.SetError(members.error());
      m->retry_backoff = b;
    }
  }
  if (!body.error().empty()) {
    ex.Fail(LambdaErrc::kInvalidRequestContent, body.error());
    return false;
  }
  if (std::string problem = workers::ValidateMapping(*m); !problem.empty()) {
    ex.Fail(LambdaErrc::kInvalidParameterValue, problem);
    return false;
  }
  if (std::string problem = CheckFilterPatterns(m->filter_patterns); !problem.empty()) {
    ex.Fail(LambdaErrc::kInvalidParameterValue, problem);
    return false;
  }
  return true;
}

// Checks the mapping against its queue and its function (Lambda's rules: the queue exists; the
// function's timeout is at most the queue's visibility timeout; a FIFO queue takes batches of
// at most 10 and no batching window), then runs `store` or answers the error.
void CheckThenStore(const Services& s, const ExchangePtr& ex, MappingConfig m,
                    std::function<void(MappingConfig)> store) {
  auto function = s.registry->GetFunction(m.function_name);
  if (!function.ok()) return FailRegistry(s, *ex, function.error());
  int64_t timeout = function.value().timeout_seconds;
  std::string queue = m.queue_name;
  s.queues->GetQueueAttributes(
      queue, {"VisibilityTimeout", "FifoQueue"},
      [ex, m = std::move(m), timeout,
       store = std::move(store)](engine::Result<engine::StringPairs> r) mutable {
        if (!r.ok()) {
          if (r.error().code == engine::Errc::kQueueNotFound) {
            return ex->Fail(LambdaErrc::kInvalidParameterValue,
                            "Error occurred while ReceiveMessage. SQS Error Code: "
                            "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The "
                            "specified queue does not exist or you do not have access to it.");
          }
          return ex->Fail(LambdaErrc::kService, r.error().message);
        }
        int64_t visibility = 30;
        bool fifo = m.queue_name.ends_with(".fifo");
        for (const auto& [name, value] : r.value()) {
          if (name == "VisibilityTimeout") {
            std::from_chars(value.data(), value.data() + value.size(), visibility);
          }
          if (name == "FifoQueue" && value == "true") fifo = true;
        }
        if (timeout > visibility) {
          return ex->Fail(
              LambdaErrc::kInvalidParameterValue,
              "Invalid request provided: Queue visibility timeout: " + std::to_string(visibility) +
                  " seconds is less than Function timeout: " + std::to_string(timeout) +
                  " seconds");
        }
        if (fifo && m.batch_size > 10) {
          return ex->Fail(LambdaErrc::kInvalidParameterValue,
                          "Invalid request provided: BatchSize must be between 1 and 10 for "
                          "FIFO queues.");
        }
        if (fifo && m.batching_window_seconds > 0) {
          return ex->Fail(LambdaErrc::kInvalidParameterValue,
                          "Invalid request provided: MaximumBatchingWindowInSeconds is not "
                          "supported for FIFO queues.");
        }
        store(std::move(m));
      });
}

void Create(const Services& s, const ExchangePtr& ex) {
  auto body = ParseBody(*ex);
  if (!body) return;
  auto arn = body->String("EventSourceArn");
  if (!body->Has("FunctionName") || !arn) {
    if (!body->error().empty()) return ex->Fail(LambdaErrc::kInvalidRequestContent, body->error());
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "FunctionName and EventSourceArn are required.");
  }
  MappingConfig m;
  if (arn->starts_with("arn:aws:sqs:")) {
    auto queue = QueueOfArn(s.scope, *arn);
    // A queue of another account or region cannot exist here: Lambda's missing-queue answer.
    m.queue_name = queue.value_or("");
    if (!queue) {
      return ex->Fail(LambdaErrc::kInvalidParameterValue,
                      "Error occurred while ReceiveMessage. SQS Error Code: "
                      "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified "
                      "queue does not exist or you do not have access to it.");
    }
  } else {
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "Unrecognized event source, must be an SQS queue ARN "
                    "(arn:aws:sqs:REGION:ACCOUNT:QUEUE); Spool maps SQS queues only.");
  }
  if (!ApplyMembers(s, *ex, *body, &m)) return;
  CheckThenStore(s, ex, std::move(m), [s, ex](MappingConfig checked) {
    auto created = s.registry->CreateMapping(std::move(checked));
    if (!created.ok()) return FailRegistry(s, *ex, created.error());
    ex->Reply(202, MappingJson(s.scope, created.value(), MappingState(created.value())));
  });
}

void Update(const Services& s, const ExchangePtr& ex) {
  auto existing = s.registry->GetMapping(ex->route.uuid);
  if (!existing.ok()) return FailRegistry(s, *ex, existing.error());
  auto body = ParseBody(*ex);
  if (!body) return;
  if (body->Has("EventSourceArn")) {
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "The event source of a mapping cannot be changed; create another mapping.");
  }
  MappingConfig m = existing.value();
  if (!ApplyMembers(s, *ex, *body, &m)) return;
  CheckThenStore(s, ex, std::move(m), [s, ex](MappingConfig checked) {
    auto updated = s.registry->UpdateMapping(std::move(checked));
    if (!updated.ok()) return FailRegistry(s, *ex, updated.error());
    ex->Reply(202, MappingJson(s.scope, updated.value(), MappingState(updated.value())));
  });
}

void List(const Services& s, const ExchangePtr& ex) {
  const auto& q = ex->route.query;
  int64_t max_items = 100;
  if (auto it = q.find("MaxItems"); it != q.end()) {
    const std::string& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max_items);
    if (ec != std::errc() || end != text.data() + text.size() || max_items < 1 ||
        max_items > 10000) {
      return ex->Fail(LambdaErrc::kInvalidParameterValue,
                      "1 validation error detected: Value '" + text +
                          "' at 'maxItems' failed to satisfy constraint: Member must be an "
                          "integer from 1 to 10000");
    }
  }
  std::optional<std::string> function, queue;
  if (auto it = q.find("FunctionName"); it != q.end() && !it->second.empty()) {
    std::string error;
    bool not_found = false;
    function = ResolveFunctionName(s.scope, it->second, &error, &not_found);
    if (!function) {
      return ex->Fail(
          not_found ? LambdaErrc::kResourceNotFound : LambdaErrc::kInvalidParameterValue, error);
    }
  }
  if (auto it = q.find("EventSourceArn"); it != q.end() && !it->second.empty()) {
    queue = QueueOfArn(s.scope, it->second);
    if (!queue) queue = "";  // not one of this account's queues: nothing matches
  }
  std::string marker;
  if (auto it = q.find("Marker"); it != q.end()) marker = it->second;
  boost::json::array mappings;
  std::string next;
  for (const auto& m : s.registry->Snapshot().mappings) {  // by uuid
    if (m.uuid < marker) continue;
    if (function && m.function_name != *function) continue;
    if (queue && m.queue_name != *queue) continue;
    if (static_cast<int64_t>(mappings.size()) == max_items) {
      next = m.uuid;
      break;
    }
    mappings.push_back(MappingJson(s.scope, m, MappingState(m)));
  }
  boost::json::object out;
  out["EventSourceMappings"] = std::move(mappings);
  if (!next.empty()) out["NextMarker"] = next;
  ex->Reply(200, out);
}

}  // namespace

// Spool's extension: what the mapping's poller is doing on this server right now, and Lambda's
// LastProcessingResult.
static void AddStatus(const Services& s, const std::string& uuid, boost::json::object* out) {
  if (s.invoker == nullptr) return;
  for (const auto& m : s.invoker->Status().mappings) {
    if (m.uuid != uuid) continue;
    if (!m.last_result.empty()) (*out)["LastProcessingResult"] = m.last_result;
    (*out)["SpoolStatus"] = boost::json::object{{"State", m.state},
                                                {"TargetConcurrency", m.target_concurrency},
                                                {"ActiveBatches", m.active_slots},
                                                {"Received", m.received},
                                                {"FilteredOut", m.filtered_out},
                                                {"Invocations", m.invocations},
                                                {"Succeeded", m.succeeded},
                                                {"Failed", m.failed},
                                                {"Partial", m.partial},
                                                {"Deleted", m.deleted},
                                                {"OverheadMicrosP50", m.overhead_p50_us},
                                                {"OverheadMicrosP99", m.overhead_p99_us}};
  }
}

void RunMappingAction(const Services& services, const ExchangePtr& exchange) {
  const Services& s = services;
  const ExchangePtr& ex = exchange;
  switch (ex->route.action) {
    case Action::kCreateEventSourceMapping:
      return Create(s, ex);
    case Action::kUpdateEventSourceMapping:
      return Update(s, ex);
    case Action::kListEventSourceMappings:
      return List(s, ex);
    case Action::kGetEventSourceMapping: {
      auto m = s.registry->GetMapping(ex->route.uuid);
      if (!m.ok()) return FailRegistry(s, *ex, m.error());
      auto out = MappingJson(s.scope, m.value(), MappingState(m.value()));
      AddStatus(s, m.value().uuid, &out);
      return ex->Reply(200, out);
    }
    case Action::kDeleteEventSourceMapping: {
      auto m = s.registry->DeleteMapping(ex->route.uuid);
      if (!m.ok()) return FailRegistry(s, *ex, m.error());
      return ex->Reply(202, MappingJson(s.scope, m.value(), "Deleting"));
    }
    default:
      ex->Fail(LambdaErrc::kService, "not a mapping action");
  }
}

}  // namespace spool::lambda
