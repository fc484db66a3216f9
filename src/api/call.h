#pragma once
// Call: one SQS API request in flight, shared by the dispatcher and the action that answers it.
// An action reads parameters through `reader`, calls the QueueService, and finishes the call
// exactly once with Reply() or Fail*(), from any thread.

#include <memory>
#include <optional>
#include <string>

#include "api/principal.h"
#include "engine/errc.h"
#include "engine/queue_service.h"
#include "http/handler.h"
#include "protocol/aws_errors.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace spool::api {

enum class Protocol { kJson, kQuery };

struct ApiOptions {
  // Region and account id that queue URLs and ARNs name.
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // Base of the queue URLs we hand out, e.g. "http://queues.example:9324". Empty: taken from
  // each request's Host header, so clients get URLs they can reach.
  std::string public_base_url;
};

struct Call {
  Protocol protocol = Protocol::kQuery;
  std::string action;
  std::string request_id;
  std::string base_url;    // scheme://host[:port] for queue URLs
  std::string path_queue;  // queue name from the request path, "" when none
  Principal principal;
  std::string source_ip;  // the peer's address (aws:SourceIp)
  protocol::ReaderPtr reader;
  engine::QueueService* service = nullptr;
  const ApiOptions* options = nullptr;
  http::Respond respond;

  std::unique_ptr<protocol::Writer> NewWriter(bool has_result) const;
  void Reply(protocol::Writer& writer);
  void Fail(const engine::Error& error);
  void FailAws(protocol::AwsError error, std::string_view message);
  // Finishes with MissingParameter.
  void FailMissing(std::string_view parameter);

  // The queue this request addresses: from QueueUrl, else from the path. On failure the call
  // is finished (InvalidAddress, NonExistentQueue, MissingParameter) and nullopt returned.
  std::optional<std::string> RequireQueue();
  // Fails the call and returns true when the reader recorded a malformed member.
  bool FailedToRead();

  std::string QueueUrl(std::string_view name) const;
  std::string QueueArn(std::string_view name) const;
};

using CallPtr = std::shared_ptr<Call>;

// Wraps a typed completion so that an engine error fails the call and a value reaches `fn`.
template <class T, class Fn>
engine::Callback<T> OnSuccess(CallPtr call, Fn fn) {
  return [call = std::move(call), fn = std::move(fn)](engine::Result<T> r) mutable {
    if (!r.ok()) return call->Fail(r.error());
    fn(std::move(r.value()));
  };
}

}  // namespace spool::api
