#include "logs/log_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/fake_clock.h"
#include "logs/segment_format.h"

namespace spool::logs {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir();
    if (pattern.empty() || pattern.back() != '/') pattern += '/';
    pattern += "logs_test_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Messages(const std::vector<LogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

// Every test runs against a store in a directory and one in memory.
class LogStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  bool on_disk() const { return GetParam(); }

  std::unique_ptr<LogStore> Open(int64_t max_bytes = 64 << 20, int64_t segment_bytes = 4 << 20) {
    LogStoreOptions o;
    o.dir = on_disk() ? dir_.path() : "";
    o.max_bytes_per_function = max_bytes;
    o.segment_bytes = segment_bytes;
    o.clock = &clock_;
    std::string error;
    auto store = LogStore::Open(o, &error);
    EXPECT_TRUE(store) << error;
    return store;
  }

  ScratchDir dir_;
  common::FakeClock clock_{common::FromEpochMillis(1'800'000'000'000)};
};

INSTANTIATE_TEST_SUITE_P(Modes, LogStoreTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Disk" : "Memory"; });

TEST_P(LogStoreTest, AppendSplitsLinesAndReadsThemBack) {
  auto store = Open();
  store->Append("fn", "s1", 1000, "START RequestId: r1\nhello\tworld\nmulti\rline\n");
  store->Append("fn", "s1", 1001, "END RequestId: r1");
  store->Append("fn", "s1", 1002, "a\n\nb");  // an empty line in the middle is an event
  auto events = store->Read("fn", {});
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(Messages(events),
            (std::vector<std::string>{"START RequestId: r1", "hello\tworld", "multi\rline",
                                      "END RequestId: r1", "a", "", "b"}));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence, i + 1);
    EXPECT_EQ(events[i].stream, "s1");
    EXPECT_EQ(events[i].ingestion_ms, 1'800'000'000'000);
  }
  EXPECT_EQ(events[0].timestamp_ms, 1000);
  EXPECT_EQ(events[3].timestamp_ms, 1001);
  EXPECT_EQ(store->Groups(), std::vector<std::string>{"fn"});
  EXPECT_TRUE(store->Read("other", {}).empty());
  store->Append("fn", "spool", 0, "no time given");
  EXPECT_EQ(store->Read("fn", {}).back().timestamp_ms, 1'800'000'000'000);  // the ingestion time
}

TEST_P(LogStoreTest, InvalidGroupNamesAreDropped) {
  auto store = Open();
  for (const std::string& bad :
       std::vector<std::string>{"", "../x", "a/b", ".hidden", std::string(141, 'a')}) {
    EXPECT_FALSE(LogStore::ValidGroupName(bad));
    store->Append(bad, "s", 1, "x");
  }
  EXPECT_TRUE(LogStore::ValidGroupName("my-fn_1.v2"));
  EXPECT_TRUE(store->Groups().empty());
}

TEST_P(LogStoreTest, LongMessagesAreCut) {
  auto store = Open();
  store->Append("fn", "s", 1, std::string(kMaxMessageBytes + 10, 'x'));
  auto events = store->Read("fn", {});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message.size(), kMaxMessageBytes);
}

TEST_P(LogStoreTest, FiltersByTimeStreamSequenceAndPredicate) {
  auto store = Open(64 << 20, 512);  // small segments, so the index skips some
  for (int i = 0; i < 100; ++i) {
    store->Append("fn", i % 2 ? "2026/01/01/[$LATEST]b" : "2026/01/01/[$LATEST]a", 1000 + i,
                  "line " + std::to_string(i));
  }
  LogQuery q;
  q.start_ms = 1010;
  q.end_ms = 1019;
  EXPECT_EQ(store->Read("fn", q).size(), 10u);
  q.streams = {"2026/01/01/[$LATEST]b"};
  auto odd = store->Read("fn", q);
  ASSERT_EQ(odd.size(), 5u);
  EXPECT_EQ(odd[0].message, "line 11");
  q = {};
  q.stream_prefix = "2026/01/01/[$LATEST]a";
  EXPECT_EQ(store->Read("fn", q).size(), 50u);
  q.stream_prefix = "2026/01/02";
  EXPECT_TRUE(store->Read("fn", q).empty());
  q = {};
  q.after_sequence = 95;
  EXPECT_EQ(Messages(store->Read("fn", q)),
            (std::vector<std::string>{"line 95", "line 96", "line 97", "line 98", "line 99"}));
  q.after_sequence = 0;
  q.match = [](const LogEvent& e) { return e.message.ends_with("7"); };
  EXPECT_EQ(store->Read("fn", q).size(), 10u);
  q.limit = 3;
  auto page = store->ReadPage("fn", q);
  EXPECT_EQ(Messages(page.events), (std::vector<std::string>{"line 7", "line 17", "line 27"}));
  EXPECT_TRUE(page.more);
  // Covered: through the line before "line 37", the match that did not fit.
  EXPECT_EQ(page.covered_to, 37u);
}

