#pragma once
// spool::Client: the SQS operations and Secrets Manager's GetSecretValue against Spool (or any
// SQS-compatible endpoint), over AWS JSON, SigV4-signed, with connection reuse, retries and
// digest checks (src/client/README.md).
//
//   auto client = spool::Client::Create();
//   auto url = client->GetQueueUrl("orders");
//   auto sent = client->SendMessage({.queue_url = *url, .body = R"({"order": 17})"});
//   auto got = client->ReceiveMessage({.queue_url = *url, .max_number_of_messages = 10,
//                                      .wait_time_seconds = 20});
//   for (const spool::Message& m : *got) {
//     Handle(m.body);
//     if (auto done = client->DeleteMessage(*url, m.receipt_handle); !done) Log(done.error());
//   }
//
// Results are [[nodiscard]]: a call whose failure is ignored should say so ((void) or a check).
//
// Threading: one Client may be used from any number of threads at once (each call takes a
// pooled connection of its own); calls block the calling thread. Create one per process and
// share it.
// Errors: every call returns Result (spool/result.h) and never throws; retries happen inside.
// Delivery: calls are retried, sends included, so a message may be stored twice when an answer
// is lost: consumers must be idempotent (at least once, as SQS).

#include <memory>
#include <string>
#include <vector>

#include "spool/client_options.h"
#include "spool/result.h"
#include "spool/sqs_types.h"

namespace spool {

class Client {
 public:
  // Checks the options (endpoint URLs, timeouts, attempts) and resolves what was left empty
  // (README.md, Configuration). Credentials are looked up at the first call, not here.
  static Result<Client> Create(ClientOptions options = {});

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  // ---- Messages ----
  Result<SendMessageResult> SendMessage(const SendMessageRequest& request);
  // One SendMessageBatch request: 1..10 entries with distinct ids. Entries the server refused
  // are in `failed`; the call itself fails only when the whole request did.
  Result<SendMessageBatchResult> SendMessageBatch(
      const std::string& queue_url, const std::vector<SendMessageBatchEntry>& entries);
  // Any number of entries, sent in requests of at most 10 entries and 256 KiB (an entry's size
  // is its body plus its attributes' names, types and values), in order. Empty ids become the
  // entry's index ("0", "1", ...); ids must be distinct. A request that fails as a whole stops
  // the call: when nothing was sent yet, the call fails with that error; otherwise the call
  // succeeds and that request's entries and every later one are in `failed` with its code.
  Result<SendMessageBatchResult> SendMessages(const std::string& queue_url,
                                              std::vector<SendMessageBatchEntry> entries);
  // Up to max_number_of_messages messages (none after the wait: an empty vector).
  Result<std::vector<Message>> ReceiveMessage(const ReceiveMessageRequest& request);
  Result<void> DeleteMessage(const std::string& queue_url, const std::string& receipt_handle);
  Result<BatchResult> DeleteMessageBatch(const std::string& queue_url,
                                         const std::vector<DeleteMessageBatchEntry>& entries);
  // Deletes any number of messages by receipt handle, 10 per request; the ids in the result
  // are the handles' indexes ("0", "1", ...). Failure as in SendMessages.
  Result<BatchResult> DeleteMessages(const std::string& queue_url,
                                     const std::vector<std::string>& receipt_handles);
  Result<void> ChangeMessageVisibility(const std::string& queue_url,
                                       const std::string& receipt_handle, int visibility_timeout);
  Result<BatchResult> ChangeMessageVisibilityBatch(
      const std::string& queue_url, const std::vector<ChangeMessageVisibilityBatchEntry>& entries);

  // ---- Queues ----
  // The queue's URL. Creating an existing queue with the same attributes returns its URL;
  // different attributes fail with QueueAlreadyExists (QueueNameExists).
  Result<std::string> CreateQueue(const CreateQueueRequest& request);
  Result<std::string> GetQueueUrl(const std::string& queue_name);
  Result<void> DeleteQueue(const std::string& queue_url);
  Result<ListQueuesResult> ListQueues(const ListQueuesRequest& request = {});
  // `names`: attribute names or "All".
  Result<QueueAttributes> GetQueueAttributes(const std::string& queue_url,
                                             const std::vector<std::string>& names = {"All"});
  Result<void> SetQueueAttributes(const std::string& queue_url, const QueueAttributes& attributes);
  Result<void> PurgeQueue(const std::string& queue_url);

  // ---- Secrets Manager ----
  Result<SecretValue> GetSecretValue(const GetSecretValueRequest& request);

  // What Create resolved.
  const std::string& endpoint() const;
  const std::string& secrets_endpoint() const;
  const std::string& region() const;

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace spool
