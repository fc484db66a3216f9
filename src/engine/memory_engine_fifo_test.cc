// FIFO queues (strict order per group, group locks, deduplication, sequence numbers, receive
// attempt ids) and fair queues (message groups on standard queues) through MemoryEngine.

#include "engine/memory_engine_messages_fixture.h"

namespace spool::engine {
namespace {

class FifoTest : public MemoryEngineMessagesTest {
 protected:
  void SetUp() override {
    Create("q.fifo", {{"FifoQueue", "true"}});
    Create("cbd.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  }
  static SendEntry Fifo(std::string body, std::string group, std::optional<std::string> dedup,
                        std::string id = "1") {
    SendEntry e = Entry(std::move(id), std::move(body));
    e.group_id = std::move(group);
    e.deduplication_id = std::move(dedup);
    return e;
  }
  SendEntryResult SendFifo(const std::string& queue, std::string body, std::string group,
                           std::optional<std::string> dedup = std::nullopt) {
    if (!dedup && queue == "q.fifo") dedup = body;
    return Send(queue, Fifo(std::move(body), std::move(group), std::move(dedup)));
  }
  ReceiveResult ReceiveAttempt(const std::string& queue, int64_t max, std::string attempt) {
    auto r = ReceiveCall({queue, max, std::nullopt, 0, std::move(attempt)});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : ReceiveResult{};
  }
  void DeleteAll(const std::string& queue, const ReceiveResult& r) {
    for (const auto& m : r.messages) EXPECT_EQ(DeleteOne(queue, m.receipt_handle), std::nullopt);
  }
};

TEST_F(FifoTest, SendRulesOfFifoQueues) {
  EXPECT_EQ(SendError("q.fifo", Fifo("b", "", "d")), Errc::kInvalidParameterValue);  // empty group
  SendEntry no_group = Entry("1", "b");
  no_group.deduplication_id = "d";
  EXPECT_EQ(SendError("q.fifo", no_group), Errc::kMissingParameter);
  // Without content-based deduplication, an id is required.
  EXPECT_EQ(SendError("q.fifo", Fifo("b", "g", std::nullopt)), Errc::kInvalidParameterValue);
  SendEntry delayed = Fifo("b", "g", "d");
  delayed.delay_seconds = 5;
  EXPECT_EQ(SendError("q.fifo", delayed), Errc::kInvalidParameterValue);
  delayed.delay_seconds = 0;  // zero is allowed
  EXPECT_EQ(SendError("q.fifo", delayed), std::nullopt);
  EXPECT_EQ(SendError("q.fifo", Fifo("b", "g", "bad id")), Errc::kInvalidParameterValue);
  EXPECT_EQ(SendError("q.fifo", Fifo("b", "g", std::string(129, 'x'))),
            Errc::kInvalidParameterValue);
  // Deduplication ids on a standard queue are refused.
  Create("std");
  EXPECT_EQ(SendError("std", Fifo("b", "g", "d")), Errc::kInvalidParameterValue);
}

TEST_F(FifoTest, OrderWithinAGroupAndTheGroupLock) {
  for (int i = 0; i < 5; ++i) SendFifo("q.fifo", "a" + std::to_string(i), "A");
  SendFifo("q.fifo", "b0", "B");
  // One receive drains group A as far as it can before taking B.
  ReceiveResult first = Receive("q.fifo", 3);
  EXPECT_EQ(Bodies(first), (std::vector<std::string>{"a0", "a1", "a2"}));
  // A is locked while a0..a2 are in flight: the next receive gets B only.
  ReceiveResult second = Receive("q.fifo", 10);
  EXPECT_EQ(Bodies(second), std::vector<std::string>{"b0"});
  EXPECT_TRUE(Receive("q.fifo", 10).messages.empty());
  // Deleting only part of the in-flight messages keeps the lock.
  EXPECT_EQ(DeleteOne("q.fifo", first.messages[0].receipt_handle), std::nullopt);
  EXPECT_TRUE(Receive("q.fifo", 10).messages.empty());
  EXPECT_EQ(DeleteOne("q.fifo", first.messages[1].receipt_handle), std::nullopt);
  EXPECT_EQ(DeleteOne("q.fifo", first.messages[2].receipt_handle), std::nullopt);
  EXPECT_EQ(Bodies(Receive("q.fifo", 10)), (std::vector<std::string>{"a3", "a4"}));
}

TEST_F(FifoTest, ATimedOutReceiveComesBackFirstInItsGroup) {
  for (int i = 0; i < 4; ++i) SendFifo("q.fifo", "m" + std::to_string(i), "g");
  ReceiveResult r = Receive("q.fifo", 2, 30);
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"m0", "m1"}));
  // m1 made visible early; m0 still holds the lock.
  EXPECT_EQ(ChangeOne("q.fifo", r.messages[1].receipt_handle, 0), std::nullopt);
  EXPECT_TRUE(Receive("q.fifo", 10).messages.empty());
  clock_.Advance(seconds(31));
  ReceiveResult again = Receive("q.fifo", 10);
  EXPECT_EQ(Bodies(again), (std::vector<std::string>{"m0", "m1", "m2", "m3"}));
  EXPECT_EQ(again.messages[0].receive_count, 2);
  EXPECT_EQ(again.messages[2].receive_count, 1);
}

TEST_F(FifoTest, ExpiredReceiptHandlesCannotDelete) {
  SendFifo("q.fifo", "m", "g");
  ReceivedMessage first = ReceiveOne("q.fifo", 10);
  clock_.Advance(seconds(11));
  EXPECT_EQ(DeleteOne("q.fifo", first.receipt_handle), Errc::kInvalidParameterValue);
  ReceivedMessage second = ReceiveOne("q.fifo", 10);
  EXPECT_EQ(DeleteOne("q.fifo", first.receipt_handle), Errc::kInvalidParameterValue);
  EXPECT_EQ(DeleteOne("q.fifo", second.receipt_handle), std::nullopt);
  EXPECT_EQ(DeleteOne("q.fifo", second.receipt_handle), std::nullopt);  // gone: no error
  EXPECT_EQ(Counts("q.fifo"), "0/0/0");
}

TEST_F(FifoTest, DuplicatesWithinFiveMinutesAreAcceptedButNotEnqueued) {
  SendEntryResult a = SendFifo("q.fifo", "first", "g", "id-1");
  SendEntryResult dup = SendFifo("q.fifo", "second", "g", "id-1");
  EXPECT_EQ(dup.message_id, a.message_id);
  EXPECT_EQ(dup.sequence_number, a.sequence_number);
  EXPECT_EQ(Counts("q.fifo"), "1/0/0");
  // Still remembered after the message was deleted.
  ReceivedMessage m = ReceiveOne("q.fifo");
  EXPECT_EQ(m.payload->dedup_id(), "id-1");
  EXPECT_EQ(DeleteOne("q.fifo", m.receipt_handle), std::nullopt);
  EXPECT_EQ(SendFifo("q.fifo", "third", "g", "id-1").message_id, a.message_id);
  EXPECT_EQ(Counts("q.fifo"), "0/0/0");
  clock_.Advance(seconds(300));
  SendEntryResult later = SendFifo("q.fifo", "fourth", "g", "id-1");
  EXPECT_NE(later.message_id, a.message_id);
  EXPECT_EQ(Counts("q.fifo"), "1/0/0");
}

TEST_F(FifoTest, DuplicatesInsideOneBatch) {
  auto r = SendCall("q.fifo", {Fifo("x", "g", "d", "a"), Fifo("y", "g", "d", "b")}, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().entries[0].message_id, r.value().entries[1].message_id);
  EXPECT_EQ(Counts("q.fifo"), "1/0/0");
}

TEST_F(FifoTest, ContentBasedDeduplicationUsesTheBodysSha256) {
  SendEntryResult a = SendFifo("cbd.fifo", "hello world", "g");
  SendEntryResult b = SendFifo("cbd.fifo", "hello world", "other-group");  // scope: queue
  EXPECT_EQ(a.message_id, b.message_id);
  SendEntryResult explicit_id = SendFifo("cbd.fifo", "hello world", "g", "mine");
  EXPECT_NE(explicit_id.message_id, a.message_id);
  ReceivedMessage m = ReceiveOne("cbd.fifo");
  EXPECT_EQ(m.payload->dedup_id(),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
}

TEST_F(FifoTest, MessageGroupScopeDeduplicatesPerGroup) {
  Create("scoped.fifo", {{"FifoQueue", "true"},
                         {"DeduplicationScope", "messageGroup"},
                         {"FifoThroughputLimit", "perMessageGroupId"}});
  SendEntryResult a = SendFifo("scoped.fifo", "x", "g1", "same");
  SendEntryResult b = SendFifo("scoped.fifo", "x", "g2", "same");
  SendEntryResult c = SendFifo("scoped.fifo", "x", "g1", "same");
  EXPECT_NE(a.message_id, b.message_id);
  EXPECT_EQ(a.message_id, c.message_id);
  EXPECT_EQ(Counts("scoped.fifo"), "2/0/0");
}

TEST_F(FifoTest, SequenceNumbersIncreaseAndAreReturnedOnReceive) {
  std::vector<std::string> seqs;
  for (int i = 0; i < 3; ++i)
    seqs.push_back(SendFifo("q.fifo", "m" + std::to_string(i), "g").sequence_number);
  for (const auto& s : seqs) {
    EXPECT_GE(s.size(), 19u) << s;  // large, like SQS's 20-digit numbers
    EXPECT_TRUE(std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }));
  }
  EXPECT_LT(std::stoull(seqs[0]), std::stoull(seqs[1]));
  EXPECT_LT(std::stoull(seqs[1]), std::stoull(seqs[2]));
  ReceiveResult r = Receive("q.fifo", 3);
  ASSERT_EQ(r.messages.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.messages[i].sequence_number, seqs[i]);
}

