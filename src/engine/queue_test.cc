#include "engine/queue.h"

#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace spool::engine {
namespace {

using common::FromEpochMillis;
using std::chrono::seconds;

const TimePoint kT0 = FromEpochMillis(1700000000000);

PayloadRef Payload(const std::string& body, TimePoint sent) {
  PayloadFields f;
  f.message_id = "0f8e4a52-3c1d-4b7a-9e21-5d6c7b8a9f01";
  f.body = body;
  f.sent = sent;
  f.sender_id = "me";
  return MessagePayload::Create(std::move(f));
}

class QueueTest : public ::testing::Test {
 protected:
  Message* Add(const std::string& body, TimePoint sent, TimePoint visible_at, TimePoint now) {
    return q.Add(q.AllocateSeq(), Payload(body, sent), visible_at, now);
  }
  Message* Add(const std::string& body) { return Add(body, kT0, kT0, kT0); }
  // One receive's worth of popping: a fresh cursor each time.
  Message* Pop() {
    ReceiveCursor cursor;
    return q.PopReady(&cursor);
  }
  std::vector<std::string> DrainReady() {
    std::vector<std::string> out;
    while (Message* m = Pop()) {
      out.emplace_back(m->payload->body());
      q.MakeInflight(m, kT0, 1000);
    }
    return out;
  }

  Queue q{1, "q", QueueConfig{}, kT0};
};

TEST_F(QueueTest, ReadyMessagesComeOutInSendOrder) {
  for (int i = 0; i < 5; ++i) Add("m" + std::to_string(i));
  EXPECT_EQ(q.ready_count(), 5u);
  EXPECT_EQ(DrainReady(), (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));
  EXPECT_EQ(q.ready_count(), 0u);
  EXPECT_EQ(q.inflight_count(), 5u);
}

TEST_F(QueueTest, DelayedMessageBecomesReadyAtItsTime) {
  Add("later", kT0, kT0 + seconds(10), kT0);
  Add("now");
  EXPECT_EQ(q.delayed_count(), 1u);
  EXPECT_EQ(q.NextVisibleAt(), kT0 + seconds(10));
  q.Tick(kT0 + seconds(9));
  EXPECT_EQ(DrainReady(), std::vector<std::string>{"now"});
  q.Tick(kT0 + seconds(10));
  EXPECT_EQ(q.delayed_count(), 0u);
  EXPECT_EQ(DrainReady(), std::vector<std::string>{"later"});
}

TEST_F(QueueTest, InflightMessagesReturnInDeadlineOrder) {
  Message* a = Add("a");
  Message* b = Add("b");
  Message* c = Add("c");
  ASSERT_EQ(Pop(), a);
  ASSERT_EQ(Pop(), b);
  ASSERT_EQ(Pop(), c);
  q.MakeInflight(a, kT0, 30);
  q.MakeInflight(b, kT0, 10);
  q.MakeInflight(c, kT0 + seconds(1), 20);
  EXPECT_EQ(q.VisibleAt(c), kT0 + seconds(21));
  EXPECT_EQ(q.ReceivedAt(c), kT0 + seconds(1));
  q.SetDeadline(a, kT0 + seconds(5));  // ChangeMessageVisibility
  EXPECT_EQ(q.NextVisibleAt(), kT0 + seconds(5));
  q.Tick(kT0 + seconds(15));
  EXPECT_EQ(q.ready_count(), 2u);
  EXPECT_EQ(Pop(), a);
  EXPECT_EQ(Pop(), b);
  EXPECT_EQ(Pop(), nullptr);
  q.MakeReady(a);  // back at the tail
  q.Tick(kT0 + seconds(21));
  EXPECT_EQ(Pop(), a);
  EXPECT_EQ(Pop(), c);
}

TEST_F(QueueTest, RemoveWorksInEveryState) {
  Message* ready = Add("ready");
  Message* delayed = Add("delayed", kT0, kT0 + seconds(5), kT0);
  Message* popped = Add("popped");
  Message* inflight = Add("inflight");
  Add("stays");
  ASSERT_EQ(Pop(), ready);
  q.MakeReady(ready);  // back in the list, at the tail
  ASSERT_EQ(Pop(), popped);
  ASSERT_EQ(Pop(), inflight);
  q.MakeInflight(inflight, kT0, 30);
  uint64_t seqs[] = {ready->seq, delayed->seq, popped->seq, inflight->seq};
  q.Remove(ready);
  q.Remove(delayed);
  q.Remove(popped);
  q.Remove(inflight);
  for (uint64_t s : seqs) EXPECT_EQ(q.Find(s), nullptr);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.ready_count(), 1u);
  EXPECT_EQ(q.delayed_count() + q.inflight_count(), 0u);
  EXPECT_FALSE(q.NextVisibleAt().has_value());
  EXPECT_EQ(DrainReady(), std::vector<std::string>{"stays"});
}

