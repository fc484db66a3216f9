#include "bench/options.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include "bench/cli.h"

namespace spool::bench {
namespace {

std::string ValidationError(BenchOptions o) {
  std::string error;
  if (Validate(&o, &error)) return "";
  return error;
}

TEST(ValidateTest, DefaultsAreValidAndFillMessageCount) {
  BenchOptions o;
  o.workload = Workload::kLifecycle;
  std::string error;
  ASSERT_TRUE(Validate(&o, &error)) << error;
  EXPECT_EQ(o.messages, 100000u);

  BenchOptions latency;
  latency.workload = Workload::kLatency;
  ASSERT_TRUE(Validate(&latency, &error)) << error;
  EXPECT_EQ(latency.messages, 2000u);

  BenchOptions explicit_count;
  explicit_count.messages = 7;
  ASSERT_TRUE(Validate(&explicit_count, &error));
  EXPECT_EQ(explicit_count.messages, 7u);
}

TEST(ValidateTest, BatchMustBeOneToTen) {
  BenchOptions o;
  o.batch = 0;
  EXPECT_NE(ValidationError(o).find("--batch"), std::string::npos);
  o.batch = 11;
  EXPECT_NE(ValidationError(o).find("--batch"), std::string::npos);
  o.batch = 10;
  EXPECT_EQ(ValidationError(o), "");
}

TEST(ValidateTest, BodySizeBounds) {
  BenchOptions o;
  o.body_size = kMinBodySize - 1;
  EXPECT_NE(ValidationError(o).find("--body-size"), std::string::npos);
  o.body_size = kMaxBodySize + 1;
  EXPECT_NE(ValidationError(o).find("--body-size"), std::string::npos);
  o.body_size = kMinBodySize;
  EXPECT_EQ(ValidationError(o), "");
}

TEST(ValidateTest, EachQueueNeedsAConnectionPerRole) {
  BenchOptions o;
  o.workload = Workload::kLifecycle;
  o.connections = 3;
  o.queues = 2;
  EXPECT_NE(ValidationError(o).find("--connections must be at least 4"), std::string::npos);
  o.connections = 4;
  EXPECT_EQ(ValidationError(o), "");

  o.workload = Workload::kLatency;
  o.connections = 2;
  EXPECT_NE(ValidationError(o).find("at least 3"), std::string::npos);
  o.workload = Workload::kProduce;
  EXPECT_EQ(ValidationError(o), "");
}

TEST(ValidateTest, QueuePrefixMustMakeValidNames) {
  BenchOptions o;
  o.queue_prefix = "has space";
  EXPECT_NE(ValidationError(o).find("--queue-prefix"), std::string::npos);
  o.queue_prefix = "";
  EXPECT_NE(ValidationError(o).find("--queue-prefix"), std::string::npos);
  o.queue_prefix = std::string(72, 'a');
  EXPECT_NE(ValidationError(o).find("--queue-prefix"), std::string::npos);
  o.queue_prefix = std::string(71, 'a');
  o.fifo = true;
  o.queues = 1000;
  o.connections = 1000;
  EXPECT_EQ(ValidationError(o), "");
  EXPECT_EQ(QueueName(o, 999).size(), 80u);
  EXPECT_EQ(QueueName(o, 0), std::string(71, 'a') + "-0.fifo");
}

TEST(ValidateTest, RangesOfTheOtherNumbers) {
  auto with = [](auto set) {
    BenchOptions o;
    set(o);
    return ValidationError(o);
  };
  EXPECT_NE(with([](BenchOptions& o) { o.rate = 0; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.duration_seconds = 0; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.wait_seconds = 21; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.threads = 0; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.groups = 0; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.server_pid = -1; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.messages = 100'000'001; }), "");
  EXPECT_NE(with([](BenchOptions& o) { o.secret_key = ""; }), "");
  EXPECT_EQ(with([](BenchOptions& o) {
              o.secret_key = "";
              o.sign = false;
            }),
            "");
}

TEST(ValidateTest, PrefillOnlyForConsume) {
  BenchOptions o;
  o.prefill = true;
  o.workload = Workload::kProduce;
  EXPECT_NE(ValidationError(o).find("--prefill"), std::string::npos);
  o.workload = Workload::kConsume;
  EXPECT_EQ(ValidationError(o), "");
}

TEST(ValidateTest, NoisyBacklogOnlyForLatencyOnStandardQueues) {
  BenchOptions o;
  o.noisy_backlog = 1000;
  o.workload = Workload::kLifecycle;
  EXPECT_NE(ValidationError(o).find("--noisy-backlog"), std::string::npos);
  o.workload = Workload::kLatency;
  EXPECT_EQ(ValidationError(o), "");
  o.fifo = true;
  EXPECT_NE(ValidationError(o).find("--noisy-backlog"), std::string::npos);
}

TEST(ParseEndpointTest, AcceptsHostAndPort) {
  Endpoint e;
  std::string error;
  ASSERT_TRUE(ParseEndpoint("http://127.0.0.1:9324", &e, &error)) << error;
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 9324);
  EXPECT_EQ(e.host_header, "127.0.0.1:9324");
  ASSERT_TRUE(ParseEndpoint("http://localhost/", &e, &error));
  EXPECT_EQ(e.host, "localhost");
  EXPECT_EQ(e.port, 80);
  EXPECT_EQ(e.host_header, "localhost");
  ASSERT_TRUE(ParseEndpoint("http://[::1]:9000", &e, &error));
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 9000);
  EXPECT_EQ(e.host_header, "[::1]:9000");
}

