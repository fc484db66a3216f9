// Micro-benchmarks of the log store: appends to a file store (one line, a batch of lines), a
// follower's read of what is new, and a filtered scan of a large group. Run with
// `make microbench`.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "logs/filter_pattern.h"
#include "logs/log_store.h"

namespace spool::logs {
namespace {

const char* kStream = "2026/01/31/[$LATEST]0123456789abcdef0123456789abcdef";

class TempStore {
 public:
  explicit TempStore(int64_t max_bytes = 64 << 20) {
    std::string pattern = (std::filesystem::temp_directory_path() / "logs_bench_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
    LogStoreOptions o;
    o.dir = dir_;
    o.max_bytes_per_function = max_bytes;
    std::string error;
    store = LogStore::Open(o, &error);
  }
  ~TempStore() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<LogStore> store;

 private:
  std::string dir_;
};

std::string Line(int i) {
  return "2026-01-31T10:00:00.000Z\t8f5e2c1a-0b7d-4c39\tINFO\tprocessed order " +
         std::to_string(i) + " for customer 678 in 12 ms";
}

void BM_AppendOneLine(benchmark::State& state) {
  TempStore t;
  int i = 0;
  for (auto _ : state) {
    t.store->Append("fn", kStream, 1'800'000'000'000 + i, Line(i));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendOneLine);

void BM_AppendTenLines(benchmark::State& state) {
  TempStore t;
  std::string text;
  for (int i = 0; i < 10; ++i) text += Line(i) + "\n";
  for (auto _ : state) t.store->Append("fn", kStream, 1'800'000'000'000, text);
  state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(BM_AppendTenLines);

// A follower asking for what came after the last event it saw, in a group of 200,000 lines.
void BM_ReadNewAfterSequence(benchmark::State& state) {
  TempStore t;
  for (int i = 0; i < 200'000; ++i) t.store->Append("fn", kStream, 1'800'000'000'000 + i, Line(i));
  LogQuery q;
  q.after_sequence = 199'990;
  for (auto _ : state) benchmark::DoNotOptimize(t.store->ReadPage("fn", q));
}
BENCHMARK(BM_ReadNewAfterSequence);

// FilterLogEvents with a term that matches nothing: every line of ~25 MB examined.
void BM_FilterScan(benchmark::State& state) {
  TempStore t;
  for (int i = 0; i < 200'000; ++i) t.store->Append("fn", kStream, 1'800'000'000'000 + i, Line(i));
  std::string error;
  auto pattern = FilterPattern::Parse("ERROR", &error);
  LogQuery q;
  q.match = [&](const LogEvent& e) { return pattern->Matches(e.message); };
  int64_t bytes = t.store->GroupInfos()[0].stored_bytes;
  for (auto _ : state) benchmark::DoNotOptimize(t.store->ReadPage("fn", q));
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_FilterScan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spool::logs
