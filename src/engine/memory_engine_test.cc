// MemoryEngine: queue administration. Time is a FakeClock; nothing sleeps.

#include "engine/memory_engine.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/fake_clock.h"
#include "engine/engine_testing.h"

namespace spool::engine {
namespace {

using common::Millis;
using std::chrono::seconds;

constexpr const char* kArnPrefix = "arn:aws:sqs:us-east-1:000000000000:";

class MemoryEngineTest : public ::testing::Test {
 protected:
  MemoryEngineTest() : engine_(Options(), &clock_, &clock_) {}

  static EngineOptions Options() {
    EngineOptions o;
    o.receipt_secret = "test-secret";
    return o;
  }

  static std::string Arn(const std::string& name) { return kArnPrefix + name; }

  Result<Empty> Create(const std::string& name, StringPairs attributes = {},
                       StringPairs tags = {}) {
    return Sync<Empty>([&](auto cb) {
      engine_.CreateQueue({name, std::move(attributes), std::move(tags)}, std::move(cb));
    });
  }
  Result<Empty> Delete(const std::string& name) {
    return Sync<Empty>([&](auto cb) { engine_.DeleteQueue(name, std::move(cb)); });
  }
  Result<Empty> Lookup(const std::string& name) {
    return Sync<Empty>([&](auto cb) { engine_.LookupQueue(name, std::move(cb)); });
  }
  Result<ListQueuesResult> List(ListQueuesRequest req) {
    return Sync<ListQueuesResult>(
        [&](auto cb) { engine_.ListQueues(std::move(req), std::move(cb)); });
  }
  Result<StringPairs> GetAttributes(const std::string& name, std::vector<std::string> names) {
    return Sync<StringPairs>(
        [&](auto cb) { engine_.GetQueueAttributes(name, std::move(names), std::move(cb)); });
  }
  // All attributes as a map; fails the test when the call fails.
  std::map<std::string, std::string> AllAttributes(const std::string& name) {
    auto r = GetAttributes(name, {"All"});
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    return {r.value().begin(), r.value().end()};
  }
  std::string Attribute(const std::string& queue, const std::string& attribute) {
    auto r = GetAttributes(queue, {attribute});
    EXPECT_TRUE(r.ok()) << attribute;
    if (!r.ok() || r.value().empty()) return "<absent>";
    return r.value().front().second;
  }
  Result<Empty> SetAttributes(const std::string& name, StringPairs attributes) {
    return Sync<Empty>(
        [&](auto cb) { engine_.SetQueueAttributes(name, std::move(attributes), std::move(cb)); });
  }
  Result<Empty> Purge(const std::string& name) {
    return Sync<Empty>([&](auto cb) { engine_.PurgeQueue(name, std::move(cb)); });
  }
  Result<Empty> Tag(const std::string& name, StringPairs tags) {
    return Sync<Empty>([&](auto cb) { engine_.TagQueue(name, std::move(tags), std::move(cb)); });
  }
  Result<Empty> Untag(const std::string& name, std::vector<std::string> keys) {
    return Sync<Empty>([&](auto cb) { engine_.UntagQueue(name, std::move(keys), std::move(cb)); });
  }
  Result<StringPairs> Tags(const std::string& name) {
    return Sync<StringPairs>([&](auto cb) { engine_.ListQueueTags(name, std::move(cb)); });
  }
  Result<ListQueuesResult> Sources(const std::string& name, ListQueuesRequest page = {}) {
    return Sync<ListQueuesResult>(
        [&](auto cb) { engine_.ListDeadLetterSourceQueues(name, std::move(page), std::move(cb)); });
  }
  Result<SendResult> Send(const std::string& queue, const std::string& body,
                          std::optional<int64_t> delay = std::nullopt) {
    SendEntry e;
    e.id = "1";
    e.body = body;
    e.delay_seconds = delay;
    return Sync<SendResult>([&](auto cb) {
      engine_.SendMessages({queue, {std::move(e)}, false, ""}, std::move(cb));
    });
  }
  Result<ReceiveResult> Receive(const std::string& queue, int64_t max = 1) {
    ReceiveRequest req;
    req.queue = queue;
    req.max_messages = max;
    req.wait_seconds = 0;
    return Sync<ReceiveResult>([&](auto cb) { engine_.ReceiveMessages(req, std::move(cb)); });
  }

