// Commit rounds on loop threads (common::ThreadLoop): with kBatch and kNever, a record appended on
// a loop thread is written there once the appending task has unwound, in order with every other
// record; kAlways rounds stay on the committer; nothing is lost when a loop drops its work.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "common/thread_loop.h"
#include "storage/file.h"
#include "storage/log.h"
#include "storage/test_util.h"

namespace spool::storage {
namespace {

using test::AppendAndWait;
using test::CheckpointAndWait;
using test::OpenLog;
using test::ScratchDir;
using test::TestRecord;

// A minimal event loop on its own thread: runs tasks in order, registered as the thread's
// common::ThreadLoop while it runs.
class TestLoop final : public common::ThreadLoop {
 public:
  TestLoop() : thread_([this] { Run(); }) {}
  ~TestLoop() override { Stop(/*drop_queued=*/false); }

  void Post(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(fn));
    cv_.notify_one();
  }
  // Runs `fn` on the loop and waits for it (not for what it posts).
  void RunAndWait(const std::function<void()>& fn) {
    std::promise<void> done;
    Post([&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }
  // Stops the thread; with drop_queued, what is still queued is destroyed unrun (as an
  // io_context that is stopped drops its handlers).
  void Stop(bool drop_queued) {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      drop_ = drop_queued;
      cv_.notify_one();
    }
    thread_.join();
    std::deque<std::function<void()>> left;
    {
      std::lock_guard lock(mu_);
      left.swap(tasks_);
    }
  }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  void Run() {
    common::ThreadLoop::SetCurrent(this);
    std::unique_lock lock(mu_);
    for (;;) {
      if (stopped_ && (drop_ || tasks_.empty())) break;
      if (tasks_.empty()) {
        cv_.wait(lock);
        continue;
      }
      std::function<void()> fn = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
    common::ThreadLoop::SetCurrent(nullptr);
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopped_ = false;                     // guarded by mu_
  bool drop_ = false;                        // guarded by mu_
  std::thread thread_;
};

class LogLoopTest : public ::testing::Test {
 protected:
  LogOptions Options(SyncMode mode) {
    LogOptions o;
    o.dir = dir_.path() + "/log";
    o.sync = mode;
    o.batch_interval = std::chrono::milliseconds(1);
    return o;
  }
  ScratchDir dir_;
};

// Appends `n` records from one task on `loop` and waits for every callback. Returns the threads
// the callbacks ran on, and whether any ran while the appending task was still on the stack.
struct LoopAppends {
  std::vector<std::thread::id> threads;
  std::vector<int> order;
  bool inline_callback = false;
  int failures = 0;
};

// The committer may take what a loop queued whenever it is awake anyway (at start, for a kBatch
// sync); let it go idle first so that these appends are the loop's to write.
void LetTheCommitterSettle(Log* log) {
  ASSERT_TRUE(AppendAndWait(log, "settle").ok);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

LoopAppends AppendFromLoop(TestLoop& loop, Log* log, int n) {
  LoopAppends out;
  std::mutex mu;
  std::promise<void> all;
  int left = n;
  bool in_task = false;
  const std::thread::id loop_id = loop.id();
  loop.RunAndWait([&] {
    in_task = true;
    for (int i = 0; i < n; ++i) {
      log->Append(TestRecord(i), [&, i](const Status& s) {
        bool last;
        {
          std::lock_guard lock(mu);
          // Inside the appending task means on the loop thread before the task returned (the
          // committer may well run callbacks while the task still appends).
          if (in_task && std::this_thread::get_id() == loop_id) out.inline_callback = true;
          if (!s.ok) ++out.failures;
          out.threads.push_back(std::this_thread::get_id());
          out.order.push_back(i);
          last = --left == 0;
        }
        if (last) all.set_value();  // the waiter returns and destroys mu: not while it is held
      });
    }
    std::lock_guard lock(mu);
    in_task = false;
  });
  all.get_future().wait();
  return out;
}

TEST_F(LogLoopTest, BatchAndNeverRoundsRunOnTheAppendingLoopAfterItsTask) {
  for (SyncMode mode : {SyncMode::kBatch, SyncMode::kNever}) {
    LogOptions options = Options(mode);
    options.dir += mode == SyncMode::kBatch ? "-batch" : "-never";
    {
      auto o = OpenLog(options);
      ASSERT_TRUE(o.log) << o.status.message;
      TestLoop loop;
      LetTheCommitterSettle(o.log.get());
      LoopAppends got = AppendFromLoop(loop, o.log.get(), 50);
      EXPECT_FALSE(got.inline_callback);
      EXPECT_EQ(got.failures, 0);
      // The committer may still take a round now and then (it is allowed to); the loop must have
      // written at least the first one itself.
      ASSERT_FALSE(got.threads.empty());
      EXPECT_EQ(got.threads.front(), loop.id());
      for (size_t i = 0; i < got.order.size(); ++i) ASSERT_EQ(got.order[i], static_cast<int>(i));
    }
    auto o = OpenLog(options);
    ASSERT_EQ(o.records.size(), 51u);
    EXPECT_EQ(o.records.back(), TestRecord(49));
  }
}

TEST_F(LogLoopTest, AlwaysRoundsStayOnTheCommitter) {
  auto o = OpenLog(Options(SyncMode::kAlways));
  ASSERT_TRUE(o.log);
  TestLoop loop;
  LoopAppends got = AppendFromLoop(loop, o.log.get(), 20);
  EXPECT_FALSE(got.inline_callback);
  EXPECT_EQ(got.failures, 0);
  for (std::thread::id id : got.threads) EXPECT_NE(id, loop.id());
}

// Two loops and two plain threads append at once while checkpoints are taken: every callback
// runs once, each appender's records stay in its order, and a reopen finds them all.
TEST_F(LogLoopTest, LoopsAndPlainThreadsTogetherKeepOrderAcrossCheckpoints) {
  constexpr int kPerAppender = 3000;
  constexpr int kAppenders = 4;
  LogOptions options = Options(SyncMode::kBatch);
  options.segment_bytes = 64 << 10;
  std::vector<std::atomic<int>> calls(kAppenders * kPerAppender);
  std::atomic<int> failures{0};
  auto record = [](int a, int i) { return std::to_string(a) + ":" + std::to_string(i); };
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    Log* log = o.log.get();
    auto append = [&](int a, int i) {
      log->Append(record(a, i), [&calls, &failures, index = a * kPerAppender + i](const Status& s) {
        if (!s.ok) ++failures;
        ++calls[index];
      });
    };
    TestLoop loop0, loop1;
    std::vector<std::thread> threads;
    for (int a = 0; a < 2; ++a) {
      TestLoop* loop = a == 0 ? &loop0 : &loop1;
      threads.emplace_back([&, a, loop] {
        // Tasks of ten appends each, so rounds interleave with the loop's other tasks.
        for (int i = 0; i < kPerAppender; i += 10) {
          loop->Post([&, a, i] {
            for (int k = i; k < i + 10; ++k) append(a, k);
          });
        }
      });
    }
    for (int a = 2; a < kAppenders; ++a) {
      threads.emplace_back([&, a] {
        for (int i = 0; i < kPerAppender; ++i) append(a, i);
      });
    }
    for (int c = 0; c < 5; ++c) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      CheckpointAndWait(log, {});
    }
    for (auto& t : threads) t.join();
    loop0.Stop(/*drop_queued=*/false);
    loop1.Stop(/*drop_queued=*/false);
  }
  EXPECT_EQ(failures.load(), 0);
  for (size_t i = 0; i < calls.size(); ++i) ASSERT_EQ(calls[i].load(), 1) << i;
  // A snapshot of an empty state replaces every record before it, so what a reopen finds of
  // each appender is a suffix of its records: contiguous, in order, ending with its last one.
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  std::map<int, int> last;
  for (const std::string& r : o.records) {
    const size_t colon = r.find(':');
    ASSERT_NE(colon, std::string::npos) << r;
    const int a = std::stoi(r.substr(0, colon));
    const int i = std::stoi(r.substr(colon + 1));
    if (last.count(a) != 0) {
      ASSERT_EQ(i, last[a] + 1) << "appender " << a << " out of order";
    }
    last[a] = i;
  }
  for (const auto& [a, i] : last) EXPECT_EQ(i, kPerAppender - 1) << "appender " << a;
}

// A loop that stops before running its posted round (as the HTTP server's io_contexts do when
// Stop's drain times out) leaves the records queued: Close writes them and runs their callbacks.
TEST_F(LogLoopTest, CloseWritesWhatADroppedRoundLeftQueued) {
  LogOptions options = Options(SyncMode::kNever);
  std::atomic<int> ok{0};
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    LetTheCommitterSettle(o.log.get());
    TestLoop loop;
    std::promise<void> appended;
    loop.Post([&] {
      for (int i = 0; i < 5; ++i) {
        o.log->Append(TestRecord(i), [&ok](const Status& s) { ok += s.ok ? 1 : 0; });
      }
      appended.set_value();
      // Keep the loop busy until it is stopped, so the posted round never runs.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
    appended.get_future().wait();
    std::thread stopper([&loop] { loop.Stop(/*drop_queued=*/true); });
    stopper.join();
    EXPECT_EQ(ok.load(), 0);
    o.log->Close();
    EXPECT_EQ(ok.load(), 5);
  }
  auto o = OpenLog(options);
  EXPECT_EQ(o.records.size(), 6u);
}

// A round posted to a loop that runs only after the log was closed and destroyed does nothing
// (and touches no freed memory: the ASan build runs this too).
TEST_F(LogLoopTest, ARoundThatRunsAfterTheLogIsGoneIsHarmless) {
  LogOptions options = Options(SyncMode::kNever);
  TestLoop loop;
  std::mutex gate;
  std::unique_lock hold(gate);
  std::atomic<int> ok{0};
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    loop.RunAndWait([&] {
      o.log->Append("a", [&ok](const Status& s) { ok += s.ok ? 1 : 0; });
      // Block the loop behind this task until the log is gone.
      loop.Post([&gate] { std::lock_guard wait(gate); });
    });
  }  // Close: the committer writes "a"
  EXPECT_EQ(ok.load(), 1);
  hold.unlock();
  loop.Stop(/*drop_queued=*/false);  // runs the blocked task, then the stale round
  EXPECT_EQ(ok.load(), 1);
}

// A write failure in a loop round fails that round's callbacks; later rounds succeed.
TEST_F(LogLoopTest, AFailedLoopRoundFailsItsCallbacksAndTheNextSucceeds) {
  FaultyFileSystem faulty(PosixFileSystem());
  LogOptions options = Options(SyncMode::kNever);
  options.fs = &faulty;
  std::vector<std::string> expected;
  {
    auto o = OpenLog(options);
    ASSERT_TRUE(o.log);
    TestLoop loop;
    LoopAppends good = AppendFromLoop(loop, o.log.get(), 3);
    EXPECT_EQ(good.failures, 0);
    for (int i = 0; i < 3; ++i) expected.push_back(TestRecord(i));
    faulty.SetWriteBudget(0);
    LoopAppends bad = AppendFromLoop(loop, o.log.get(), 3);
    EXPECT_EQ(bad.failures, 3);
    faulty.SetWriteBudget(-1);
    LoopAppends again = AppendFromLoop(loop, o.log.get(), 3);
    EXPECT_EQ(again.failures, 0);
    for (int i = 0; i < 3; ++i) expected.push_back(TestRecord(i));
  }
  auto o = OpenLog(Options(SyncMode::kNever));
  EXPECT_EQ(o.records, expected);
}

// A lazy record appended on a loop posts no round there; an eager one takes it along.
TEST_F(LogLoopTest, LazyRecordsOnALoopWaitForAnEagerOne) {
  LogOptions options = Options(SyncMode::kNever);
  options.lazy_interval = std::chrono::hours(1);
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  TestLoop loop;
  LetTheCommitterSettle(o.log.get());
  const std::string segment = options.dir + "/" + test::Segment(1);
  loop.RunAndWait([&] { o.log->AppendLazy("lazy-on-loop"); });
  loop.RunAndWait([] {});  // anything it had posted has run by now
  EXPECT_EQ(test::ReadBytes(segment).find("lazy-on-loop"), std::string::npos);
  LoopAppends got = AppendFromLoop(loop, o.log.get(), 1);
  EXPECT_EQ(got.failures, 0);
  const std::string bytes = test::ReadBytes(segment);
  ASSERT_NE(bytes.find("lazy-on-loop"), std::string::npos);
  EXPECT_LT(bytes.find("lazy-on-loop"), bytes.find(TestRecord(0)));
}

// Queued by a callback of a loop round (while the loop leads): the round ends with only lazy
// records queued, and the committer must still write them once their interval is over.
TEST_F(LogLoopTest, ALazyRecordQueuedDuringALoopRoundIsWrittenByTheCommitter) {
  LogOptions options = Options(SyncMode::kNever);
  options.lazy_interval = std::chrono::milliseconds(20);
  auto o = OpenLog(options);
  ASSERT_TRUE(o.log) << o.status.message;
  TestLoop loop;
  LetTheCommitterSettle(o.log.get());
  Log* log = o.log.get();
  std::promise<void> called;
  loop.RunAndWait([&] {
    log->Append("eager", [log, &called](const Status&) {
      log->AppendLazy("lazy-from-round");
      // The committer, woken by the append, finds the round still led and waits again.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      called.set_value();
    });
  });
  called.get_future().wait();
  const std::string segment = options.dir + "/" + test::Segment(1);
  EXPECT_TRUE(test::EventuallyContains(segment, "lazy-from-round"));
}

}  // namespace
}  // namespace spool::storage
