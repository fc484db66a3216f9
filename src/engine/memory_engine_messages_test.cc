// MemoryEngine: messages (send, receive, long polling, visibility, delete, dead-letter moves,
// retention, batch rules). Time is a FakeClock: delays, timeouts and long polls end when a test
// advances it, so nothing sleeps.

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/fake_clock.h"
#include "engine/engine_testing.h"
#include "engine/memory_engine.h"

namespace spool::engine {
namespace {

using common::Millis;
using std::chrono::seconds;

std::optional<Errc> EntryCode(const std::optional<Error>& e) {
  if (!e) return std::nullopt;
  return e->code;
}

// The bodies of a receive, in order.
std::vector<std::string> Bodies(const ReceiveResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.messages) out.push_back(m.payload->body);
  return out;
}

std::vector<std::string> Bodies(const Pending<ReceiveResult>& p) {
  EXPECT_TRUE(p.done());
  if (!p.done() || !p.result().ok()) return {"<failed>"};
  return Bodies(p.result().value());
}

SendEntry Entry(std::string id, std::optional<std::string> body,
                std::optional<int64_t> delay = std::nullopt) {
  SendEntry e;
  e.id = std::move(id);
  e.body = std::move(body);
  e.delay_seconds = delay;
  return e;
}

AttributeValue Str(std::string type, std::string value) {
  AttributeValue v;
  v.data_type = std::move(type);
  v.string_value = std::move(value);
  return v;
}

const std::string kTrace =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

class MemoryEngineMessagesTest : public ::testing::Test {
 protected:
  MemoryEngineMessagesTest() { Reset(Options()); }

  static EngineOptions Options() {
    EngineOptions o;
    o.receipt_secret = "test-secret";
    return o;
  }

  // Replaces the engine (e.g. with other options).
  void Reset(EngineOptions options) {
    engine_.reset();
    engine_ = std::make_unique<MemoryEngine>(std::move(options), &clock_, &clock_);
  }

  static std::string Arn(const std::string& name) {
    return "arn:aws:sqs:us-east-1:000000000000:" + name;
  }