  static std::string RedriveTo(const std::string& dlq, int count) {
    return R"({"deadLetterTargetArn":")" + Arn(dlq) + R"(","maxReceiveCount":)" +
           std::to_string(count) + "}";
  }

  common::FakeClock clock_;
  MemoryEngine engine_;
};

// ---- create / delete / lookup ----

TEST_F(MemoryEngineTest, CreatedQueueCanBeLookedUp) {
  EXPECT_EQ(CodeOf(Lookup("jobs")), Errc::kQueueNotFound);
  ASSERT_TRUE(Create("jobs").ok());
  EXPECT_TRUE(Lookup("jobs").ok());
  EXPECT_EQ(CodeOf(Lookup("Jobs")), Errc::kQueueNotFound);  // case-sensitive
}

TEST_F(MemoryEngineTest, CreateWithTheSameAttributesIsIdempotent) {
  ASSERT_TRUE(Create("jobs", {{"VisibilityTimeout", "45"}, {"DelaySeconds", "2"}}).ok());
  EXPECT_TRUE(Create("jobs", {{"VisibilityTimeout", "45"}, {"DelaySeconds", "2"}}).ok());
  EXPECT_TRUE(Create("jobs").ok());  // name only: get or create
  EXPECT_TRUE(Create("jobs", {{"VisibilityTimeout", "45"}}).ok());
  EXPECT_TRUE(Create("jobs", {{"SqsManagedSseEnabled", "TRUE"}}).ok());      // normalised
  EXPECT_TRUE(Create("jobs", {{"MessageRetentionPeriod", "345600"}}).ok());  // the default
  EXPECT_EQ(Attribute("jobs", "VisibilityTimeout"), "45");
}

TEST_F(MemoryEngineTest, CreateWithADifferentAttributeIsQueueNameExists) {
  ASSERT_TRUE(Create("jobs", {{"VisibilityTimeout", "45"}}).ok());
  auto r = Create("jobs", {{"VisibilityTimeout", "46"}});
  EXPECT_EQ(CodeOf(r), Errc::kQueueNameExists);
  if (!r.ok()) {
    EXPECT_NE(r.error().message.find("VisibilityTimeout"), std::string::npos);
  }
  EXPECT_EQ(CodeOf(Create("jobs", {{"DelaySeconds", "1"}})), Errc::kQueueNameExists);
  EXPECT_EQ(Attribute("jobs", "VisibilityTimeout"), "45");  // unchanged
}

TEST_F(MemoryEngineTest, CreateIgnoresTagsOfAnExistingQueue) {
  ASSERT_TRUE(Create("jobs", {}, {{"team", "a"}}).ok());
  EXPECT_TRUE(Create("jobs", {}, {{"team", "b"}}).ok());
  auto tags = Tags("jobs");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value(), (StringPairs{{"team", "a"}}));
}

TEST_F(MemoryEngineTest, CreateRejectsBadNamesAndAttributes) {
  EXPECT_EQ(CodeOf(Create("bad name")), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Create("")), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Create(std::string(81, 'a'))), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Create("jobs.fifo")), Errc::kInvalidParameterValue);  // standard queue
  EXPECT_EQ(CodeOf(Create("jobs", {{"Bogus", "1"}})), Errc::kInvalidAttributeName);
  EXPECT_EQ(CodeOf(Create("jobs", {{"QueueArn", Arn("jobs")}})), Errc::kInvalidAttributeName);
  EXPECT_EQ(CodeOf(Create("jobs", {{"ContentBasedDeduplication", "true"}})),
            Errc::kInvalidAttributeName);
  EXPECT_EQ(CodeOf(Create("jobs", {{"VisibilityTimeout", "43201"}})), Errc::kInvalidAttributeValue);
  EXPECT_EQ(CodeOf(Lookup("jobs")), Errc::kQueueNotFound);  // nothing was created
}

