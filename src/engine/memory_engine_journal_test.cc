// Durability: what the engine journals is exactly what it rebuilds on replay.

#include <gtest/gtest.h>

#include <optional>

#include "common/fake_clock.h"
#include "engine/journal_records.h"
#include "engine/memory_engine.h"

namespace spool::engine {
namespace {

template <class T>
T Get(std::function<void(Callback<T>)> call) {
  std::optional<Result<T>> out;
  call([&](Result<T> r) { out.emplace(std::move(r)); });
  EXPECT_TRUE(out.has_value());
  EXPECT_TRUE(out->ok()) << (out->ok() ? "" : out->error().message);
  return out->value();
}

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() { options_.receipt_secret = "k"; }

  std::unique_ptr<MemoryEngine> NewEngine() {
    return std::make_unique<MemoryEngine>(options_, &clock_, &clock_);
  }

  static void Create(MemoryEngine& e, const std::string& name, StringPairs attributes = {}) {
    Get<Empty>([&](auto cb) { e.CreateQueue({name, attributes, {}}, cb); });
  }
  static void Send(MemoryEngine& e, const std::string& q, const std::string& body,
                   int64_t delay = 0) {
    SendRequest req;
    req.queue = q;
    SendEntry entry;
    entry.id = "1";
    entry.body = body;
    if (delay) entry.delay_seconds = delay;
    req.entries.push_back(entry);
    auto r = Get<SendResult>([&](auto cb) { e.SendMessages(req, cb); });
    ASSERT_FALSE(r.entries[0].error);
  }
  static ReceiveResult Receive(MemoryEngine& e, const std::string& q, int64_t max = 10) {
    ReceiveRequest req;
    req.queue = q;
    req.max_messages = max;
    req.wait_seconds = 0;
    return Get<ReceiveResult>([&](auto cb) { e.ReceiveMessages(req, cb); });
  }
  static std::string Attr(MemoryEngine& e, const std::string& q, const std::string& name) {
    auto attrs = Get<StringPairs>([&](auto cb) { e.GetQueueAttributes(q, {name}, cb); });
    return attrs.empty() ? "" : attrs[0].second;
  }

  // Rebuilds a fresh engine from `e`'s snapshot.
  std::unique_ptr<MemoryEngine> Restore(MemoryEngine& e) {
    auto fresh = NewEngine();
    std::string error;
    for (const auto& r : e.SnapshotRecords()) EXPECT_TRUE(fresh->Replay(r, &error)) << error;
    return fresh;
  }

