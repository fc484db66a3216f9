#pragma once
// SeqIndex: a queue's map from message sequence number to message slot, as an open-addressing
// hash table of 32-bit slot numbers (4 bytes per bucket, at most 3/4 full, no per-entry node).
// The table stores no keys: it asks `SeqOf(slot)` for the sequence number of a slot when it must
// compare, so a lookup reads the slot it is going to return anyway. Linear probing; deletion
// shifts later entries back (no tombstones). Grows at 3/4, shrinks below 1/8.
// Not thread-safe: the owner's lock guards it.

#include <cstdint>
#include <memory>
#include <utility>

namespace spool::engine {

template <class SeqOf>
class SeqIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  explicit SeqIndex(SeqOf seq_of) : seq_of_(std::move(seq_of)) {}

  size_t size() const { return size_; }
  size_t bucket_count() const { return buckets_ ? mask_ + 1 : 0; }

  // The slot holding `seq`, or kNone.
  uint32_t Find(uint64_t seq) const {
    if (size_ == 0) return kNone;
    for (size_t i = Home(seq);; i = (i + 1) & mask_) {
      uint32_t s = buckets_[i];
      if (s == kNone) return kNone;
      if (seq_of_(s) == seq) return s;
    }
  }

  // Adds `slot` under `seq` (which must not be present).
  void Insert(uint64_t seq, uint32_t slot) {
    if (buckets_ == nullptr || (size_ + 1) * 4 > (mask_ + 1) * 3) {
      Resize(buckets_ == nullptr ? kMinBuckets : (mask_ + 1) * 2);
    }
    Place(seq, slot);
    ++size_;
  }

  // Removes `seq`, which maps to `slot`.
  void Erase(uint64_t seq, uint32_t slot) {
    size_t i = Home(seq);
    while (buckets_[i] != slot) i = (i + 1) & mask_;
    // Backward shift: move later members of the probe run into the hole when their home
    // position allows it.
    size_t hole = i;
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      uint32_t s = buckets_[j];
      if (s == kNone) break;
      size_t home = Home(seq_of_(s));
      // s may move to `hole` unless its home lies cyclically in (hole, j].
      bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
        buckets_[hole] = s;
        hole = j;
      }
    }
    buckets_[hole] = kNone;
    --size_;
    if (mask_ + 1 > kMinBuckets && size_ * 8 < mask_ + 1) Resize((mask_ + 1) / 2);
  }

  void Clear() {
    buckets_.reset();
    mask_ = 0;
    size_ = 0;
  }

 private:
  static constexpr size_t kMinBuckets = 16;

  size_t Home(uint64_t seq) const {
    // Fibonacci hashing: sequence numbers are consecutive, the multiplication spreads them.
    return static_cast<size_t>((seq * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void Place(uint64_t seq, uint32_t slot) {
    size_t i = Home(seq);
    while (buckets_[i] != kNone) i = (i + 1) & mask_;
    buckets_[i] = slot;
  }

  void Resize(size_t n) {
    std::unique_ptr<uint32_t[]> old = std::move(buckets_);
    size_t old_n = old ? mask_ + 1 : 0;
    buckets_.reset(new uint32_t[n]);
    for (size_t i = 0; i < n; ++i) buckets_[i] = kNone;
    mask_ = n - 1;
    int bits = 0;
    while ((size_t{1} << bits) < n) ++bits;
    shift_ = 64 - bits;
    for (size_t i = 0; i < old_n; ++i) {
      if (old[i] != kNone) Place(seq_of_(old[i]), old[i]);
    }
  }

  SeqOf seq_of_;
  std::unique_ptr<uint32_t[]> buckets_;
  size_t mask_ = 0;
  int shift_ = 63;
  size_t size_ = 0;
};

}  // namespace spool::engine
