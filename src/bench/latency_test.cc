#include "bench/latency.h"

#include <gtest/gtest.h>

namespace spool::bench {
namespace {

TEST(LatencyRecorderTest, EmptyRecorderAnswersZero) {
  LatencyRecorder r;
  EXPECT_EQ(r.count(), 0u);
  EXPECT_EQ(r.Percentile(50), 0);
  EXPECT_EQ(r.Percentile(99), 0);
  EXPECT_EQ(r.Max(), 0);
}

TEST(LatencyRecorderTest, SingleSampleIsExactAtEveryPercentile) {
  LatencyRecorder r;
  r.Record(123'456'789);
  EXPECT_EQ(r.Percentile(0), 123'456'789);
  EXPECT_EQ(r.Percentile(50), 123'456'789);
  EXPECT_EQ(r.Percentile(100), 123'456'789);
}

TEST(LatencyRecorderTest, SmallValuesAreExactNearestRank) {
  LatencyRecorder r;
  for (int v = 1; v <= 100; ++v) r.Record(v);
  EXPECT_EQ(r.Percentile(50), 50);
  EXPECT_EQ(r.Percentile(99), 99);
  EXPECT_EQ(r.Percentile(99.5), 100);
  EXPECT_EQ(r.Percentile(1), 1);
  EXPECT_EQ(r.Percentile(0), 1);
  EXPECT_EQ(r.Percentile(100), 100);
  EXPECT_DOUBLE_EQ(r.Mean(), 50.5);
}

TEST(LatencyRecorderTest, LargeValuesWithinOnePercent) {
  LatencyRecorder r;
  // 1 us .. 10 ms in steps of 1 us.
  for (int64_t us = 1; us <= 10'000; ++us) r.Record(us * 1000);
  auto near = [](int64_t got, int64_t want) {
    return std::abs(double(got - want)) <= double(want) / 100.0;
  };
  EXPECT_TRUE(near(r.Percentile(50), 5'000'000)) << r.Percentile(50);
  EXPECT_TRUE(near(r.Percentile(99), 9'900'000)) << r.Percentile(99);
  EXPECT_TRUE(near(r.Percentile(99.9), 9'990'000)) << r.Percentile(99.9);
  EXPECT_EQ(r.Percentile(100), 10'000'000);
  EXPECT_EQ(r.Max(), 10'000'000);
  EXPECT_EQ(r.Min(), 1000);
}

TEST(LatencyRecorderTest, PercentileNeverBelowTheTrueValue) {
  LatencyRecorder r;
  for (int i = 0; i < 99; ++i) r.Record(1'000'000);
  r.Record(50'000'000);
  // 99 of 100 samples are 1 ms: p99 is 1 ms (within a bucket), p99.5 is the outlier.
  EXPECT_GE(r.Percentile(99), 1'000'000);
  EXPECT_LT(r.Percentile(99), 1'010'000);
  EXPECT_EQ(r.Percentile(99.5), 50'000'000);
}

TEST(LatencyRecorderTest, MergeAddsCountsAndExtremes) {
  LatencyRecorder a, b;
  for (int v = 1; v <= 50; ++v) a.Record(v);
  for (int v = 51; v <= 100; ++v) b.Record(v);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.Min(), 1);
  EXPECT_EQ(a.Max(), 100);
  EXPECT_EQ(a.Percentile(50), 50);
  LatencyRecorder empty;
  a.Merge(empty);
  EXPECT_EQ(a.count(), 100u);
}

TEST(LatencyRecorderTest, BucketsAreContiguousAndTight) {
  uint64_t previous_edge = 0;
  for (int b = 1; b < 40 * 128; ++b) {
    const uint64_t edge = LatencyRecorder::BucketUpperEdge(b);
    EXPECT_GT(edge, previous_edge) << b;
    EXPECT_EQ(LatencyRecorder::BucketOf(edge), b) << b;
    EXPECT_EQ(LatencyRecorder::BucketOf(previous_edge + 1), b) << b;
    // The bucket spans less than 1/128 of its values.
    EXPECT_LE(double(edge - previous_edge - 1), double(edge) / 128.0) << b;
    previous_edge = edge;
  }
}

TEST(LatencyRecorderTest, NegativeDurationsCountAsZero) {
  LatencyRecorder r;
  r.Record(-5);
  EXPECT_EQ(r.Max(), 0);
  EXPECT_EQ(r.count(), 1u);
}

}  // namespace
}  // namespace spool::bench
