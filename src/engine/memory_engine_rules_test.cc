// MemoryEngine: dead-letter moves, retention, send validation, batch rules, receive limits and a
// randomised model check. Time is a FakeClock; nothing sleeps.

#include "engine/memory_engine_messages_fixture.h"

namespace spool::engine {
namespace {

using common::Millis;
using std::chrono::seconds;

class MemoryEngineRulesTest : public MemoryEngineMessagesTest {};

// ---- dead-letter queues ----

TEST_F(MemoryEngineRulesTest, MessageMovesToTheDeadLetterQueueAfterMaxReceiveCount) {
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
  EXPECT_EQ(dead.payload->message_id(), sent.message_id);
  EXPECT_EQ(dead.payload->body(), "poison");
  EXPECT_EQ(dead.dead_letter_source_arn, Arn("src"));
}

TEST_F(MemoryEngineRulesTest, MaxReceiveCountOneDeliversOnceThenMoves) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  Send("src", "once");
  ReceiveOne("src", 1);
  clock_.Advance(seconds(1));
  EXPECT_TRUE(Receive("src").messages.empty());
  EXPECT_EQ(Bodies(Receive("dlq")), (std::vector<std::string>{"once"}));
}

TEST_F(MemoryEngineRulesTest, HealthyMessagesKeepFlowingWhileAPoisonOneMoves) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  Send("src", "poison");
  ReceiveOne("src", 0);
  Send("src", "good");
  // The poison message is moved and the receive goes on to the next one.
  EXPECT_EQ(Bodies(Receive("src", 10)), (std::vector<std::string>{"good"}));
  EXPECT_EQ(Counts("dlq"), "1/0/0");
}

TEST_F(MemoryEngineRulesTest, WaiterOnTheDeadLetterQueueIsWokenByTheMove) {
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
  EXPECT_EQ(m.payload->message_id(), sent.message_id);
  EXPECT_EQ(m.dead_letter_source_arn, Arn("src"));
}

TEST_F(MemoryEngineRulesTest, WaiterOnTheSourceKeepsWaitingWhenItsMessageIsMoved) {
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

TEST_F(MemoryEngineRulesTest, MovedMessageKeepsItsOriginalRetentionClock) {
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

TEST_F(MemoryEngineRulesTest, MissingDeadLetterQueueLeavesMessagesInTheSource) {
  Create("dlq");
  Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  ASSERT_TRUE(Sync<Empty>([&](auto cb) { engine_->DeleteQueue("dlq", std::move(cb)); }).ok());
  Send("src", "x");
  ReceiveOne("src", 0);
  EXPECT_EQ(ReceiveOne("src", 0).receive_count, 2);
}

// ---- retention ----

TEST_F(MemoryEngineRulesTest, MessagesOlderThanTheRetentionPeriodDisappear) {
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

TEST_F(MemoryEngineRulesTest, SendRejectsMissingEmptyAndInvalidBodies) {
  Create("jobs");
  EXPECT_EQ(SendError("jobs", Entry("1", std::nullopt)), Errc::kMissingParameter);
  EXPECT_EQ(SendError("jobs", Entry("1", "")), Errc::kMissingParameter);
  EXPECT_EQ(SendError("jobs", Entry("1", "bad\x01")), Errc::kInvalidMessageContents);
  EXPECT_EQ(SendError("jobs", Entry("1", "\xef\xbf\xbe")), Errc::kInvalidMessageContents);
  EXPECT_EQ(SendError("jobs", Entry("1", "\xc3")), Errc::kInvalidMessageContents);
  Send("jobs", "ok \t\n\r \xf0\x9f\x98\x80");
  EXPECT_EQ(Counts("jobs"), "1/0/0");
}

TEST_F(MemoryEngineRulesTest, SendRejectsBadAttributes) {
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

TEST_F(MemoryEngineRulesTest, DeduplicationIdIsRejectedOnAStandardQueue) {
  Create("jobs");
  SendEntry e = Entry("1", "x");
  e.deduplication_id = "dedup-1";
  EXPECT_EQ(SendError("jobs", e), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineRulesTest, GroupIdIsAcceptedOnAStandardQueueWhenValid) {
  Create("jobs");
  SendEntry e = Entry("1", "x");
  e.group_id = "tenant-7";
  Send("jobs", e);
  EXPECT_EQ(ReceiveOne("jobs").payload->group_id(), "tenant-7");
  e.group_id = "has space";
  EXPECT_EQ(SendError("jobs", e), Errc::kInvalidParameterValue);
  e.group_id = std::string(129, 'g');
  EXPECT_EQ(SendError("jobs", e), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineRulesTest, MessageSizeLimitFollowsMaximumMessageSize) {
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

TEST_F(MemoryEngineRulesTest, DefaultMessageSizeLimitIsOneMebibyte) {
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

TEST_F(MemoryEngineRulesTest, SendBatchRejectsEmptyAndOversizedRequests) {
  Create("jobs");
  EXPECT_EQ(CodeOf(SendCall("jobs", {}, true)), Errc::kEmptyBatch);
  EXPECT_EQ(CodeOf(SendCall("jobs", Entries(11), true)), Errc::kTooManyEntries);
  auto ten = SendCall("jobs", Entries(10), true);
  ASSERT_TRUE(ten.ok());
  EXPECT_EQ(ten.value().entries.size(), 10u);
  EXPECT_EQ(Counts("jobs"), "10/0/0");
}

TEST_F(MemoryEngineRulesTest, SendBatchRejectsBadAndDuplicateIds) {
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

TEST_F(MemoryEngineRulesTest, SendBatchOverOneMebibyteInTotalIsBatchTooLong) {
  Create("jobs");
  std::vector<SendEntry> entries = {Entry("a", std::string(600000, 'a')),
                                    Entry("b", std::string(448576, 'b'))};  // exactly 1 MiB
  ASSERT_TRUE(SendCall("jobs", entries, true).ok());
  entries[1].body = std::string(448577, 'b');
  EXPECT_EQ(CodeOf(SendCall("jobs", entries, true)), Errc::kBatchTooLong);
  EXPECT_EQ(Counts("jobs"), "2/0/0");  // only the first batch
}

TEST_F(MemoryEngineRulesTest, SingleSendIgnoresBatchIdRules) {
  Create("jobs");
  Send("jobs", Entry("not a valid batch id!", "x"));
  EXPECT_EQ(Counts("jobs"), "1/0/0");
}

TEST_F(MemoryEngineRulesTest, FailedBatchEntriesDoNotStopTheOthers) {
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

TEST_F(MemoryEngineRulesTest, DeleteBatchRulesAndPerEntryResults) {
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

TEST_F(MemoryEngineRulesTest, ChangeVisibilityBatchRules) {
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
TEST_F(MemoryEngineRulesTest, RandomOperationsAgreeWithAModelOfMessageStates) {
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
          const std::string id = r.payload->message_id();
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

TEST_F(MemoryEngineRulesTest, ReceiveParameterRangesAreChecked) {
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

TEST_F(MemoryEngineRulesTest, ShortPollAtTheInFlightLimitIsOverLimit) {
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

TEST_F(MemoryEngineRulesTest, VisibilityZeroReceivesDoNotCountAsInFlight) {
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