TEST_F(MemoryEngineTest, CreateBeyondMaxQueuesIsOverLimit) {
  EngineOptions o = Options();
  o.max_queues = 2;
  MemoryEngine engine(o, &clock_, &clock_);
  auto create = [&](const std::string& name) {
    return Sync<Empty>([&](auto cb) { engine.CreateQueue({name, {}, {}}, std::move(cb)); });
  };
  EXPECT_TRUE(create("a").ok());
  EXPECT_TRUE(create("b").ok());
  EXPECT_EQ(CodeOf(create("c")), Errc::kOverLimit);
  EXPECT_TRUE(create("a").ok());  // existing: still fine
}

TEST_F(MemoryEngineTest, DeletedNameIsBlockedForSixtySeconds) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(Delete("jobs").ok());
  EXPECT_EQ(CodeOf(Lookup("jobs")), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Create("jobs")), Errc::kQueueDeletedRecently);
  clock_.Advance(seconds(59));
  EXPECT_EQ(CodeOf(Create("jobs")), Errc::kQueueDeletedRecently);
  EXPECT_TRUE(Create("other").ok());  // other names are not affected
  clock_.Advance(seconds(1));
  EXPECT_TRUE(Create("jobs").ok());
  EXPECT_TRUE(Lookup("jobs").ok());
}

TEST_F(MemoryEngineTest, RecreatedQueueStartsEmptyAndUntagged) {
  ASSERT_TRUE(Create("jobs", {{"DelaySeconds", "5"}}, {{"k", "v"}}).ok());
  ASSERT_TRUE(Send("jobs", "old").ok());
  ASSERT_TRUE(Delete("jobs").ok());
  clock_.Advance(seconds(60));
  ASSERT_TRUE(Create("jobs").ok());
  EXPECT_EQ(Attribute("jobs", "ApproximateNumberOfMessagesDelayed"), "0");
  EXPECT_EQ(Attribute("jobs", "DelaySeconds"), "0");
  auto tags = Tags("jobs");
  ASSERT_TRUE(tags.ok());
  EXPECT_TRUE(tags.value().empty());
}

TEST_F(MemoryEngineTest, OperationsOnAMissingQueueAreQueueNotFound) {
  EXPECT_EQ(CodeOf(Delete("nope")), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(GetAttributes("nope", {"All"})), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(SetAttributes("nope", {{"DelaySeconds", "1"}})), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Purge("nope")), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Tag("nope", {{"a", "b"}})), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Untag("nope", {"a"})), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Tags("nope")), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Sources("nope")), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Send("nope", "x")), Errc::kQueueNotFound);
  EXPECT_EQ(CodeOf(Receive("nope")), Errc::kQueueNotFound);
}

// ---- list ----

TEST_F(MemoryEngineTest, ListReturnsNamesInOrderFilteredByPrefix) {
  for (const char* n : {"beta", "alpha", "alpha-2", "Alpha", "gamma"}) ASSERT_TRUE(Create(n).ok());
  auto all = List({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().names,
            (std::vector<std::string>{"Alpha", "alpha", "alpha-2", "beta", "gamma"}));
  EXPECT_FALSE(all.value().next_token.has_value());

  auto alpha = List({"alpha", std::nullopt, std::nullopt});
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ(alpha.value().names, (std::vector<std::string>{"alpha", "alpha-2"}));

  auto none = List({"zeta", std::nullopt, std::nullopt});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().names.empty());
  EXPECT_FALSE(none.value().next_token.has_value());
}

