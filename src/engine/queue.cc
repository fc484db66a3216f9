#include "engine/queue.h"

#include <cassert>

namespace spool::engine {

Queue::Queue(uint64_t id, std::string name, QueueConfig cfg, TimePoint now)
    : config(std::move(cfg)), created(now), last_modified(now), id_(id), name_(std::move(name)) {}

Message* Queue::Add(uint64_t seq, std::shared_ptr<const MessagePayload> payload, TimePoint enqueued,
                    TimePoint visible_at, TimePoint now) {
  if (seq >= next_seq_) next_seq_ = seq + 1;
  Message& m = messages_[seq];
  m.seq = seq;
  m.payload = std::move(payload);
  m.enqueued = enqueued;
  age_heap_.Push(&m);
  if (visible_at > now) {
    m.state = Message::State::kDelayed;
    ++delayed_count_;
    m.visible_at = visible_at;
    visible_heap_.Push(&m);
  } else {
    m.state = Message::State::kReady;
    ++ready_count_;
    PushBack(&m);
  }
  return &m;
}

void Queue::Tick(TimePoint now) {
  while (!visible_heap_.empty() && visible_heap_.top()->visible_at <= now) {
    Message* m = visible_heap_.top();
    visible_heap_.Remove(m);
    SetState(m, Message::State::kReady);
    PushBack(m);
  }
  auto retention = std::chrono::seconds(config.message_retention_period);
  while (!age_heap_.empty() && age_heap_.top()->enqueued + retention <= now) {
    Remove(age_heap_.top());
  }
}

Message* Queue::PopReady() {
  Message* m = head_;
  if (m != nullptr) Unlink(m);
  return m;
}

void Queue::MakeReady(Message* m) {
  if (m->state == Message::State::kReady && (m->prev != nullptr || head_ == m)) return;
  visible_heap_.Remove(m);
  SetState(m, Message::State::kReady);
  PushBack(m);
}

void Queue::MakeInflight(Message* m, TimePoint now, int64_t vt_seconds) {
  assert(m->prev == nullptr && head_ != m);
  SetState(m, Message::State::kInflight);
  m->visible_at = now + std::chrono::seconds(vt_seconds);
  visible_heap_.Push(m);
}

void Queue::SetDeadline(Message* m, TimePoint deadline) {
  visible_heap_.Remove(m);
  m->visible_at = deadline;
  visible_heap_.Push(m);
}

void Queue::Remove(Message* m) {
  if (m->state == Message::State::kReady) Unlink(m);
  visible_heap_.Remove(m);
  age_heap_.Remove(m);
  SetState(m, Message::State::kReady);  // keeps the counters right before erasing
  --ready_count_;
  Erase(m);
}

Message* Queue::Find(uint64_t seq) {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

void Queue::Purge() {
  visible_heap_.Clear();
  age_heap_.Clear();
  head_ = tail_ = nullptr;
  messages_.clear();
  ready_count_ = delayed_count_ = inflight_count_ = 0;
}

std::optional<TimePoint> Queue::NextVisibleAt() const {
  if (visible_heap_.empty()) return std::nullopt;
  return visible_heap_.top()->visible_at;
}

void Queue::Unlink(Message* m) {
  if (m->prev != nullptr) {
    m->prev->next = m->next;
  } else if (head_ == m) {
    head_ = m->next;
  } else {
    return;  // not linked
  }
  if (m->next != nullptr) {
    m->next->prev = m->prev;
  } else {
    tail_ = m->prev;
  }
  m->prev = m->next = nullptr;
}

void Queue::PushBack(Message* m) {
  m->next = nullptr;
  m->prev = tail_;
  if (tail_ != nullptr) {
    tail_->next = m;
  } else {
    head_ = m;
  }
  tail_ = m;
}

void Queue::Erase(Message* m) { messages_.erase(m->seq); }

void Queue::SetState(Message* m, Message::State s) {
  auto counter = [this](Message::State st) -> size_t& {
    switch (st) {
      case Message::State::kDelayed:
        return delayed_count_;
      case Message::State::kInflight:
        return inflight_count_;
      case Message::State::kReady:
        break;
    }
    return ready_count_;
  };
  --counter(m->state);
  ++counter(s);
  m->state = s;
}

}  // namespace spool::engine