  void Create(const std::string& name, StringPairs attributes = {}) {
    auto r = Sync<Empty>([&](auto cb) {
      engine_->CreateQueue({name, std::move(attributes), {}}, std::move(cb));
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  Result<Empty> SetAttributes(const std::string& name, StringPairs attributes) {
    return Sync<Empty>(
        [&](auto cb) { engine_->SetQueueAttributes(name, std::move(attributes), std::move(cb)); });
  }
  std::string Attribute(const std::string& queue, const std::string& attribute) {
    auto r = Sync<StringPairs>(
        [&](auto cb) { engine_->GetQueueAttributes(queue, {attribute}, std::move(cb)); });
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().empty()) return "<absent>";
    return r.value().front().second;
  }
  // "visible/in flight/delayed", the three approximate counts.
  std::string Counts(const std::string& queue) {
    return Attribute(queue, "ApproximateNumberOfMessages") + "/" +
           Attribute(queue, "ApproximateNumberOfMessagesNotVisible") + "/" +
           Attribute(queue, "ApproximateNumberOfMessagesDelayed");
  }

  Result<SendResult> SendCall(const std::string& queue, std::vector<SendEntry> entries,
                              bool batch) {
    return Sync<SendResult>([&](auto cb) {
      engine_->SendMessages({queue, std::move(entries), batch, "AIDTEST"}, std::move(cb));
    });
  }
  // A single send that must succeed.
  SendEntryResult Send(const std::string& queue, SendEntry entry) {
    auto r = SendCall(queue, {std::move(entry)}, false);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    EXPECT_EQ(r.value().entries.size(), 1u);
    EXPECT_FALSE(r.value().entries[0].error.has_value()) << r.value().entries[0].error->message;
    return r.value().entries[0];
  }
  SendEntryResult Send(const std::string& queue, const std::string& body,
                       std::optional<int64_t> delay = std::nullopt) {
    return Send(queue, Entry("1", body, delay));
  }
  // The error code of a single send that must fail per entry.
  std::optional<Errc> SendError(const std::string& queue, SendEntry entry) {
    auto r = SendCall(queue, {std::move(entry)}, false);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().entries.size() != 1) return Errc::kInternal;
    return EntryCode(r.value().entries[0].error);
  }

  Result<ReceiveResult> ReceiveCall(ReceiveRequest req) {
    return Sync<ReceiveResult>([&](auto cb) { engine_->ReceiveMessages(req, std::move(cb)); });
  }
  // A short poll that must succeed.
  ReceiveResult Receive(const std::string& queue, int64_t max = 1,
                        std::optional<int64_t> vt = std::nullopt) {
    auto r = ReceiveCall({queue, max, vt, 0, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r.value() : ReceiveResult{};
  }
  // Receives exactly one message.
  ReceivedMessage ReceiveOne(const std::string& queue, std::optional<int64_t> vt = std::nullopt) {
    ReceiveResult r = Receive(queue, 1, vt);
    EXPECT_EQ(r.messages.size(), 1u);
    return r.messages.empty() ? ReceivedMessage{} : r.messages[0];
  }
  // Starts a receive that may wait; its completion is checked later.
  Pending<ReceiveResult> StartReceive(const std::string& queue, std::optional<int64_t> wait,
                                      int64_t max = 1, std::optional<int64_t> vt = std::nullopt) {
    Pending<ReceiveResult> p;
    engine_->ReceiveMessages({queue, max, vt, wait, std::nullopt}, p.callback());
    return p;
  }

  Result<BatchResult> Delete(const std::string& queue, std::vector<HandleEntry> entries,
                             bool batch = false) {
    return Sync<BatchResult>([&](auto cb) {
      engine_->DeleteMessages({queue, std::move(entries), batch}, std::move(cb));
    });
  }
  // Deletes one handle; the entry's error code or nullopt.
  std::optional<Errc> DeleteOne(const std::string& queue, std::optional<std::string> handle) {
    auto r = Delete(queue, {{"d", std::move(handle), std::nullopt}});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().entries.size() != 1) return Errc::kInternal;
    return EntryCode(r.value().entries[0].error);
  }
  Result<BatchResult> ChangeVisibility(const std::string& queue, std::vector<HandleEntry> entries,
                                       bool batch = false) {
    return Sync<BatchResult>([&](auto cb) {
      engine_->ChangeVisibility({queue, std::move(entries), batch}, std::move(cb));
    });
  }
  std::optional<Errc> ChangeOne(const std::string& queue, std::optional<std::string> handle,
                                std::optional<int64_t> vt) {
    auto r = ChangeVisibility(queue, {{"c", std::move(handle), vt}});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r.value().entries.size() != 1) return Errc::kInternal;
    return EntryCode(r.value().entries[0].error);
  }

  static std::string RedriveTo(const std::string& dlq, int count) {
    return R"({"deadLetterTargetArn":")" + Arn(dlq) + R"(","maxReceiveCount":)" +
           std::to_string(count) + "}";
  }

  common::FakeClock clock_;
  std::unique_ptr<MemoryEngine> engine_;
};

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
  EXPECT_EQ(m.payload->body, "hello");
  EXPECT_EQ(m.payload->message_id, sent.message_id);
  EXPECT_EQ(m.payload->md5_body, sent.md5_body);
  EXPECT_EQ(m.payload->sent, sent_at);
  EXPECT_EQ(m.payload->sender_id, "AIDTEST");
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
  ASSERT_EQ(m.payload->attributes.size(), 3u);
  EXPECT_EQ(m.payload->attributes[0].first, "Blob");
  EXPECT_EQ(m.payload->attributes[0].second, blob);
  EXPECT_EQ(m.payload->attributes[1].first, "City");
  EXPECT_EQ(m.payload->attributes[2].first, "Population");
  ASSERT_EQ(m.payload->system_attributes.size(), 1u);
  EXPECT_EQ(m.payload->system_attributes[0].second.string_value, kTrace);
  EXPECT_EQ(m.payload->md5_attributes, sent.md5_attributes);
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
  EXPECT_EQ(second.payload->message_id, first.payload->message_id);
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
  EXPECT_EQ(waiter.result().value().messages[0].payload->message_id, sent.message_id);
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

// ---- dead-letter queues ----

TEST_F(MemoryEngineMessagesTest, MessageMovesToTheDeadLetterQueueAfterMaxReceiveCount) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 2)}});
  SendEntryResult sent = Send("src", "poison");
  EXPECT_EQ(ReceiveOne("src", 0).receive_count, 1);
  EXPECT_EQ(ReceiveOne("src", 0).receive_count, 2);
  EXPECT_TRUE(Receive("src", 10).messages.empty());  // third receive moves it
  EXPECT_EQ(Counts("src"), "0/0/0");
  EXPECT_EQ(Counts("dlq"), "1/0/0");

  ReceivedMessage dead = ReceiveOne("dlq");
  ASSERT_NE(dead.payload, nullptr);
  EXPECT_EQ(dead.payload->message_id, sent.message_id);
  EXPECT_EQ(dead.payload->body, "poison");
  EXPECT_EQ(dead.dead_letter_source_arn, Arn("src"));
}

