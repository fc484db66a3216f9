// Message move tasks: StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks.

#include "api/actions.h"

namespace spool::api {

void StartMessageMoveTask(const CallPtr& call) {
  engine::StartMoveTaskRequest req;
  auto source = call->reader->String("SourceArn", "SourceArn");
  req.destination_arn = call->reader->String("DestinationArn", "DestinationArn");
  req.max_per_second =
      call->reader->Int("MaxNumberOfMessagesPerSecond", "MaxNumberOfMessagesPerSecond");
  if (call->FailedToRead()) return;
  if (!source) return call->FailMissing("SourceArn");
  req.source_arn = std::move(*source);
  call->service->StartMessageMoveTask(std::move(req),
                                      OnSuccess<std::string>(call, [call](std::string handle) {
                                        auto w = call->NewWriter(true);
                                        w->String("TaskHandle", "TaskHandle", handle);
                                        call->Reply(*w);
                                      }));
}

void CancelMessageMoveTask(const CallPtr& call) {
  auto handle = call->reader->String("TaskHandle", "TaskHandle");
  if (call->FailedToRead()) return;
  if (!handle) return call->FailMissing("TaskHandle");
  call->service->CancelMessageMoveTask(
      std::move(*handle), OnSuccess<int64_t>(call, [call](int64_t moved) {
        auto w = call->NewWriter(true);
        w->Int("ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesMoved", moved);
        call->Reply(*w);
      }));
}

void ListMessageMoveTasks(const CallPtr& call) {
  auto source = call->reader->String("SourceArn", "SourceArn");
  auto max = call->reader->Int("MaxResults", "MaxResults");
  if (call->FailedToRead()) return;
  if (!source) return call->FailMissing("SourceArn");
  call->service->ListMessageMoveTasks(
      std::move(*source), max,
      OnSuccess<std::vector<engine::MoveTaskInfo>>(
          call, [call](std::vector<engine::MoveTaskInfo> tasks) {
            auto w = call->NewWriter(true);
            w->BeginList("Results", "ListMessageMoveTasksResultEntry");
            for (const auto& t : tasks) {
              w->BeginItem();
              if (!t.handle.empty()) w->String("TaskHandle", "TaskHandle", t.handle);
              w->String("Status", "Status", t.status);
              w->String("SourceArn", "SourceArn", t.source_arn);
              if (!t.destination_arn.empty()) {
                w->String("DestinationArn", "DestinationArn", t.destination_arn);
              }
              if (t.max_per_second) {
                w->Int("MaxNumberOfMessagesPerSecond", "MaxNumberOfMessagesPerSecond",
                       *t.max_per_second);
              }
              w->Int("ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesMoved",
                     t.moved);
              w->Int("ApproximateNumberOfMessagesToMove", "ApproximateNumberOfMessagesToMove",
                     t.to_move);
              if (!t.failure_reason.empty()) {
                w->String("FailureReason", "FailureReason", t.failure_reason);
              }
              w->Int("StartedTimestamp", "StartedTimestamp", t.started_ms);
              w->EndItem();
            }
            w->EndList();
            call->Reply(*w);
          }));
}

}  // namespace spool::api
