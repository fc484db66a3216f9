// MemoryEngine: messages (send, receive, long polling, visibility, delete, dead-letter moves,
// retention, batch rules). Time is a FakeClock: delays, timeouts and long polls end when a test
// advances it, so nothing sleeps.

#include "engine/memory_engine_messages_fixture.h"

namespace spool::engine {
namespace {

using common::Millis;
using std::chrono::seconds;

// ---- send / receive / delete ----

TEST_F(MemoryEngineMessagesTest, SentMessageIsReceivedWithItsIdsDigestAndTimes) {
  Create("jobs");
  const common::TimePoint sent_at = clock_.Now();
  SendEntryResult sent = Send("jobs", "hello");
  EXPECT_EQ(sent.id, "1");
  EXPECT_EQ(sent.message_id.size(), 36u);
  EXPECT_EQ(common::ToHex(sent.md5_body), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_FALSE(sent.md5_attributes.has_value());
  EXPECT_FALSE(sent.md5_system_attributes.has_value());

  clock_.Advance(seconds(3));
  ReceivedMessage m = ReceiveOne("jobs");
  ASSERT_NE(m.payload, nullptr);
  EXPECT_EQ(m.payload->body(), "hello");
  EXPECT_EQ(m.payload->message_id(), sent.message_id);
  EXPECT_EQ(m.payload->md5_body(), sent.md5_body);
  EXPECT_EQ(m.payload->sent(), sent_at);
  EXPECT_EQ(m.payload->sender_id(), "AIDTEST");
  EXPECT_EQ(m.receive_count, 1);
  EXPECT_EQ(m.first_receive, clock_.Now());
  EXPECT_FALSE(m.receipt_handle.empty());
  EXPECT_EQ(m.dead_letter_source_arn, "");
}

TEST_F(MemoryEngineMessagesTest, EveryMessageGetsItsOwnId) {
  Create("jobs");
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(Send("jobs", "same body").message_id);
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(MemoryEngineMessagesTest, SendReportsAttributeDigestsAndKeepsAttributesSorted) {
  Create("jobs");
  SendEntry e = Entry("1", "body");
  AttributeValue blob;
  blob.data_type = "Binary.gif";
  blob.binary_value = std::string("\x00\x01\x02\xff", 4);
  e.attributes = {{"Population", Str("Number", "1250800")},
                  {"City", Str("String", "Any City")},
                  {"Blob", blob}};
  e.system_attributes = {{"AWSTraceHeader", Str("String", kTrace)}};
  SendEntryResult sent = Send("jobs", std::move(e));
  ASSERT_TRUE(sent.md5_attributes.has_value());
  EXPECT_EQ(common::ToHex(*sent.md5_attributes), "be82f2459e3d22b68a4de6786fdc1c27");
  ASSERT_TRUE(sent.md5_system_attributes.has_value());
  EXPECT_EQ(common::ToHex(*sent.md5_system_attributes), "5ae4d5d7636402d80f4eb6d213245a88");

  ReceivedMessage m = ReceiveOne("jobs");
  ASSERT_NE(m.payload, nullptr);
  ASSERT_EQ(m.payload->attributes().size(), 3u);
  EXPECT_EQ(m.payload->attributes()[0].first, "Blob");
  EXPECT_EQ(m.payload->attributes()[0].second, blob);
  EXPECT_EQ(m.payload->attributes()[1].first, "City");
  EXPECT_EQ(m.payload->attributes()[2].first, "Population");
  ASSERT_EQ(m.payload->system_attributes().size(), 1u);
  EXPECT_EQ(m.payload->system_attributes()[0].second.string_value, kTrace);
  EXPECT_EQ(m.payload->md5_attributes(), sent.md5_attributes);
}

TEST_F(MemoryEngineMessagesTest, ReceiveTakesOldestFirstUpToMax) {
  Create("jobs");
  for (const char* b : {"1", "2", "3", "4", "5"}) Send("jobs", b);
  EXPECT_EQ(Bodies(Receive("jobs", 3)), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"4", "5"}));
  EXPECT_TRUE(Receive("jobs", 10).messages.empty());
  EXPECT_EQ(Counts("jobs"), "0/5/0");
}

TEST_F(MemoryEngineMessagesTest, EmptyQueueShortPollReturnsNothingAtOnce) {
  Create("jobs");
  EXPECT_TRUE(Receive("jobs", 10).messages.empty());
  EXPECT_EQ(clock_.PendingTimers(), 0u);
}

TEST_F(MemoryEngineMessagesTest, DeletedMessageIsGoneForGood) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 1);
  EXPECT_EQ(DeleteOne("jobs", m.receipt_handle), std::nullopt);
  EXPECT_EQ(Counts("jobs"), "0/0/0");
  clock_.Advance(seconds(5));
  EXPECT_TRUE(Receive("jobs").messages.empty());
  // Deleting again with the same handle still succeeds (standard queue).
  EXPECT_EQ(DeleteOne("jobs", m.receipt_handle), std::nullopt);
}