TEST_F(MemoryEngineMessagesTest, MaxReceiveCountOneDeliversOnceThenMoves) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  Send("src", "once");
  ReceiveOne("src", 1);
  clock_.Advance(seconds(1));
  EXPECT_TRUE(Receive("src").messages.empty());
  EXPECT_EQ(Bodies(Receive("dlq")), (std::vector<std::string>{"once"}));
}

TEST_F(MemoryEngineMessagesTest, HealthyMessagesKeepFlowingWhileAPoisonOneMoves) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  Send("src", "poison");
  ReceiveOne("src", 0);
  Send("src", "good");
  // The poison message is moved and the receive goes on to the next one.
  EXPECT_EQ(Bodies(Receive("src", 10)), (std::vector<std::string>{"good"}));
  EXPECT_EQ(Counts("dlq"), "1/0/0");
}

TEST_F(MemoryEngineMessagesTest, WaiterOnTheDeadLetterQueueIsWokenByTheMove) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  SendEntryResult sent = Send("src", "poison");
  ReceiveOne("src", 0);
  auto dlq_waiter = StartReceive("dlq", 20);
  EXPECT_FALSE(dlq_waiter.done());
  EXPECT_TRUE(Receive("src").messages.empty());
  ASSERT_TRUE(dlq_waiter.done());
  ASSERT_TRUE(dlq_waiter.result().ok());
  ASSERT_EQ(dlq_waiter.result().value().messages.size(), 1u);
  const ReceivedMessage& m = dlq_waiter.result().value().messages[0];
  EXPECT_EQ(m.payload->message_id, sent.message_id);
  EXPECT_EQ(m.dead_letter_source_arn, Arn("src"));
}

TEST_F(MemoryEngineMessagesTest, WaiterOnTheSourceKeepsWaitingWhenItsMessageIsMoved) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  Send("src", "poison");
  ReceiveOne("src", 3);
  auto waiter = StartReceive("src", 20);
  auto dlq_waiter = StartReceive("dlq", 20, 1, 60);
  clock_.Advance(seconds(3));  // visible again: moved instead of delivered
  EXPECT_FALSE(waiter.done());
  EXPECT_EQ(Bodies(dlq_waiter), (std::vector<std::string>{"poison"}));
  EXPECT_EQ(Counts("dlq"), "0/1/0");
  Send("src", "good");
  EXPECT_EQ(Bodies(waiter), (std::vector<std::string>{"good"}));
}

TEST_F(MemoryEngineMessagesTest, MovedMessageKeepsItsOriginalRetentionClock) {
  Create("dlq", {{"MessageRetentionPeriod", "60"}});
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  Send("src", "poison");
  clock_.Advance(seconds(40));
  ReceiveOne("src", 0);
  EXPECT_TRUE(Receive("src").messages.empty());  // moved at 40 s
  EXPECT_EQ(Counts("dlq"), "1/0/0");
  clock_.Advance(seconds(20));  // 60 s after the original send
  EXPECT_EQ(Counts("dlq"), "0/0/0");
  EXPECT_TRUE(Receive("dlq").messages.empty());
}