TEST(ParseEndpointTest, RejectsWhatItCannotServe) {
  Endpoint e;
  std::string error;
  EXPECT_FALSE(ParseEndpoint("https://127.0.0.1:9324", &e, &error));
  EXPECT_NE(error.find("http://"), std::string::npos);
  EXPECT_FALSE(ParseEndpoint("127.0.0.1:9324", &e, &error));
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1:0", &e, &error));
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1:65536", &e, &error));
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1:", &e, &error));
  EXPECT_FALSE(ParseEndpoint("http://127.0.0.1:9324/000000000000/q", &e, &error));
  EXPECT_FALSE(ParseEndpoint("http://:9324", &e, &error));
  EXPECT_FALSE(ParseEndpoint("http://[::1", &e, &error));
}

TEST(WorkloadTest, NamesRoundTrip) {
  for (Workload w :
       {Workload::kProduce, Workload::kConsume, Workload::kLifecycle, Workload::kLatency}) {
    EXPECT_EQ(ParseWorkload(WorkloadName(w)), w);
  }
  EXPECT_EQ(ParseWorkload("Produce"), std::nullopt);
}

// `spool bench ...` parsed by a real CLI11 app, which the command needs for as long as it runs.
struct Parsed {
  CLI::App app;
  BenchCommand command;
  int status = 0;

  explicit Parsed(std::vector<std::string> args) {
    command.Register(app);
    args.insert(args.begin(), "bench");
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments reversed
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      status = app.exit(e);
    }
  }
};

TEST(BenchCommandTest, FlagsReachTheOptions) {
  Parsed p({"lifecycle", "--messages", "200000", "--batch", "5", "--connections", "8", "--fifo",
            "--groups", "3", "--no-sign", "--json"});
  ASSERT_EQ(p.status, 0);
  EXPECT_TRUE(p.command.parsed());
  const BenchOptions& o = p.command.options();
  EXPECT_EQ(o.messages, 200000u);
  EXPECT_EQ(o.batch, 5);
  EXPECT_EQ(o.connections, 8);
  EXPECT_TRUE(o.fifo);
  EXPECT_EQ(o.groups, 3);
  EXPECT_TRUE(o.json);
}

TEST(BenchCommandTest, WorkloadIsRequired) {
  Parsed p({});
  EXPECT_NE(p.status, 0);
}

TEST(BenchCommandTest, InvalidValuesStopBeforeAnythingIsSent) {
  Parsed bad_batch({"produce", "--batch", "11", "--endpoint", "http://127.0.0.1:1"});
  ASSERT_EQ(bad_batch.status, 0);
  EXPECT_EQ(bad_batch.command.Run(), 2);
  Parsed bad_workload({"fly"});
  ASSERT_EQ(bad_workload.status, 0);
  EXPECT_EQ(bad_workload.command.Run(), 2);
  Parsed non_numeric({"produce", "--messages", "lots"});
  EXPECT_NE(non_numeric.status, 0);
}

}  // namespace
}  // namespace spool::bench