TEST_F(MemoryEngineTest, ListPagesThroughEveryQueueWithNextToken) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) {
    created.push_back("q" + std::to_string(i));
    ASSERT_TRUE(Create(created.back()).ok());
  }
  ASSERT_TRUE(Create("other").ok());
  std::vector<std::string> seen;
  std::optional<std::string> token;
  int pages = 0;
  do {
    auto page = List({"q", 3, token});
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page.value().names.size(), 3u);
    seen.insert(seen.end(), page.value().names.begin(), page.value().names.end());
    token = page.value().next_token;
    ++pages;
  } while (token && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
}

TEST_F(MemoryEngineTest, ListGivesNoTokenWhenThePageHoldsTheRest) {
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(Create(n).ok());
  auto exact = List({"", 3, std::nullopt});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact.value().names.size(), 3u);
  EXPECT_FALSE(exact.value().next_token.has_value());
  auto first = List({"", 2, std::nullopt});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first.value().next_token.has_value());
  auto last = List({"", 2, first.value().next_token});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.value().names, (std::vector<std::string>{"c"}));
  EXPECT_FALSE(last.value().next_token.has_value());
}

TEST_F(MemoryEngineTest, ListRejectsBadMaxResultsAndTokens) {
  ASSERT_TRUE(Create("a").ok());
  EXPECT_EQ(CodeOf(List({"", 0, std::nullopt})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(List({"", 1001, std::nullopt})), Errc::kInvalidParameterValue);
  EXPECT_TRUE(List({"", 1000, std::nullopt}).ok());
  EXPECT_TRUE(List({"", 1, std::nullopt}).ok());
  EXPECT_EQ(CodeOf(List({"", 5, "!!not base64!!"})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(List({"", 5, ""})), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineTest, ListWithoutMaxResultsReturnsAtMostOneThousand) {
  for (int i = 0; i < 1001; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "q%04d", i);
    ASSERT_TRUE(Create(name).ok());
  }
  auto r = List({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().names.size(), 1000u);
  EXPECT_FALSE(r.value().next_token.has_value());
}

// ---- attributes ----

TEST_F(MemoryEngineTest, AllAttributesOfANewQueue) {
  ASSERT_TRUE(Create("jobs").ok());
  auto attrs = AllAttributes("jobs");
  const std::string created = std::to_string(common::ToEpochMillis(clock_.Now()) / 1000);
  std::map<std::string, std::string> expected = {
      {"QueueArn", Arn("jobs")},
      {"ApproximateNumberOfMessages", "0"},
      {"ApproximateNumberOfMessagesNotVisible", "0"},
      {"ApproximateNumberOfMessagesDelayed", "0"},
      {"CreatedTimestamp", created},
      {"LastModifiedTimestamp", created},
      {"VisibilityTimeout", "30"},
      {"MaximumMessageSize", "1048576"},
      {"MessageRetentionPeriod", "345600"},
      {"DelaySeconds", "0"},
      {"ReceiveMessageWaitTimeSeconds", "0"},
      {"SqsManagedSseEnabled", "true"},
  };
  EXPECT_EQ(attrs, expected);
}

TEST_F(MemoryEngineTest, AllStartsWithTheQueueArnAndHasNoDuplicates) {
  ASSERT_TRUE(Create("jobs").ok());
  auto r = GetAttributes("jobs", {"All", "VisibilityTimeout", "All"});
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r.value().empty());
  EXPECT_EQ(r.value().front(), (std::pair<std::string, std::string>{"QueueArn", Arn("jobs")}));
  std::map<std::string, std::string> unique(r.value().begin(), r.value().end());
  EXPECT_EQ(unique.size(), r.value().size());
}

TEST_F(MemoryEngineTest, IndividualAttributesAreReturnedInRequestOrder) {
  ASSERT_TRUE(Create("jobs", {{"VisibilityTimeout", "7"}}).ok());
  auto r = GetAttributes(
      "jobs", {"VisibilityTimeout", "QueueArn", "VisibilityTimeout", "Policy", "FifoQueue"});
  ASSERT_TRUE(r.ok());
  // Unset (Policy) and not applicable (FifoQueue) names are left out; repeats once.
  EXPECT_EQ(r.value(), (StringPairs{{"VisibilityTimeout", "7"}, {"QueueArn", Arn("jobs")}}));
}

TEST_F(MemoryEngineTest, NoAttributeNamesGiveAnEmptyResult) {
  ASSERT_TRUE(Create("jobs").ok());
  auto r = GetAttributes("jobs", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().empty());
}

TEST_F(MemoryEngineTest, UnknownAttributeNameInGetIsInvalidAttributeName) {
  ASSERT_TRUE(Create("jobs").ok());
  auto r = GetAttributes("jobs", {"VisibilityTimeout", "Bogus"});
  EXPECT_EQ(CodeOf(r), Errc::kInvalidAttributeName);
  if (!r.ok()) {
    EXPECT_EQ(r.error().message, "Unknown Attribute Bogus.");
  }
}

TEST_F(MemoryEngineTest, MessageCountsFollowTheMessageStates) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(Send("jobs", "ready-1").ok());
  ASSERT_TRUE(Send("jobs", "ready-2").ok());
  ASSERT_TRUE(Send("jobs", "ready-3").ok());
  ASSERT_TRUE(Send("jobs", "delayed", 30).ok());
  auto got = Receive("jobs");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got.value().messages.size(), 1u);
  auto attrs = AllAttributes("jobs");
  EXPECT_EQ(attrs["ApproximateNumberOfMessages"], "2");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesNotVisible"], "1");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesDelayed"], "1");
  clock_.Advance(seconds(30));  // the delay and the visibility timeout both end
  attrs = AllAttributes("jobs");
  EXPECT_EQ(attrs["ApproximateNumberOfMessages"], "4");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesNotVisible"], "0");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesDelayed"], "0");
}

