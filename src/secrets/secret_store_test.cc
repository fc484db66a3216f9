#include "secrets/secret_store.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/fake_clock.h"

namespace spool::secrets {
namespace {

using std::chrono::hours;

constexpr int64_t kDayMs = 86'400'000;
const SecretValue kPassword{false, "hunter2-correct-horse-battery"};

std::vector<std::string> StagesOf(const SecretInfo& info, const std::string& version_id) {
  for (const auto& v : info.versions) {
    if (v.id == version_id) return v.stages;
  }
  return {"<no such version>"};
}

class SecretStoreTest : public ::testing::Test {
 protected:
  SecretStoreTest() {
    dir_ = ::testing::TempDir() + "/spool-secrets-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  ~SecretStoreTest() override { std::filesystem::remove_all(dir_); }

  void Reopen() {
    store_.reset();
    std::string error;
    StoreOptions options;
    options.dir = dir_;
    store_ = SecretStore::Open(options, &clock_, &error);
    ASSERT_TRUE(store_) << error;
  }
  std::string FileText(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  Result<Written> Create(const std::string& name, std::optional<SecretValue> value = kPassword,
                         std::string token = "") {
    CreateRequest r;
    r.name = name;
    r.arn = store_->NewArn(name);
    r.value = std::move(value);
    r.version_id = std::move(token);
    return store_->Create(r);
  }
  Result<Written> Put(const std::string& id, const std::string& text, std::string token = "",
                      std::vector<std::string> stages = {}) {
    PutRequest r;
    r.value = SecretValue{false, text};
    r.version_id = std::move(token);
    r.stages = std::move(stages);
    return store_->PutValue(id, r);
  }
  std::string Current(const std::string& id) {
    auto read = store_->GetValue(id, "", "");
    return read.ok() ? read.value().value.bytes : "<" + read.error().message + ">";
  }

  common::FakeClock clock_;
  std::string dir_;
  std::unique_ptr<SecretStore> store_;
};

TEST_F(SecretStoreTest, CreatedSecretHasAnAwsShapedArnAndItsValue) {
  auto created = Create("prod/db-password");
  ASSERT_TRUE(created.ok()) << created.error().message;
  const std::string& arn = created.value().arn;
  const std::string prefix =
      "arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-password-";
  ASSERT_EQ(arn.size(), prefix.size() + 6);
  EXPECT_EQ(arn.substr(0, prefix.size()), prefix);
  for (char c : arn.substr(prefix.size())) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  ASSERT_TRUE(created.value().version.has_value());
  EXPECT_EQ(created.value().version->stages, std::vector<std::string>{kCurrent});
  EXPECT_EQ(created.value().version->id.size(), 36u);  // a UUID
  EXPECT_EQ(Current("prod/db-password"), kPassword.bytes);
  EXPECT_EQ(Current(arn), kPassword.bytes);
  EXPECT_EQ(Current(prefix.substr(0, prefix.size() - 1)), kPassword.bytes);  // partial ARN
}

TEST_F(SecretStoreTest, SecretIdResolvesNamesFullAndPartialArnsOnly) {
  const std::string prefix = "arn:aws:secretsmanager:us-east-1:000000000000:secret:";
  ASSERT_TRUE(Create("app").ok());
  ASSERT_TRUE(Create("app-abcdef").ok());  // a name that looks like a suffixed one
  auto app = store_->Describe("app");
  auto look_alike = store_->Describe("app-abcdef");
  ASSERT_TRUE(app.ok() && look_alike.ok());
  EXPECT_EQ(store_->Describe(app.value().arn).value().name, "app");
  EXPECT_EQ(store_->Describe(look_alike.value().arn).value().name, "app-abcdef");
  EXPECT_EQ(store_->Describe(prefix + "app").value().name, "app");
  EXPECT_EQ(store_->Describe(prefix + "app-abcdef").value().name, "app-abcdef");
  EXPECT_EQ(*store_->Resolve(prefix + "app"), app.value().arn);
  EXPECT_EQ(store_->Describe(prefix + "app-zzzzzz").error().code, Errc::kNotFound);
  EXPECT_FALSE(store_->Describe("arn:aws:secretsmanager:eu-west-1:000000000000:secret:app").ok());
  EXPECT_EQ(store_->Describe("nope").error().code, Errc::kNotFound);
  EXPECT_FALSE(store_->Resolve("nope").has_value());
}

TEST_F(SecretStoreTest, NamesAndValuesAreChecked) {
  EXPECT_EQ(Create("has space").error().code, Errc::kInvalidInput);
  EXPECT_EQ(Create("").error().code, Errc::kInvalidInput);
  EXPECT_EQ(Create(std::string(513, 'a')).error().code, Errc::kInvalidInput);
  EXPECT_TRUE(Create(std::string(512, 'a')).ok());
  EXPECT_TRUE(Create("A-z_0/9+=.@-").ok());
  EXPECT_EQ(Create("big", SecretValue{false, std::string(65537, 'x')}).error().code,
            Errc::kInvalidInput);
  EXPECT_TRUE(Create("max", SecretValue{true, std::string(65536, '\0')}).ok());
  EXPECT_EQ(Create("dup").ok(), true);
  auto again = Create("dup");
  EXPECT_EQ(again.error().code, Errc::kAlreadyExists);
  EXPECT_EQ(again.error().message, "The operation failed because the secret dup already exists.");
  EXPECT_EQ(Create("token", kPassword, "short").error().code, Errc::kInvalidInput);
}

TEST_F(SecretStoreTest, ErrorMessagesNeverContainTheValue) {
  const std::string value(70000, 'Q');
  auto r = Create("big", SecretValue{false, value});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("QQQQ"), std::string::npos);
}

TEST_F(SecretStoreTest, ASecretWithoutValueHasNoCurrentVersionUntilPut) {
  auto created = Create("later", std::nullopt);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created.value().version.has_value());
  auto read = store_->GetValue("later", "", "");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, Errc::kNotFound);
  EXPECT_EQ(read.error().message,
            "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
  auto put = Put("later", "v1", "", {"AWSPENDING"});  // the first version gets AWSCURRENT too
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put.value().version->stages, (std::vector<std::string>{"AWSPENDING", kCurrent}));
  EXPECT_EQ(Current("later"), "v1");
}

TEST_F(SecretStoreTest, PutMovesCurrentAndPreviousLabels) {
  auto v1 = Create("rot", SecretValue{false, "one"});
  ASSERT_TRUE(v1.ok());
  std::string id1 = v1.value().version->id;
  auto v2 = Put("rot", "two");
  ASSERT_TRUE(v2.ok());
  std::string id2 = v2.value().version->id;
  auto v3 = Put("rot", "three", std::string(32, 'c'));
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3.value().version->id, std::string(32, 'c'));
  auto info = store_->Describe("rot").value();
  EXPECT_EQ(StagesOf(info, id1), std::vector<std::string>{});
  EXPECT_EQ(StagesOf(info, id2), std::vector<std::string>{kPrevious});
  EXPECT_EQ(StagesOf(info, std::string(32, 'c')), std::vector<std::string>{kCurrent});
  EXPECT_EQ(Current("rot"), "three");
  EXPECT_EQ(store_->GetValue("rot", "", kPrevious).value().value.bytes, "two");
  EXPECT_EQ(store_->GetValue("rot", id1, "").value().value.bytes, "one");  // unlabelled, by id
  EXPECT_EQ(store_->GetValue("rot", id1, kCurrent).error().code, Errc::kNotFound);

