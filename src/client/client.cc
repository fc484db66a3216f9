// spool::Client: the public operations over Transport, the JSON bodies and the digest checks.

#include "spool/client.h"

#include "client/batching.h"
#include "client/credential_sources.h"
#include "client/endpoint.h"
#include "client/message_digest.h"
#include "client/secrets_json.h"
#include "client/sqs_json.h"
#include "client/transport.h"

namespace spool {

using client::Transport;
using std::chrono::milliseconds;

namespace {

// A long poll whose wait the queue decides may last this long (the largest
// ReceiveMessageWaitTimeSeconds).
constexpr int kMaxWaitSeconds = 20;

Error InvalidOption(std::string message) {
  return Error(ErrorKind::kInvalidArgument, "InvalidArgument", std::move(message));
}

// The entries of `failed_call`'s request and every later one, as failures (SendMessages,
// DeleteMessages after a request failed as a whole).
template <typename Ids>
void FailRest(const Error& error, const Ids& ids, std::vector<BatchResultError>* failed) {
  for (const std::string& id : ids) {
    failed->push_back({id, error.code(), error.message(), !error.retryable()});
  }
}

}  // namespace

struct Client::Impl {
  Impl(ClientOptions o, std::string region_in, client::Service sqs_in, client::Service secrets_in,
       client::TransportOptions transport_options, std::shared_ptr<CredentialsProvider> credentials)
      : options(std::move(o)),
        region(std::move(region_in)),
        sqs(std::move(sqs_in)),
        secrets(std::move(secrets_in)),
        transport(std::move(transport_options), std::move(credentials)) {}

  Result<std::string> Sqs(std::string_view action, const std::string& body,
                          milliseconds extra = milliseconds(0)) {
    return transport.Call(sqs, action, body, extra);
  }

  const ClientOptions options;
  const std::string region;
  const client::Service sqs;
  const client::Service secrets;
  Transport transport;
};

Result<Client> Client::Create(ClientOptions options) {
  if (options.max_attempts < 1) return InvalidOption("max_attempts must be at least 1");
  if (options.connect_timeout <= milliseconds(0) || options.request_timeout <= milliseconds(0)) {
    return InvalidOption("connect_timeout and request_timeout must be positive");
  }
  if (options.retry_base_delay < milliseconds(0) ||
      options.retry_max_delay < options.retry_base_delay) {
    return InvalidOption("retry delays must satisfy 0 <= retry_base_delay <= retry_max_delay");
  }
  const client::Env env = client::Env::Process();
  std::string sqs_url = client::ChooseSqsEndpoint(env, options.endpoint);
  Result<client::Endpoint> sqs = client::ParseEndpoint(sqs_url);
  if (!sqs) return sqs.error();
  Result<client::Endpoint> secrets =
      client::ParseEndpoint(client::ChooseSecretsEndpoint(env, options.secrets_endpoint, sqs_url));
  if (!secrets) return secrets.error();
  std::string region =
      options.region.empty() ? client::RegionFrom(env, options.profile) : options.region;
  std::shared_ptr<CredentialsProvider> credentials =
      options.credentials ? options.credentials : DefaultCredentialChain(options.profile);

  client::TransportOptions t;
  t.region = region;
  t.connect_timeout = options.connect_timeout;
  t.request_timeout = options.request_timeout;
  t.retry = {options.max_attempts, options.retry_base_delay, options.retry_max_delay};
  t.max_idle_connections = options.max_idle_connections;
  t.idle_timeout = options.idle_connection_timeout;
  auto impl = std::make_unique<Impl>(
      std::move(options), std::move(region), client::SqsService(std::move(*sqs)),
      client::SecretsManagerService(std::move(*secrets)), std::move(t), std::move(credentials));
  return Client(std::move(impl));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

const std::string& Client::endpoint() const { return impl_->sqs.endpoint.url; }
const std::string& Client::secrets_endpoint() const { return impl_->secrets.endpoint.url; }
const std::string& Client::region() const { return impl_->region; }

// ---- Messages ----

Result<SendMessageResult> Client::SendMessage(const SendMessageRequest& request) {
  auto body = impl_->Sqs("SendMessage", client::SendMessageJson(request));
  if (!body) return body.error();
  auto result = client::ParseSendMessage(*body);
  if (!result || !impl_->options.check_md5) return result;
  if (auto bad = client::CheckSentDigests(request.body, request.message_attributes,
                                          result->md5_of_message_body,
                                          result->md5_of_message_attributes, result->message_id)) {
    return *bad;
  }
  return result;
}

Result<SendMessageBatchResult> Client::SendMessageBatch(
    const std::string& queue_url, const std::vector<SendMessageBatchEntry>& entries) {
  auto body = impl_->Sqs("SendMessageBatch", client::SendMessageBatchJson(queue_url, entries));
  if (!body) return body.error();
  auto result = client::ParseSendMessageBatch(*body);
  if (!result || !impl_->options.check_md5) return result;
  for (const SendMessageBatchResultEntry& sent : result->successful) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const SendMessageBatchEntry& e) { return e.id == sent.id; });
    if (it == entries.end()) {
      return client::MalformedResponse("SendMessageBatch: unknown entry id '" + sent.id + "'");
    }
    if (auto bad =
            client::CheckSentDigests(it->body, it->message_attributes, sent.md5_of_message_body,
                                     sent.md5_of_message_attributes, sent.message_id)) {
      return *bad;
    }
  }
  return result;
}

