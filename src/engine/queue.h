#pragma once
// Queue: the in-memory state of one queue and the primitive moves between message states.
//
//   send ──► delayed ──(delay ends)──► ready ──(receive)──► in flight ──(delete)──► gone
//                                        ▲                      │
//                                        └─(visibility expires)─┘
//
// Ready messages sit in an intrusive FIFO list; delayed and in-flight messages sit in one timer
// heap keyed by the time they become visible; every message sits in an age heap keyed by its
// enqueue time, for retention. Tick() applies what time has made due.
//
// Threading: not thread-safe. MemoryEngine's mutex guards every Queue.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "engine/queue_config.h"
#include "engine/queue_service.h"
#include "engine/timer_heap.h"
#include "engine/types.h"

namespace spool::engine {

struct Message {
  enum class State : uint8_t { kDelayed, kReady, kInflight };

  uint64_t seq = 0;  // the queue's own id for the message; receipt handles name it
  std::shared_ptr<const MessagePayload> payload;
  State state = State::kReady;
  uint32_t nonce = 0;  // bumped by every receive; names the current receipt
  int64_t receive_count = 0;
  TimePoint enqueued;       // retention counts from here
  TimePoint visible_at;     // delayed or in flight: when it becomes ready
  TimePoint received_at;    // last receive (the 12-hour visibility cap counts from it)
  TimePoint first_receive;  // epoch 0 until the first receive
  std::shared_ptr<const std::string> dead_letter_source_arn;
  size_t timer_index = kNotInHeap;
  size_t age_index = kNotInHeap;
  Message* prev = nullptr;  // ready list links
  Message* next = nullptr;
};

struct Waiter {
  int64_t max_messages = 1;
  int64_t visibility_timeout = 30;
  Callback<ReceiveResult> done;
  common::Scheduler::TimerId timer = 0;
};

class Queue {
 public:
  Queue(uint64_t id, std::string name, QueueConfig config, TimePoint now);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }

  // Reserves the sequence number of a message about to be added.
  uint64_t AllocateSeq() { return next_seq_++; }
  // Adds a message under `seq` (from AllocateSeq(), or a recovered one): ready when
  // `visible_at` <= now, else delayed until then.
  Message* Add(uint64_t seq, std::shared_ptr<const MessagePayload> payload, TimePoint enqueued,
               TimePoint visible_at, TimePoint now);
  // Calls fn(const Message&) for every message, in no particular order.
  template <class Fn>
  void ForEachMessage(Fn fn) const {
    for (const auto& [seq, m] : messages_) fn(m);
  }
  // Moves due delayed/in-flight messages to ready and drops messages past retention.
  void Tick(TimePoint now);
  // The oldest ready message, unlinked from the ready list (caller decides its next state), or
  // nullptr when none is ready.
  Message* PopReady();
  // Puts a message (popped, or in flight) back at the tail of the ready list.
  void MakeReady(Message* m);
  // Marks a popped message in flight until now + vt.
  void MakeInflight(Message* m, TimePoint now, int64_t vt_seconds);
  // Changes the deadline of an in-flight message.
  void SetDeadline(Message* m, TimePoint deadline);
  // Deletes a message in any state.
  void Remove(Message* m);
  Message* Find(uint64_t seq);
  void Purge();

  // The earliest time a delayed or in-flight message becomes ready, if any.
  std::optional<TimePoint> NextVisibleAt() const;

  size_t ready_count() const { return ready_count_; }
  size_t delayed_count() const { return delayed_count_; }
  size_t inflight_count() const { return inflight_count_; }
  size_t size() const { return messages_.size(); }

  QueueConfig config;
  StringPairs tags;  // in insertion order, keys unique
  TimePoint created;
  TimePoint last_modified;
  std::optional<TimePoint> last_purge;
  // Long-poll receivers waiting on this queue, oldest first (keys increase).
  std::map<uint64_t, Waiter> waiters;
  // The wake-up timer for waiters while nothing is ready but something will be.
  common::Scheduler::TimerId wake_timer = 0;
  TimePoint wake_at;

 private:
  void Unlink(Message* m);
  void PushBack(Message* m);
  void Erase(Message* m);
  void SetState(Message* m, Message::State s);

  using VisibleHeap = TimerHeap<Message, TimePoint, &Message::visible_at, &Message::timer_index>;
  using AgeHeap = TimerHeap<Message, TimePoint, &Message::enqueued, &Message::age_index>;

  uint64_t id_;
  std::string name_;
  uint64_t next_seq_ = 1;
  std::unordered_map<uint64_t, Message> messages_;
  Message* head_ = nullptr;  // ready list
  Message* tail_ = nullptr;
  VisibleHeap visible_heap_;
  AgeHeap age_heap_;
  size_t ready_count_ = 0;
  size_t delayed_count_ = 0;
  size_t inflight_count_ = 0;
};

}  // namespace spool::engine