TEST_F(MemoryEngineMessagesTest, MissingDeadLetterQueueLeavesMessagesInTheSource) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  ASSERT_TRUE(Sync<Empty>([&](auto cb) { engine_->DeleteQueue("dlq", std::move(cb)); }).ok());
  Send("src", "x");
  ReceiveOne("src", 0);
  EXPECT_EQ(ReceiveOne("src", 0).receive_count, 2);
}

// ---- retention ----

TEST_F(MemoryEngineMessagesTest, MessagesOlderThanTheRetentionPeriodDisappear) {
  Create("jobs", {{"MessageRetentionPeriod", "60"}});
  Send("jobs", "ready");
  Send("jobs", "in-flight");
  Send("jobs", "delayed", 120);  // expires before its delay ends
  ReceiveResult got = Receive("jobs", 1, 300);
  ASSERT_EQ(got.messages.size(), 1u);
  clock_.Advance(Millis(59999));
  EXPECT_EQ(Counts("jobs"), "1/1/1");
  clock_.Advance(Millis(1));
  EXPECT_EQ(Counts("jobs"), "0/0/0");
  EXPECT_TRUE(Receive("jobs", 10).messages.empty());
  clock_.Advance(seconds(600));
  EXPECT_TRUE(Receive("jobs", 10).messages.empty());
  // Deleting with the old handle is still fine; changing its visibility is not.
  EXPECT_EQ(DeleteOne("jobs", got.messages[0].receipt_handle), std::nullopt);
  EXPECT_EQ(ChangeOne("jobs", got.messages[0].receipt_handle, 5), Errc::kInvalidParameterValue);
}

// ---- send validation ----

TEST_F(MemoryEngineMessagesTest, SendRejectsMissingEmptyAndInvalidBodies) {
  Create("jobs");
  EXPECT_EQ(SendError("jobs", Entry("1", std::nullopt)), Errc::kMissingParameter);
  EXPECT_EQ(SendError("jobs", Entry("1", "")), Errc::kMissingParameter);
  EXPECT_EQ(SendError("jobs", Entry("1", "bad\x01")), Errc::kInvalidMessageContents);
  EXPECT_EQ(SendError("jobs", Entry("1", "\xef\xbf\xbe")), Errc::kInvalidMessageContents);
  EXPECT_EQ(SendError("jobs", Entry("1", "\xc3")), Errc::kInvalidMessageContents);
  Send("jobs", "ok \t\n\r \xf0\x9f\x98\x80");
  EXPECT_EQ(Counts("jobs"), "1/0/0");
}

TEST_F(MemoryEngineMessagesTest, SendRejectsBadAttributes) {
  Create("jobs");
  SendEntry bad_name = Entry("1", "x");
  bad_name.attributes = {{"AWS.reserved", Str("String", "v")}};
  EXPECT_EQ(SendError("jobs", bad_name), Errc::kInvalidParameterValue);
  SendEntry bad_chars = Entry("1", "x");
  bad_chars.attributes = {{"a", Str("String", "\x02")}};
  EXPECT_EQ(SendError("jobs", bad_chars), Errc::kInvalidMessageContents);
  SendEntry eleven = Entry("1", "x");
  for (int i = 0; i < 11; ++i)
    eleven.attributes.emplace_back("a" + std::to_string(i), Str("String", "v"));
  EXPECT_EQ(SendError("jobs", eleven), Errc::kInvalidParameterValue);
  SendEntry bad_system = Entry("1", "x");
  bad_system.system_attributes = {{"Other", Str("String", "v")}};
  EXPECT_EQ(SendError("jobs", bad_system), Errc::kInvalidParameterValue);
  EXPECT_EQ(Counts("jobs"), "0/0/0");
}