Result<SendMessageBatchResult> Client::SendMessages(const std::string& queue_url,
                                                    std::vector<SendMessageBatchEntry> entries) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].id.empty()) entries[i].id = std::to_string(i);
  }
  SendMessageBatchResult all;
  for (const auto& [begin, end] : client::SplitSendBatches(entries)) {
    std::vector<SendMessageBatchEntry> chunk(entries.begin() + begin, entries.begin() + end);
    auto result = SendMessageBatch(queue_url, chunk);
    if (!result) {
      if (begin == 0) return result.error();
      std::vector<std::string> ids;
      for (size_t i = begin; i < entries.size(); ++i) ids.push_back(entries[i].id);
      FailRest(result.error(), ids, &all.failed);
      break;
    }
    for (auto& s : result->successful) all.successful.push_back(std::move(s));
    for (auto& f : result->failed) all.failed.push_back(std::move(f));
  }
  return all;
}

Result<std::vector<Message>> Client::ReceiveMessage(const ReceiveMessageRequest& request) {
  const int wait = request.wait_time_seconds.value_or(kMaxWaitSeconds);
  auto body = impl_->Sqs("ReceiveMessage", client::ReceiveMessageJson(request),
                         std::chrono::seconds(std::max(wait, 0)));
  if (!body) return body.error();
  auto messages = client::ParseReceiveMessage(*body);
  if (!messages || !impl_->options.check_md5) return messages;
  for (const Message& m : *messages) {
    if (auto bad = client::CheckReceivedDigests(m)) return *bad;
  }
  return messages;
}

Result<void> Client::DeleteMessage(const std::string& queue_url,
                                   const std::string& receipt_handle) {
  auto body = impl_->Sqs("DeleteMessage", client::DeleteMessageJson(queue_url, receipt_handle));
  if (!body) return body.error();
  return client::ParseEmpty(*body);
}

Result<BatchResult> Client::DeleteMessageBatch(
    const std::string& queue_url, const std::vector<DeleteMessageBatchEntry>& entries) {
  auto body = impl_->Sqs("DeleteMessageBatch", client::DeleteMessageBatchJson(queue_url, entries));
  if (!body) return body.error();
  return client::ParseBatchResult(*body);
}