TEST_F(MemoryEngineMessagesTest, ReceiveWithVisibilityZeroLeavesTheMessageVisible) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage first = ReceiveOne("jobs", 0);
  EXPECT_EQ(Counts("jobs"), "1/0/0");
  ReceivedMessage second = ReceiveOne("jobs", 0);
  EXPECT_EQ(second.receive_count, 2);
  EXPECT_NE(second.receipt_handle, first.receipt_handle);
  // One receive never returns the same message twice.
  EXPECT_EQ(Receive("jobs", 10, 0).messages.size(), 1u);
}

// ---- delays ----

TEST_F(MemoryEngineMessagesTest, QueueDelayHidesAMessageUntilTheClockReachesIt) {
  Create("jobs", {{"DelaySeconds", "10"}});
  Send("jobs", "later");
  EXPECT_EQ(Counts("jobs"), "0/0/1");
  clock_.Advance(Millis(9999));
  EXPECT_TRUE(Receive("jobs").messages.empty());
  EXPECT_EQ(Counts("jobs"), "0/0/1");
  clock_.Advance(Millis(1));
  EXPECT_EQ(Counts("jobs"), "1/0/0");
  EXPECT_EQ(Bodies(Receive("jobs")), (std::vector<std::string>{"later"}));
}

TEST_F(MemoryEngineMessagesTest, PerMessageDelayOverridesTheQueueDelay) {
  Create("jobs", {{"DelaySeconds", "10"}});
  Send("jobs", "now", 0);
  Send("jobs", "in-five", 5);
  Send("jobs", "queue-default");
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"now"}));
  clock_.Advance(Millis(4999));
  EXPECT_TRUE(Receive("jobs", 10).messages.empty());
  clock_.Advance(Millis(1));
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"in-five"}));
  clock_.Advance(seconds(5));
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"queue-default"}));
}

TEST_F(MemoryEngineMessagesTest, ChangingTheQueueDelayIsNotRetroactive) {
  Create("jobs", {{"DelaySeconds", "60"}});
  Send("jobs", "sent-with-60");
  ASSERT_TRUE(SetAttributes("jobs", {{"DelaySeconds", "0"}}).ok());
  Send("jobs", "sent-with-0");
  EXPECT_EQ(Bodies(Receive("jobs", 10, 600)), (std::vector<std::string>{"sent-with-0"}));
  clock_.Advance(seconds(60));
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"sent-with-60"}));
}

TEST_F(MemoryEngineMessagesTest, DelayRangeIsZeroToNineHundred) {
  Create("jobs");
  Send("jobs", "max", 900);
  EXPECT_EQ(SendError("jobs", Entry("1", "x", -1)), Errc::kInvalidParameterValue);
  EXPECT_EQ(SendError("jobs", Entry("1", "x", 901)), Errc::kInvalidParameterValue);
  clock_.Advance(seconds(900));
  EXPECT_EQ(Bodies(Receive("jobs")), (std::vector<std::string>{"max"}));
}

// ---- visibility ----

TEST_F(MemoryEngineMessagesTest, ExpiredVisibilityTimeoutReturnsTheMessageWithANewHandle) {
  Create("jobs");  // VisibilityTimeout 30
  Send("jobs", "x");
  ReceivedMessage first = ReceiveOne("jobs");
  const common::TimePoint first_at = clock_.Now();
  clock_.Advance(Millis(29999));
  EXPECT_TRUE(Receive("jobs").messages.empty());
  clock_.Advance(Millis(1));
  ReceivedMessage second = ReceiveOne("jobs");
  EXPECT_EQ(second.payload->message_id(), first.payload->message_id());
  EXPECT_EQ(second.receive_count, 2);
  EXPECT_NE(second.receipt_handle, first.receipt_handle);
  EXPECT_EQ(second.first_receive, first_at);
}