TEST_F(MemoryEngineMessagesTest, DeduplicationIdIsRejectedOnAStandardQueue) {
  Create("jobs");
  SendEntry e = Entry("1", "x");
  e.deduplication_id = "dedup-1";
  EXPECT_EQ(SendError("jobs", e), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineMessagesTest, GroupIdIsAcceptedOnAStandardQueueWhenValid) {
  Create("jobs");
  SendEntry e = Entry("1", "x");
  e.group_id = "tenant-7";
  Send("jobs", e);
  EXPECT_EQ(ReceiveOne("jobs").payload->group_id, "tenant-7");
  e.group_id = "has space";
  EXPECT_EQ(SendError("jobs", e), Errc::kInvalidParameterValue);
  e.group_id = std::string(129, 'g');
  EXPECT_EQ(SendError("jobs", e), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineMessagesTest, MessageSizeLimitFollowsMaximumMessageSize) {
  Create("jobs", {{"MaximumMessageSize", "1024"}});
  Send("jobs", std::string(1024, 'a'));
  EXPECT_EQ(SendError("jobs", Entry("1", std::string(1025, 'a'))), Errc::kInvalidParameterValue);
  // Attribute names, types and values count toward the limit...
  SendEntry with_attr = Entry("1", std::string(1000, 'a'));
  with_attr.attributes = {{"k", Str("String", std::string(17, 'v'))}};  // 1 + 6 + 17 = 24
  Send("jobs", with_attr);
  with_attr = Entry("1", std::string(1000, 'a'));
  with_attr.attributes = {{"k", Str("String", std::string(18, 'v'))}};  // 25
  EXPECT_EQ(SendError("jobs", with_attr), Errc::kInvalidParameterValue);
  // ...the trace header does not.
  SendEntry with_trace = Entry("1", std::string(1024, 'a'));
  with_trace.system_attributes = {{"AWSTraceHeader", Str("String", kTrace)}};
  Send("jobs", with_trace);
  // Raising the limit applies to the next send.
  ASSERT_TRUE(SetAttributes("jobs", {{"MaximumMessageSize", "2048"}}).ok());
  Send("jobs", std::string(2048, 'a'));
  EXPECT_EQ(Counts("jobs"), "4/0/0");
}

TEST_F(MemoryEngineMessagesTest, DefaultMessageSizeLimitIsOneMebibyte) {
  Create("jobs");
  Send("jobs", std::string(1048576, 'a'));
  EXPECT_EQ(SendError("jobs", Entry("1", std::string(1048577, 'a'))), Errc::kInvalidParameterValue);
}

// ---- batches ----

std::vector<SendEntry> Entries(int n) {
  std::vector<SendEntry> out;
  for (int i = 0; i < n; ++i)
    out.push_back(Entry("e" + std::to_string(i), "m" + std::to_string(i)));
  return out;
}

TEST_F(MemoryEngineMessagesTest, SendBatchRejectsEmptyAndOversizedRequests) {
  Create("jobs");
  EXPECT_EQ(CodeOf(SendCall("jobs", {}, true)), Errc::kEmptyBatch);
  EXPECT_EQ(CodeOf(SendCall("jobs", Entries(11), true)), Errc::kTooManyEntries);
  auto ten = SendCall("jobs", Entries(10), true);
  ASSERT_TRUE(ten.ok());
  EXPECT_EQ(ten.value().entries.size(), 10u);
  EXPECT_EQ(Counts("jobs"), "10/0/0");
}

TEST_F(MemoryEngineMessagesTest, SendBatchRejectsBadAndDuplicateIds) {
  Create("jobs");
  auto entries = Entries(3);
  entries[1].id = "bad id";
  EXPECT_EQ(CodeOf(SendCall("jobs", entries, true)), Errc::kInvalidBatchEntryId);
  entries[1].id = "";
  EXPECT_EQ(CodeOf(SendCall("jobs", entries, true)), Errc::kInvalidBatchEntryId);
  entries[1].id = std::string(81, 'x');
  EXPECT_EQ(CodeOf(SendCall("jobs", entries, true)), Errc::kInvalidBatchEntryId);
  entries[1].id = entries[2].id;
  EXPECT_EQ(CodeOf(SendCall("jobs", entries, true)), Errc::kBatchIdsNotDistinct);
  EXPECT_EQ(Counts("jobs"), "0/0/0");
}

TEST_F(MemoryEngineMessagesTest, SendBatchOverOneMebibyteInTotalIsBatchTooLong) {
  Create("jobs");
  std::vector<SendEntry> entries = {Entry("a", std::string(600000, 'a')),
                                    Entry("b", std::string(448576, 'b'))};  // exactly 1 MiB
  ASSERT_TRUE(SendCall("jobs", entries, true).ok());
  entries[1].body = std::string(448577, 'b');
  EXPECT_EQ(CodeOf(SendCall("jobs", entries, true)), Errc::kBatchTooLong);
  EXPECT_EQ(Counts("jobs"), "2/0/0");  // only the first batch
}

TEST_F(MemoryEngineMessagesTest, SingleSendIgnoresBatchIdRules) {
  Create("jobs");
  Send("jobs", Entry("not a valid batch id!", "x"));
  EXPECT_EQ(Counts("jobs"), "1/0/0");
}

TEST_F(MemoryEngineMessagesTest, FailedBatchEntriesDoNotStopTheOthers) {
  Create("jobs");
  std::vector<SendEntry> entries = {Entry("ok1", "first"), Entry("empty", ""),
                                    Entry("chars", "\x01"), Entry("delay", "x", 901),
                                    Entry("ok2", "second", 0)};
  auto r = SendCall("jobs", entries, true);
  ASSERT_TRUE(r.ok());
  const auto& out = r.value().entries;
  ASSERT_EQ(out.size(), 5u);
  std::vector<std::string> ids;
  for (const auto& e : out) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ok1", "empty", "chars", "delay", "ok2"}));
  EXPECT_EQ(EntryCode(out[0].error), std::nullopt);
  EXPECT_EQ(EntryCode(out[1].error), Errc::kMissingParameter);
  EXPECT_EQ(EntryCode(out[2].error), Errc::kInvalidMessageContents);
  EXPECT_EQ(EntryCode(out[3].error), Errc::kInvalidParameterValue);
  EXPECT_EQ(EntryCode(out[4].error), std::nullopt);
  EXPECT_FALSE(out[0].message_id.empty());
  EXPECT_TRUE(out[1].message_id.empty());
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"first", "second"}));
}

