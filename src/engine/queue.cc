#include "engine/queue.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <new>

namespace spool::engine {
namespace {

// Slots live in 64 KiB chunks aligned to their size, so a slot's number follows from its
// address: the chunk starts with a 64-byte header naming its first slot.
constexpr size_t kChunkBytes = 65536;
constexpr size_t kChunkHeader = 64;
constexpr uint32_t kSlotsPerChunk = (kChunkBytes - kChunkHeader) / sizeof(Message);

constexpr uint8_t kInAgeHeap = 1;
constexpr uint8_t kArnOverflow = 2;
constexpr uint8_t kInReady = 4;  // in its group's ready list
constexpr uint8_t kTaken = 8;    // FIFO: counted in its group's `taken` (the group lock)

int32_t ClampOffset(int64_t ms) {
  if (ms <= std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min() + 1;
  if (ms > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(ms);
}

const std::string kNoArn;

}  // namespace

struct Queue::Chunk {
  uint32_t first_slot;
};

TimePoint Message::first_receive() const {
  if (first_receive_offset == kNeverReceived) return TimePoint{};
  return common::FromEpochMillis(payload->sent_ms() + first_receive_offset);
}

void Message::set_first_receive(TimePoint t) {
  int64_t ms = common::ToEpochMillis(t);
  first_receive_offset = ms == 0 ? kNeverReceived : ClampOffset(ms - payload->sent_ms());
}

Queue::Queue(uint64_t id, std::string name, QueueConfig cfg, TimePoint now)
    : config(std::move(cfg)),
      created(now),
      last_modified(now),
      id_(id),
      name_(std::move(name)),
      plain_(&groups_[""]) {}

Queue::~Queue() { ReleaseChunks(0); }

Message* Queue::At(uint32_t slot) const {
  auto* base = reinterpret_cast<char*>(chunks_[slot / kSlotsPerChunk]);
  return reinterpret_cast<Message*>(base + kChunkHeader +
                                    (slot % kSlotsPerChunk) * sizeof(Message));
}

uint32_t Queue::SlotOf(const Message* m) const {
  auto addr = reinterpret_cast<uintptr_t>(m);
  uintptr_t base = addr & ~(uintptr_t{kChunkBytes} - 1);
  auto* chunk = reinterpret_cast<const Chunk*>(base);
  return chunk->first_slot + static_cast<uint32_t>((addr - base - kChunkHeader) / sizeof(Message));
}

uint32_t Queue::NewSlot() {
  if (free_ != kNoSlot) {
    uint32_t s = free_;
    free_ = At(s)->link_a;
    return s;
  }
  if (slots_used_ == chunks_.size() * kSlotsPerChunk) {
    void* mem = ::operator new (kChunkBytes, std::align_val_t{kChunkBytes});
    auto* chunk = new (mem) Chunk{slots_used_};
    char* slots = static_cast<char*>(mem) + kChunkHeader;
    for (uint32_t i = 0; i < kSlotsPerChunk; ++i) new (slots + i * sizeof(Message)) Message;
    chunks_.push_back(chunk);
  }
  return slots_used_++;
}

void Queue::FreeSlot(uint32_t slot) {
  Message* m = At(slot);
  m->payload = nullptr;
  m->state = Message::State::kFree;
  m->flags = 0;
  m->arn = 0;
  m->link_a = free_;
  free_ = slot;
}

void Queue::ReleaseChunks(size_t keep) {
  // Slots in kept chunks go back to never-used; their payload references are dropped now.
  uint32_t kept_used =
      std::min<uint32_t>(slots_used_, static_cast<uint32_t>(keep) * kSlotsPerChunk);
  for (uint32_t i = 0; i < kept_used; ++i) {
    Message* m = At(i);
    m->payload = nullptr;
    m->state = Message::State::kFree;
  }
  while (chunks_.size() > keep) {
    Chunk* c = chunks_.back();
    chunks_.pop_back();
    char* slots = reinterpret_cast<char*>(c) + kChunkHeader;
    for (uint32_t i = 0; i < kSlotsPerChunk; ++i) {
      reinterpret_cast<Message*>(slots + i * sizeof(Message))->~Message();
    }
    ::operator delete (static_cast<void*>(c), std::align_val_t{kChunkBytes});
  }
  slots_used_ = 0;
  free_ = kNoSlot;
}

Message* Queue::Add(uint64_t seq, PayloadRef payload, TimePoint visible_at, TimePoint now) {
  if (seq >= next_seq_) next_seq_ = seq + 1;
  uint32_t slot = NewSlot();
  Message* m = At(slot);
  m->payload = std::move(payload);
  m->seq = seq;
  m->nonce = 0;
  m->receive_count = 0;
  m->first_receive_offset = Message::kNeverReceived;
  m->flags = 0;
  m->arn = 0;
  m->link_a = m->link_b = kNoSlot;
  MessageGroup* g = plain_;
  const std::string& group_id = m->payload->group_id();
  if (!group_id.empty()) {
    auto [it, added] = groups_.try_emplace(group_id);
    g = &it->second;
    if (!added && g->messages == 0) --empty_groups_;
  }
  ++g->messages;
  index_.Insert(seq, slot);
  AgeInsert(slot);
  int64_t visible_ms = common::ToEpochMillis(visible_at);
  if (config.fifo) {
    // Never before an earlier message of the group: order within a group is strict.
    visible_ms = std::max(visible_ms, g->delayed_until_ms);
  }
  if (visible_ms > common::ToEpochMillis(now)) {
    if (config.fifo) g->delayed_until_ms = visible_ms;
    m->state = Message::State::kDelayed;
    ++delayed_count_;
    VisiblePush(slot, visible_ms);
  } else {
    m->state = Message::State::kReady;
    ++ready_count_;
    ReadyInsert(slot);
  }
  return m;
}

void Queue::Tick(TimePoint now) {
  int64_t now_ms = common::ToEpochMillis(now);
  while (!visible_.empty() && visible_.front().at_ms <= now_ms) {
    uint32_t slot = visible_.front().slot;
    VisibleRemove(slot);
    Message* m = At(slot);
    SetState(m, Message::State::kReady);
    if (m->flags & kTaken) Untake(m);
    ReadyInsert(slot);
  }
  int64_t retention_ms = config.message_retention_period * 1000;
  while (age_head_ != kNoSlot && AgeKey(age_head_) + retention_ms <= now_ms) {
    Remove(At(age_head_));
  }
  while (!age_heap_.empty() && AgeKey(age_heap_.front()) + retention_ms <= now_ms) {
    Remove(At(age_heap_.front()));
  }
  if (empty_groups_ > 1024 && empty_groups_ * 2 > groups_.size()) SweepGroups();
}

bool Queue::HasReceivable() {
  if (!config.fifo) return ready_count_ > 0;
  while (!turns_.empty()) {
    MessageGroup* g = turns_.front();
    if (g->head != kNoSlot && g->taken == 0) return true;
    turns_.pop_front();
    g->in_turns = false;
  }
  return false;
}

Message* Queue::PopReady(ReceiveCursor* cursor) {
  if (config.fifo) {
    // Keep draining the group this receive locked; else the next unlocked group in turn.
    MessageGroup* g = cursor->group;
    if (g == nullptr || g->head == kNoSlot) {
      g = nullptr;
      while (!turns_.empty()) {
        MessageGroup* c = turns_.front();
        turns_.pop_front();
        c->in_turns = false;
        if (c->head != kNoSlot && c->taken == 0) {
          g = c;
          break;
        }
      }
      if (g == nullptr) return nullptr;
      cursor->group = g;
    }
    uint32_t slot = g->head;
    ReadyUnlink(g, slot);
    Message* m = At(slot);
    m->flags |= kTaken;
    ++g->taken;
    return m;
  }
  // Standard: one message per group per turn.
  while (!turns_.empty()) {
    MessageGroup* g = turns_.front();
    if (g->head == kNoSlot) {
      turns_.pop_front();
      g->in_turns = false;
      continue;
    }
    uint32_t slot = g->head;
    ReadyUnlink(g, slot);
    if (g->head == kNoSlot) {
      turns_.pop_front();
      g->in_turns = false;
    } else if (turns_.size() > 1) {
      turns_.pop_front();
      turns_.push_back(g);
    }
    return At(slot);
  }
  return nullptr;
}

void Queue::MakeReady(Message* m) {
  uint32_t slot = SlotOf(m);
  if (m->flags & kInReady) return;
  if (m->state != Message::State::kReady) VisibleRemove(slot);
  SetState(m, Message::State::kReady);
  if (m->flags & kTaken) Untake(m);
  ReadyInsert(slot);
}

void Queue::MakeInflight(Message* m, TimePoint now, int64_t vt_seconds) {
  uint32_t slot = SlotOf(m);
  assert(!(m->flags & kInReady));
  SetState(m, Message::State::kInflight);
  VisiblePush(slot, common::ToEpochMillis(now + std::chrono::seconds(vt_seconds)));
  m->link_b =
      static_cast<uint32_t>(ClampOffset(common::ToEpochMillis(now) - m->payload->sent_ms()));
}

void Queue::SetDeadline(Message* m, TimePoint deadline) {
  size_t i = m->link_a;
  VisibleSet(i, VisibleEntry{common::ToEpochMillis(deadline), SlotOf(m)});
  VisibleSift(i);
}

TimePoint Queue::VisibleAt(const Message* m) const {
  return common::FromEpochMillis(visible_[m->link_a].at_ms);
}

TimePoint Queue::ReceivedAt(const Message* m) const {
  return common::FromEpochMillis(m->payload->sent_ms() + static_cast<int32_t>(m->link_b));
}

void Queue::Remove(Message* m) {
  uint32_t slot = SlotOf(m);
  MessageGroup* g = GroupOf(m);
  if (m->flags & kInReady) {
    ReadyUnlink(g, slot);
  } else if (m->state != Message::State::kReady) {
    VisibleRemove(slot);
  }
  if (m->flags & kTaken) Untake(m);
  if (--g->messages == 0 && g != plain_) ++empty_groups_;
  AgeRemove(slot);
  SetState(m, Message::State::kReady);  // keeps the counters right before freeing
  --ready_count_;
  index_.Erase(m->seq, slot);
  if (m->flags & kArnOverflow) arn_overflow_.erase(m->seq);
  FreeSlot(slot);
  if (index_.size() == 0) {
    // Empty: give the slot memory back (a queue that drained keeps nothing of its peak but one
    // chunk, so a queue that keeps emptying does not allocate a chunk for every message).
    ReleaseChunks(1);
    age_heap_ = {};
    visible_ = {};
  }
}

Message* Queue::Find(uint64_t seq) {
  uint32_t slot = index_.Find(seq);
  return slot == kNoSlot ? nullptr : At(slot);
}

void Queue::Purge() {
  ReleaseChunks(1);
  index_.Clear();
  visible_ = {};
  age_heap_ = {};
  turns_.clear();
  attempts.clear();
  groups_.clear();
  plain_ = &groups_[""];
  empty_groups_ = 0;
  age_head_ = age_tail_ = kNoSlot;
  arn_overflow_.clear();
  ready_count_ = delayed_count_ = inflight_count_ = 0;
}

const std::string& Queue::SourceArn(const Message* m) const {
  if (m->flags & kArnOverflow) return arn_overflow_.at(m->seq);
  return m->arn == 0 ? kNoArn : arns_[m->arn - 1];
}

void Queue::SetSourceArn(Message* m, const std::string& arn) {
  if (m->flags & kArnOverflow) {
    m->flags &= ~kArnOverflow;
    arn_overflow_.erase(m->seq);
  }
  m->arn = 0;
  if (arn.empty()) return;
  auto it = arn_ids_.find(arn);
  if (it == arn_ids_.end()) {
    if (arns_.size() >= UINT16_MAX) {
      m->flags |= kArnOverflow;
      arn_overflow_[m->seq] = arn;
      return;
    }
    arns_.push_back(arn);
    it = arn_ids_.emplace(arn, static_cast<uint16_t>(arns_.size())).first;
  }
  m->arn = it->second;
}

std::optional<TimePoint> Queue::NextVisibleAt() const {
  if (visible_.empty()) return std::nullopt;
  return common::FromEpochMillis(visible_.front().at_ms);
}

std::string Queue::SequenceNumber(uint64_t seq) const {
  // Large, increasing and distinct per queue, like SQS's: the queue's creation second in the
  // high 32 bits plus the message's sequence number.
  auto base = static_cast<uint64_t>(common::ToEpochMillis(created) / 1000) << 32;
  return std::to_string(base + seq);
}

// ---- groups and their ready lists ----

MessageGroup* Queue::GroupOf(const Message* m) {
  const std::string& id = m->payload->group_id();
  if (id.empty()) return plain_;
  auto it = groups_.find(id);
  assert(it != groups_.end());
  return &it->second;
}

void Queue::ReadyInsert(uint32_t slot) {
  Message* m = At(slot);
  MessageGroup* g = GroupOf(m);
  m->flags |= kInReady;
  // Standard: at the tail. FIFO: in sequence order; a message becoming ready is nearly always
  // the group's first (its receive timed out) or its last (its delay ran out).
  uint32_t after = g->tail;
  if (config.fifo && after != kNoSlot && At(after)->seq > m->seq) {
    if (At(g->head)->seq > m->seq) {
      after = kNoSlot;
    } else {
      after = g->head;
      while (At(At(after)->link_b)->seq < m->seq) after = At(after)->link_b;
    }
  }
  m->link_a = after;
  m->link_b = after == kNoSlot ? g->head : At(after)->link_b;
  if (m->link_a != kNoSlot) {
    At(m->link_a)->link_b = slot;
  } else {
    g->head = slot;
  }
  if (m->link_b != kNoSlot) {
    At(m->link_b)->link_a = slot;
  } else {
    g->tail = slot;
  }
  MaybeTakeTurns(g);
}

void Queue::ReadyUnlink(MessageGroup* g, uint32_t slot) {
  Message* m = At(slot);
  if (m->link_a != kNoSlot) {
    At(m->link_a)->link_b = m->link_b;
  } else {
    g->head = m->link_b;
  }
  if (m->link_b != kNoSlot) {
    At(m->link_b)->link_a = m->link_a;
  } else {
    g->tail = m->link_a;
  }
  m->link_a = m->link_b = kNoSlot;
  m->flags &= ~kInReady;
}

void Queue::MaybeTakeTurns(MessageGroup* g) {
  if (g->in_turns || g->head == kNoSlot || (config.fifo && g->taken > 0)) return;
  g->in_turns = true;
  turns_.push_back(g);
}

void Queue::Untake(Message* m) {
  m->flags &= ~kTaken;
  MessageGroup* g = GroupOf(m);
  --g->taken;
  MaybeTakeTurns(g);
}

void Queue::SweepGroups() {
  std::erase_if(turns_, [this](MessageGroup* g) {
    bool gone = g->messages == 0 && g != plain_;
    if (gone) g->in_turns = false;
    return gone;
  });
  std::erase_if(groups_, [this](const auto& entry) {
    return entry.second.messages == 0 && &entry.second != plain_;
  });
  empty_groups_ = 0;
}

void Queue::SetState(Message* m, Message::State s) {
  auto counter = [this](Message::State st) -> size_t& {
    switch (st) {
      case Message::State::kDelayed:
        return delayed_count_;
      case Message::State::kInflight:
        return inflight_count_;
      case Message::State::kReady:
      case Message::State::kFree:
        break;
    }
    return ready_count_;
  };
  --counter(m->state);
  ++counter(s);
  m->state = s;
}

// ---- visible heap: delayed and in-flight messages by the time they become visible ----

void Queue::VisibleSet(size_t i, VisibleEntry e) {
  visible_[i] = e;
  At(e.slot)->link_a = static_cast<uint32_t>(i);
}

void Queue::VisiblePush(uint32_t slot, int64_t at_ms) {
  visible_.push_back({});
  VisibleSet(visible_.size() - 1, VisibleEntry{at_ms, slot});
  VisibleSift(visible_.size() - 1);
}

void Queue::VisibleRemove(uint32_t slot) {
  Message* m = At(slot);
  size_t i = m->link_a;
  m->link_a = m->link_b = kNoSlot;
  VisibleEntry last = visible_.back();
  visible_.pop_back();
  if (i == visible_.size()) return;
  VisibleSet(i, last);
  VisibleSift(i);
}

void Queue::VisibleSift(size_t i) {
  VisibleEntry e = visible_[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (visible_[parent].at_ms <= e.at_ms) break;
    VisibleSet(i, visible_[parent]);
    i = parent;
  }
  size_t n = visible_.size();
  while (true) {
    size_t l = 2 * i + 1, r = l + 1, c = i;
    int64_t best = e.at_ms;
    if (l < n && visible_[l].at_ms < best) {
      c = l;
      best = visible_[l].at_ms;
    }
    if (r < n && visible_[r].at_ms < best) c = r;
    if (c == i) break;
    VisibleSet(i, visible_[c]);
    i = c;
  }
  VisibleSet(i, e);
}

// ---- age: a list in enqueue order, plus a heap for the few enqueued out of order ----

void Queue::AgeInsert(uint32_t slot) {
  Message* m = At(slot);
  if (age_tail_ == kNoSlot || AgeKey(age_tail_) <= m->payload->sent_ms()) {
    m->age_next = kNoSlot;
    m->age_prev = age_tail_;
    if (age_tail_ != kNoSlot) {
      At(age_tail_)->age_next = slot;
    } else {
      age_head_ = slot;
    }
    age_tail_ = slot;
    return;
  }
  m->flags |= kInAgeHeap;
  age_heap_.push_back(slot);
  AgeHeapSet(age_heap_.size() - 1, slot);
  AgeHeapSift(age_heap_.size() - 1);
}

void Queue::AgeRemove(uint32_t slot) {
  Message* m = At(slot);
  if (m->flags & kInAgeHeap) {
    m->flags &= ~kInAgeHeap;
    size_t i = m->age_prev;
    uint32_t last = age_heap_.back();
    age_heap_.pop_back();
    if (i < age_heap_.size()) {
      AgeHeapSet(i, last);
      AgeHeapSift(i);
    }
  } else {
    if (m->age_prev != kNoSlot) {
      At(m->age_prev)->age_next = m->age_next;
    } else {
      age_head_ = m->age_next;
    }
    if (m->age_next != kNoSlot) {
      At(m->age_next)->age_prev = m->age_prev;
    } else {
      age_tail_ = m->age_prev;
    }
  }
  m->age_prev = m->age_next = kNoSlot;
}

void Queue::AgeHeapSet(size_t i, uint32_t slot) {
  age_heap_[i] = slot;
  At(slot)->age_prev = static_cast<uint32_t>(i);
}

void Queue::AgeHeapSift(size_t i) {
  uint32_t s = age_heap_[i];
  int64_t key = AgeKey(s);
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (AgeKey(age_heap_[parent]) <= key) break;
    AgeHeapSet(i, age_heap_[parent]);
    i = parent;
  }
  size_t n = age_heap_.size();
  while (true) {
    size_t l = 2 * i + 1, r = l + 1, c = i;
    int64_t best = key;
    if (l < n && AgeKey(age_heap_[l]) < best) {
      c = l;
      best = AgeKey(age_heap_[l]);
    }
    if (r < n && AgeKey(age_heap_[r]) < best) c = r;
    if (c == i) break;
    AgeHeapSet(i, age_heap_[c]);
    i = c;
  }
  AgeHeapSet(i, s);
}

}  // namespace spool::engine