TEST_P(LogStoreTest, ForwardPagingVisitsEveryEventOnce) {
  auto store = Open(64 << 20, 1024);
  for (int i = 0; i < 500; ++i) store->Append("fn", "s", i, "event " + std::to_string(i));
  LogQuery q;
  q.limit = 37;
  std::vector<LogEvent> all;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 100);
    auto page = store->ReadPage("fn", q);
    all.insert(all.end(), page.events.begin(), page.events.end());
    if (!page.more) {
      EXPECT_EQ(page.covered_to, 500u);
      break;
    }
    q.after_sequence = page.covered_to;
  }
  ASSERT_EQ(all.size(), 500u);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].sequence, i + 1);
}

TEST_P(LogStoreTest, NewestPagingGoesBackwards) {
  auto store = Open(64 << 20, 1024);
  for (int i = 0; i < 300; ++i) store->Append("fn", "s", i, "event " + std::to_string(i));
  LogQuery q;
  q.newest = true;
  q.limit = 40;
  auto page = store->ReadPage("fn", q);
  ASSERT_EQ(page.events.size(), 40u);
  EXPECT_EQ(page.events.front().message, "event 260");
  EXPECT_EQ(page.events.back().message, "event 299");
  EXPECT_TRUE(page.more);
  EXPECT_EQ(page.covered_to, 300u);
  std::vector<uint64_t> seen;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 100);
    for (auto it = page.events.rbegin(); it != page.events.rend(); ++it) {
      seen.push_back(it->sequence);
    }
    if (!page.more) break;
    q.before_sequence = page.covered_from;
    page = store->ReadPage("fn", q);
  }
  ASSERT_EQ(seen.size(), 300u);
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], 300 - i);
  q.before_sequence = 1;  // before the first event: nothing, and never "no bound"
  page = store->ReadPage("fn", q);
  EXPECT_TRUE(page.events.empty());
  EXPECT_EQ(page.covered_from, 1u);
}

TEST_P(LogStoreTest, MaxBytesAndScanBudgetStopEarly) {
  auto store = Open(64 << 20, 4096);
  for (int i = 0; i < 1000; ++i) store->Append("fn", "s", i, std::string(100, 'a' + i % 26));
  LogQuery q;
  q.max_bytes = 1000;  // 126 bytes per event as CloudWatch counts
  auto page = store->ReadPage("fn", q);
  EXPECT_EQ(page.events.size(), 7u);
  EXPECT_TRUE(page.more);

  q = {};
  q.max_scan_bytes = 10000;
  q.match = [](const LogEvent&) { return false; };
  int pages = 0;
  uint64_t last = 0;
  for (;; ++pages) {
    ASSERT_LT(pages, 1000);
    page = store->ReadPage("fn", q);
    EXPECT_TRUE(page.events.empty());
    EXPECT_GT(page.covered_to, last);
    last = page.covered_to;
    if (!page.more) break;
    q.after_sequence = page.covered_to;
  }
  EXPECT_GT(pages, 5);
  EXPECT_EQ(last, 1000u);
}

TEST_P(LogStoreTest, StreamsAndGroupInfos) {
  auto store = Open();
  store->Append("fn", "b", 500, "x\ny");
  clock_.Advance(std::chrono::seconds(1));
  store->Append("fn", "a", 700, "z");
  store->Append("fn", "b", 400, "w");
  store->Append("other", "c", 1, "q");
  auto streams = store->Streams("fn");
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].name, "a");
  EXPECT_EQ(streams[1].name, "b");
  EXPECT_EQ(streams[1].first_event_ms, 400);
  EXPECT_EQ(streams[1].last_event_ms, 500);
  EXPECT_EQ(streams[1].first_ingestion_ms, 1'800'000'000'000);
  EXPECT_EQ(streams[1].last_ingestion_ms, 1'800'000'001'000);
  std::string line;
  AppendLine(500, 1'800'000'000'000, "b", "x", &line);
  EXPECT_EQ(streams[1].stored_bytes, 3 * static_cast<int64_t>(line.size()));
  auto groups = store->GroupInfos();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "fn");
  EXPECT_EQ(groups[0].creation_ms, 1'800'000'000'000);
  EXPECT_EQ(groups[0].last_ingestion_ms, 1'800'000'001'000);
  EXPECT_EQ(groups[0].stored_bytes, streams[0].stored_bytes + streams[1].stored_bytes);
  EXPECT_TRUE(store->Streams("nope").empty());
}

