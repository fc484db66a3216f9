#include <array>
#include <utility>

#include "api/actions.h"

namespace spool::api {
namespace {

constexpr std::array<std::pair<std::string_view, ActionFn>, 23> kActions = {{
    {"CreateQueue", &CreateQueue},
    {"DeleteQueue", &DeleteQueue},
    {"GetQueueUrl", &GetQueueUrl},
    {"ListQueues", &ListQueues},
    {"GetQueueAttributes", &GetQueueAttributes},
    {"SetQueueAttributes", &SetQueueAttributes},
    {"PurgeQueue", &PurgeQueue},
    {"ListDeadLetterSourceQueues", &ListDeadLetterSourceQueues},
    {"SendMessage", &SendMessage},
    {"SendMessageBatch", &SendMessageBatch},
    {"ReceiveMessage", &ReceiveMessage},
    {"DeleteMessage", &DeleteMessage},
    {"DeleteMessageBatch", &DeleteMessageBatch},
    {"ChangeMessageVisibility", &ChangeMessageVisibility},
    {"ChangeMessageVisibilityBatch", &ChangeMessageVisibilityBatch},
    {"TagQueue", &TagQueue},
    {"UntagQueue", &UntagQueue},
    {"ListQueueTags", &ListQueueTags},
    {"AddPermission", &AddPermission},
    {"RemovePermission", &RemovePermission},
    {"StartMessageMoveTask", &StartMessageMoveTask},
    {"CancelMessageMoveTask", &CancelMessageMoveTask},
    {"ListMessageMoveTasks", &ListMessageMoveTasks},
}};

}  // namespace

ActionFn FindAction(std::string_view name) {
  for (const auto& [n, fn] : kActions) {
    if (n == name) return fn;
  }
  return nullptr;
}

}  // namespace spool::api