  EngineOptions options_;
  common::FakeClock clock_;
};

TEST_F(JournalTest, SnapshotRestoresQueuesAttributesTagsAndMessages) {
  auto e = NewEngine();
  Create(*e, "dlq");
  Create(
      *e, "orders",
      {{"VisibilityTimeout", "45"},
       {"RedrivePolicy",
        R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":2})"}});
  Get<Empty>([&](auto cb) { e->TagQueue("orders", {{"team", "web"}}, cb); });
  Send(*e, "orders", "a");
  Send(*e, "orders", "b");
  Send(*e, "orders", "later", 100);
  ASSERT_EQ(Receive(*e, "orders", 1).messages.size(), 1u);  // one in flight, count 1

  auto r = Restore(*e);
  EXPECT_EQ(Attr(*r, "orders", "VisibilityTimeout"), "45");
  EXPECT_NE(Attr(*r, "orders", "RedrivePolicy").find("dlq"), std::string::npos);
  auto tags = Get<StringPairs>([&](auto cb) { r->ListQueueTags("orders", cb); });
  EXPECT_EQ(tags, (StringPairs{{"team", "web"}}));
  // In-flight messages are visible again after recovery; the delayed one is still delayed.
  EXPECT_EQ(Attr(*r, "orders", "ApproximateNumberOfMessages"), "2");
  EXPECT_EQ(Attr(*r, "orders", "ApproximateNumberOfMessagesDelayed"), "1");
  auto got = Receive(*r, "orders");
  ASSERT_EQ(got.messages.size(), 2u);
  int64_t max_count = 0;
  HandleRequest del;
  del.queue = "orders";
  del.batch = true;
  for (const auto& m : got.messages) {
    max_count = std::max(max_count, m.receive_count);
    del.entries.push_back({std::to_string(del.entries.size()), m.receipt_handle, std::nullopt});
  }
  EXPECT_EQ(max_count, 2);  // the receive count survived
  Get<BatchResult>([&](auto cb) { r->DeleteMessages(del, cb); });
  clock_.Advance(common::Millis(100'000));
  EXPECT_EQ(Receive(*r, "orders").messages.at(0).payload->body(), "later");
}

TEST_F(JournalTest, OldReceiptHandlesStillDeleteAfterRestore) {
  auto e = NewEngine();
  Create(*e, "q");
  Send(*e, "q", "x");
  auto handle = Receive(*e, "q").messages.at(0).receipt_handle;
  auto r = Restore(*e);
  HandleRequest del;
  del.queue = "q";
  del.entries.push_back({"1", handle, std::nullopt});
  auto result = Get<BatchResult>([&](auto cb) { r->DeleteMessages(del, cb); });
  EXPECT_FALSE(result.entries[0].error);
  EXPECT_EQ(Attr(*r, "q", "ApproximateNumberOfMessages"), "0");
}

TEST_F(JournalTest, DeadLetterMoveSurvivesSnapshot) {
  auto e = NewEngine();
  Create(*e, "dlq");
  Create(
      *e, "src",
      {{"VisibilityTimeout", "0"},
       {"RedrivePolicy",
        R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1})"}});
  Send(*e, "src", "poison");
  ASSERT_EQ(Receive(*e, "src").messages.size(), 1u);
  ASSERT_EQ(Receive(*e, "src").messages.size(), 0u);  // moved
  auto r = Restore(*e);
  auto got = Receive(*r, "dlq");
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].dead_letter_source_arn, "arn:aws:sqs:us-east-1:000000000000:src");
}

TEST_F(JournalTest, ReplayOfIndividualRecordsFollowsTheirOrder) {
  auto r = NewEngine();
  std::string error;
  journal::CreateQueue create{5, "q", 1000, 1000, {}, {}};
  ASSERT_TRUE(r->Replay(journal::Encode(create), &error)) << error;
  journal::AddMessages add{5, {}};
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    journal::StoredMessage m;
    m.seq = seq;
    PayloadFields p;
    p.message_id = "m" + std::to_string(seq);
    p.body = "b";
    m.payload = MessagePayload::Create(std::move(p));
    m.enqueued_ms = common::ToEpochMillis(clock_.Now());
    add.messages.push_back(m);
  }
  ASSERT_TRUE(r->Replay(journal::Encode(add), &error));
  ASSERT_TRUE(r->Replay(journal::Encode(journal::DeleteMessages{5, {2}}), &error));
  ASSERT_TRUE(r->Replay(journal::Encode(journal::Receive{5, 3, 4, 1}), &error));
  EXPECT_EQ(Attr(*r, "q", "ApproximateNumberOfMessages"), "2");
  ASSERT_TRUE(r->Replay(journal::Encode(journal::PurgeQueue{5, 2000}), &error));
  EXPECT_EQ(Attr(*r, "q", "ApproximateNumberOfMessages"), "0");
  ASSERT_TRUE(r->Replay(journal::Encode(journal::DeleteQueue{5}), &error));
  auto missing = [&] {
    std::optional<Result<Empty>> out;
    r->LookupQueue("q", [&](Result<Empty> x) { out.emplace(std::move(x)); });
    return out && !out->ok();
  };
  EXPECT_TRUE(missing());
}

TEST_F(JournalTest, ReplayingAStateChangeTwiceIsHarmless) {
  // Records appended while a snapshot is taken land in the snapshot and after it.
  auto e = NewEngine();
  Create(*e, "q");
  Send(*e, "q", "keep");
  auto snapshot = e->SnapshotRecords();
  auto r = NewEngine();
  std::string error;
  for (const auto& rec : snapshot) ASSERT_TRUE(r->Replay(rec, &error)) << error;
  for (const auto& rec : snapshot) ASSERT_TRUE(r->Replay(rec, &error)) << error;
  EXPECT_EQ(Attr(*r, "q", "ApproximateNumberOfMessages"), "1");
  ASSERT_TRUE(r->Replay(snapshot.at(0), &error));  // the CreateQueue record alone
  EXPECT_EQ(Attr(*r, "q", "ApproximateNumberOfMessages"), "1");
}

TEST_F(JournalTest, MalformedRecordIsReportedNotApplied) {
  auto r = NewEngine();
  std::string error;
  EXPECT_FALSE(r->Replay("\x06garbage", &error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace spool::engine