TEST_P(LogStoreTest, RetentionDeletesTheOldestSegment) {
  auto store = Open(/*max_bytes=*/4000, /*segment_bytes=*/1000);
  std::string line;
  AppendLine(1000, 1'800'000'000'000, "s", "message 0000", &line);
  const int per_segment = 1000 / static_cast<int>(line.size());
  for (int i = 0; i < 100; ++i) {
    char msg[32];
    std::snprintf(msg, sizeof msg, "message %04d", i);
    store->Append("fn", "s", 1000, msg);
  }
  auto events = store->Read("fn", {});
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().message, "message 0099");
  EXPECT_EQ(events.back().sequence, 100u);
  // At most four segments' worth is kept, whole segments at a time.
  EXPECT_LE(static_cast<int64_t>(events.size() * line.size()), 4000);
  EXPECT_EQ((events.front().sequence - 1) % per_segment, 0u);
  EXPECT_EQ(events.size(), 100 - (events.front().sequence - 1));
  EXPECT_LE(store->GroupInfos()[0].stored_bytes, 4000);
  if (on_disk()) {
    auto files = SegmentFiles(dir_.path() + "/logs/fn");
    EXPECT_LE(files.size(), 4u);
    EXPECT_EQ(files.front(), SegmentFileName(events.front().sequence));
  }
}

TEST_P(LogStoreTest, DeleteGroup) {
  auto store = Open();
  store->Append("fn", "s", 1, "x");
  store->Append("keep", "s", 1, "y");
  store->DeleteGroup("fn");
  EXPECT_TRUE(store->Read("fn", {}).empty());
  EXPECT_EQ(store->Groups(), std::vector<std::string>{"keep"});
  if (on_disk()) {
    EXPECT_FALSE(fs::exists(dir_.path() + "/logs/fn"));
  }
  store->Append("fn", "s", 2, "again");
  auto events = store->Read("fn", {});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].sequence, 1u);
}

TEST_P(LogStoreTest, ConcurrentAppendsAndReads) {
  auto store = Open(64 << 20, 8192);
  constexpr int kWriters = 4, kLines = 1500;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      // Writers start once the reader has read once, so reads overlap the
      // appends however the threads are scheduled.
      while (reads.load() == 0) std::this_thread::yield();
      std::string group = w % 2 ? "odd" : "even";
      std::string stream = "stream-" + std::to_string(w);
      for (int i = 0; i < kLines; ++i) {
        store->Append(group, stream, i + 1, "w" + std::to_string(w) + " line " + std::to_string(i));
      }
    });
  }
  std::thread reader([&] {
    uint64_t after = 0;
    do {
      LogQuery q;
      q.after_sequence = after;
      q.limit = 100;
      auto page = store->ReadPage("even", q);
      for (const auto& e : page.events) {
        ASSERT_GT(e.sequence, after);
        after = e.sequence;
      }
      store->Streams("odd");
      ++reads;
    } while (!done);
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  for (std::string group : {"even", "odd"}) {
    LogQuery all;
    all.limit = 100000;
    auto events = store->Read(group, all);
    ASSERT_EQ(events.size(), 2u * kLines) << group;
    std::map<std::string, int> next;  // per stream, lines arrive in order
    for (size_t i = 0; i < events.size(); ++i) {
      ASSERT_EQ(events[i].sequence, i + 1);
      int& n = next[events[i].stream];
      ASSERT_EQ(events[i].timestamp_ms, n + 1);
      ++n;
    }
  }
}

// --- on disk only --------------------------------------------------------------------------

class LogStoreDiskTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogStore> Open(int64_t segment_bytes = 4 << 20) {
    LogStoreOptions o;
    o.dir = dir_.path();
    o.segment_bytes = segment_bytes;
    o.clock = &clock_;
    std::string error;
    auto store = LogStore::Open(o, &error);
    EXPECT_TRUE(store) << error;
    return store;
  }
  std::string GroupDir(const std::string& g) const { return dir_.path() + "/logs/" + g; }

  ScratchDir dir_;
  common::FakeClock clock_{common::FromEpochMillis(1'800'000'000'000)};
};

