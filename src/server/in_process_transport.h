#pragma once
// InProcessTransport: the workers' queue-client port (workers/sqs_port.h) inside `spool serve`.
// A call becomes an AWS JSON 1.0 request answered by the API dispatcher directly, as the
// account root, with no socket and no signature: the same actions, validation and errors a
// remote worker gets over HTTP.
//
// Threading: Call() from any thread; `done` runs on whichever thread the action completes.

#include "api/dispatcher.h"
#include "workers/sqs_port.h"

namespace spool::server {

class InProcessTransport final : public workers::SqsTransport {
 public:
  // `dispatcher` must outlive the transport. `host` is the Host header for the queue URLs the
  // API hands back (they are only passed back to it).
  InProcessTransport(api::Dispatcher* dispatcher, std::string account_id, std::string host);
  void Call(std::string_view action, std::string body,
            std::function<void(workers::SqsReply)> done) override;

 private:
  api::Dispatcher* dispatcher_;
  api::Principal root_;
  std::string host_;
};

}  // namespace spool::server