TEST_F(MemoryEngineMessagesTest, DeleteBatchRulesAndPerEntryResults) {
  Create("jobs");
  EXPECT_EQ(CodeOf(Delete("jobs", {}, true)), Errc::kEmptyBatch);
  std::vector<HandleEntry> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back({"d" + std::to_string(i), "h", std::nullopt});
  EXPECT_EQ(CodeOf(Delete("jobs", eleven, true)), Errc::kTooManyEntries);
  EXPECT_EQ(CodeOf(Delete("jobs", {{"a", "h", std::nullopt}, {"a", "h", std::nullopt}}, true)),
            Errc::kBatchIdsNotDistinct);
  EXPECT_EQ(CodeOf(Delete("jobs", {{"a.b", "h", std::nullopt}}, true)), Errc::kInvalidBatchEntryId);

  Send("jobs", "a");
  Send("jobs", "b");
  ReceiveResult got = Receive("jobs", 2);
  ASSERT_EQ(got.messages.size(), 2u);
  auto r = Delete("jobs",
                  {{"one", got.messages[0].receipt_handle, std::nullopt},
                   {"junk", std::string("junk"), std::nullopt},
                   {"two", got.messages[1].receipt_handle, std::nullopt}},
                  true);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().entries.size(), 3u);
  EXPECT_EQ(EntryCode(r.value().entries[0].error), std::nullopt);
  EXPECT_EQ(r.value().entries[1].id, "junk");
  EXPECT_EQ(EntryCode(r.value().entries[1].error), Errc::kReceiptHandleInvalid);
  EXPECT_EQ(EntryCode(r.value().entries[2].error), std::nullopt);
  EXPECT_EQ(Counts("jobs"), "0/0/0");
}