TEST_F(MemoryEngineMessagesTest, ReceiveVisibilityTimeoutOverridesTheQueueDefault) {
  Create("jobs", {{"VisibilityTimeout", "100"}});
  Send("jobs", "x");
  ReceiveOne("jobs", 5);
  clock_.Advance(seconds(5));
  ReceivedMessage again = ReceiveOne("jobs");  // queue default from here on
  EXPECT_EQ(again.receive_count, 2);
  clock_.Advance(seconds(99));
  EXPECT_TRUE(Receive("jobs").messages.empty());
  clock_.Advance(seconds(1));
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 3);
}

TEST_F(MemoryEngineMessagesTest, OldHandleStillDeletesAfterTheMessageWasReceivedAgain) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage first = ReceiveOne("jobs", 1);
  clock_.Advance(seconds(1));
  ReceivedMessage second = ReceiveOne("jobs", 60);
  ASSERT_NE(first.receipt_handle, second.receipt_handle);
  EXPECT_EQ(DeleteOne("jobs", first.receipt_handle), std::nullopt);
  EXPECT_EQ(Counts("jobs"), "0/0/0");
  EXPECT_EQ(DeleteOne("jobs", second.receipt_handle), std::nullopt);
}

TEST_F(MemoryEngineMessagesTest, DeleteRejectsHandlesThatAreNotThisQueues) {
  Create("jobs");
  Create("other");
  Send("other", "x");
  ReceivedMessage foreign = ReceiveOne("other");
  EXPECT_EQ(DeleteOne("jobs", "garbage"), Errc::kReceiptHandleInvalid);
  EXPECT_EQ(DeleteOne("jobs", ""), Errc::kReceiptHandleInvalid);
  EXPECT_EQ(DeleteOne("jobs", foreign.receipt_handle), Errc::kReceiptHandleInvalid);
  EXPECT_EQ(DeleteOne("jobs", ReceiptCodec("another-secret").Encode({1, 1, 1})),
            Errc::kReceiptHandleInvalid);
  EXPECT_EQ(DeleteOne("jobs", std::nullopt), Errc::kMissingParameter);
  EXPECT_EQ(Counts("other"), "0/1/0");  // untouched
}

TEST_F(MemoryEngineMessagesTest, HandleOfADeletedAndRecreatedQueueIsInvalid) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs");
  auto deleted = Sync<Empty>([&](auto cb) { engine_->DeleteQueue("jobs", std::move(cb)); });
  ASSERT_TRUE(deleted.ok());
  clock_.Advance(seconds(60));
  Create("jobs");
  EXPECT_EQ(DeleteOne("jobs", m.receipt_handle), Errc::kReceiptHandleInvalid);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityToZeroMakesTheMessageReceivableNow) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs");
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 0), std::nullopt);
  EXPECT_EQ(Counts("jobs"), "1/0/0");
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityCountsTheNewTimeoutFromNow) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 10);
  clock_.Advance(seconds(5));
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 20), std::nullopt);  // until 25 s
  clock_.Advance(seconds(10));                                       // 15 s: past the old one
  EXPECT_TRUE(Receive("jobs").messages.empty());
  clock_.Advance(Millis(9999));
  EXPECT_TRUE(Receive("jobs").messages.empty());
  clock_.Advance(Millis(1));
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityCanShortenTheTimeout) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 600);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 2), std::nullopt);
  clock_.Advance(seconds(2));
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityBeyondTwelveHoursSinceTheReceiveFails) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 43200);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 43200), std::nullopt);  // still within 12 h
  clock_.Advance(seconds(100));
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 43200), Errc::kInvalidParameterValue);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 43101), Errc::kInvalidParameterValue);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 43100), std::nullopt);
  clock_.Advance(Millis(43100 * 1000 - 1));
  EXPECT_TRUE(Receive("jobs").messages.empty());
  clock_.Advance(Millis(1));
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityOutOfRangeOrWithoutATimeoutFails) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs");
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, -1), Errc::kInvalidParameterValue);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 43201), Errc::kInvalidParameterValue);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, std::nullopt), Errc::kMissingParameter);
  EXPECT_EQ(ChangeOne("jobs", std::nullopt, 10), Errc::kMissingParameter);
  EXPECT_EQ(Counts("jobs"), "0/1/0");
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityOfAMessageNoLongerInFlightIsANoOp) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 5);
  clock_.Advance(seconds(5));  // visible again, not received since
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 100), std::nullopt);
  EXPECT_EQ(Counts("jobs"), "1/0/0");  // nothing changed
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityWithUnknownOrForeignHandlesFails) {
  Create("jobs");
  Create("other");
  Send("jobs", "x");
  Send("other", "y");
  ReceivedMessage foreign = ReceiveOne("other");
  EXPECT_EQ(ChangeOne("jobs", "garbage", 10), Errc::kReceiptHandleInvalid);
  EXPECT_EQ(ChangeOne("jobs", foreign.receipt_handle, 10), Errc::kReceiptHandleInvalid);
  // A stale handle of a message received again since.
  ReceivedMessage first = ReceiveOne("jobs", 1);
  clock_.Advance(seconds(1));
  ReceivedMessage second = ReceiveOne("jobs", 60);
  EXPECT_EQ(ChangeOne("jobs", first.receipt_handle, 0), Errc::kInvalidParameterValue);
  EXPECT_EQ(Counts("jobs"), "0/1/0");
  // The handle of a deleted message.
  EXPECT_EQ(DeleteOne("jobs", second.receipt_handle), std::nullopt);
  EXPECT_EQ(ChangeOne("jobs", second.receipt_handle, 10), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityBatchReportsEachEntry) {
  Create("jobs");
  Send("jobs", "a");
  Send("jobs", "b");
  ReceiveResult got = Receive("jobs", 2);
  ASSERT_EQ(got.messages.size(), 2u);
  auto r = ChangeVisibility("jobs",
                            {{"ok", got.messages[0].receipt_handle, 0},
                             {"bad", std::string("garbage"), 0},
                             {"range", got.messages[1].receipt_handle, 99999}},
                            true);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().entries.size(), 3u);
  EXPECT_EQ(r.value().entries[0].id, "ok");
  EXPECT_EQ(EntryCode(r.value().entries[0].error), std::nullopt);
  EXPECT_EQ(r.value().entries[1].id, "bad");
  EXPECT_EQ(EntryCode(r.value().entries[1].error), Errc::kReceiptHandleInvalid);
  EXPECT_EQ(r.value().entries[2].id, "range");
  EXPECT_EQ(EntryCode(r.value().entries[2].error), Errc::kInvalidParameterValue);
  EXPECT_EQ(Counts("jobs"), "1/1/0");
}

