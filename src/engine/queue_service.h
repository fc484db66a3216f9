#pragma once
// QueueService: the SQS operations, one contract for every engine (embedded, PostgreSQL).
//
// Every operation completes through its callback, exactly once, possibly after the call returned
// (a long-poll receive completes when a message arrives or the wait ends; a durable engine
// completes a send once its record is on disk). Callbacks run on an engine or caller thread,
// never while an engine lock is held, and must not block.
//
// Queue names are the plain SQS names (no URL, no ARN). Validation of every parameter is the
// engine's job: callers pass what the client sent.
//
// Threading: all methods may be called concurrently from any thread.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/errc.h"
#include "engine/types.h"

namespace spool::engine {

template <class T>
using Callback = std::function<void(Result<T>)>;

class QueueService {
 public:
  virtual ~QueueService() = default;

  // Creates a queue, or returns the existing one when every supplied attribute matches.
  virtual void CreateQueue(CreateQueueRequest request, Callback<Empty> done) = 0;
  virtual void DeleteQueue(std::string name, Callback<Empty> done) = 0;
  // Succeeds when the queue exists (GetQueueUrl).
  virtual void LookupQueue(std::string name, Callback<Empty> done) = 0;
  virtual void ListQueues(ListQueuesRequest request, Callback<ListQueuesResult> done) = 0;
  // `names` may contain "All". Returns name/value pairs as SQS spells them.
  virtual void GetQueueAttributes(std::string name, std::vector<std::string> names,
                                  Callback<StringPairs> done) = 0;
  virtual void SetQueueAttributes(std::string name, StringPairs attributes,
                                  Callback<Empty> done) = 0;
  virtual void PurgeQueue(std::string name, Callback<Empty> done) = 0;
  virtual void TagQueue(std::string name, StringPairs tags, Callback<Empty> done) = 0;
  virtual void UntagQueue(std::string name, std::vector<std::string> keys,
                          Callback<Empty> done) = 0;
  virtual void ListQueueTags(std::string name, Callback<StringPairs> done) = 0;
  virtual void ListDeadLetterSourceQueues(std::string name, ListQueuesRequest page,
                                          Callback<ListQueuesResult> done) = 0;

  virtual void SendMessages(SendRequest request, Callback<SendResult> done) = 0;
  virtual void ReceiveMessages(ReceiveRequest request, Callback<ReceiveResult> done) = 0;
  virtual void DeleteMessages(HandleRequest request, Callback<BatchResult> done) = 0;
  virtual void ChangeVisibility(HandleRequest request, Callback<BatchResult> done) = 0;

  // Message move tasks: move the messages of a dead-letter queue back to their sources (or to a
  // chosen queue) as new messages, at a bounded rate, in the background. Tasks survive a
  // restart of a durable engine.
  virtual void StartMessageMoveTask(StartMoveTaskRequest request,
                                    Callback<std::string> done) = 0;  // the task handle
  virtual void CancelMessageMoveTask(std::string handle,
                                     Callback<int64_t> done) = 0;  // messages moved
  // The source's tasks, most recent first, at most `max_results` (1..10, default 1).
  virtual void ListMessageMoveTasks(std::string source_arn, std::optional<int64_t> max_results,
                                    Callback<std::vector<MoveTaskInfo>> done) = 0;

  // Ends every waiting receive with an empty result; later receives do not wait.
  virtual void Shutdown() = 0;
};

}  // namespace spool::engine
