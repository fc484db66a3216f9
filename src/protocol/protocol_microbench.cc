// Micro-benchmarks of the JSON protocol's hot paths: decoding a SendMessageBatch request and
// encoding a ReceiveMessage response, ten 256-byte messages each. Run with `make microbench`.

#include <benchmark/benchmark.h>

#include <string>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace spool::protocol {
namespace {

std::string Body() {
  std::string s;
  while (s.size() < 256) s += "order 12345 for customer 678: 3 widgets, express delivery. ";
  s.resize(256);
  return s;
}

std::string SendBatchRequest() {
  std::string r = R"({"QueueUrl":"http://127.0.0.1:9324/000000000000/orders","Entries":[)";
  for (int i = 0; i < 10; ++i) {
    if (i > 0) r += ',';
    r += R"({"Id":"m)" + std::to_string(i) + R"(","MessageBody":")" + Body() + R"("})";
  }
  return r + "]}";
}

void BM_DecodeSendMessageBatch(benchmark::State& state) {
  const std::string body = SendBatchRequest();
  for (auto _ : state) {
    std::string error;
    ReaderPtr r = MakeJsonReader(body, &error);
    auto url = r->String("QueueUrl", "QueueUrl");
    auto entries = r->StructList("Entries", "Entries.member");
    for (const ReaderPtr& e : *entries) {
      benchmark::DoNotOptimize(e->String("Id", "Id"));
      benchmark::DoNotOptimize(e->String("MessageBody", "MessageBody"));
    }
    benchmark::DoNotOptimize(url);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_DecodeSendMessageBatch);

void BM_EncodeReceiveMessageResponse(benchmark::State& state) {
  const std::string body = Body();
  const std::string handle(44, 'h');
  size_t bytes = 0;
  for (auto _ : state) {
    auto w = MakeJsonWriter();
    w->BeginList("Messages", "Message");
    for (int i = 0; i < 10; ++i) {
      w->BeginItem();
      w->String("MessageId", "MessageId", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
      w->String("ReceiptHandle", "ReceiptHandle", handle);
      w->String("MD5OfBody", "MD5OfBody", "0123456789abcdef0123456789abcdef");
      w->String("Body", "Body", body);
      w->EndItem();
    }
    w->EndList();
    std::string out = w->Finish();
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_EncodeReceiveMessageResponse);

}  // namespace
}  // namespace spool::protocol
