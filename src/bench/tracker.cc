#include "bench/tracker.h"

#include <bit>

namespace spool::bench {

ExactlyOnceTracker::ExactlyOnceTracker(uint64_t capacity)
    : capacity_(capacity),
      words_((capacity + 63) / 64),
      sent_bits_(new Word[words_]),
      received_bits_(new Word[words_]) {
  for (uint64_t i = 0; i < words_; ++i) {
    sent_bits_[i].store(0, std::memory_order_relaxed);
    received_bits_[i].store(0, std::memory_order_relaxed);
  }
}

void ExactlyOnceTracker::MarkSent(uint64_t seq) {
  if (seq >= capacity_) return;
  const uint64_t bit = uint64_t{1} << (seq % 64);
  if ((sent_bits_[seq / 64].fetch_or(bit, std::memory_order_relaxed) & bit) == 0) {
    sent_.fetch_add(1, std::memory_order_relaxed);
  }
}

ExactlyOnceTracker::Receipt ExactlyOnceTracker::MarkReceived(uint64_t seq) {
  if (seq >= capacity_) return Receipt::kUnknown;
  const uint64_t bit = uint64_t{1} << (seq % 64);
  if (received_bits_[seq / 64].fetch_or(bit, std::memory_order_relaxed) & bit) {
    duplicates_.fetch_add(1, std::memory_order_relaxed);
    return Receipt::kDuplicate;
  }
  received_.fetch_add(1, std::memory_order_relaxed);
  return Receipt::kFirst;
}

uint64_t ExactlyOnceTracker::Losses() const {
  uint64_t lost = 0;
  for (uint64_t i = 0; i < words_; ++i) {
    lost += std::popcount(sent_bits_[i].load(std::memory_order_relaxed) &
                          ~received_bits_[i].load(std::memory_order_relaxed));
  }
  return lost;
}

uint64_t ExactlyOnceTracker::ReceivedUnsent() const {
  uint64_t n = 0;
  for (uint64_t i = 0; i < words_; ++i) {
    n += std::popcount(received_bits_[i].load(std::memory_order_relaxed) &
                       ~sent_bits_[i].load(std::memory_order_relaxed));
  }
  return n;
}

}  // namespace spool::bench
