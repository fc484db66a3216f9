#pragma once
// ExactlyOnceTracker: which sequence numbers were sent (acknowledged by the server) and which
// were received, one bit each, to count losses (sent, never received) and duplicates (received
// more than once) without keeping the messages.
//
// Threading: MarkSent and MarkReceived may be called from any thread at once (atomic bit
// operations). Losses() and ReceivedUnsent() read both bitmaps: call them once every sender and
// receiver has stopped.

#include <atomic>
#include <cstdint>
#include <memory>

namespace spool::bench {

class ExactlyOnceTracker {
 public:
  // Sequence numbers 0 .. capacity-1 are tracked.
  explicit ExactlyOnceTracker(uint64_t capacity);

  enum class Receipt {
    kFirst,      // first time this sequence number was received
    kDuplicate,  // received before
    kUnknown,    // outside 0 .. capacity-1: not one of ours
  };

  void MarkSent(uint64_t seq);
  Receipt MarkReceived(uint64_t seq);

  uint64_t capacity() const { return capacity_; }
  uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
  uint64_t received() const { return received_.load(std::memory_order_relaxed); }
  uint64_t duplicates() const { return duplicates_.load(std::memory_order_relaxed); }
  // Sent and never received.
  uint64_t Losses() const;
  // Received although no send of it was acknowledged (its send failed or timed out).
  uint64_t ReceivedUnsent() const;

 private:
  using Word = std::atomic<uint64_t>;
  uint64_t capacity_;
  uint64_t words_;
  std::unique_ptr<Word[]> sent_bits_;
  std::unique_ptr<Word[]> received_bits_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> duplicates_{0};
};

}  // namespace spool::bench