TEST_F(MemoryEngineTest, TimestampsAreEpochSecondsAndSetBumpsLastModified) {
  ASSERT_TRUE(Create("jobs").ok());
  const int64_t created = common::ToEpochMillis(clock_.Now()) / 1000;
  clock_.Advance(seconds(90));
  ASSERT_TRUE(SetAttributes("jobs", {{"VisibilityTimeout", "10"}}).ok());
  EXPECT_EQ(Attribute("jobs", "CreatedTimestamp"), std::to_string(created));
  EXPECT_EQ(Attribute("jobs", "LastModifiedTimestamp"), std::to_string(created + 90));
  clock_.Advance(seconds(10));
  EXPECT_EQ(CodeOf(SetAttributes("jobs", {{"VisibilityTimeout", "-1"}})),
            Errc::kInvalidAttributeValue);
  EXPECT_EQ(Attribute("jobs", "LastModifiedTimestamp"), std::to_string(created + 90));
}

TEST_F(MemoryEngineTest, SetAttributesChangesValues) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(SetAttributes("jobs", {{"VisibilityTimeout", "60"},
                                     {"DelaySeconds", "900"},
                                     {"ReceiveMessageWaitTimeSeconds", "20"},
                                     {"MaximumMessageSize", "1024"},
                                     {"MessageRetentionPeriod", "60"},
                                     {"Policy", R"({"Statement":[]})"}})
                  .ok());
  auto attrs = AllAttributes("jobs");
  EXPECT_EQ(attrs["VisibilityTimeout"], "60");
  EXPECT_EQ(attrs["DelaySeconds"], "900");
  EXPECT_EQ(attrs["ReceiveMessageWaitTimeSeconds"], "20");
  EXPECT_EQ(attrs["MaximumMessageSize"], "1024");
  EXPECT_EQ(attrs["MessageRetentionPeriod"], "60");
  EXPECT_EQ(attrs["Policy"], R"({"Statement":[]})");
  ASSERT_TRUE(SetAttributes("jobs", {{"Policy", ""}}).ok());
  EXPECT_EQ(AllAttributes("jobs").count("Policy"), 0u);
}

