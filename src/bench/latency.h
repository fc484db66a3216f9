#pragma once
// LatencyRecorder: a log-linear histogram of durations in nanoseconds with bounded memory
// (about 60 KiB whatever the sample count) and a relative error below 1/128 for percentiles.
// Values below 256 ns are kept exactly; min and max are always exact.
//
// Percentile(p) uses the nearest-rank definition: the smallest recorded value such that at
// least p% of the samples are at or below it. It answers with the upper edge of that value's
// bucket, clamped to [min, max], so Percentile(100) == Max() and a single sample is exact.
//
// Threading: none; each coroutine keeps its own recorder and they are merged at the end.

#include <array>
#include <cstdint>

namespace spool::bench {

class LatencyRecorder {
 public:
  void Record(int64_t nanos);
  void Merge(const LatencyRecorder& other);

  uint64_t count() const { return count_; }
  int64_t Min() const { return count_ ? min_ : 0; }
  int64_t Max() const { return count_ ? max_ : 0; }
  double Mean() const { return count_ ? double(sum_) / double(count_) : 0; }
  // p in [0, 100]; 0 when nothing was recorded.
  int64_t Percentile(double p) const;

  // Exposed for tests: the bucket of a value and the largest value that bucket holds.
  static int BucketOf(uint64_t value);
  static uint64_t BucketUpperEdge(int bucket);

 private:
  static constexpr int kSubBits = 7;  // 128 sub-buckets per power of two
  static constexpr int kSubBuckets = 1 << kSubBits;
  // Exponents kSubBits..63 each get kSubBuckets buckets, after the 2*kSubBuckets exact ones.
  static constexpr int kBuckets = (64 - kSubBits + 1) * kSubBuckets;

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  int64_t sum_ = 0;
};

}  // namespace spool::bench
