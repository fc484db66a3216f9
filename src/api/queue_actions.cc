// Queue administration actions.

#include "api/actions.h"
#include "auth/policy.h"

namespace spool::api {
namespace {

void WriteUrlPage(const CallPtr& call, const engine::ListQueuesResult& page,
                  std::string_view json_list, bool always_list) {
  auto w = call->NewWriter(true);
  std::vector<std::string> urls;
  urls.reserve(page.names.size());
  for (const auto& n : page.names) urls.push_back(call->QueueUrl(n));
  std::vector<std::string_view> views(urls.begin(), urls.end());
  if (!views.empty() || always_list) w->StringList(json_list, "QueueUrl", views);
  if (page.next_token) w->String("NextToken", "NextToken", *page.next_token);
  call->Reply(*w);
}

// Reads MaxResults and NextToken; false when the call failed.
bool ReadPage(const CallPtr& call, engine::ListQueuesRequest* page) {
  page->max_results = call->reader->Int("MaxResults", "MaxResults");
  page->next_token = call->reader->String("NextToken", "NextToken");
  return !call->FailedToRead();
}

}  // namespace

// A Policy attribute must be a valid queue (resource) policy. False after failing the call.
static bool CheckPolicyAttribute(const CallPtr& call, const engine::StringPairs& attributes) {
  for (const auto& [name, value] : attributes) {
    if (name != "Policy" || value.empty()) continue;
    std::string problem = auth::CheckResourcePolicy(value);
    if (!problem.empty()) {
      call->FailAws(protocol::AwsError::kInvalidAttributeValue,
                    "Invalid value for the parameter Policy. Reason: " + problem);
      return false;
    }
  }
  return true;
}

void CreateQueue(const CallPtr& call) {
  auto& r = *call->reader;
  engine::CreateQueueRequest req;
  auto name = r.String("QueueName", "QueueName");
  auto attributes = r.StringMap("Attributes", "Attribute");
  auto tags = r.StringMap("tags", "Tag", "Key", "Value");
  if (call->FailedToRead()) return;
  if (!name) return call->FailMissing("QueueName");
  req.name = *name;
  if (attributes && !CheckPolicyAttribute(call, *attributes)) return;
  if (attributes) req.attributes = std::move(*attributes);
  if (tags) req.tags = std::move(*tags);
  call->service->CreateQueue(std::move(req),
                             OnSuccess<engine::Empty>(call, [call, n = *name](engine::Empty) {
                               auto w = call->NewWriter(true);
                               w->String("QueueUrl", "QueueUrl", call->QueueUrl(n));
                               call->Reply(*w);
                             }));
}

void DeleteQueue(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  call->service->DeleteQueue(*queue, OnSuccess<engine::Empty>(call, [call](engine::Empty) {
    auto w = call->NewWriter(false);
    call->Reply(*w);
  }));
}

void GetQueueUrl(const CallPtr& call) {
  auto name = call->reader->String("QueueName", "QueueName");
  auto owner = call->reader->String("QueueOwnerAWSAccountId", "QueueOwnerAWSAccountId");
  if (call->FailedToRead()) return;
  if (!name) return call->FailMissing("QueueName");
  if (owner && *owner != call->options->account_id) {
    return call->FailAws(protocol::AwsError::kNonExistentQueue,
                         "The specified queue does not exist.");
  }
  call->service->LookupQueue(*name,
                             OnSuccess<engine::Empty>(call, [call, n = *name](engine::Empty) {
                               auto w = call->NewWriter(true);
                               w->String("QueueUrl", "QueueUrl", call->QueueUrl(n));
                               call->Reply(*w);
                             }));
}

void ListQueues(const CallPtr& call) {
  engine::ListQueuesRequest req;
  auto prefix = call->reader->String("QueueNamePrefix", "QueueNamePrefix");
  if (!ReadPage(call, &req)) return;
  if (prefix) req.prefix = *prefix;
  call->service->ListQueues(std::move(req), OnSuccess<engine::ListQueuesResult>(
                                                call, [call](engine::ListQueuesResult page) {
                                                  WriteUrlPage(call, page, "QueueUrls", false);
                                                }));
}

void ListDeadLetterSourceQueues(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  engine::ListQueuesRequest req;
  if (!ReadPage(call, &req)) return;
  call->service->ListDeadLetterSourceQueues(
      *queue, std::move(req),
      OnSuccess<engine::ListQueuesResult>(call, [call](engine::ListQueuesResult page) {
        WriteUrlPage(call, page, "queueUrls", true);
      }));
}

void GetQueueAttributes(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto names = call->reader->StringList("AttributeNames", "AttributeName");
  if (call->FailedToRead()) return;
  call->service->GetQueueAttributes(
      *queue, names ? std::move(*names) : std::vector<std::string>{},
      OnSuccess<engine::StringPairs>(call, [call](engine::StringPairs attributes) {
        auto w = call->NewWriter(true);
        if (!attributes.empty()) {
          std::vector<std::pair<std::string_view, std::string_view>> views(attributes.begin(),
                                                                           attributes.end());
          w->StringMap("Attributes", "Attribute", views);
        }
        call->Reply(*w);
      }));
}

void SetQueueAttributes(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto attributes = call->reader->StringMap("Attributes", "Attribute");
  if (call->FailedToRead()) return;
  if (!attributes) return call->FailMissing("Attributes");
  if (!CheckPolicyAttribute(call, *attributes)) return;
  call->service->SetQueueAttributes(*queue, std::move(*attributes),
                                    OnSuccess<engine::Empty>(call, [call](engine::Empty) {
                                      auto w = call->NewWriter(false);
                                      call->Reply(*w);
                                    }));
}

void PurgeQueue(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  call->service->PurgeQueue(*queue, OnSuccess<engine::Empty>(call, [call](engine::Empty) {
    auto w = call->NewWriter(false);
    call->Reply(*w);
  }));
}

}  // namespace spool::api
