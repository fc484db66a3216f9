// Message move tasks through MemoryEngine: validation, moving back to each message's source or
// to a chosen queue, the rate limit, cancelling, listing.

#include "engine/memory_engine_messages_fixture.h"

namespace spool::engine {
namespace {

class MoveTaskTest : public MemoryEngineMessagesTest {
 protected:
  void SetUp() override {
    Create("dlq");
    Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  }
  // Sends `n` messages to src and lets them all fail into dlq.
  std::vector<std::string> Poison(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(Send("src", "p" + std::to_string(i)).message_id);
    while (!Receive("src", 10, 0).messages.empty()) {
    }
    EXPECT_EQ(Counts("dlq"), std::to_string(n) + "/0/0");
    return ids;
  }
  Result<std::string> Start(StartMoveTaskRequest req) {
    return Sync<std::string>(
        [&](auto cb) { engine_->StartMessageMoveTask(std::move(req), std::move(cb)); });
  }
  std::vector<MoveTaskInfo> List(const std::string& queue, int64_t max = 10) {
    auto r = Sync<std::vector<MoveTaskInfo>>(
        [&](auto cb) { engine_->ListMessageMoveTasks(Arn(queue), max, std::move(cb)); });
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::vector<MoveTaskInfo>{};
  }
  void Run(int slices) {
    for (int i = 0; i < slices; ++i) clock_.Advance(Millis(100));
  }
};

TEST_F(MoveTaskTest, StartIsValidated) {
  EXPECT_EQ(Start({Arn("src"), std::nullopt, std::nullopt}).error().code,
            Errc::kInvalidParameterValue);  // not a dead-letter queue
  EXPECT_EQ(Start({Arn("nope"), std::nullopt, std::nullopt}).error().code, Errc::kResourceNotFound);
  EXPECT_EQ(Start({Arn("dlq"), Arn("nope"), std::nullopt}).error().code, Errc::kResourceNotFound);
  EXPECT_EQ(Start({Arn("dlq"), std::nullopt, 501}).error().code, Errc::kInvalidParameterValue);
  EXPECT_EQ(Start({Arn("dlq"), std::nullopt, 0}).error().code, Errc::kInvalidParameterValue);
  auto bad_list = Sync<std::vector<MoveTaskInfo>>(
      [&](auto cb) { engine_->ListMessageMoveTasks(Arn("dlq"), 11, std::move(cb)); });
  EXPECT_EQ(bad_list.error().code, Errc::kInvalidParameterValue);
  auto cancel = Sync<int64_t>([&](auto cb) { engine_->CancelMessageMoveTask("x", std::move(cb)); });
  EXPECT_EQ(cancel.error().code, Errc::kResourceNotFound);
}

TEST_F(MoveTaskTest, MessagesGoBackToTheirSourceAsNewMessages) {
  std::vector<std::string> ids = Poison(3);
  auto handle = Start({Arn("dlq"), std::nullopt, std::nullopt});
  ASSERT_TRUE(handle.ok());
  std::vector<MoveTaskInfo> running = List("dlq");
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].handle, handle.value());
  EXPECT_EQ(running[0].to_move, 3);
  Run(3);
  EXPECT_EQ(Counts("dlq"), "0/0/0");
  ReceiveResult back = Receive("src", 10);
  ASSERT_EQ(back.messages.size(), 3u);
  std::set<std::string> bodies;
  for (const auto& m : back.messages) {
    bodies.insert(std::string(m.payload->body()));
    EXPECT_EQ(std::count(ids.begin(), ids.end(), m.payload->message_id()), 0);  // new id
    EXPECT_EQ(m.receive_count, 1);
    EXPECT_EQ(m.dead_letter_source_arn, "");
  }
  EXPECT_EQ(bodies, (std::set<std::string>{"p0", "p1", "p2"}));
  std::vector<MoveTaskInfo> done = List("dlq");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status, "COMPLETED");
  EXPECT_EQ(done[0].moved, 3);
  EXPECT_EQ(done[0].handle, "");  // only shown while running
}

TEST_F(MoveTaskTest, ToAChosenDestinationAtTheGivenRateAndCancelled) {
  Poison(25);
  Create("elsewhere");
  auto handle = Start({Arn("dlq"), Arn("elsewhere"), 10});  // one message per 100 ms
  ASSERT_TRUE(handle.ok());
  EXPECT_EQ(Start({Arn("dlq"), std::nullopt, std::nullopt}).error().code,
            Errc::kInvalidParameterValue);  // one running task per source
  Run(5);
  std::string moved_so_far = Attribute("elsewhere", "ApproximateNumberOfMessages");
  EXPECT_TRUE(moved_so_far == "5" || moved_so_far == "6") << moved_so_far;
  auto cancel = Sync<int64_t>(
      [&](auto cb) { engine_->CancelMessageMoveTask(handle.value(), std::move(cb)); });
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(std::to_string(cancel.value()), moved_so_far);
  Run(10);
  EXPECT_EQ(Attribute("elsewhere", "ApproximateNumberOfMessages"), moved_so_far);
  EXPECT_EQ(List("dlq").at(0).status, "CANCELLED");
  // A new task may start now; it takes the rest.
  ASSERT_TRUE(Start({Arn("dlq"), Arn("elsewhere"), std::nullopt}).ok());
  Run(2);
  EXPECT_EQ(Attribute("elsewhere", "ApproximateNumberOfMessages"), "25");
  std::vector<MoveTaskInfo> tasks = List("dlq");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].status, "COMPLETED");  // most recent first
  EXPECT_EQ(tasks[1].status, "CANCELLED");
  EXPECT_EQ(List("dlq", 1).size(), 1u);
}

TEST_F(MoveTaskTest, FailsWhenTheOriginalSourceIsGone) {
  Poison(2);
  ASSERT_TRUE(Sync<Empty>([&](auto cb) { engine_->DeleteQueue("src", std::move(cb)); }).ok());
  ASSERT_TRUE(Start({Arn("dlq"), std::nullopt, std::nullopt}).error().code ==
              Errc::kInvalidParameterValue);  // no queue names dlq as its DLQ any more
  Create("src2", {{"RedrivePolicy", RedriveTo("dlq", 1)}});
  ASSERT_TRUE(Start({Arn("dlq"), std::nullopt, std::nullopt}).ok());
  Run(1);
  std::vector<MoveTaskInfo> tasks = List("dlq");
  EXPECT_EQ(tasks.at(0).status, "FAILED");
  EXPECT_NE(tasks.at(0).failure_reason, "");
  EXPECT_EQ(Counts("dlq"), "2/0/0");  // nothing lost
}

}  // namespace
}  // namespace spool::engine