TEST_F(FifoTest, ARetriedReceiveAttemptGetsTheSameMessagesAndHandles) {
  for (int i = 0; i < 3; ++i) SendFifo("q.fifo", "m" + std::to_string(i), "g");
  ReceiveResult first = ReceiveAttempt("q.fifo", 2, "attempt-1");
  ASSERT_EQ(first.messages.size(), 2u);
  clock_.Advance(seconds(20));
  ReceiveResult retry = ReceiveAttempt("q.fifo", 2, "attempt-1");
  ASSERT_EQ(retry.messages.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(retry.messages[i].receipt_handle, first.messages[i].receipt_handle);
    EXPECT_EQ(retry.messages[i].receive_count, 1);
  }
  // The retry restarted the visibility timeout (30 s from the retry).
  clock_.Advance(seconds(20));
  EXPECT_EQ(Counts("q.fifo"), "1/2/0");
  // Once one of them is deleted, the same attempt id is a new receive.
  EXPECT_EQ(DeleteOne("q.fifo", first.messages[0].receipt_handle), std::nullopt);
  ReceiveResult after = ReceiveAttempt("q.fifo", 2, "attempt-1");
  EXPECT_TRUE(after.messages.empty());  // m1 still locks the group
  auto bad = ReceiveCall({"q.fifo", 1, std::nullopt, 0, std::string("bad id")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInvalidParameterValue);
}

TEST_F(FifoTest, DeletingTheLockingMessageWakesALongPollOnTheSameGroup) {
  SendFifo("q.fifo", "m0", "g");
  SendFifo("q.fifo", "m1", "g");
  ReceivedMessage m0 = ReceiveOne("q.fifo");
  Pending<ReceiveResult> waiting = StartReceive("q.fifo", 20);
  EXPECT_FALSE(waiting.done());
  EXPECT_EQ(DeleteOne("q.fifo", m0.receipt_handle), std::nullopt);
  EXPECT_EQ(Bodies(waiting), std::vector<std::string>{"m1"});
}

TEST_F(FifoTest, QueueDelayKeepsGroupOrder) {
  ASSERT_TRUE(SetAttributes("q.fifo", {{"DelaySeconds", "10"}}).ok());
  SendFifo("q.fifo", "early", "g");
  ASSERT_TRUE(SetAttributes("q.fifo", {{"DelaySeconds", "0"}}).ok());
  SendFifo("q.fifo", "late", "g");  // must not overtake "early"
  EXPECT_TRUE(Receive("q.fifo", 10).messages.empty());
  clock_.Advance(seconds(10));
  EXPECT_EQ(Bodies(Receive("q.fifo", 10)), (std::vector<std::string>{"early", "late"}));
}

TEST_F(FifoTest, FifoDeadLetterQueueKeepsGroupsAndOrder) {
  Create("dlq.fifo", {{"FifoQueue", "true"}});
  Create("src.fifo", {{"FifoQueue", "true"}, {"RedrivePolicy", RedriveTo("dlq.fifo", 1)}});
  SendFifo("src.fifo", "p0", "g", "p0");
  SendFifo("src.fifo", "p1", "g", "p1");
  ReceiveResult r = Receive("src.fifo", 2, 0);  // visibility 0: back at once
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"p0", "p1"}));
  EXPECT_TRUE(Receive("src.fifo", 10).messages.empty());  // both moved on this receive
  ReceiveResult moved = Receive("dlq.fifo", 10);
  EXPECT_EQ(Bodies(moved), (std::vector<std::string>{"p0", "p1"}));
  EXPECT_EQ(moved.messages[0].dead_letter_source_arn, Arn("src.fifo"));
  EXPECT_EQ(moved.messages[0].payload->group_id(), "g");
  // A standard queue cannot be a FIFO queue's dead-letter queue.
  Create("plain");
  EXPECT_FALSE(SetAttributes("src.fifo", {{"RedrivePolicy", RedriveTo("plain", 3)}}).ok());
}