TEST_F(MemoryEngineMessagesTest, ChangeVisibilityBatchRules) {
  Create("jobs");
  EXPECT_EQ(CodeOf(ChangeVisibility("jobs", {}, true)), Errc::kEmptyBatch);
  std::vector<HandleEntry> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back({"c" + std::to_string(i), "h", 1});
  EXPECT_EQ(CodeOf(ChangeVisibility("jobs", eleven, true)), Errc::kTooManyEntries);
  EXPECT_EQ(CodeOf(ChangeVisibility("jobs", {{"x", "h", 1}, {"x", "h", 1}}, true)),
            Errc::kBatchIdsNotDistinct);
  EXPECT_EQ(CodeOf(ChangeVisibility("jobs", {{"", "h", 1}}, true)), Errc::kInvalidBatchEntryId);
}

// ---- randomised model check ----

// Random sends, receives, deletes, visibility changes and clock moves, checked against a small
// model of which message is delayed, visible or in flight and which receipt is current.
TEST_F(MemoryEngineMessagesTest, RandomOperationsAgreeWithAModelOfMessageStates) {
  Create("jobs");
  struct ModelMessage {
    common::TimePoint visible_at;  // delayed or in flight until then
    bool received = false;
    int64_t receive_count = 0;
    std::string current_handle;
  };
  std::map<std::string, ModelMessage> live;                  // by message id
  std::vector<std::pair<std::string, std::string>> handles;  // (handle, message id), all ever
  std::mt19937 rng(7);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };

  for (int step = 0; step < 3000; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const common::TimePoint now = clock_.Now();
    switch (pick(5)) {
      case 0: {  // send
        int64_t delay = std::vector<int64_t>{0, 0, 1, 3}[pick(4)];
        SendEntryResult sent = Send("jobs", "m" + std::to_string(step), delay);
        live[sent.message_id] = {now + seconds(delay), false, 0, ""};
        break;
      }
      case 1: {  // receive
        int64_t max = 1 + pick(3);
        int64_t vt = std::vector<int64_t>{0, 1, 2, 5}[pick(4)];
        size_t ready = 0;
        for (const auto& [id, m] : live) ready += m.visible_at <= now ? 1 : 0;
        ReceiveResult got = Receive("jobs", max, vt);
        ASSERT_EQ(got.messages.size(), std::min<size_t>(max, ready));
        std::set<std::string> ids;
        for (const auto& r : got.messages) {
          const std::string& id = r.payload->message_id;
          ASSERT_TRUE(ids.insert(id).second) << "the same message twice in one receive";
          auto it = live.find(id);
          ASSERT_NE(it, live.end()) << "a deleted message was received";
          ModelMessage& m = it->second;
          ASSERT_LE(m.visible_at, now) << "a hidden message was received";
          EXPECT_EQ(r.receive_count, m.receive_count + 1);
          m.receive_count = r.receive_count;
          m.received = true;
          m.current_handle = r.receipt_handle;
          if (vt > 0) m.visible_at = now + seconds(vt);
          handles.emplace_back(r.receipt_handle, id);
        }
        break;
      }
      case 2: {  // delete with any handle ever given out
        if (handles.empty()) break;
        const auto& [handle, id] = handles[pick(static_cast<int>(handles.size()))];
        ASSERT_EQ(DeleteOne("jobs", handle), std::nullopt);
        live.erase(id);
        break;
      }
      case 3: {  // change visibility with any handle ever given out
        if (handles.empty()) break;
        const auto& [handle, id] = handles[pick(static_cast<int>(handles.size()))];
        int64_t vt = std::vector<int64_t>{0, 1, 4}[pick(3)];
        auto it = live.find(id);
        std::optional<Errc> expected;
        if (it == live.end() || it->second.current_handle != handle) {
          expected = Errc::kInvalidParameterValue;
        } else if (it->second.visible_at > now) {
          it->second.visible_at = now + seconds(vt);
        }  // else: no longer in flight, nothing changes
        ASSERT_EQ(ChangeOne("jobs", handle, vt), expected);
        break;
      }
      case 4:  // time passes
        clock_.Advance(Millis(pick(1500)));
        break;
    }
    // The counts agree with the model.
    const common::TimePoint t = clock_.Now();
    int ready = 0, inflight = 0, delayed = 0;
    for (const auto& [id, m] : live) {
      if (m.visible_at <= t) {
        ++ready;
      } else if (m.received) {
        ++inflight;
      } else {
        ++delayed;
      }
    }
    ASSERT_EQ(Counts("jobs"), std::to_string(ready) + "/" + std::to_string(inflight) + "/" +
                                  std::to_string(delayed));
  }
}

