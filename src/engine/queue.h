#pragma once
// Queue: the in-memory state of one queue and the primitive moves between message states.
//
//   send ──► delayed ──(delay ends)──► ready ──(receive)──► in flight ──(delete)──► gone
//                                        ▲                      │
//                                        └─(visibility expires)─┘
//
// Memory layout (docs/architecture.md, "Memory per message"): each message is a 48-byte slot
// in the queue's slot pool (64 KiB chunks, no allocation per message) that holds a reference to
// the shared immutable payload and the few mutable fields; everything that links messages uses
// 32-bit slot numbers. Delayed and in-flight messages sit in one heap keyed by the time they
// become visible (the key is kept in the heap array, so sifting touches no message); every
// message sits in an age list in enqueue order (enqueue times only grow, except for dead-letter
// moves and replay: those few go to a small age heap instead), for retention. A SeqIndex finds a
// message by its sequence number. Tick() applies what time has made due.
//
// Ready messages are kept per message group (the payload's group id; "" for messages without
// one) in an intrusive list, and the groups that can be received from take turns (a round
// robin of groups, `turns_`):
//   - standard queue: each group's list is in the order messages became ready, and a receive
//     takes one message per group per turn, so one group flooding the queue does not delay the
//     others (SQS fair queues). Without group ids there is a single group: plain FIFO-ish order.
//   - FIFO queue: each group's list is in sequence (send) order; a group whose messages are in
//     flight (or taken by the receive in progress) is locked and out of the round robin; a
//     receive drains one group as far as it can before it takes the next (ReceiveCursor). A
//     message sent to a group whose earlier messages are still delayed waits for them.
// Threading: not thread-safe. MemoryEngine's mutex guards every Queue.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "engine/dedup_window.h"
#include "engine/queue_config.h"
#include "engine/queue_service.h"
#include "engine/seq_index.h"
#include "engine/types.h"

namespace spool::engine {

inline constexpr uint32_t kNoSlot = UINT32_MAX;

struct Message {
  enum class State : uint8_t { kFree, kDelayed, kReady, kInflight };
  static constexpr int32_t kNeverReceived = INT32_MIN;

  PayloadRef payload;  // enqueue time = payload->sent()
  uint64_t seq = 0;    // the queue's own id for the message; receipt handles name it
  // Ready: the ready list's links. Delayed or in flight: the index in the visible heap, and
  // (in flight) the time of the last receive as ms after enqueue. Free: the next free slot.
  uint32_t link_a = kNoSlot;
  uint32_t link_b = kNoSlot;
  // The age list's links; in the age heap instead: the index there.
  uint32_t age_prev = kNoSlot;
  uint32_t age_next = kNoSlot;
  uint32_t nonce = 0;  // bumped by every receive; names the current receipt
  uint32_t receive_count = 0;
  int32_t first_receive_offset = kNeverReceived;  // ms after enqueue
  State state = State::kFree;
  uint8_t flags = 0;  // Queue's own bookkeeping
  uint16_t arn = 0;   // dead-letter source ARN: 0 none, else Queue's table (Queue::SourceArn)

  TimePoint enqueued() const { return payload->sent(); }
  // Epoch 0 until the first receive.
  TimePoint first_receive() const;
  void set_first_receive(TimePoint t);
};
static_assert(sizeof(Message) == 48, "a message slot is meant to be 48 bytes");

// One message group of a queue: its ready list and (FIFO) its lock. Queue's own bookkeeping.
struct MessageGroup {
  uint32_t head = kNoSlot;  // ready list (FIFO: in sequence order)
  uint32_t tail = kNoSlot;
  uint32_t taken = 0;            // FIFO: messages popped or in flight; locked while > 0
  uint32_t messages = 0;         // in any state
  int64_t delayed_until_ms = 0;  // FIFO: the latest visible time of a message sent delayed
  bool in_turns = false;         // listed in Queue::turns_
};

// The state of one receive's pass over a queue (FIFO: which group it is draining). Local to
// one receive; pass the same cursor to every PopReady of that receive.
struct ReceiveCursor {
  MessageGroup* group = nullptr;
};

struct Waiter {
  int64_t max_messages = 1;
  int64_t visibility_timeout = 30;
  std::string attempt_id;  // FIFO ReceiveRequestAttemptId, "" when absent
  Callback<ReceiveResult> done;
  common::Scheduler::TimerId timer = 0;
};

class Queue {
 public:
  Queue(uint64_t id, std::string name, QueueConfig config, TimePoint now);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }

  // Reserves the sequence number of a message about to be added.
  uint64_t AllocateSeq() { return next_seq_++; }
  // Adds a message under `seq` (from AllocateSeq(), or a recovered one; not present), enqueued
  // at payload->sent(): ready when `visible_at` <= now, else delayed until then.
  Message* Add(uint64_t seq, PayloadRef payload, TimePoint visible_at, TimePoint now);
  // Calls fn(const Message&) for every message, in no particular order.
  template <class Fn>
  void ForEachMessage(Fn fn) const {
    for (uint32_t i = 0; i < slots_used_; ++i) {
      const Message& m = *At(i);
      if (m.state != Message::State::kFree) fn(m);
    }
  }
  // Moves due delayed/in-flight messages to ready and drops messages past retention.
  void Tick(TimePoint now);
  // Whether a receive would find a message now (FIFO: a ready message in an unlocked group).
  bool HasReceivable();
  // The oldest ready message, unlinked from the ready list (caller decides its next state), or
  // nullptr when none is ready.
  // Removes and returns the next message a receive should hand out (nullptr: none); the caller
  // then makes it in flight, ready again or removes it. FIFO: locks its group.
  Message* PopReady(ReceiveCursor* cursor);
  // Puts a message (popped, or in flight) back at the tail of the ready list.
  void MakeReady(Message* m);
  // Marks a popped message in flight until now + vt (received now).
  void MakeInflight(Message* m, TimePoint now, int64_t vt_seconds);
  // Changes the deadline of an in-flight message.
  void SetDeadline(Message* m, TimePoint deadline);
  // When a delayed or in-flight message becomes visible.
  TimePoint VisibleAt(const Message* m) const;
  // The last receive of an in-flight message.
  TimePoint ReceivedAt(const Message* m) const;
  // Deletes a message in any state.
  void Remove(Message* m);
  Message* Find(uint64_t seq);
  void Purge();