  // A pending version leaves AWSCURRENT where it is.
  auto pending = Put("rot", "four", "", {kPending});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(Current("rot"), "three");
  EXPECT_EQ(store_->GetValue("rot", "", kPending).value().value.bytes, "four");
}

TEST_F(SecretStoreTest, ClientRequestTokenIsIdempotentForTheSameValueOnly) {
  const std::string token = "11111111-2222-3333-4444-555555555555";
  auto first = Create("idem", SecretValue{false, "v"}, token);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().version->id, token);
  auto same = Put("idem", "v", token);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same.value().version->id, token);
  EXPECT_EQ(store_->Describe("idem").value().versions.size(), 1u);
  // CreateSecret retried with its token and value (an SDK retry after a lost answer).
  auto retried = Create("idem", SecretValue{false, "v"}, token);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried.value().arn, first.value().arn);
  EXPECT_EQ(Create("idem", SecretValue{false, "x"}, token).error().code, Errc::kAlreadyExists);
  EXPECT_EQ(Create("idem", SecretValue{false, "v"}).error().code, Errc::kAlreadyExists);
  auto other = Put("idem", "w", token);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::kAlreadyExists);
  PutRequest binary;
  binary.version_id = token;
  binary.value = SecretValue{true, "v"};  // same bytes, other type: another value
  EXPECT_EQ(store_->PutValue("idem", binary).error().code, Errc::kAlreadyExists);
  EXPECT_EQ(Current("idem"), "v");
}