Result<BatchResult> Client::DeleteMessages(const std::string& queue_url,
                                           const std::vector<std::string>& receipt_handles) {
  BatchResult all;
  for (const auto& [begin, end] : client::SplitByCount(receipt_handles.size())) {
    std::vector<DeleteMessageBatchEntry> chunk;
    for (size_t i = begin; i < end; ++i) chunk.push_back({std::to_string(i), receipt_handles[i]});
    auto result = DeleteMessageBatch(queue_url, chunk);
    if (!result) {
      if (begin == 0) return result.error();
      std::vector<std::string> ids;
      for (size_t i = begin; i < receipt_handles.size(); ++i) ids.push_back(std::to_string(i));
      FailRest(result.error(), ids, &all.failed);
      break;
    }
    for (auto& s : result->successful) all.successful.push_back(std::move(s));
    for (auto& f : result->failed) all.failed.push_back(std::move(f));
  }
  return all;
}

Result<void> Client::ChangeMessageVisibility(const std::string& queue_url,
                                             const std::string& receipt_handle,
                                             int visibility_timeout) {
  auto body = impl_->Sqs(
      "ChangeMessageVisibility",
      client::ChangeMessageVisibilityJson(queue_url, receipt_handle, visibility_timeout));
  if (!body) return body.error();
  return client::ParseEmpty(*body);
}

Result<BatchResult> Client::ChangeMessageVisibilityBatch(
    const std::string& queue_url, const std::vector<ChangeMessageVisibilityBatchEntry>& entries) {
  auto body = impl_->Sqs("ChangeMessageVisibilityBatch",
                         client::ChangeMessageVisibilityBatchJson(queue_url, entries));
  if (!body) return body.error();
  return client::ParseBatchResult(*body);
}

// ---- Queues ----

Result<std::string> Client::CreateQueue(const CreateQueueRequest& request) {
  auto body = impl_->Sqs("CreateQueue", client::CreateQueueJson(request));
  if (!body) return body.error();
  return client::ParseQueueUrl(*body);
}

Result<std::string> Client::GetQueueUrl(const std::string& queue_name) {
  auto body = impl_->Sqs("GetQueueUrl", client::GetQueueUrlJson(queue_name));
  if (!body) return body.error();
  return client::ParseQueueUrl(*body);
}

Result<void> Client::DeleteQueue(const std::string& queue_url) {
  auto body = impl_->Sqs("DeleteQueue", client::QueueUrlJson(queue_url));
  if (!body) return body.error();
  return client::ParseEmpty(*body);
}

Result<ListQueuesResult> Client::ListQueues(const ListQueuesRequest& request) {
  auto body = impl_->Sqs("ListQueues", client::ListQueuesJson(request));
  if (!body) return body.error();
  return client::ParseListQueues(*body);
}

Result<QueueAttributes> Client::GetQueueAttributes(const std::string& queue_url,
                                                   const std::vector<std::string>& names) {
  auto body = impl_->Sqs("GetQueueAttributes", client::GetQueueAttributesJson(queue_url, names));
  if (!body) return body.error();
  return client::ParseQueueAttributes(*body);
}

Result<void> Client::SetQueueAttributes(const std::string& queue_url,
                                        const QueueAttributes& attributes) {
  auto body =
      impl_->Sqs("SetQueueAttributes", client::SetQueueAttributesJson(queue_url, attributes));
  if (!body) return body.error();
  return client::ParseEmpty(*body);
}

Result<void> Client::PurgeQueue(const std::string& queue_url) {
  auto body = impl_->Sqs("PurgeQueue", client::QueueUrlJson(queue_url));
  if (!body) return body.error();
  return client::ParseEmpty(*body);
}

// ---- Secrets Manager ----

Result<SecretValue> Client::GetSecretValue(const GetSecretValueRequest& request) {
  auto body =
      impl_->transport.Call(impl_->secrets, "GetSecretValue", client::GetSecretValueJson(request));
  if (!body) return body.error();
  return client::ParseSecretValue(*body);
}

}  // namespace spool