  // The dead-letter source ARN of `m` ("" when it was not moved here), and setting it.
  const std::string& SourceArn(const Message* m) const;
  void SetSourceArn(Message* m, const std::string& arn);

  // The earliest time a delayed or in-flight message becomes ready, if any.
  std::optional<TimePoint> NextVisibleAt() const;

  // FIFO: the sequence number SQS shows for message `seq` (increasing, large, distinct).
  std::string SequenceNumber(uint64_t seq) const;
  size_t group_count() const { return groups_.size(); }

  size_t ready_count() const { return ready_count_; }
  size_t delayed_count() const { return delayed_count_; }
  size_t inflight_count() const { return inflight_count_; }
  size_t size() const { return index_.size(); }

  QueueConfig config;
  StringPairs tags;  // in insertion order, keys unique
  TimePoint created;
  TimePoint last_modified;
  std::optional<TimePoint> last_purge;
  // Long-poll receivers waiting on this queue, oldest first (keys increase).
  std::map<uint64_t, Waiter> waiters;
  // FIFO: deduplication ids of the last five minutes.
  DedupWindow dedup;
  // FIFO: receives by ReceiveRequestAttemptId, so that a retried receive gets the same messages
  // (for five minutes, and while none of them was deleted or changed). Not journaled.
  struct Attempt {
    int64_t expires_ms = 0;
    int64_t visibility_timeout = 0;
    std::vector<std::pair<uint64_t, uint32_t>> messages;  // seq, nonce
  };
  std::unordered_map<std::string, Attempt> attempts;
  // The wake-up timer for waiters while nothing is ready but something will be.
  common::Scheduler::TimerId wake_timer = 0;
  TimePoint wake_at;

 private:
  struct SeqOfSlot {
    const Queue* q;
    uint64_t operator()(uint32_t slot) const { return q->At(slot)->seq; }
  };
  struct VisibleEntry {
    int64_t at_ms;
    uint32_t slot;
  };
  struct Chunk;

  Message* At(uint32_t slot) const;
  uint32_t SlotOf(const Message* m) const;
  uint32_t NewSlot();
  void FreeSlot(uint32_t slot);
  // Frees every chunk after the first `keep`; every slot becomes unused.
  void ReleaseChunks(size_t keep);

  MessageGroup* GroupOf(const Message* m);
  void ReadyInsert(uint32_t slot);  // into its group's list; the group may take turns again
  void ReadyUnlink(MessageGroup* g, uint32_t slot);
  void MaybeTakeTurns(MessageGroup* g);
  void Untake(Message* m);  // FIFO: the message no longer locks its group
  void SweepGroups();
  void SetState(Message* m, Message::State s);

  void VisiblePush(uint32_t slot, int64_t at_ms);
  void VisibleRemove(uint32_t slot);
  void VisibleSift(size_t i);
  void VisibleSet(size_t i, VisibleEntry e);

  void AgeInsert(uint32_t slot);
  void AgeRemove(uint32_t slot);
  int64_t AgeKey(uint32_t slot) const { return At(slot)->payload->sent_ms(); }
  void AgeHeapSet(size_t i, uint32_t slot);
  void AgeHeapSift(size_t i);

  uint64_t id_;
  std::string name_;
  uint64_t next_seq_ = 1;

  std::vector<Chunk*> chunks_;
  uint32_t slots_used_ = 0;  // slots ever handed out (all chunks up to here are constructed)
  uint32_t free_ = kNoSlot;  // free slots, linked through link_a
  SeqIndex<SeqOfSlot> index_{SeqOfSlot{this}};

  // Message groups by id; "" holds messages without a group. Nodes: pointers stay valid until
  // SweepGroups(), which only Tick() calls (never while a receive holds a cursor).
  std::unordered_map<std::string, MessageGroup> groups_;
  MessageGroup* plain_;                // groups_[""]
  std::deque<MessageGroup*> turns_;    // groups that may have something to receive (lazy)
  size_t empty_groups_ = 0;            // groups with no message left
  std::vector<VisibleEntry> visible_;  // min-heap on at_ms; slots know their index (link_a)
  uint32_t age_head_ = kNoSlot;        // age list, oldest first
  uint32_t age_tail_ = kNoSlot;
  std::vector<uint32_t> age_heap_;  // messages enqueued out of order: min-heap on enqueue time

  // Dead-letter source ARNs of messages moved here: few distinct values, stored once.
  std::vector<std::string> arns_;  // Message::arn - 1
  std::unordered_map<std::string, uint16_t> arn_ids_;
  std::unordered_map<uint64_t, std::string> arn_overflow_;  // by seq, once arns_ is full

  size_t ready_count_ = 0;
  size_t delayed_count_ = 0;
  size_t inflight_count_ = 0;
};

}  // namespace spool::engine