TEST_F(SecretStoreTest, UpdateChangesMetadataAndAddsAVersionWhenGivenAValue) {
  ASSERT_TRUE(Create("upd", SecretValue{false, "a"}).ok());
  clock_.Advance(hours(1));
  UpdateRequest u;
  u.description = "the database";
  u.kms_key_id = "alias/mine";
  auto meta = store_->Update("upd", u);
  ASSERT_TRUE(meta.ok());
  EXPECT_FALSE(meta.value().version.has_value());
  auto info = store_->Describe("upd").value();
  EXPECT_EQ(info.description, "the database");
  EXPECT_EQ(info.kms_key_id, "alias/mine");
  EXPECT_EQ(info.changed_ms, info.created_ms + 3'600'000);
  UpdateRequest v;
  v.value = SecretValue{false, "b"};
  auto with_value = store_->Update("upd", v);
  ASSERT_TRUE(with_value.ok());
  ASSERT_TRUE(with_value.value().version.has_value());
  EXPECT_EQ(Current("upd"), "b");
  EXPECT_EQ(store_->GetValue("upd", "", kPrevious).value().value.bytes, "a");
}

TEST_F(SecretStoreTest, DeleteSchedulesRestoreCancelsAndTheWindowPurges) {
  ASSERT_TRUE(Create("gone").ok());
  EXPECT_EQ(store_->Delete("gone", 6, false).error().code, Errc::kInvalidParameter);
  EXPECT_EQ(store_->Delete("gone", 31, false).error().code, Errc::kInvalidParameter);
  auto deleted = store_->Delete("gone", 7, false);
  ASSERT_TRUE(deleted.ok());
  const int64_t now = common::ToEpochMillis(clock_.Now());
  EXPECT_EQ(deleted.value().deletion_ms, now + 7 * kDayMs);

  auto read = store_->GetValue("gone", "", "");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, Errc::kMarkedForDeletion);
  EXPECT_EQ(read.error().message,
            "You can't perform this operation on the secret because it was marked for deletion.");
  EXPECT_EQ(Put("gone", "x").error().code, Errc::kMarkedForDeletion);
  EXPECT_EQ(store_->Delete("gone", std::nullopt, false).error().code, Errc::kMarkedForDeletion);
  EXPECT_EQ(Create("gone").error().code, Errc::kMarkedForDeletion);
  EXPECT_EQ(store_->Describe("gone").value().deletion_ms, now + 7 * kDayMs);
  EXPECT_TRUE(store_->List({}).value().secrets.empty());
  ListRequest with_deleted;
  with_deleted.include_deleted = true;
  EXPECT_EQ(store_->List(with_deleted).value().secrets.size(), 1u);

  ASSERT_TRUE(store_->Restore("gone").ok());
  EXPECT_EQ(Current("gone"), kPassword.bytes);
  EXPECT_EQ(store_->Describe("gone").value().deletion_ms, 0);

  ASSERT_TRUE(store_->Delete("gone", std::nullopt, false).ok());  // default: 30 days
  EXPECT_EQ(store_->Describe("gone").value().deletion_ms, now + 30 * kDayMs);
  clock_.Advance(hours(24 * 30 - 1));
  EXPECT_TRUE(store_->Describe("gone").ok());
  clock_.Advance(hours(1));
  EXPECT_EQ(store_->Describe("gone").error().code, Errc::kNotFound);  // gone at once
  EXPECT_EQ(store_->PurgeExpired(), 1u);
  EXPECT_EQ(FileText("secrets.json").find("\"gone\""), std::string::npos);
  EXPECT_TRUE(Create("gone").ok());  // the name is free again
}

TEST_F(SecretStoreTest, ForceDeleteRemovesAtOnceEvenWhenScheduled) {
  ASSERT_TRUE(Create("now").ok());
  ASSERT_TRUE(store_->Delete("now", 10, false).ok());
  auto forced = store_->Delete("now", std::nullopt, true);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced.value().deletion_ms, common::ToEpochMillis(clock_.Now()));
  EXPECT_EQ(store_->Describe("now").error().code, Errc::kNotFound);
  EXPECT_TRUE(Create("now").ok());
  // Forcing the deletion of a secret that does not exist succeeds, as AWS documents.
  auto missing = store_->Delete("never-was", std::nullopt, true);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing.value().name, "never-was");
  EXPECT_EQ(store_->Delete("never-was", std::nullopt, false).error().code, Errc::kNotFound);
}