TEST_F(LogStoreDiskTest, SequencesAndIndexSurviveARestart) {
  {
    auto store = Open(300);
    for (int i = 0; i < 50; ++i)
      store->Append("fn", i < 25 ? "a" : "b", 100 + i, "m" + std::to_string(i));
  }
  auto files = SegmentFiles(GroupDir("fn"));
  EXPECT_GT(files.size(), 2u);
  EXPECT_EQ(files[0], "00000000000000000001.log");
  auto store = Open(300);
  EXPECT_EQ(store->Groups(), std::vector<std::string>{"fn"});
  auto streams = store->Streams("fn");
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[1].first_event_ms, 125);
  store->Append("fn", "b", 200, "after restart");
  auto events = store->Read("fn", {});
  ASSERT_EQ(events.size(), 51u);
  EXPECT_EQ(events.back().sequence, 51u);
  EXPECT_EQ(events.back().message, "after restart");
  LogQuery q;
  q.after_sequence = 48;
  EXPECT_EQ(Messages(store->Read("fn", q)),
            (std::vector<std::string>{"m48", "m49", "after restart"}));
}

TEST_F(LogStoreDiskTest, TornLastLineIsSkippedAndCutBeforeTheNextAppend) {
  {
    auto store = Open();
    store->Append("fn", "s", 1, "one\ntwo");
  }
  std::string path = GroupDir("fn") + "/00000000000000000001.log";
  std::string intact = ReadFile(path);
  { std::ofstream(path, std::ios::binary | std::ios::app) << "3\t1800000000000\ts\tthr"; }
  auto store = Open();
  EXPECT_EQ(Messages(store->Read("fn", {})), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(ReadFile(path), intact);
  store->Append("fn", "s", 4, "four");
  auto events = store->Read("fn", {});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].message, "four");
  EXPECT_EQ(events[2].sequence, 3u);
}

TEST_F(LogStoreDiskTest, DamagedLinesAreSkippedButKeepTheirSequence) {
  std::string seg;
  AppendLine(10, 11, "s", "first", &seg);
  seg += "this is not a log line\n";
  AppendLine(12, 13, "s", "third", &seg);
  WriteFile(GroupDir("fn") + "/00000000000000000007.log", seg);
  auto store = Open();
  auto events = store->Read("fn", {});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].sequence, 7u);
  EXPECT_EQ(events[1].sequence, 9u);
  store->Append("fn", "s", 14, "fourth");
  EXPECT_EQ(store->Read("fn", {}).back().sequence, 10u);
}

// Segment files written by hand in the documented format (as the integration tests seed a data
// directory) are read like the store's own.
TEST_F(LogStoreDiskTest, ReadsHandWrittenSegments) {
  WriteFile(GroupDir("hello") + "/00000000000000000001.log",
            "1800000000000\t1800000000001\t2026/01/31/[$LATEST]abc\tSTART RequestId: r1 Version: "
            "$LATEST\n"
            "1800000000002\t1800000000003\t2026/01/31/[$LATEST]abc\ttwo\\tparts\\rand more\n");
  WriteFile(GroupDir("hello") + "/notes.txt", "ignored");
  WriteFile(GroupDir(".hidden") + "/00000000000000000001.log", "1\t1\ts\tx\n");
  auto store = Open();
  EXPECT_EQ(store->Groups(), std::vector<std::string>{"hello"});
  auto events = store->Read("hello", {});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].message, "two\tparts\rand more");
  EXPECT_EQ(events[1].stream, "2026/01/31/[$LATEST]abc");
}

// The index lets reads skip segments: a segment outside the asked time range is not read (this
// test damages one after indexing, which only a read of it could notice).
TEST_F(LogStoreDiskTest, ReadsSkipSegmentsTheIndexRulesOut) {
  auto store = Open(200);
  for (int i = 0; i < 30; ++i) store->Append("fn", "s", 1000 * (i + 1), "m" + std::to_string(i));
  auto files = SegmentFiles(GroupDir("fn"));
  ASSERT_GT(files.size(), 3u);
  std::string first = GroupDir("fn") + "/" + files[0];
  WriteFile(first, std::string(ReadFile(first).size(), 'x'));
  LogQuery q;
  q.start_ms = 25000;
  EXPECT_EQ(store->Read("fn", q).size(), 6u);
  EXPECT_LT(store->Read("fn", {}).size(), 30u);  // an unfiltered read does see the damage
}

}  // namespace
}  // namespace spool::logs