TEST_F(MemoryEngineTest, SetAttributesIsAllOrNothing) {
  ASSERT_TRUE(Create("jobs").ok());
  EXPECT_EQ(CodeOf(SetAttributes("jobs", {{"VisibilityTimeout", "60"}, {"DelaySeconds", "901"}})),
            Errc::kInvalidAttributeValue);
  EXPECT_EQ(Attribute("jobs", "VisibilityTimeout"), "30");
}

TEST_F(MemoryEngineTest, SetRejectsReadOnlyUnknownAndFifoNames) {
  ASSERT_TRUE(Create("jobs").ok());
  for (const char* name :
       {"QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp", "LastModifiedTimestamp",
        "FifoQueue", "ContentBasedDeduplication", "Bogus"}) {
    EXPECT_EQ(CodeOf(SetAttributes("jobs", {{name, "1"}})), Errc::kInvalidAttributeName) << name;
  }
}

TEST_F(MemoryEngineTest, LoweredRetentionAppliesToStoredMessagesAtOnce) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(Send("jobs", "old").ok());
  clock_.Advance(seconds(120));
  ASSERT_TRUE(Send("jobs", "new").ok());
  ASSERT_TRUE(SetAttributes("jobs", {{"MessageRetentionPeriod", "60"}}).ok());
  EXPECT_EQ(Attribute("jobs", "ApproximateNumberOfMessages"), "1");
}

// ---- purge ----

TEST_F(MemoryEngineTest, PurgeDeletesMessagesInEveryState) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(Send("jobs", "a").ok());
  ASSERT_TRUE(Send("jobs", "b").ok());
  ASSERT_TRUE(Send("jobs", "c", 60).ok());
  ASSERT_TRUE(Receive("jobs").ok());
  ASSERT_TRUE(Purge("jobs").ok());
  auto attrs = AllAttributes("jobs");
  EXPECT_EQ(attrs["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesNotVisible"], "0");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesDelayed"], "0");
  clock_.Advance(seconds(120));  // nothing comes back
  auto got = Receive("jobs", 10);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got.value().messages.empty());
}

TEST_F(MemoryEngineTest, SecondPurgeWithinSixtySecondsIsPurgeInProgress) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(Purge("jobs").ok());
  ASSERT_TRUE(Send("jobs", "kept").ok());
  clock_.Advance(seconds(59));
  EXPECT_EQ(CodeOf(Purge("jobs")), Errc::kPurgeInProgress);
  EXPECT_EQ(Attribute("jobs", "ApproximateNumberOfMessages"), "1");  // the failed purge did nothing
  clock_.Advance(seconds(1));
  EXPECT_TRUE(Purge("jobs").ok());
  EXPECT_EQ(Attribute("jobs", "ApproximateNumberOfMessages"), "0");
}

TEST_F(MemoryEngineTest, PurgedQueueStillTakesMessages) {
  ASSERT_TRUE(Create("jobs").ok());
  ASSERT_TRUE(Send("jobs", "a").ok());
  ASSERT_TRUE(Purge("jobs").ok());
  ASSERT_TRUE(Send("jobs", "b").ok());
  auto got = Receive("jobs", 10);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got.value().messages.size(), 1u);
  EXPECT_EQ(got.value().messages[0].payload->body(), "b");
}

// ---- tags ----

TEST_F(MemoryEngineTest, TagsAreAddedOverwrittenAndRemoved) {
  ASSERT_TRUE(Create("jobs", {}, {{"team", "core"}}).ok());
  ASSERT_TRUE(Tag("jobs", {{"env", "prod"}, {"team", "edge"}}).ok());
  auto tags = Tags("jobs");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value(), (StringPairs{{"team", "edge"}, {"env", "prod"}}));
  ASSERT_TRUE(Untag("jobs", {"team", "unknown-key"}).ok());
  tags = Tags("jobs");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value(), (StringPairs{{"env", "prod"}}));
}