// ---- long polling ----

TEST_F(MemoryEngineMessagesTest, ReceiveWaitsAndWakesWhenMessageSent) {
  Create("jobs");
  auto waiter = StartReceive("jobs", 20);
  EXPECT_FALSE(waiter.done());
  clock_.Advance(seconds(7));
  EXPECT_FALSE(waiter.done());
  SendEntryResult sent = Send("jobs", "hello");
  ASSERT_TRUE(waiter.done());
  ASSERT_TRUE(waiter.result().ok());
  ASSERT_EQ(waiter.result().value().messages.size(), 1u);
  EXPECT_EQ(waiter.result().value().messages[0].payload->message_id(), sent.message_id);
  EXPECT_EQ(Counts("jobs"), "0/1/0");  // handed out with the queue's visibility timeout
  clock_.Advance(seconds(60));
  EXPECT_EQ(waiter.calls(), 1);  // its deadline does not complete it again
}

TEST_F(MemoryEngineMessagesTest, ReceiveWithMessagesReadyDoesNotWait) {
  Create("jobs");
  Send("jobs", "x");
  auto r = StartReceive("jobs", 20, 10);
  EXPECT_EQ(Bodies(r), (std::vector<std::string>{"x"}));  // does not wait to fill max
}

TEST_F(MemoryEngineMessagesTest, ReceiveWaitsForADelayedMessageToBecomeDue) {
  Create("jobs");
  Send("jobs", "delayed", 5);
  auto waiter = StartReceive("jobs", 20);
  clock_.Advance(Millis(4999));
  EXPECT_FALSE(waiter.done());
  clock_.Advance(Millis(1));
  EXPECT_EQ(Bodies(waiter), (std::vector<std::string>{"delayed"}));
}

TEST_F(MemoryEngineMessagesTest, WaiterWakesForADelayedMessageSentAfterItStarted) {
  Create("jobs");
  auto waiter = StartReceive("jobs", 20);
  clock_.Advance(seconds(2));
  Send("jobs", "delayed", 3);
  EXPECT_FALSE(waiter.done());
  clock_.Advance(Millis(2999));
  EXPECT_FALSE(waiter.done());
  clock_.Advance(Millis(1));
  EXPECT_EQ(Bodies(waiter), (std::vector<std::string>{"delayed"}));
}