TEST_F(SecretStoreTest, RestartReadsEverythingBackAndTheFileHoldsNoPlaintext) {
  CreateRequest r;
  r.name = "svc/api-key";
  r.arn = store_->NewArn(r.name);
  r.description = "third-party key";
  r.kms_key_id = "alias/aws/secretsmanager";
  r.tags = {{"team", "web"}, {"env", "prod"}};
  r.value = SecretValue{false, "sk_live_0123456789abcdefPLAINTEXT"};
  ASSERT_TRUE(store_->Create(r).ok());
  ASSERT_TRUE(Put("svc/api-key", "sk_live_SECOND_PLAINTEXT_VALUE").ok());
  ASSERT_TRUE(Create("bin", SecretValue{true, std::string("\x00\x01\xffRAWBYTES", 12)}).ok());
  ASSERT_TRUE(Create("doomed").ok());
  ASSERT_TRUE(store_->Delete("doomed", 7, false).ok());
  ASSERT_TRUE(store_->GetValue("bin", "", "").ok());
  auto before = store_->Describe("svc/api-key").value();

  Reopen();
  auto after = store_->Describe("svc/api-key").value();
  EXPECT_EQ(after.arn, before.arn);
  EXPECT_EQ(after.description, before.description);
  EXPECT_EQ(after.kms_key_id, before.kms_key_id);
  EXPECT_EQ(after.tags, before.tags);
  EXPECT_EQ(after.created_ms, before.created_ms);
  ASSERT_EQ(after.versions.size(), 2u);
  EXPECT_EQ(after.versions[1].stages, std::vector<std::string>{kCurrent});
  EXPECT_EQ(Current("svc/api-key"), "sk_live_SECOND_PLAINTEXT_VALUE");
  EXPECT_EQ(store_->GetValue("svc/api-key", "", kPrevious).value().value.bytes,
            "sk_live_0123456789abcdefPLAINTEXT");
  auto bin = store_->GetValue("bin", "", "").value();
  EXPECT_TRUE(bin.value.binary);
  EXPECT_EQ(bin.value.bytes, std::string("\x00\x01\xffRAWBYTES", 12));
  EXPECT_GT(store_->Describe("bin").value().accessed_ms, 0);
  EXPECT_EQ(store_->Describe("doomed").value().deletion_ms,
            common::ToEpochMillis(clock_.Now()) + 7 * kDayMs);

  std::string text = FileText("secrets.json");
  EXPECT_NE(text.find("svc/api-key"), std::string::npos);
  EXPECT_EQ(text.find("PLAINTEXT"), std::string::npos);
  EXPECT_EQ(text.find("RAWBYTES"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/secrets.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/secrets.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SecretStoreTest, AnotherKeyOrADamagedFileStopsTheOpen) {
  ASSERT_TRUE(Create("x").ok());
  store_.reset();
  std::filesystem::remove(dir_ + "/secrets.key");
  std::string error;
  StoreOptions options;
  options.dir = dir_;
  EXPECT_FALSE(SecretStore::Open(options, &clock_, &error));
  EXPECT_NE(error.find("secrets.json"), std::string::npos) << error;
  std::ofstream(dir_ + "/secrets.json") << "{not json";
  EXPECT_FALSE(SecretStore::Open(options, &clock_, &error));
  EXPECT_NE(error.find("secrets.json"), std::string::npos) << error;
}

TEST_F(SecretStoreTest, AFailedWriteChangesNothing) {
  ASSERT_TRUE(Create("kept", SecretValue{false, "v1"}).ok());
  // A directory where the temporary file must go makes the write fail.
  std::filesystem::create_directory(dir_ + "/secrets.json.tmp");
  auto put = Put("kept", "v2");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, Errc::kStorageFailure);
  EXPECT_EQ(Create("new").error().code, Errc::kStorageFailure);
  EXPECT_EQ(Current("kept"), "v1");
  EXPECT_EQ(store_->Describe("new").error().code, Errc::kNotFound);
  EXPECT_EQ(store_->Describe("kept").value().versions.size(), 1u);
  std::filesystem::remove(dir_ + "/secrets.json.tmp");
  Reopen();
  EXPECT_EQ(Current("kept"), "v1");
}

TEST_F(SecretStoreTest, TagsAreSetReplacedAndRemoved) {
  ASSERT_TRUE(Create("tagged").ok());
  ASSERT_TRUE(store_->Tag("tagged", {{"a", "1"}, {"b", "2"}}).ok());
  ASSERT_TRUE(store_->Tag("tagged", {{"a", "3"}}).ok());
  EXPECT_EQ(store_->Describe("tagged").value().tags, (Tags{{"a", "3"}, {"b", "2"}}));
  ASSERT_TRUE(store_->Untag("tagged", {"a", "missing"}).ok());
  EXPECT_EQ(store_->Describe("tagged").value().tags, (Tags{{"b", "2"}}));
  EXPECT_EQ(store_->Tag("tagged", {{"", "x"}}).error().code, Errc::kInvalidInput);
}

TEST_F(SecretStoreTest, ListPagesInCreationOrderAndFilters) {
  for (const char* name : {"prod/db", "prod/api", "dev/db", "Prod/other"}) {
    CreateRequest r;
    r.name = name;
    r.arn = store_->NewArn(name);
    r.description = std::string("Database for ") + name;
    if (std::string(name).starts_with("prod")) r.tags = {{"env", "production"}};
    ASSERT_TRUE(store_->Create(r).ok());
    clock_.Advance(std::chrono::seconds(1));
  }
  ListRequest all;
  all.max_results = 3;
  auto first = store_->List(all);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first.value().secrets.size(), 3u);
  EXPECT_EQ(first.value().secrets[0].name, "prod/db");
  ASSERT_FALSE(first.value().next.empty());
  all.after = first.value().next;
  auto second = store_->List(all).value();
  ASSERT_EQ(second.secrets.size(), 1u);
  EXPECT_EQ(second.secrets[0].name, "Prod/other");
  EXPECT_TRUE(second.next.empty());
  all.after = "garbage!";
  EXPECT_EQ(store_->List(all).error().code, Errc::kInvalidNextToken);

  auto names = [&](std::vector<ListFilter> filters) {
    ListRequest r;
    r.filters = std::move(filters);
    std::vector<std::string> out;
    auto page = store_->List(r);
    for (const auto& s : page.value().secrets) out.push_back(s.name);
    return out;
  };
  EXPECT_EQ(names({{"name", {"prod"}}}), (std::vector<std::string>{"prod/db", "prod/api"}));
  EXPECT_EQ(names({{"name", {"!prod"}}}), (std::vector<std::string>{"dev/db", "Prod/other"}));
  EXPECT_EQ(names({{"tag-key", {"en"}}, {"tag-value", {"prod"}}}),
            (std::vector<std::string>{"prod/db", "prod/api"}));
  EXPECT_EQ(names({{"description", {"database for dev"}}}), std::vector<std::string>{"dev/db"});
  EXPECT_EQ(names({{"all", {"OTHER"}}}), std::vector<std::string>{"Prod/other"});
  EXPECT_EQ(names({{"all", {"dev"}}}), std::vector<std::string>{"dev/db"});
  ListRequest desc;
  desc.descending = true;
  EXPECT_EQ(store_->List(desc).value().secrets[0].name, "Prod/other");
}

