// Queue tag actions.

#include "api/actions.h"

namespace spool::api {

void TagQueue(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto tags = call->reader->StringMap("Tags", "Tag", "Key", "Value");
  if (call->FailedToRead()) return;
  if (!tags) return call->FailMissing("Tags");
  call->service->TagQueue(*queue, std::move(*tags),
                          OnSuccess<engine::Empty>(call, [call](engine::Empty) {
                            auto w = call->NewWriter(false);
                            call->Reply(*w);
                          }));
}

void UntagQueue(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto keys = call->reader->StringList("TagKeys", "TagKey");
  if (call->FailedToRead()) return;
  if (!keys) return call->FailMissing("TagKeys");
  call->service->UntagQueue(*queue, std::move(*keys),
                            OnSuccess<engine::Empty>(call, [call](engine::Empty) {
                              auto w = call->NewWriter(false);
                              call->Reply(*w);
                            }));
}

void ListQueueTags(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  call->service->ListQueueTags(
      *queue, OnSuccess<engine::StringPairs>(call, [call](engine::StringPairs tags) {
        auto w = call->NewWriter(true);
        if (!tags.empty()) {
          std::vector<std::pair<std::string_view, std::string_view>> views(tags.begin(),
                                                                           tags.end());
          w->StringMap("Tags", "Tag", views, "Key", "Value");
        }
        call->Reply(*w);
      }));
}

}  // namespace spool::api