TEST_F(QueueTest, RetentionDropsMessagesByEnqueueTimeEvenOutOfOrder) {
  q.config.message_retention_period = 60;
  Add("t0");
  Add("t10", kT0 + seconds(10), kT0 + seconds(10), kT0 + seconds(10));
  // A dead-letter move keeps its original (older) enqueue time: out of order.
  Add("moved-t-30", kT0 - seconds(30), kT0 + seconds(10), kT0 + seconds(10));
  Add("t20", kT0 + seconds(20), kT0 + seconds(20), kT0 + seconds(20));
  q.Tick(kT0 + seconds(30));
  EXPECT_EQ(q.size(), 3u);
  q.Tick(kT0 + seconds(60));
  EXPECT_EQ(q.size(), 2u);
  q.Tick(kT0 + seconds(75));
  EXPECT_EQ(DrainReady(), std::vector<std::string>{"t20"});
}

TEST_F(QueueTest, SourceArnsAreKeptPerMessage) {
  Message* a = Add("a");
  Message* b = Add("b");
  Message* c = Add("c");
  q.SetSourceArn(a, "arn:aws:sqs:us-east-1:000000000000:src1");
  q.SetSourceArn(b, "arn:aws:sqs:us-east-1:000000000000:src2");
  q.SetSourceArn(c, "arn:aws:sqs:us-east-1:000000000000:src1");
  EXPECT_EQ(q.SourceArn(a), "arn:aws:sqs:us-east-1:000000000000:src1");
  EXPECT_EQ(q.SourceArn(b), "arn:aws:sqs:us-east-1:000000000000:src2");
  EXPECT_EQ(q.SourceArn(c), q.SourceArn(a));
  q.SetSourceArn(c, "");
  EXPECT_EQ(q.SourceArn(c), "");
  Message* d = Add("d");
  EXPECT_EQ(q.SourceArn(d), "");
}

TEST_F(QueueTest, PurgeEmptiesAndTheQueueStaysUsable) {
  for (int i = 0; i < 3000; ++i) Add("m");  // several chunks
  Message* m = Pop();
  q.MakeInflight(m, kT0, 30);
  q.Purge();
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.ready_count() + q.inflight_count() + q.delayed_count(), 0u);
  EXPECT_EQ(Pop(), nullptr);
  EXPECT_FALSE(q.NextVisibleAt().has_value());
  Add("after");
  EXPECT_EQ(DrainReady(), std::vector<std::string>{"after"});
}

TEST_F(QueueTest, PayloadReferencesAreDroppedWithTheirMessages) {
  PayloadRef p = Payload("x", kT0);
  Message* m = q.Add(q.AllocateSeq(), p, kT0, kT0);
  q.Add(q.AllocateSeq(), p, kT0, kT0);
  q.Remove(m);  // one left
  q.Purge();
  // Sole owner again: WithSent changes it in place.
  const MessagePayload* raw = p.get();
  EXPECT_EQ(MessagePayload::WithSent(std::move(p), 5).get(), raw);
}