TEST_F(SecretStoreTest, OldUnlabelledVersionsAreDroppedPastTheLimit) {
  store_.reset();
  std::string error;
  StoreOptions options;
  options.dir = dir_;
  options.max_versions = 3;
  store_ = SecretStore::Open(options, &clock_, &error);
  ASSERT_TRUE(store_);
  auto first = Create("many", SecretValue{false, "0"});
  ASSERT_TRUE(first.ok());
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(Put("many", std::to_string(i)).ok());
  auto info = store_->Describe("many").value();
  ASSERT_EQ(info.versions.size(), 3u);
  EXPECT_EQ(info.versions[1].stages, std::vector<std::string>{kPrevious});
  EXPECT_EQ(info.versions[2].stages, std::vector<std::string>{kCurrent});
  EXPECT_EQ(store_->GetValue("many", first.value().version->id, "").error().code, Errc::kNotFound);
}

TEST_F(SecretStoreTest, InMemoryStoreWritesNothing) {
  StoreOptions options;  // dir ""
  std::string error;
  auto memory = SecretStore::Open(options, &clock_, &error);
  ASSERT_TRUE(memory);
  CreateRequest r;
  r.name = "m";
  r.arn = memory->NewArn("m");
  r.value = kPassword;
  ASSERT_TRUE(memory->Create(r).ok());
  EXPECT_EQ(memory->GetValue("m", "", "").value().value, kPassword);
}

}  // namespace
}  // namespace spool::secrets
