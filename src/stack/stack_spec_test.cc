#include "stack/stack_spec.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace spool::stack {
namespace {

namespace fs = std::filesystem;

class StackSpecTest : public ::testing::Test {
 protected:
  StackSpecTest() {
    dir_ = fs::path(::testing::TempDir()) /
           ("spool-stack-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "worker");
  }
  ~StackSpecTest() override { fs::remove_all(dir_); }

  std::optional<StackSpec> Parse(const std::string& text) {
    error_.clear();
    return ParseStack((dir_ / "spool.toml").string(), text, &error_);
  }
  // The error of a file that must be refused, without the path.
  std::string Refused(const std::string& text) {
    EXPECT_FALSE(Parse(text)) << text;
    std::string prefix = (dir_ / "spool.toml").string() + ":";
    EXPECT_TRUE(error_.starts_with(prefix)) << error_;
    return error_.substr(std::min(prefix.size(), error_.size()));
  }

  fs::path dir_;
  std::string error_;
};

constexpr char kOrders[] = R"(
stack = "orders"

[queues.orders]
visibility_timeout = 300
dead_letter = { queue = "orders-dlq", max_receive_count = 3 }
tags = { team = "shop" }

[queues.orders-dlq]
message_retention_seconds = 1209600

[functions.handle-order]
runtime = "nodejs20.x"
handler = "index.handler"
code = "worker"
timeout = 30
environment = { MAX_QUANTITY = "50" }

[[mappings]]
queue = "orders"
function = "handle-order"
batch_size = 10
report_batch_item_failures = true
filters = ['{"body": {"kind": ["order"]}}']
retry_backoff = { base = 2, max = 60 }

[users.orders-web]
policies.send = '{"Version": "2012-10-17", "Statement": []}'
access_key = { secret = "orders/web-key" }

[secrets."orders/api-token"]
generate = 32
)";

TEST_F(StackSpecTest, ParsesTheOrdersStack) {
  auto spec = Parse(kOrders);
  ASSERT_TRUE(spec) << error_;
  EXPECT_EQ(spec->name, "orders");
  ASSERT_EQ(spec->queues.size(), 2u);
  EXPECT_EQ(spec->queues[0].name, "orders-dlq") << "dead-letter queues come first";
  const QueueSpec& q = spec->queues[1];
  EXPECT_EQ(q.attributes.at("VisibilityTimeout"), "300");
  EXPECT_EQ(q.dead_letter_queue, "orders-dlq");
  EXPECT_EQ(q.max_receive_count, 3);
  EXPECT_EQ(q.tags.at("team"), "shop");
  EXPECT_EQ(spec->queues[0].attributes.at("MessageRetentionPeriod"), "1209600");
  ASSERT_EQ(spec->functions.size(), 1u);
  EXPECT_EQ(spec->functions[0].code_dir, fs::weakly_canonical(dir_ / "worker").string());
  EXPECT_EQ(spec->functions[0].timeout, 30);
  EXPECT_EQ(spec->functions[0].environment.at("MAX_QUANTITY"), "50");
  ASSERT_EQ(spec->mappings.size(), 1u);
  EXPECT_EQ(spec->mappings[0].batch_size, 10);
  EXPECT_EQ(spec->mappings[0].report_batch_item_failures, true);
  EXPECT_EQ(spec->mappings[0].retry_backoff, (std::pair<int64_t, int64_t>(2, 60)));
  ASSERT_EQ(spec->users.size(), 1u);
  EXPECT_EQ(spec->users[0].key_secret, "orders/web-key");
  EXPECT_TRUE(spec->users[0].policies.contains("send"));
  ASSERT_EQ(spec->secrets.size(), 1u);
  EXPECT_EQ(spec->secrets[0].source, SecretSpec::Source::kGenerate);
  EXPECT_EQ(spec->secrets[0].generate, 32);
}

TEST_F(StackSpecTest, ErrorsNameLineAndColumn) {
  EXPECT_EQ(Refused("stack = \"s\"\n[queues.a]\nvisiblity_timeout = 3\n").substr(0, 4), "3:1:");
  EXPECT_NE(Refused("stack = \"s\"\n[queues.a]\nvisiblity_timeout = 3\n")
                .find("unknown key 'visiblity_timeout' in queue a"),
            std::string::npos);
  EXPECT_EQ(Refused("stack = \"s\"\n[queues.a]\nvisibility_timeout = 99999\n"),
            "3:22: queue a visibility_timeout must be from 0 to 43200, got 99999");
  EXPECT_EQ(Refused("stack = \"s\"\n[queues.a]\nvisibility_timeout = \"ten\"\n"),
            "3:22: queue a visibility_timeout must be an integer");
  // TOML syntax.
  EXPECT_EQ(Refused("stack = \"s\"\n[queues.a\n").substr(0, 2), "2:");
  EXPECT_EQ(Refused("[queues.a]\n").substr(0, 4), "1:1:");  // no stack name
}

TEST_F(StackSpecTest, RefusesWhatCannotBeApplied) {
  auto refused = [&](const std::string& body, const std::string& part) {
    std::string e = Refused("stack = \"s\"\n" + body);
    EXPECT_NE(e.find(part), std::string::npos) << e;
  };
  refused("[queues.\"bad name\"]\n", "not a queue name");
  refused("[queues.a]\nfifo = true\n", "ends in .fifo");
  refused("[queues.a]\ncontent_based_deduplication = true\n", "FIFO queues only");
  refused("[queues.a]\ndead_letter = { queue = \"b\" }\n", "needs queue and max_receive_count");
  refused(
      "[queues.a]\ndead_letter = { queue = \"b\", max_receive_count = 1 }\n"
      "[queues.b]\ndead_letter = { queue = \"a\", max_receive_count = 1 }\n",
      "cycle");
  refused("[functions.f]\nruntime = \"cobol\"\nhandler = \"h\"\ncode = \"worker\"\n",
          "unknown runtime 'cobol'");
  refused("[functions.f]\nruntime = \"nodejs20.x\"\nhandler = \"h\"\ncode = \"missing\"\n",
          "is not a directory");
  refused("[functions.f]\nruntime = \"nodejs20.x\"\nhandler = \"h\"\n", "needs code");
  refused("[[mappings]]\nqueue = \"q\"\nfunction = \"nope\"\n", "not declared in this file");
  refused("[users.u]\npolicy = \"not json\"\n", "not a JSON object");
  refused("[secrets.s]\nvalue = \"a\"\ngenerate = 10\n", "exactly one of");
  refused("[secrets.s]\n", "exactly one of");
  refused("[users.u]\naccess_key = { secret = \"k\" }\n[secrets.k]\nvalue = \"x\"\n",
          "also declared");
  refused("bogus = 1\n", "unknown key 'bogus' in the stack");
}

}  // namespace
}  // namespace spool::stack
