#include "workers/function_config.h"

#include <gtest/gtest.h>

namespace spool::workers {
namespace {

FunctionConfig Valid() {
  FunctionConfig f;
  f.name = "orders-worker_1";
  f.runtime = Runtime::kNodejs;
  f.handler = "index.handler";
  f.code_dir = "/srv/orders";
  return f;
}

MappingConfig ValidMapping() {
  MappingConfig m;
  m.function_name = "orders";
  m.queue_name = "orders.fifo";
  return m;
}

TEST(RuntimeTest, SpoolNamesAndLambdaIdentifiers) {
  for (Runtime r : {Runtime::kNodejs, Runtime::kPython, Runtime::kProvided, Runtime::kExec}) {
    EXPECT_EQ(ParseRuntime(RuntimeName(r)), r);
  }
  EXPECT_EQ(ParseRuntime("nodejs20.x"), Runtime::kNodejs);
  EXPECT_EQ(ParseRuntime("nodejs22.x"), Runtime::kNodejs);
  EXPECT_EQ(ParseRuntime("python3.9"), Runtime::kPython);
  EXPECT_EQ(ParseRuntime("python3.13"), Runtime::kPython);
  EXPECT_EQ(ParseRuntime("provided.al2023"), Runtime::kProvided);
  EXPECT_EQ(ParseRuntime("provided.al2"), Runtime::kProvided);
  EXPECT_EQ(ParseRuntime("java21"), std::nullopt);
  EXPECT_EQ(ParseRuntime("Nodejs"), std::nullopt);
  EXPECT_EQ(ParseRuntime(""), std::nullopt);
}

TEST(ValidateFunctionTest, AcceptsAValidFunction) {
  EXPECT_EQ(ValidateFunction(Valid()), "");
  FunctionConfig f = Valid();
  f.timeout_seconds = 900;
  f.memory_mb = 10240;
  f.reserved_concurrency = 0;
  f.description = std::string(256, 'd');
  f.environment = {{"QUEUE_URL", "http://x"}, {"a1", ""}};
  EXPECT_EQ(ValidateFunction(f), "");
}

TEST(ValidateFunctionTest, NamesAndHandlers) {
  FunctionConfig f = Valid();
  f.name = std::string(65, 'a');
  EXPECT_NE(ValidateFunction(f).find("functionName"), std::string::npos);
  f.name = "bad.name";
  EXPECT_NE(ValidateFunction(f), "");
  f.name = "";
  EXPECT_NE(ValidateFunction(f), "");
  f = Valid();
  f.handler = "";
  EXPECT_NE(ValidateFunction(f).find("handler"), std::string::npos);
  f.handler = "index handler";
  EXPECT_NE(ValidateFunction(f), "");
  f.handler = std::string(129, 'h');
  EXPECT_NE(ValidateFunction(f), "");
  f = Valid();
  f.code_dir = "relative/dir";
  EXPECT_NE(ValidateFunction(f).find("absolute"), std::string::npos);
}

TEST(ValidateFunctionTest, Ranges) {
  FunctionConfig f = Valid();
  f.timeout_seconds = 0;
  EXPECT_NE(ValidateFunction(f).find("greater than or equal to 1"), std::string::npos);
  f.timeout_seconds = 901;
  EXPECT_NE(ValidateFunction(f).find("less than or equal to 900"), std::string::npos);
  f = Valid();
  f.memory_mb = 127;
  EXPECT_NE(ValidateFunction(f).find("memorySize"), std::string::npos);
  f.memory_mb = 10241;
  EXPECT_NE(ValidateFunction(f), "");
  f = Valid();
  f.reserved_concurrency = -1;
  EXPECT_NE(ValidateFunction(f), "");
  f = Valid();
  f.description = std::string(257, 'd');
  EXPECT_NE(ValidateFunction(f).find("description"), std::string::npos);
}

TEST(ValidateFunctionTest, Environment) {
  FunctionConfig f = Valid();
  f.environment = {{"1ABC", "x"}};
  EXPECT_NE(ValidateFunction(f), "");
  f.environment = {{"A-B", "x"}};
  EXPECT_NE(ValidateFunction(f), "");
  f.environment = {{"AWS_LAMBDA_RUNTIME_API", "x"}, {"_HANDLER", "y"}};
  std::string e = ValidateFunction(f);
  EXPECT_NE(e.find("reserved keys"), std::string::npos) << e;
  EXPECT_NE(e.find("AWS_LAMBDA_RUNTIME_API"), std::string::npos) << e;
  // Spool functions have no role: they may be given credentials and a region.
  f.environment = {{"AWS_ACCESS_KEY_ID", "x"}, {"AWS_REGION", "eu-west-1"}};
  EXPECT_EQ(ValidateFunction(f), "");
  f.environment = {{"BIG", std::string(4094, 'x')}};
  EXPECT_NE(ValidateFunction(f).find("4KB"), std::string::npos);
  f.environment = {{"BIG", std::string(4093, 'x')}};
  EXPECT_EQ(ValidateFunction(f), "");
}

TEST(ValidateMappingTest, DefaultsAreValid) {
  EXPECT_EQ(ValidateMapping(ValidMapping()), "");
  MappingConfig m = ValidMapping();
  m.queue_name = "orders";
  m.batch_size = 10000;
  m.batching_window_seconds = 300;
  m.maximum_concurrency = 1000;
  m.retry_backoff = RetryBackoff{1, 43200};
  m.filter_patterns.assign(10, R"({"body":{"a":[1]}})");
  EXPECT_EQ(ValidateMapping(m), "");
}

TEST(ValidateMappingTest, Ranges) {
  MappingConfig m = ValidMapping();
  m.batch_size = 0;
  EXPECT_NE(ValidateMapping(m).find("batchSize"), std::string::npos);
  m.batch_size = 10001;
  EXPECT_NE(ValidateMapping(m), "");
  m = ValidMapping();
  m.batch_size = 11;
  EXPECT_NE(ValidateMapping(m).find("Maximum batch window"), std::string::npos);
  m.batching_window_seconds = 1;
  EXPECT_EQ(ValidateMapping(m), "");
  m.batching_window_seconds = 301;
  EXPECT_NE(ValidateMapping(m), "");
  m = ValidMapping();
  m.maximum_concurrency = 1;
  EXPECT_NE(ValidateMapping(m).find("maximumConcurrency"), std::string::npos);
  m.maximum_concurrency = 1001;
  EXPECT_NE(ValidateMapping(m), "");
}

TEST(ValidateMappingTest, NamesFiltersAndBackoff) {
  MappingConfig m = ValidMapping();
  m.queue_name = "no spaces";
  EXPECT_NE(ValidateMapping(m), "");
  m.queue_name = ".fifo";
  EXPECT_NE(ValidateMapping(m), "");
  m = ValidMapping();
  m.function_name = "a:b";
  EXPECT_NE(ValidateMapping(m), "");
  m = ValidMapping();
  m.filter_patterns.assign(11, "{}");
  EXPECT_NE(ValidateMapping(m), "");
  m.filter_patterns = {std::string(4097, ' ')};
  EXPECT_NE(ValidateMapping(m), "");
  m = ValidMapping();
  m.retry_backoff = RetryBackoff{0, 10};
  EXPECT_NE(ValidateMapping(m), "");
  m.retry_backoff = RetryBackoff{10, 5};
  EXPECT_NE(ValidateMapping(m).find("maxSeconds"), std::string::npos);
  m.retry_backoff = RetryBackoff{10, 43201};
  EXPECT_NE(ValidateMapping(m), "");
}

}  // namespace
}  // namespace spool::workers
