#include "workers/registry.h"

#include <atomic>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace spool::workers {
namespace {

FunctionConfig Function(const std::string& name) {
  FunctionConfig f;
  f.name = name;
  f.runtime = Runtime::kPython;
  f.handler = "app.handler";
  f.code_dir = "/srv/" + name;
  f.environment = {{"STAGE", "test"}};
  f.timeout_seconds = 30;
  return f;
}

MappingConfig Mapping(const std::string& function, const std::string& queue) {
  MappingConfig m;
  m.function_name = function;
  m.queue_name = queue;
  return m;
}

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() {
    dir_ = ::testing::TempDir() + "/spool-workers-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  ~RegistryTest() override { std::filesystem::remove_all(dir_); }
  void Reopen() {
    registry_.reset();
    std::string error;
    registry_ = Registry::Open(dir_, &error);
    ASSERT_TRUE(registry_) << error;
  }
  void WriteFile(const std::string& text) { std::ofstream(dir_ + "/workers.json") << text; }

  std::string dir_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, FunctionCrud) {
  auto created = registry_->CreateFunction(Function("orders"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_GT(created.value().last_modified_ms, 0);
  EXPECT_FALSE(created.value().revision_id.empty());

  auto got = registry_->GetFunction("orders");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value().code_dir, "/srv/orders");
  EXPECT_EQ(got.value().environment.at("STAGE"), "test");
  EXPECT_EQ(got.value().revision_id, created.value().revision_id);

  FunctionConfig changed = got.value();
  changed.timeout_seconds = 60;
  changed.reserved_concurrency = 3;
  auto updated = registry_->UpdateFunction(changed);
  ASSERT_TRUE(updated.ok());
  EXPECT_NE(updated.value().revision_id, created.value().revision_id);
  EXPECT_EQ(registry_->GetFunction("orders").value().timeout_seconds, 60);
  EXPECT_EQ(registry_->GetFunction("orders").value().reserved_concurrency, 3);

  ASSERT_TRUE(registry_->DeleteFunction("orders").ok());
  EXPECT_EQ(registry_->GetFunction("orders").error().code, RegistryError::kNotFound);
  EXPECT_EQ(registry_->DeleteFunction("orders").error().code, RegistryError::kNotFound);
  EXPECT_EQ(registry_->UpdateFunction(changed).error().code, RegistryError::kNotFound);
}

TEST_F(RegistryTest, ConflictsAndValidation) {
  ASSERT_TRUE(registry_->CreateFunction(Function("orders")).ok());
  auto again = registry_->CreateFunction(Function("orders"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, RegistryError::kConflict);
  EXPECT_NE(again.error().message.find("orders"), std::string::npos);

  FunctionConfig bad = Function("bad");
  bad.timeout_seconds = 0;
  EXPECT_EQ(registry_->CreateFunction(bad).error().code, RegistryError::kInvalid);
  EXPECT_EQ(registry_->GetFunction("bad").error().code, RegistryError::kNotFound);

  FunctionConfig bad_update = Function("orders");
  bad_update.code_dir = "relative";
  EXPECT_EQ(registry_->UpdateFunction(bad_update).error().code, RegistryError::kInvalid);
  EXPECT_EQ(registry_->GetFunction("orders").value().code_dir, "/srv/orders");

  // Mappings: the function must exist, one mapping per function and queue.
  EXPECT_EQ(registry_->CreateMapping(Mapping("nope", "jobs")).error().code,
            RegistryError::kNotFound);
  auto m = registry_->CreateMapping(Mapping("orders", "jobs"));
  ASSERT_TRUE(m.ok());
  auto dup = registry_->CreateMapping(Mapping("orders", "jobs"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, RegistryError::kConflict);
  EXPECT_NE(dup.error().message.find(m.value().uuid), std::string::npos);
  MappingConfig bad_mapping = Mapping("orders", "other");
  bad_mapping.batch_size = 0;
  EXPECT_EQ(registry_->CreateMapping(bad_mapping).error().code, RegistryError::kInvalid);
}

TEST_F(RegistryTest, MappingCrudAndCascadingDelete) {
  ASSERT_TRUE(registry_->CreateFunction(Function("orders")).ok());
  ASSERT_TRUE(registry_->CreateFunction(Function("emails")).ok());
  MappingConfig m = Mapping("orders", "jobs");
  m.batch_size = 100;
  m.batching_window_seconds = 5;
  m.filter_patterns = {R"({"body":{"kind":["order"]}})"};
  m.retry_backoff = RetryBackoff{2, 60};
  m.maximum_concurrency = 5;
  m.report_batch_item_failures = true;
  auto created = registry_->CreateMapping(m);
  ASSERT_TRUE(created.ok()) << created.error().message;
  const std::string uuid = created.value().uuid;
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_GT(created.value().last_modified_ms, 0);

  MappingConfig changed = registry_->GetMapping(uuid).value();
  EXPECT_EQ(changed.filter_patterns, m.filter_patterns);
  changed.enabled = false;
  changed.function_name = "emails";
  ASSERT_TRUE(registry_->UpdateMapping(changed).ok());
  EXPECT_FALSE(registry_->GetMapping(uuid).value().enabled);
  EXPECT_EQ(registry_->GetMapping(uuid).value().function_name, "emails");
  changed.function_name = "nope";
  EXPECT_EQ(registry_->UpdateMapping(changed).error().code, RegistryError::kNotFound);
  MappingConfig unknown = changed;
  unknown.uuid = "00000000-0000-0000-0000-000000000000";
  unknown.function_name = "emails";
  EXPECT_EQ(registry_->UpdateMapping(unknown).error().code, RegistryError::kNotFound);

  ASSERT_TRUE(registry_->CreateMapping(Mapping("emails", "other")).ok());
  ASSERT_TRUE(registry_->CreateMapping(Mapping("orders", "jobs")).ok());
  EXPECT_EQ(registry_->Snapshot().mappings.size(), 3u);
  // Deleting a function deletes its mappings.
  ASSERT_TRUE(registry_->DeleteFunction("emails").ok());
  auto snapshot = registry_->Snapshot();
  ASSERT_EQ(snapshot.mappings.size(), 1u);
  EXPECT_EQ(snapshot.mappings[0].function_name, "orders");
  EXPECT_EQ(registry_->GetMapping(uuid).error().code, RegistryError::kNotFound);

  auto deleted = registry_->DeleteMapping(snapshot.mappings[0].uuid);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted.value().queue_name, "jobs");
  EXPECT_EQ(registry_->DeleteMapping(snapshot.mappings[0].uuid).error().code,
            RegistryError::kNotFound);
  EXPECT_TRUE(registry_->Snapshot().mappings.empty());
}

TEST_F(RegistryTest, EverythingSurvivesReopening) {
  FunctionConfig f = Function("orders");
  f.runtime = Runtime::kExec;
  f.reserved_concurrency = 0;
  f.description = "takes \"orders\"\n";
  f.memory_mb = 512;
  f.code_archive = "/data/functions/orders/ab.zip";
  f.code_sha256 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
  f.code_size = 1234;
  auto created = registry_->CreateFunction(f);
  ASSERT_TRUE(created.ok());
  FunctionConfig plain = Function("plain");
  plain.runtime_id = "python3.12";
  ASSERT_TRUE(registry_->CreateFunction(plain).ok());
  MappingConfig m = Mapping("orders", "jobs.fifo");
  m.filter_patterns = {R"({"body":{"a":[{"prefix":"x"}]}})", R"({"body":["plain"]})"};
  m.retry_backoff = RetryBackoff{3, 30};
  m.enabled = false;
  auto mapping = registry_->CreateMapping(m);
  ASSERT_TRUE(mapping.ok());
  ASSERT_TRUE(registry_->CreateMapping(Mapping("plain", "jobs")).ok());

  Reopen();
  auto snapshot = registry_->Snapshot();
  ASSERT_EQ(snapshot.functions.size(), 2u);
  const FunctionConfig& g = snapshot.functions[0];  // by name: orders, plain
  EXPECT_EQ(g.name, "orders");
  EXPECT_EQ(g.runtime, Runtime::kExec);
  EXPECT_EQ(g.reserved_concurrency, 0);
  EXPECT_EQ(g.description, f.description);
  EXPECT_EQ(g.memory_mb, 512);
  EXPECT_EQ(g.code_archive, f.code_archive);
  EXPECT_EQ(g.code_sha256, f.code_sha256);
  EXPECT_EQ(g.code_size, 1234);
  EXPECT_EQ(snapshot.functions[1].code_archive, "");
  EXPECT_EQ(g.runtime_id, "exec");  // as written: Spool's name when none was given
  EXPECT_EQ(snapshot.functions[1].runtime_id, "python3.12");
  EXPECT_EQ(snapshot.functions[1].runtime, Runtime::kPython);
  EXPECT_EQ(g.environment, f.environment);
  EXPECT_EQ(g.revision_id, created.value().revision_id);
  EXPECT_EQ(g.last_modified_ms, created.value().last_modified_ms);
  EXPECT_EQ(snapshot.functions[1].reserved_concurrency, std::nullopt);
  ASSERT_EQ(snapshot.mappings.size(), 2u);
  auto n = registry_->GetMapping(mapping.value().uuid);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value().filter_patterns, m.filter_patterns);
  ASSERT_TRUE(n.value().retry_backoff);
  EXPECT_EQ(n.value().retry_backoff->base_seconds, 3);
  EXPECT_EQ(n.value().retry_backoff->max_seconds, 30);
  EXPECT_FALSE(n.value().enabled);
  EXPECT_EQ(n.value().queue_name, "jobs.fifo");
  EXPECT_EQ(n.value().last_modified_ms, mapping.value().last_modified_ms);

  ASSERT_TRUE(registry_->DeleteFunction("orders").ok());
  Reopen();
  EXPECT_EQ(registry_->Snapshot().functions.size(), 1u);
  EXPECT_EQ(registry_->Snapshot().mappings.size(), 1u);
}

TEST_F(RegistryTest, CorruptFilesAreRefused) {
  ASSERT_TRUE(registry_->CreateFunction(Function("orders")).ok());
  registry_.reset();
  std::ifstream in(dir_ + "/workers.json");
  std::string good((std::istreambuf_iterator<char>(in)), {});
  in.close();
  auto refused = [&](const std::string& text) {
    WriteFile(text);
    std::string error;
    auto r = Registry::Open(dir_, &error);
    EXPECT_EQ(r, nullptr) << text;
    EXPECT_NE(error.find("workers.json"), std::string::npos) << error;
    return error;
  };
  refused("{not json");
  refused(good.substr(0, good.size() / 2));
  EXPECT_NE(refused(R"({"version":2,"functions":[],"mappings":[]})").find("version"),
            std::string::npos);
  refused(R"({"version":1,"functions":[]})");
  refused(R"({"version":1,"functions":[{"name":"x"}],"mappings":[]})");
  std::string invalid = good;
  invalid.replace(invalid.find("\"timeout_seconds\":30"), 20, "\"timeout_seconds\":0");
  refused(invalid);
  refused(R"({"version":1,"functions":[],"mappings":[{"uuid":"u","function_name":"f",)"
          R"("queue_name":"q","batch_size":10,"batching_window_seconds":0,)"
          R"("report_batch_item_failures":false,"maximum_concurrency":null,"enabled":true,)"
          R"("filter_patterns":[],"retry_backoff":null,"last_modified_ms":1}]})");
  WriteFile(good);
  Reopen();
  EXPECT_TRUE(registry_->GetFunction("orders").ok());
}

TEST_F(RegistryTest, InMemoryRegistryWritesNothing) {
  std::string error;
  auto memory = Registry::Open("", &error);
  ASSERT_TRUE(memory);
  ASSERT_TRUE(memory->CreateFunction(Function("orders")).ok());
  EXPECT_TRUE(memory->GetFunction("orders").ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/workers.json"));
}

TEST_F(RegistryTest, AFailedWriteChangesNothing) {
  ASSERT_TRUE(registry_->CreateFunction(Function("orders")).ok());
  // The temporary file cannot be created where a directory stands (even as root).
  std::filesystem::create_directories(dir_ + "/workers.json.tmp/x");
  auto r = registry_->CreateFunction(Function("emails"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, RegistryError::kIo);
  EXPECT_EQ(registry_->GetFunction("emails").error().code, RegistryError::kNotFound);
  std::filesystem::remove_all(dir_ + "/workers.json.tmp");
  Reopen();
  EXPECT_TRUE(registry_->GetFunction("orders").ok());
  EXPECT_FALSE(registry_->GetFunction("emails").ok());
}

TEST_F(RegistryTest, ListenersAreCalledAfterEveryStoredChange) {
  std::atomic<int> calls = 0;
  int functions_seen = -1;
  registry_->Subscribe([&] {
    ++calls;
    functions_seen = static_cast<int>(registry_->Snapshot().functions.size());  // no deadlock
  });
  ASSERT_TRUE(registry_->CreateFunction(Function("orders")).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(functions_seen, 1);
  EXPECT_FALSE(registry_->CreateFunction(Function("orders")).ok());  // no change, no call
  EXPECT_EQ(calls, 1);
  auto m = registry_->CreateMapping(Mapping("orders", "jobs"));
  ASSERT_TRUE(m.ok());
  MappingConfig changed = m.value();
  changed.enabled = false;
  ASSERT_TRUE(registry_->UpdateMapping(changed).ok());
  FunctionConfig f = registry_->GetFunction("orders").value();
  f.memory_mb = 256;
  ASSERT_TRUE(registry_->UpdateFunction(f).ok());
  ASSERT_TRUE(registry_->DeleteMapping(m.value().uuid).ok());
  ASSERT_TRUE(registry_->DeleteFunction("orders").ok());
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(functions_seen, 0);
}

}  // namespace
}  // namespace spool::workers
