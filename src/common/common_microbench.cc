// Micro-benchmarks of the per-message primitives: digests and MACs, the ASCII scans, base64,
// UUIDs. Run with `make microbench`; figures and context are in docs/performance.md.

#include <benchmark/benchmark.h>

#include <string>

#include "common/ascii_scan.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/uuid.h"

namespace spool::common {
namespace {

std::string Body(size_t n) {
  std::string s;
  while (s.size() < n) s += "order 12345 for customer 678: 3 widgets, express delivery. ";
  s.resize(n);
  return s;
}

void BM_Md5(benchmark::State& state) {
  const std::string body = Body(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Md5(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Md5)->Arg(256)->Arg(4096);

void BM_Sha256(benchmark::State& state) {
  const std::string body = Body(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(256)->Arg(4096);

// The receipt-handle MAC: 21 bytes under a fixed key.
void BM_HmacSha256KeySign(benchmark::State& state) {
  const HmacSha256Key key(std::string(32, 'k'));
  const std::string data(21, 'd');
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(data));
}
BENCHMARK(BM_HmacSha256KeySign);

// The same MAC keyed on every call (SigV4 signing keys change per request).
void BM_HmacSha256OneShot(benchmark::State& state) {
  const std::string key(32, 'k');
  const std::string data(21, 'd');
  for (auto _ : state) benchmark::DoNotOptimize(HmacSha256(key, data));
}
BENCHMARK(BM_HmacSha256OneShot);

void BM_SkipJsonSafe(benchmark::State& state) {
  const std::string body = Body(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(SkipJsonSafe(body, 0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_SkipJsonSafe)->Arg(256)->Arg(4096);

void BM_Base64EncodeReceipt(benchmark::State& state) {
  const std::string raw(33, '\x5a');
  for (auto _ : state) benchmark::DoNotOptimize(Base64Encode(raw));
}
BENCHMARK(BM_Base64EncodeReceipt);

void BM_Base64DecodeReceipt(benchmark::State& state) {
  const std::string text = Base64Encode(std::string(33, '\x5a'));
  for (auto _ : state) benchmark::DoNotOptimize(Base64Decode(text));
}
BENCHMARK(BM_Base64DecodeReceipt);

void BM_NewUuid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(NewUuid());
}
BENCHMARK(BM_NewUuid);

}  // namespace
}  // namespace spool::common