// ---- receive parameters and limits ----

TEST_F(MemoryEngineMessagesTest, ReceiveParameterRangesAreChecked) {
  Create("jobs");
  auto code = [&](std::optional<int64_t> max, std::optional<int64_t> vt,
                  std::optional<int64_t> wait) {
    return CodeOf(ReceiveCall({"jobs", max, vt, wait, std::nullopt}));
  };
  EXPECT_EQ(code(0, std::nullopt, 0), Errc::kInvalidParameterValue);
  EXPECT_EQ(code(11, std::nullopt, 0), Errc::kInvalidParameterValue);
  EXPECT_EQ(code(1, -1, 0), Errc::kInvalidParameterValue);
  EXPECT_EQ(code(1, 43201, 0), Errc::kInvalidParameterValue);
  EXPECT_EQ(code(1, std::nullopt, -1), Errc::kInvalidParameterValue);
  EXPECT_EQ(code(1, std::nullopt, 21), Errc::kInvalidParameterValue);
  EXPECT_TRUE(ReceiveCall({"jobs", 1, 0, 0, std::nullopt}).ok());
  EXPECT_TRUE(ReceiveCall({"jobs", 10, 43200, 0, std::nullopt}).ok());
  EXPECT_TRUE(ReceiveCall({"jobs", std::nullopt, std::nullopt, std::nullopt, std::nullopt}).ok());
  auto twenty = StartReceive("jobs", 20);
  clock_.Advance(seconds(20));
  EXPECT_TRUE(twenty.done());
}

TEST_F(MemoryEngineMessagesTest, ShortPollAtTheInFlightLimitIsOverLimit) {
  EngineOptions o = Options();
  o.max_inflight_per_queue = 2;
  Reset(o);
  Create("jobs");
  for (const char* b : {"1", "2", "3"}) Send("jobs", b);
  ReceiveResult got = Receive("jobs", 10);
  EXPECT_EQ(Bodies(got), (std::vector<std::string>{"1", "2"}));  // stops at the limit
  EXPECT_EQ(CodeOf(ReceiveCall({"jobs", 1, std::nullopt, 0, std::nullopt})), Errc::kOverLimit);

  // A long poll returns nothing, silently, at its deadline.
  auto waiter = StartReceive("jobs", 5);
  EXPECT_FALSE(waiter.done());
  clock_.Advance(seconds(5));
  ASSERT_TRUE(waiter.done());
  ASSERT_TRUE(waiter.result().ok());
  EXPECT_TRUE(waiter.result().value().messages.empty());

  // Deleting one makes room again.
  ASSERT_EQ(got.messages.size(), 2u);
  EXPECT_EQ(DeleteOne("jobs", got.messages[0].receipt_handle), std::nullopt);
  EXPECT_EQ(Bodies(Receive("jobs", 10)), (std::vector<std::string>{"3"}));
}

TEST_F(MemoryEngineMessagesTest, VisibilityZeroReceivesDoNotCountAsInFlight) {
  EngineOptions o = Options();
  o.max_inflight_per_queue = 1;
  Reset(o);
  Create("jobs");
  Send("jobs", "a");
  Send("jobs", "b");
  EXPECT_EQ(Receive("jobs", 10, 0).messages.size(), 2u);
  EXPECT_EQ(Receive("jobs", 10, 0).messages.size(), 2u);
}

}  // namespace
}  // namespace spool::engine
