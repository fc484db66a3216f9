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
    : config(std::move(cfg)), created(now), last_modified(now), id_(id), name_(std::move(name)) {}

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
  index_.Insert(seq, slot);
  AgeInsert(slot);
  if (visible_at > now) {
    m->state = Message::State::kDelayed;
    ++delayed_count_;
    VisiblePush(slot, common::ToEpochMillis(visible_at));
  } else {
    m->state = Message::State::kReady;
    ++ready_count_;
    PushBack(slot);
  }
  return m;
}

void Queue::Tick(TimePoint now) {
  int64_t now_ms = common::ToEpochMillis(now);
  while (!visible_.empty() && visible_.front().at_ms <= now_ms) {
    uint32_t slot = visible_.front().slot;
    VisibleRemove(slot);
    SetState(At(slot), Message::State::kReady);
    PushBack(slot);
  }
  int64_t retention_ms = config.message_retention_period * 1000;
  while (age_head_ != kNoSlot && AgeKey(age_head_) + retention_ms <= now_ms) {
    Remove(At(age_head_));
  }
  while (!age_heap_.empty() && AgeKey(age_heap_.front()) + retention_ms <= now_ms) {
    Remove(At(age_heap_.front()));
  }
}

Message* Queue::PopReady() {
  if (head_ == kNoSlot) return nullptr;
  uint32_t slot = head_;
  Unlink(slot);
  return At(slot);
}

void Queue::MakeReady(Message* m) {
  uint32_t slot = SlotOf(m);
  if (m->state == Message::State::kReady && InReadyList(slot)) return;
  if (m->state != Message::State::kReady) VisibleRemove(slot);
  SetState(m, Message::State::kReady);
  PushBack(slot);
}

void Queue::MakeInflight(Message* m, TimePoint now, int64_t vt_seconds) {
  uint32_t slot = SlotOf(m);
  assert(!InReadyList(slot));
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
  if (m->state == Message::State::kReady) {
    if (InReadyList(slot)) Unlink(slot);
  } else {
    VisibleRemove(slot);
  }
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
  head_ = tail_ = kNoSlot;
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

// ---- ready list ----

bool Queue::InReadyList(uint32_t slot) const {
  return At(slot)->link_a != kNoSlot || head_ == slot;
}

void Queue::Unlink(uint32_t slot) {
  Message* m = At(slot);
  if (m->link_a != kNoSlot) {
    At(m->link_a)->link_b = m->link_b;
  } else if (head_ == slot) {
    head_ = m->link_b;
  } else {
    return;  // not linked
  }
  if (m->link_b != kNoSlot) {
    At(m->link_b)->link_a = m->link_a;
  } else {
    tail_ = m->link_a;
  }
  m->link_a = m->link_b = kNoSlot;
}

void Queue::PushBack(uint32_t slot) {
  Message* m = At(slot);
  m->link_b = kNoSlot;
  m->link_a = tail_;
  if (tail_ != kNoSlot) {
    At(tail_)->link_b = slot;
  } else {
    head_ = slot;
  }
  tail_ = slot;
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
