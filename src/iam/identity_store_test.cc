#include "iam/identity_store.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace spool::iam {
namespace {

const char* kSendOnly =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage",)"
    R"("Resource":"arn:aws:sqs:us-east-1:000000000000:orders"}]})";

class IdentityStoreTest : public ::testing::Test {
 protected:
  IdentityStoreTest() {
    dir_ = ::testing::TempDir() + "/spool-iam-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  ~IdentityStoreTest() override { std::filesystem::remove_all(dir_); }
  void Reopen() {
    store_.reset();
    std::string error;
    store_ = IdentityStore::Open(dir_, "000000000000", &error);
    ASSERT_TRUE(store_) << error;
  }
  std::string FileText(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir_;
  std::unique_ptr<IdentityStore> store_;
};

TEST_F(IdentityStoreTest, UsersPoliciesAndKeysSurviveReopening) {
  auto user = store_->CreateUser("web-app");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user.value().arn, "arn:aws:iam::000000000000:user/web-app");
  EXPECT_EQ(user.value().id.substr(0, 4), "AIDA");
  ASSERT_TRUE(store_->PutUserPolicy("web-app", "send-orders", kSendOnly).ok());
  auto policy = store_->CreatePolicy("ReadQueues", R"({"Version":"2012-10-17","Statement":[]})");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy.value().arn, "arn:aws:iam::000000000000:policy/ReadQueues");
  ASSERT_TRUE(store_->AttachUserPolicy("web-app", policy.value().arn).ok());
  auto key = store_->CreateAccessKey("web-app");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value().secret_access_key.size(), 40u);
  ASSERT_TRUE(store_->LookupKey(key.value().access_key_id).has_value());
  EXPECT_EQ(store_->LookupKey(key.value().access_key_id)->secret, key.value().secret_access_key);