// Random operations against a simple model: the same messages, states and order. The model's
// ready list is a list of groups: messages that became ready at the same moment may come out
// in any order among themselves.
TEST_F(QueueTest, AgreesWithAModelUnderRandomOperations) {
  std::mt19937_64 rng(7);
  struct ModelMessage {
    int state = 0;   // 0 ready, 1 delayed, 2 in flight
    int64_t at = 0;  // delayed/in flight: visible at (seconds after kT0)
  };
  std::map<uint64_t, ModelMessage> model;
  std::deque<std::set<uint64_t>> ready;
  int64_t now = 0;
  auto t = [](int64_t s) { return kT0 + seconds(s); };
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(rng() % 6);
    if (op == 0 || model.size() < 10) {
      int64_t delay = rng() % 3 == 0 ? static_cast<int64_t>(rng() % 20) : 0;
      Message* m = q.Add(q.AllocateSeq(), Payload("b", t(now)), t(now + delay), t(now));
      model[m->seq] = delay > 0 ? ModelMessage{1, now + delay} : ModelMessage{0, 0};
      if (delay == 0) ready.push_back({m->seq});
    } else if (op == 1) {
      Message* m = Pop();
      if (ready.empty()) {
        ASSERT_EQ(m, nullptr);
        continue;
      }
      ASSERT_NE(m, nullptr);
      ASSERT_EQ(ready.front().count(m->seq), 1u) << "step " << step;
      ready.front().erase(m->seq);
      if (ready.front().empty()) ready.pop_front();
      int64_t vt = static_cast<int64_t>(rng() % 30);
      q.MakeInflight(m, t(now), vt);
      model[m->seq] = ModelMessage{vt > 0 ? 2 : 0, now + vt};
      if (vt == 0) {
        // Visibility 0: the engine puts it straight back.
        q.MakeReady(m);
        ready.push_back({m->seq});
      }
    } else if (op == 2) {
      auto it = std::next(model.begin(), static_cast<long>(rng() % model.size()));
      Message* m = q.Find(it->first);
      ASSERT_NE(m, nullptr);
      for (auto& g : ready) g.erase(it->first);
      std::erase_if(ready, [](const auto& g) { return g.empty(); });
      q.Remove(m);
      model.erase(it);
    } else if (op == 3) {
      now += static_cast<int64_t>(rng() % 5);
      q.Tick(t(now));
      std::map<int64_t, std::set<uint64_t>> due;
      for (auto& [seq, m] : model) {
        if (m.state != 0 && m.at <= now) {
          due[m.at].insert(seq);
          m.state = 0;
        }
      }
      for (auto& [at, group] : due) ready.push_back(group);
    } else if (op == 4) {
      auto it = std::next(model.begin(), static_cast<long>(rng() % model.size()));
      if (it->second.state == 2) {
        int64_t at = now + 1 + static_cast<int64_t>(rng() % 30);
        Message* m = q.Find(it->first);
        q.SetDeadline(m, t(at));
        EXPECT_EQ(q.VisibleAt(m), t(at));
        it->second.at = at;
      }
    } else {
      uint64_t seq = rng() % (model.empty() ? 5 : model.rbegin()->first + 5);
      EXPECT_EQ(q.Find(seq) != nullptr, model.count(seq) == 1);
    }
    ASSERT_EQ(q.size(), model.size());
    size_t delayed = 0, inflight = 0;
    for (auto& [seq, m] : model) {
      delayed += m.state == 1;
      inflight += m.state == 2;
    }
    ASSERT_EQ(q.delayed_count(), delayed) << "step " << step;
    ASSERT_EQ(q.inflight_count(), inflight) << "step " << step;
    ASSERT_EQ(q.ready_count(), model.size() - delayed - inflight);
  }
}

}  // namespace
}  // namespace spool::engine