TEST_F(MemoryEngineMessagesTest, WaiterWakesWhenAVisibilityTimeoutExpires) {
  Create("jobs");
  Send("jobs", "x");
  ReceiveOne("jobs", 4);
  auto waiter = StartReceive("jobs", 20);
  clock_.Advance(Millis(3999));
  EXPECT_FALSE(waiter.done());
  clock_.Advance(Millis(1));
  ASSERT_TRUE(waiter.done());
  ASSERT_TRUE(waiter.result().ok());
  ASSERT_EQ(waiter.result().value().messages.size(), 1u);
  EXPECT_EQ(waiter.result().value().messages[0].receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, WaiterWakesWhenVisibilityIsChangedToZero) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 600);
  auto waiter = StartReceive("jobs", 20);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 0), std::nullopt);
  EXPECT_EQ(Bodies(waiter), (std::vector<std::string>{"x"}));
}

TEST_F(MemoryEngineMessagesTest, WaiterWakesEarlierWhenVisibilityIsShortened) {
  Create("jobs");
  Send("jobs", "x");
  ReceivedMessage m = ReceiveOne("jobs", 600);
  auto waiter = StartReceive("jobs", 20);
  EXPECT_EQ(ChangeOne("jobs", m.receipt_handle, 3), std::nullopt);
  clock_.Advance(Millis(2999));
  EXPECT_FALSE(waiter.done());
  clock_.Advance(Millis(1));
  EXPECT_EQ(Bodies(waiter), (std::vector<std::string>{"x"}));
}

TEST_F(MemoryEngineMessagesTest, ReceiveCompletesEmptyAtItsDeadline) {
  Create("jobs");
  auto waiter = StartReceive("jobs", 20);
  clock_.Advance(Millis(19999));
  EXPECT_FALSE(waiter.done());
  clock_.Advance(Millis(1));
  ASSERT_TRUE(waiter.done());
  ASSERT_TRUE(waiter.result().ok());
  EXPECT_TRUE(waiter.result().value().messages.empty());
  Send("jobs", "too late");
  EXPECT_EQ(waiter.calls(), 1);
  EXPECT_EQ(Counts("jobs"), "1/0/0");
}

TEST_F(MemoryEngineMessagesTest, DelayedMessageDueAfterTheDeadlineDoesNotReachTheWaiter) {
  Create("jobs");
  Send("jobs", "late", 30);
  auto waiter = StartReceive("jobs", 10);
  clock_.Advance(seconds(10));
  ASSERT_TRUE(waiter.done());
  EXPECT_TRUE(waiter.result().value().messages.empty());
  clock_.Advance(seconds(20));
  EXPECT_EQ(waiter.calls(), 1);
  EXPECT_EQ(Counts("jobs"), "1/0/0");
}

TEST_F(MemoryEngineMessagesTest, QueueWaitTimeMakesReceivesLongPolls) {
  Create("jobs", {{"ReceiveMessageWaitTimeSeconds", "5"}});
  auto waiter = StartReceive("jobs", std::nullopt);
  EXPECT_FALSE(waiter.done());
  clock_.Advance(seconds(5));
  ASSERT_TRUE(waiter.done());
  EXPECT_TRUE(waiter.result().value().messages.empty());
  // An explicit 0 overrides the queue's wait.
  auto short_poll = StartReceive("jobs", 0);
  EXPECT_TRUE(short_poll.done());
}

TEST_F(MemoryEngineMessagesTest, WaitersAreServedOldestFirstOneMessageEach) {
  Create("jobs");
  auto first = StartReceive("jobs", 20);
  clock_.Advance(seconds(1));
  auto second = StartReceive("jobs", 20);
  clock_.Advance(seconds(1));
  auto third = StartReceive("jobs", 20);

  Send("jobs", "m1");
  EXPECT_EQ(Bodies(first), (std::vector<std::string>{"m1"}));
  EXPECT_FALSE(second.done());  // no thundering herd
  EXPECT_FALSE(third.done());

  Send("jobs", "m2");
  EXPECT_EQ(Bodies(second), (std::vector<std::string>{"m2"}));
  EXPECT_FALSE(third.done());

  clock_.Advance(seconds(19));
  EXPECT_FALSE(third.done());
  clock_.Advance(seconds(1));  // third's deadline: it started at 2 s
  ASSERT_TRUE(third.done());
  EXPECT_TRUE(third.result().value().messages.empty());
  EXPECT_EQ(first.calls() + second.calls() + third.calls(), 3);
}

