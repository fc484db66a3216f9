#include "bench/latency.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace spool::bench {

int LatencyRecorder::BucketOf(uint64_t value) {
  if (value < 2 * kSubBuckets) return static_cast<int>(value);
  const int shift = std::bit_width(value) - 1 - kSubBits;  // >= 1
  return shift * kSubBuckets + static_cast<int>(value >> shift);
}

uint64_t LatencyRecorder::BucketUpperEdge(int bucket) {
  if (bucket < 2 * kSubBuckets) return static_cast<uint64_t>(bucket);
  const int shift = bucket / kSubBuckets - 1;
  const uint64_t mantissa = static_cast<uint64_t>(bucket - shift * kSubBuckets);
  return ((mantissa + 1) << shift) - 1;
}

void LatencyRecorder::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  buckets_[BucketOf(static_cast<uint64_t>(nanos))]++;
  if (count_ == 0 || nanos < min_) min_ = nanos;
  if (count_ == 0 || nanos > max_) max_ = nanos;
  ++count_;
  sum_ += nanos;
}

void LatencyRecorder::Merge(const LatencyRecorder& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  if (count_ == 0 || other.max_ > max_) max_ = other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t LatencyRecorder::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the ceil(p/100 * n)-th smallest sample, at least the first.
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const int64_t edge = static_cast<int64_t>(BucketUpperEdge(i));
      return std::clamp(edge, min_, max_);
    }
  }
  return max_;
}

}  // namespace spool::bench
