#pragma once
// The SQS actions, one function each, grouped in files by family:
//   queue_actions.cc    CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, GetQueueAttributes,
//                       SetQueueAttributes, PurgeQueue, ListDeadLetterSourceQueues
//   message_actions.cc  SendMessage(Batch), ReceiveMessage
//   receipt_actions.cc  DeleteMessage(Batch), ChangeMessageVisibility(Batch)
//   tag_actions.cc      TagQueue, UntagQueue, ListQueueTags
//   move_task_actions.cc  StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks
//   permission_actions.cc AddPermission, RemovePermission (edit the queue's Policy)
// Each finishes its Call exactly once.

#include <string_view>

#include "api/call.h"

namespace spool::api {

using ActionFn = void (*)(const CallPtr&);

// nullptr when SQS has no such action. Actions SQS has but Spool does not implement yet answer
// UnsupportedOperation.
ActionFn FindAction(std::string_view name);

void CreateQueue(const CallPtr& call);
void DeleteQueue(const CallPtr& call);
void GetQueueUrl(const CallPtr& call);
void ListQueues(const CallPtr& call);
void GetQueueAttributes(const CallPtr& call);
void SetQueueAttributes(const CallPtr& call);
void PurgeQueue(const CallPtr& call);
void ListDeadLetterSourceQueues(const CallPtr& call);

void SendMessage(const CallPtr& call);
void SendMessageBatch(const CallPtr& call);
void ReceiveMessage(const CallPtr& call);

void DeleteMessage(const CallPtr& call);
void DeleteMessageBatch(const CallPtr& call);
void ChangeMessageVisibility(const CallPtr& call);
void ChangeMessageVisibilityBatch(const CallPtr& call);

void TagQueue(const CallPtr& call);
void UntagQueue(const CallPtr& call);
void ListQueueTags(const CallPtr& call);

void AddPermission(const CallPtr& call);
void RemovePermission(const CallPtr& call);

void StartMessageMoveTask(const CallPtr& call);
void CancelMessageMoveTask(const CallPtr& call);
void ListMessageMoveTasks(const CallPtr& call);

}  // namespace spool::api