TEST_F(MemoryEngineTest, TagRulesAreEnforced) {
  ASSERT_TRUE(Create("jobs").ok());
  EXPECT_TRUE(Tag("jobs", {{"a b_.:/=+-@", ""}}).ok());  // every allowed symbol, empty value
  EXPECT_TRUE(Tag("jobs", {{std::string(128, 'k'), std::string(256, 'v')}}).ok());
  EXPECT_EQ(CodeOf(Tag("jobs", {{"", "v"}})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Tag("jobs", {{std::string(129, 'k'), "v"}})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Tag("jobs", {{"k", std::string(257, 'v')}})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Tag("jobs", {{"k!", "v"}})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Tag("jobs", {{"aws:reserved", "v"}})), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Tag("jobs", {{"k", "aws:reserved"}})), Errc::kInvalidParameterValue);
  EXPECT_TRUE(Tag("jobs", {{"not-aws:", "v-aws:"}}).ok());  // only a leading prefix is reserved
  EXPECT_EQ(CodeOf(Create("other", {}, {{"bad*key", "v"}})), Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineTest, MoreThanFiftyTagsIsAnErrorAndChangesNothing) {
  StringPairs fifty;
  for (int i = 0; i < 50; ++i) fifty.emplace_back("k" + std::to_string(i), "v");
  ASSERT_TRUE(Create("jobs", {}, fifty).ok());
  EXPECT_TRUE(Tag("jobs", {{"k0", "overwrite"}}).ok());  // still 50
  EXPECT_EQ(CodeOf(Tag("jobs", {{"k50", "v"}, {"k1", "changed"}})), Errc::kInvalidParameterValue);
  auto tags = Tags("jobs");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value().size(), 50u);
  EXPECT_EQ(tags.value()[1], (std::pair<std::string, std::string>{"k1", "v"}));

  StringPairs fifty_one = fifty;
  fifty_one.emplace_back("k50", "v");
  EXPECT_EQ(CodeOf(Create("other", {}, fifty_one)), Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Lookup("other")), Errc::kQueueNotFound);
}

// ---- dead-letter queues ----

TEST_F(MemoryEngineTest, RedrivePolicyIsShownAndSourcesAreListed) {
  ASSERT_TRUE(Create("dlq").ok());
  ASSERT_TRUE(Create("src-b", {{"RedrivePolicy", RedriveTo("dlq", 3)}}).ok());
  ASSERT_TRUE(Create("src-a").ok());
  ASSERT_TRUE(SetAttributes("src-a", {{"RedrivePolicy", RedriveTo("dlq", 5)}}).ok());
  ASSERT_TRUE(Create("unrelated").ok());
  EXPECT_EQ(Attribute("src-b", "RedrivePolicy"), RedriveTo("dlq", 3));
  auto sources = Sources("dlq");
  ASSERT_TRUE(sources.ok());
  EXPECT_EQ(sources.value().names, (std::vector<std::string>{"src-a", "src-b"}));
  EXPECT_FALSE(sources.value().next_token.has_value());

  auto page = Sources("dlq", {"", 1, std::nullopt});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value().names, (std::vector<std::string>{"src-a"}));
  ASSERT_TRUE(page.value().next_token.has_value());
  page = Sources("dlq", {"", 1, page.value().next_token});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value().names, (std::vector<std::string>{"src-b"}));
  EXPECT_FALSE(page.value().next_token.has_value());

  auto none = Sources("unrelated");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().names.empty());
}

TEST_F(MemoryEngineTest, RemovedRedrivePolicyIsNoLongerASource) {
  ASSERT_TRUE(Create("dlq").ok());
  ASSERT_TRUE(Create("src", {{"RedrivePolicy", RedriveTo("dlq", 3)}}).ok());
  ASSERT_TRUE(SetAttributes("src", {{"RedrivePolicy", ""}}).ok());
  EXPECT_EQ(AllAttributes("src").count("RedrivePolicy"), 0u);
  auto sources = Sources("dlq");
  ASSERT_TRUE(sources.ok());
  EXPECT_TRUE(sources.value().names.empty());
}