TEST_F(MemoryEngineMessagesTest, TwoWaitersAndOneMessageCompleteExactlyOne) {
  Create("jobs");
  auto a = StartReceive("jobs", 20, 10);
  auto b = StartReceive("jobs", 20, 10);
  Send("jobs", "only");
  EXPECT_TRUE(a.done());
  EXPECT_FALSE(b.done());
  clock_.Advance(seconds(20));
  ASSERT_TRUE(b.done());
  EXPECT_TRUE(b.result().value().messages.empty());
  EXPECT_EQ(a.calls(), 1);
}

TEST_F(MemoryEngineMessagesTest, WaiterTakesUpToItsMaxFromABatchAndLeavesTheRest) {
  Create("jobs");
  auto a = StartReceive("jobs", 20, 2);
  auto b = StartReceive("jobs", 20, 10);
  auto r = SendCall("jobs",
                    {Entry("1", "m1"), Entry("2", "m2"), Entry("3", "m3"), Entry("4", "m4")}, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Bodies(a), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(Bodies(b), (std::vector<std::string>{"m3", "m4"}));
}

TEST_F(MemoryEngineMessagesTest, WaiterUsesItsOwnVisibilityTimeout) {
  Create("jobs");
  auto waiter = StartReceive("jobs", 20, 1, 3);
  Send("jobs", "x");
  ASSERT_TRUE(waiter.done());
  clock_.Advance(seconds(3));
  EXPECT_EQ(ReceiveOne("jobs").receive_count, 2);
}

TEST_F(MemoryEngineMessagesTest, WaitersOnOtherQueuesAreNotWoken) {
  Create("jobs");
  Create("other");
  auto waiter = StartReceive("other", 20);
  Send("jobs", "x");
  EXPECT_FALSE(waiter.done());
  clock_.Advance(seconds(20));
  EXPECT_TRUE(waiter.done());
}

TEST_F(MemoryEngineMessagesTest, DeleteQueueCompletesWaitersWithQueueNotFound) {
  Create("jobs");
  auto a = StartReceive("jobs", 20);
  auto b = StartReceive("jobs", 20);
  auto deleted = Sync<Empty>([&](auto cb) { engine_->DeleteQueue("jobs", std::move(cb)); });
  ASSERT_TRUE(deleted.ok());
  ASSERT_TRUE(a.done());
  ASSERT_TRUE(b.done());
  EXPECT_EQ(CodeOf(a.result()), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(b.result()), Errc::kQueueNotFound);
  clock_.Advance(seconds(60));
  EXPECT_EQ(a.calls(), 1);
  EXPECT_EQ(b.calls(), 1);
}

TEST_F(MemoryEngineMessagesTest, ShutdownCompletesWaitersEmptyAndLaterReceivesDoNotWait) {
  Create("jobs", {{"ReceiveMessageWaitTimeSeconds", "20"}});
  Send("jobs", "delayed", 10);
  auto a = StartReceive("jobs", 20);
  auto b = StartReceive("jobs", std::nullopt);
  engine_->Shutdown();
  ASSERT_TRUE(a.done());
  ASSERT_TRUE(b.done());
  ASSERT_TRUE(a.result().ok());
  EXPECT_TRUE(a.result().value().messages.empty());
  EXPECT_TRUE(b.result().value().messages.empty());

  auto later = StartReceive("jobs", 20);
  ASSERT_TRUE(later.done());
  EXPECT_TRUE(later.result().value().messages.empty());
  clock_.Advance(seconds(30));
  EXPECT_EQ(a.calls(), 1);
  EXPECT_EQ(b.calls(), 1);
  EXPECT_EQ(later.calls(), 1);
  // Messages are still served to short polls.
  EXPECT_EQ(Bodies(Receive("jobs")), (std::vector<std::string>{"delayed"}));
}

TEST_F(MemoryEngineMessagesTest, DestroyingTheEngineLeavesNoTimersBehind) {
  Create("jobs");
  Send("jobs", "x");
  ReceiveOne("jobs");
  auto waiter = StartReceive("jobs", 20);
  engine_.reset();
  clock_.Advance(seconds(60));  // no timer may touch the destroyed engine
  EXPECT_FALSE(waiter.done());
  Reset(Options());
}

}  // namespace
}  // namespace spool::engine