  Reopen();
  EXPECT_TRUE(store_->GetUser("web-app").ok());
  EXPECT_EQ(store_->GetUserPolicy("web-app", "send-orders").value(), kSendOnly);
  EXPECT_EQ(store_->PolicyDocumentsOf("web-app").size(), 2u);
  auto found = store_->LookupKey(key.value().access_key_id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secret, key.value().secret_access_key);
  EXPECT_EQ(found->user, "web-app");
  EXPECT_TRUE(found->active);
  // The secret is not stored in the clear, and the files are private.
  EXPECT_EQ(FileText("iam.json").find(key.value().secret_access_key), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/iam.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/iam.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(IdentityStoreTest, IamRulesAndErrors) {
  EXPECT_EQ(store_->CreateUser("bad name").error().code, IamErrc::kValidationError);
  EXPECT_EQ(store_->CreateUser(std::string(65, 'a')).error().code, IamErrc::kValidationError);
  ASSERT_TRUE(store_->CreateUser("u").ok());
  EXPECT_EQ(store_->CreateUser("u").error().code, IamErrc::kEntityAlreadyExists);
  EXPECT_EQ(store_->GetUser("nobody").error().code, IamErrc::kNoSuchEntity);
  EXPECT_EQ(store_->PutUserPolicy("u", "p", "not json").error().code,
            IamErrc::kMalformedPolicyDocument);
  ASSERT_TRUE(store_->CreateAccessKey("u").ok());
  auto second = store_->CreateAccessKey("u");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(store_->CreateAccessKey("u").error().code, IamErrc::kLimitExceeded);
  EXPECT_EQ(store_->DeleteUser("u").error().code, IamErrc::kDeleteConflict);
  ASSERT_TRUE(store_->UpdateAccessKey("u", second.value().access_key_id, false).ok());
  EXPECT_FALSE(store_->LookupKey(second.value().access_key_id)->active);
  EXPECT_EQ(store_->DeleteAccessKey("other", second.value().access_key_id).error().code,
            IamErrc::kNoSuchEntity);
  auto keys = store_->ListAccessKeys("u");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys.value().size(), 2u);
  for (const auto& k : keys.value()) {
    ASSERT_TRUE(store_->DeleteAccessKey("u", k.id).ok());
  }
  EXPECT_FALSE(store_->LookupKey(second.value().access_key_id).has_value());
  auto p = store_->CreatePolicy("P", R"({"Statement":[]})");
  ASSERT_TRUE(store_->AttachUserPolicy("u", p.value().arn).ok());
  EXPECT_EQ(store_->DeletePolicy(p.value().arn).error().code, IamErrc::kDeleteConflict);
  ASSERT_TRUE(store_->DetachUserPolicy("u", p.value().arn).ok());
  ASSERT_TRUE(store_->DeletePolicy(p.value().arn).ok());
  ASSERT_TRUE(store_->DeleteUser("u").ok());
  EXPECT_TRUE(store_->ListUsers().empty());
}

TEST_F(IdentityStoreTest, RootKeyIsMadeOnceOrTakenFromConfiguration) {
  bool created = false;
  auto root = store_->EnsureRootKey(std::nullopt, &created);
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(created);
  EXPECT_NE(FileText("root-credentials").find(root.value().secret_access_key), std::string::npos);
  Reopen();
  auto again = store_->EnsureRootKey(std::nullopt, &created);
  EXPECT_FALSE(created);
  EXPECT_EQ(again.value().access_key_id, root.value().access_key_id);
  EXPECT_EQ(store_->LookupKey(root.value().access_key_id)->user, "");
  // A configured root key replaces the generated one.
  auto configured = store_->EnsureRootKey(Credentials{"SPAKCONFIGURED00001", "s3cret"}, &created);
  ASSERT_TRUE(configured.ok());
  EXPECT_FALSE(created);
  EXPECT_FALSE(store_->LookupKey(root.value().access_key_id).has_value());
  EXPECT_EQ(store_->LookupKey("SPAKCONFIGURED00001")->secret, "s3cret");
  EXPECT_EQ(store_->UserArn(""), "arn:aws:iam::000000000000:root");
}

TEST_F(IdentityStoreTest, AFailedWriteChangesNothing) {
  ASSERT_TRUE(store_->CreateUser("kept").ok());
  // Make the directory unwritable for the temporary file: a directory in its way.
  std::filesystem::create_directory(dir_ + "/iam.json.tmp");
  std::filesystem::create_directory(dir_ + "/iam.json.tmp/x");
  auto r = store_->CreateUser("lost");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, IamErrc::kServiceFailure);
  EXPECT_EQ(store_->GetUser("lost").error().code, IamErrc::kNoSuchEntity);
  std::filesystem::remove_all(dir_ + "/iam.json.tmp");
  Reopen();
  EXPECT_TRUE(store_->GetUser("kept").ok());
  EXPECT_FALSE(store_->GetUser("lost").ok());
}

TEST_F(IdentityStoreTest, DamagedFilesStopTheOpen) {
  ASSERT_TRUE(store_->CreateUser("u").ok());
  ASSERT_TRUE(store_->CreateAccessKey("u").ok());
  store_.reset();
  {
    std::ofstream key(dir_ + "/iam.key", std::ios::trunc | std::ios::binary);
    key << std::string(32, 'x');  // another key: the stored secrets do not decrypt
  }
  std::string error;
  EXPECT_FALSE(IdentityStore::Open(dir_, "000000000000", &error));
  EXPECT_NE(error.find("does not decrypt"), std::string::npos) << error;
}

TEST(IdentityStoreMemoryTest, WithoutADirectoryNothingIsWritten) {
  std::string error;
  auto store = IdentityStore::Open("", "000000000000", &error);
  ASSERT_TRUE(store);
  bool created = false;
  ASSERT_TRUE(store->EnsureRootKey(std::nullopt, &created).ok());
  ASSERT_TRUE(store->CreateUser("u").ok());
  EXPECT_TRUE(store->GetUser("u").ok());
}

}  // namespace
}  // namespace spool::iam