TEST_F(MemoryEngineTest, RedrivePolicyToAMissingQueueIsInvalidParameterValue) {
  EXPECT_EQ(CodeOf(Create("src", {{"RedrivePolicy", RedriveTo("missing", 3)}})),
            Errc::kInvalidParameterValue);
  EXPECT_EQ(CodeOf(Lookup("src")), Errc::kQueueNotFound);
  ASSERT_TRUE(Create("src").ok());
  EXPECT_EQ(CodeOf(SetAttributes("src", {{"RedrivePolicy", RedriveTo("missing", 3)}})),
            Errc::kInvalidParameterValue);
  EXPECT_EQ(AllAttributes("src").count("RedrivePolicy"), 0u);
}

TEST_F(MemoryEngineTest, RedrivePolicyToADenyAllQueueIsInvalidParameterValue) {
  ASSERT_TRUE(Create("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}}).ok());
  EXPECT_EQ(CodeOf(Create("src", {{"RedrivePolicy", RedriveTo("dlq", 3)}})),
            Errc::kInvalidParameterValue);
  ASSERT_TRUE(Create("src").ok());
  EXPECT_EQ(CodeOf(SetAttributes("src", {{"RedrivePolicy", RedriveTo("dlq", 3)}})),
            Errc::kInvalidParameterValue);
}

TEST_F(MemoryEngineTest, RedrivePolicyToAByQueueQueueMustBeListed) {
  ASSERT_TRUE(Create("dlq", {{"RedriveAllowPolicy",
                              R"({"redrivePermission":"byQueue","sourceQueueArns":[")" +
                                  Arn("allowed") + R"("]})"}})
                  .ok());
  EXPECT_EQ(CodeOf(Create("stranger", {{"RedrivePolicy", RedriveTo("dlq", 3)}})),
            Errc::kInvalidParameterValue);
  EXPECT_TRUE(Create("allowed", {{"RedrivePolicy", RedriveTo("dlq", 3)}}).ok());
}

TEST_F(MemoryEngineTest, RedrivePolicyToAnAllowAllQueueIsAccepted) {
  ASSERT_TRUE(Create("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"allowAll"})"}}).ok());
  EXPECT_TRUE(Create("src", {{"RedrivePolicy", RedriveTo("dlq", 1)}}).ok());
}

TEST_F(MemoryEngineTest, OtherAttributesCanBeSetAfterTheDeadLetterQueueIsDeleted) {
  ASSERT_TRUE(Create("dlq").ok());
  ASSERT_TRUE(Create("src", {{"RedrivePolicy", RedriveTo("dlq", 3)}}).ok());
  ASSERT_TRUE(Delete("dlq").ok());
  // Only a RedrivePolicy being set is checked against its target.
  EXPECT_TRUE(SetAttributes("src", {{"VisibilityTimeout", "10"}}).ok());
  EXPECT_EQ(Attribute("src", "VisibilityTimeout"), "10");
  EXPECT_EQ(CodeOf(SetAttributes("src", {{"RedrivePolicy", RedriveTo("dlq", 4)}})),
            Errc::kInvalidParameterValue);
  EXPECT_TRUE(SetAttributes("src", {{"RedrivePolicy", ""}}).ok());
}

TEST_F(MemoryEngineTest, OtherAttributesCanBeSetAfterTheDeadLetterQueueStartsDenying) {
  ASSERT_TRUE(Create("dlq").ok());
  ASSERT_TRUE(Create("src", {{"RedrivePolicy", RedriveTo("dlq", 3)}}).ok());
  ASSERT_TRUE(
      SetAttributes("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}}).ok());
  EXPECT_TRUE(SetAttributes("src", {{"DelaySeconds", "1"}}).ok());
}

}  // namespace
}  // namespace spool::engine
