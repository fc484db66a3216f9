#include "common/fake_clock.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace spool::common {
namespace {

TEST(FakeClockTest, TimeMovesOnlyWhenAdvanced) {
  FakeClock clock(FromEpochMillis(1000));
  EXPECT_EQ(ToEpochMillis(clock.Now()), 1000);
  EXPECT_EQ(ToEpochMillis(clock.Now()), 1000);
  clock.Advance(Millis(250));
  EXPECT_EQ(ToEpochMillis(clock.Now()), 1250);
  clock.AdvanceTo(FromEpochMillis(2000));
  EXPECT_EQ(ToEpochMillis(clock.Now()), 2000);
  clock.AdvanceTo(FromEpochMillis(1500));  // never goes back
  EXPECT_EQ(ToEpochMillis(clock.Now()), 2000);
}

TEST(FakeClockTest, AdvanceRunsDueTimersInTimeOrderAtTheirTime) {
  FakeClock clock(FromEpochMillis(0));
  std::vector<std::string> ran;
  auto record = [&](std::string name) {
    return [&, name] { ran.push_back(name + "@" + std::to_string(ToEpochMillis(clock.Now()))); };
  };
  clock.RunAt(FromEpochMillis(30), record("c"));
  clock.RunAt(FromEpochMillis(10), record("a"));
  clock.RunAt(FromEpochMillis(20), record("b1"));
  clock.RunAt(FromEpochMillis(20), record("b2"));  // same time: scheduling order
  clock.RunAt(FromEpochMillis(31), record("late"));
  clock.Advance(Millis(30));
  EXPECT_EQ(ran, (std::vector<std::string>{"a@10", "b1@20", "b2@20", "c@30"}));
  EXPECT_EQ(ToEpochMillis(clock.Now()), 30);
  EXPECT_EQ(clock.PendingTimers(), 1u);
  clock.Advance(Millis(1));
  EXPECT_EQ(ran.back(), "late@31");
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(FakeClockTest, TimerInThePastRunsOnTheNextAdvance) {
  FakeClock clock(FromEpochMillis(100));
  int runs = 0;
  clock.RunAt(FromEpochMillis(50), [&] { ++runs; });
  EXPECT_EQ(runs, 0);  // never inside RunAt
  clock.Advance(Millis(0));
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(ToEpochMillis(clock.Now()), 100);
}

TEST(FakeClockTest, CancelledTimerDoesNotRun) {
  FakeClock clock(FromEpochMillis(0));
  int a = 0;
  int b = 0;
  Scheduler::TimerId ida = clock.RunAt(FromEpochMillis(10), [&] { ++a; });
  Scheduler::TimerId idb = clock.RunAt(FromEpochMillis(10), [&] { ++b; });
  EXPECT_NE(ida, 0u);
  EXPECT_NE(idb, 0u);
  EXPECT_NE(ida, idb);
  clock.Cancel(ida);
  clock.Cancel(0);      // no-op
  clock.Cancel(12345);  // unknown: no-op
  clock.Advance(Millis(10));
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
  clock.Cancel(idb);  // already ran: no effect
  EXPECT_EQ(clock.PendingTimers(), 0u);
}

TEST(FakeClockTest, CallbackMayScheduleWithinTheAdvancedWindow) {
  FakeClock clock(FromEpochMillis(0));
  std::vector<int64_t> ran;
  clock.RunAt(FromEpochMillis(10), [&] {
    ran.push_back(ToEpochMillis(clock.Now()));
    clock.RunAt(clock.Now() + Millis(5), [&] { ran.push_back(ToEpochMillis(clock.Now())); });
    clock.RunAt(clock.Now() + Millis(500), [&] { ran.push_back(-1); });
  });
  clock.RunAt(FromEpochMillis(12), [&] { ran.push_back(ToEpochMillis(clock.Now())); });
  clock.Advance(Millis(100));
  EXPECT_EQ(ran, (std::vector<int64_t>{10, 12, 15}));
  EXPECT_EQ(clock.PendingTimers(), 1u);
  EXPECT_EQ(ToEpochMillis(clock.Now()), 100);
}

TEST(FakeClockTest, CallbackMayCancelALaterTimer) {
  FakeClock clock(FromEpochMillis(0));
  int later_runs = 0;
  Scheduler::TimerId later = clock.RunAt(FromEpochMillis(20), [&] { ++later_runs; });
  clock.RunAt(FromEpochMillis(10), [&] { clock.Cancel(later); });
  clock.Advance(Millis(30));
  EXPECT_EQ(later_runs, 0);
}

TEST(FakeClockTest, WorksThroughTheInterfaces) {
  FakeClock fake(FromEpochMillis(5));
  Clock& clock = fake;
  Scheduler& scheduler = fake;
  bool ran = false;
  scheduler.RunAt(clock.Now() + Millis(1), [&] { ran = true; });
  fake.Advance(Millis(1));
  EXPECT_TRUE(ran);
  EXPECT_EQ(ToEpochMillis(clock.Now()), 6);
}

}  // namespace
}  // namespace spool::common
