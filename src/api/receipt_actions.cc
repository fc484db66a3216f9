// DeleteMessage(Batch) and ChangeMessageVisibility(Batch): the actions that act on receipts.

#include "api/actions.h"
#include "api/batch_result.h"

namespace spool::api {
namespace {

using Operation = void (engine::QueueService::*)(engine::HandleRequest,
                                                 engine::Callback<engine::BatchResult>);

// One receipt action, single or batch. `entry_prefix` is the Query key of batch entries;
// `result_entry` the XML element of a successful batch entry.
void RunReceiptAction(const CallPtr& call, Operation op, bool batch, bool with_timeout,
                      std::string_view entry_prefix, std::string_view result_entry) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  engine::HandleRequest req;
  req.queue = *queue;
  req.batch = batch;
  auto read_entry = [with_timeout](protocol::Reader& r) {
    engine::HandleEntry e;
    if (auto id = r.String("Id", "Id")) e.id = std::move(*id);
    e.receipt_handle = r.String("ReceiptHandle", "ReceiptHandle");
    if (with_timeout) e.visibility_timeout = r.Int("VisibilityTimeout", "VisibilityTimeout");
    return e;
  };
  if (batch) {
    auto entries = call->reader->StructList("Entries", entry_prefix);
    if (entries) {
      for (auto& r : *entries) req.entries.push_back(read_entry(*r));
    }
    if (call->FailedToRead()) return;
    if (!entries) return call->FailMissing("Entries");
  } else {
    req.entries.push_back(read_entry(*call->reader));
    if (call->FailedToRead()) return;
    if (!req.entries[0].receipt_handle) return call->FailMissing("ReceiptHandle");
    if (with_timeout && !req.entries[0].visibility_timeout) {
      return call->FailMissing("VisibilityTimeout");
    }
  }
  auto done = [call, batch, result_entry](engine::BatchResult result) {
    if (!batch) {
      const auto& e = result.entries.at(0);
      if (e.error) return call->Fail(*e.error);
      auto w = call->NewWriter(false);
      return call->Reply(*w);
    }
    auto w = call->NewWriter(true);
    WriteBatchResult(*w, result.entries, result_entry,
                     [](protocol::Writer&, const engine::EntryStatus&) {});
    call->Reply(*w);
  };
  (call->service->*op)(std::move(req), OnSuccess<engine::BatchResult>(call, std::move(done)));
}

}  // namespace

void DeleteMessage(const CallPtr& call) {
  RunReceiptAction(call, &engine::QueueService::DeleteMessages, false, false, "", "");
}

void DeleteMessageBatch(const CallPtr& call) {
  RunReceiptAction(call, &engine::QueueService::DeleteMessages, true, false,
                   "DeleteMessageBatchRequestEntry", "DeleteMessageBatchResultEntry");
}

void ChangeMessageVisibility(const CallPtr& call) {
  RunReceiptAction(call, &engine::QueueService::ChangeVisibility, false, true, "", "");
}

void ChangeMessageVisibilityBatch(const CallPtr& call) {
  RunReceiptAction(call, &engine::QueueService::ChangeVisibility, true, true,
                   "ChangeMessageVisibilityBatchRequestEntry",
                   "ChangeMessageVisibilityBatchResultEntry");
}

}  // namespace spool::api