TEST_F(FifoTest, ManyGroupsAreServedAndForgottenWhenEmpty) {
  for (int g = 0; g < 3000; ++g)
    SendFifo("q.fifo", "m" + std::to_string(g), "g" + std::to_string(g));
  int received = 0;
  for (int i = 0; i < 400; ++i) {
    ReceiveResult r = Receive("q.fifo", 10);
    received += static_cast<int>(r.messages.size());
    DeleteAll("q.fifo", r);
  }
  EXPECT_EQ(received, 3000);
  EXPECT_EQ(Counts("q.fifo"), "0/0/0");
}

// ---- fair queues: message groups on a standard queue ----

using FairQueueTest = FifoTest;

TEST_F(FairQueueTest, FairServesQuietGroupsPastANoisyOne) {
  Create("fair");
  auto send = [&](const std::string& body, const std::string& group) {
    SendEntry e = Entry("1", body);
    e.group_id = group;
    Send("fair", e);
  };
  for (int i = 0; i < 10000; ++i) send("noisy-" + std::to_string(i), "noisy");
  send("quiet-a", "tenant-a");
  send("quiet-b", "tenant-b");
  // The quiet tenants' messages come within the first receives, not after 10,000 others.
  std::set<std::string> first;
  for (int i = 0; i < 2; ++i) {
    for (const auto& b : Bodies(Receive("fair", 10))) first.insert(b);
  }
  EXPECT_TRUE(first.count("quiet-a")) << "quiet tenant waited behind the noisy one";
  EXPECT_TRUE(first.count("quiet-b"));
  // Within a group, order is kept and nothing is lost.
  int noisy = 0;
  int last = -1;
  bool ordered = true;
  for (;;) {
    ReceiveResult r = Receive("fair", 10);
    if (r.messages.empty()) break;
    for (const auto& b : Bodies(r)) {
      int n = std::stoi(b.substr(6));
      ordered &= n > last;
      last = n;
      ++noisy;
    }
  }
  EXPECT_TRUE(ordered);
  EXPECT_EQ(
      noisy + static_cast<int>(std::count_if(first.begin(), first.end(),
                                             [](const auto& b) { return b.starts_with("noisy"); })),
      10000);
  // Standard queues take no group lock: many messages of one group may be in flight.
  EXPECT_EQ(Attribute("fair", "ApproximateNumberOfMessagesNotVisible"), "10002");
}

}  // namespace
}  // namespace spool::engine
