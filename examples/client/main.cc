// spool_client_example: send, receive and delete one message with spool::Client.
//
//   spool_client_example QUEUE [MESSAGE]
//
// Endpoint, region and credentials come from the AWS environment (AWS_ENDPOINT_URL,
// AWS_ACCESS_KEY_ID, ...; see src/client/README.md). The queue is created if it is missing.

#include <cstdio>
#include <string>

#include <spool/client.h>

namespace {

int Fail(const char* what, const spool::Error& error) {
  std::fprintf(stderr, "%s: %s\n", what, error.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: %s QUEUE [MESSAGE]\n", argv[0]);
    return 2;
  }
  const std::string queue = argv[1];
  const std::string text = argc == 3 ? argv[2] : "hello from spool::Client";

  auto client = spool::Client::Create();
  if (!client) return Fail("client", client.error());

  auto url = client->CreateQueue({.queue_name = queue});
  if (!url) return Fail("create queue", url.error());

  auto sent = client->SendMessage({
      .queue_url = *url,
      .body = text,
      .message_attributes = {{"source", spool::MessageAttributeValue::String("example")}},
  });
  if (!sent) return Fail("send", sent.error());
  std::printf("sent %s\n", sent->message_id.c_str());

  auto received = client->ReceiveMessage({
      .queue_url = *url,
      .max_number_of_messages = 10,
      .wait_time_seconds = 5,
      .message_attribute_names = {"All"},
  });
  if (!received) return Fail("receive", received.error());
  for (const spool::Message& m : *received) {
    std::printf("received %s: %s\n", m.message_id.c_str(), m.body.c_str());
    auto deleted = client->DeleteMessage(*url, m.receipt_handle);
    if (!deleted) return Fail("delete", deleted.error());
  }
  return 0;
}
