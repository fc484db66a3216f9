#include "bench/tracker.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace spool::bench {
namespace {

using Receipt = ExactlyOnceTracker::Receipt;

TEST(ExactlyOnceTrackerTest, EverythingSentAndReceivedOnce) {
  ExactlyOnceTracker t(1000);
  for (uint64_t i = 0; i < 1000; ++i) t.MarkSent(i);
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(t.MarkReceived(999 - i), Receipt::kFirst);
  EXPECT_EQ(t.sent(), 1000u);
  EXPECT_EQ(t.received(), 1000u);
  EXPECT_EQ(t.duplicates(), 0u);
  EXPECT_EQ(t.Losses(), 0u);
  EXPECT_EQ(t.ReceivedUnsent(), 0u);
}

TEST(ExactlyOnceTrackerTest, SecondReceiptIsADuplicate) {
  ExactlyOnceTracker t(10);
  t.MarkSent(3);
  EXPECT_EQ(t.MarkReceived(3), Receipt::kFirst);
  EXPECT_EQ(t.MarkReceived(3), Receipt::kDuplicate);
  EXPECT_EQ(t.MarkReceived(3), Receipt::kDuplicate);
  EXPECT_EQ(t.received(), 1u);
  EXPECT_EQ(t.duplicates(), 2u);
}

TEST(ExactlyOnceTrackerTest, SentButNeverReceivedIsALoss) {
  ExactlyOnceTracker t(130);  // spans three words
  for (uint64_t i = 0; i < 130; ++i) t.MarkSent(i);
  for (uint64_t i = 0; i < 130; ++i) {
    if (i != 0 && i != 64 && i != 129) t.MarkReceived(i);
  }
  EXPECT_EQ(t.Losses(), 3u);
}

TEST(ExactlyOnceTrackerTest, ReceiptBeforeSendAcknowledgementIsNotALoss) {
  // A consumer can see a message before its producer has read the send response.
  ExactlyOnceTracker t(4);
  EXPECT_EQ(t.MarkReceived(2), Receipt::kFirst);
  EXPECT_EQ(t.ReceivedUnsent(), 1u);
  t.MarkSent(2);
  EXPECT_EQ(t.Losses(), 0u);
  EXPECT_EQ(t.ReceivedUnsent(), 0u);
}

TEST(ExactlyOnceTrackerTest, OutOfRangeIsUnknownAndIgnored) {
  ExactlyOnceTracker t(64);
  t.MarkSent(64);
  EXPECT_EQ(t.sent(), 0u);
  EXPECT_EQ(t.MarkReceived(64), Receipt::kUnknown);
  EXPECT_EQ(t.MarkReceived(~uint64_t{0}), Receipt::kUnknown);
  EXPECT_EQ(t.received(), 0u);
  EXPECT_EQ(t.duplicates(), 0u);
}

TEST(ExactlyOnceTrackerTest, MarkingTwiceAsSentCountsOnce) {
  ExactlyOnceTracker t(8);
  t.MarkSent(5);
  t.MarkSent(5);
  EXPECT_EQ(t.sent(), 1u);
  EXPECT_EQ(t.Losses(), 1u);
}

TEST(ExactlyOnceTrackerTest, ConcurrentReceiversCountEachNumberOnce) {
  constexpr uint64_t kN = 20000;
  ExactlyOnceTracker t(kN);
  for (uint64_t i = 0; i < kN; ++i) t.MarkSent(i);
  // Four threads each receive every number: one first receipt and three duplicates per number.
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&t] {
      for (uint64_t i = 0; i < kN; ++i) t.MarkReceived(i);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.received(), kN);
  EXPECT_EQ(t.duplicates(), 3 * kN);
  EXPECT_EQ(t.Losses(), 0u);
}

}  // namespace
}  // namespace spool::bench
