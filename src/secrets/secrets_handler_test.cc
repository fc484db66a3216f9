#include "secrets/secrets_handler.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/encoding.h"
#include "common/fake_clock.h"

namespace spool::secrets {
namespace {

namespace json = boost::json;

class SecretsHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    store_ = SecretStore::Open(StoreOptions{}, &clock_, &error);
    ASSERT_TRUE(store_) << error;
    handler_ = std::make_unique<Handler>(store_.get());
    // The caller may do everything except on resources named in `denied_`.
    authorize_ = [this](const std::string& action, const std::string& resource) {
      asked_.push_back(action + " " + resource);
      if (resource.find(denied_) != std::string::npos && !denied_.empty()) {
        return std::optional<std::string>("User: alice is not authorized to perform: " + action);
      }
      return std::optional<std::string>();
    };
  }

  // (status, body) of one call.
  std::pair<int, json::object> Call(const std::string& action, const json::object& body) {
    Answer a = handler_->Handle(action, json::serialize(body), authorize_);
    return {a.status, json::parse(a.body).as_object()};
  }
  json::object Ok(const std::string& action, const json::object& body) {
    auto [status, out] = Call(action, body);
    EXPECT_EQ(status, 200) << json::serialize(out);
    return out;
  }
  std::string ErrorOf(const std::string& action, const json::object& body) {
    auto [status, out] = Call(action, body);
    EXPECT_NE(status, 200);
    EXPECT_TRUE(out.contains("Message"));
    return out.contains("__type") ? std::string(out["__type"].as_string()) : "<none>";
  }

  common::FakeClock clock_{common::FromEpochMillis(1'800'000'000'500)};
  std::unique_ptr<SecretStore> store_;
  std::unique_ptr<Handler> handler_;
  Authorize authorize_;
  std::string denied_;
  std::vector<std::string> asked_;
};

TEST_F(SecretsHandlerTest, CreateGetPutDescribeThroughJson) {
  auto created =
      Ok("CreateSecret", {{"Name", "prod/db"},
                          {"SecretString", R"({"user":"app","password":"p"})"},
                          {"Description", "db"},
                          {"Tags", json::array{json::object{{"Key", "team"}, {"Value", "web"}}}}});
  std::string arn(created["ARN"].as_string());
  EXPECT_TRUE(arn.starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-"));
  EXPECT_EQ(created["Name"], "prod/db");
  ASSERT_TRUE(created.contains("VersionId"));
  EXPECT_EQ(asked_.back(), "secretsmanager:CreateSecret " + arn);

  auto got = Ok("GetSecretValue", {{"SecretId", "prod/db"}});
  EXPECT_EQ(got["SecretString"], R"({"user":"app","password":"p"})");
  EXPECT_EQ(got["VersionStages"], json::array{"AWSCURRENT"});
  EXPECT_EQ(got["CreatedDate"].as_double(), 1'800'000'000.5);
  EXPECT_EQ(asked_.back(), "secretsmanager:GetSecretValue " + arn);

  auto put = Ok("PutSecretValue", {{"SecretId", arn},
                                   {"SecretBinary", common::Base64Encode(std::string("\0\1", 2))},
                                   {"ClientRequestToken", std::string(40, 't')}});
  EXPECT_EQ(put["VersionId"].as_string(), std::string(40, 't'));
  EXPECT_EQ(put["VersionStages"], json::array{"AWSCURRENT"});
  got = Ok("GetSecretValue", {{"SecretId", arn}});
  EXPECT_EQ(got["SecretBinary"], "AAE=");
  EXPECT_FALSE(got.contains("SecretString"));

  auto described = Ok("DescribeSecret", {{"SecretId", "prod/db"}});
  EXPECT_EQ(described["Description"], "db");
  EXPECT_EQ(described["Tags"].as_array().size(), 1u);
  auto stages = described["VersionIdsToStages"].as_object();
  EXPECT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[std::string(40, 't')], json::array{"AWSCURRENT"});
  EXPECT_TRUE(described.contains("LastAccessedDate"));
  EXPECT_FALSE(described.contains("DeletedDate"));
}

TEST_F(SecretsHandlerTest, BadInputGetsAwsErrorTypes) {
  EXPECT_EQ(ErrorOf("CreateSecret", {{"Name", "bad name"}}), "ValidationException");
  EXPECT_EQ(ErrorOf("CreateSecret", {}), "ValidationException");
  EXPECT_EQ(
      ErrorOf("CreateSecret", {{"Name", "x"}, {"SecretString", "a"}, {"SecretBinary", "YQ=="}}),
      "InvalidParameterException");
  EXPECT_EQ(ErrorOf("CreateSecret", {{"Name", "x"}, {"SecretString", std::string(65537, 'a')}}),
            "ValidationException");
  EXPECT_EQ(ErrorOf("CreateSecret", {{"Name", 5}}), "SerializationException");
  EXPECT_EQ(ErrorOf("CreateSecret", {{"Name", "x"}, {"SecretBinary", "not base64"}}),
            "SerializationException");
  EXPECT_EQ(ErrorOf("GetSecretValue", {}), "ValidationException");
  EXPECT_EQ(ErrorOf("GetSecretValue", {{"SecretId", "missing"}}), "ResourceNotFoundException");
  EXPECT_EQ(ErrorOf("ListSecrets", {{"MaxResults", 0}}), "ValidationException");
  EXPECT_EQ(ErrorOf("ListSecrets", {{"NextToken", "nope"}}), "InvalidNextTokenException");
  EXPECT_EQ(ErrorOf("ListSecrets", {{"Filters", json::array{json::object{{"Key", "owner"}}}}}),
            "InvalidParameterException");
  EXPECT_EQ(ErrorOf("RotateSecret", {}), "UnknownOperationException");
  // An action that is not UTF-8 (from the X-Amz-Target header) still gets a JSON answer.
  EXPECT_EQ(ErrorOf("List\xb5Secrets", {}), "UnknownOperationException");
  Answer a = handler_->Handle("ListSecrets", "[1]", authorize_);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("SerializationException"), std::string::npos);
  EXPECT_EQ(handler_->Handle("ListSecrets", "", authorize_).status, 200);  // empty body: {}

  Ok("CreateSecret", {{"Name", "dup"}, {"SecretString", "v"}});
  EXPECT_EQ(ErrorOf("CreateSecret", {{"Name", "dup"}}), "ResourceExistsException");
  EXPECT_EQ(ErrorOf("PutSecretValue", {{"SecretId", "dup"}}), "InvalidParameterException");
  EXPECT_EQ(ErrorOf("DeleteSecret", {{"SecretId", "dup"},
                                     {"RecoveryWindowInDays", 7},
                                     {"ForceDeleteWithoutRecovery", true}}),
            "InvalidParameterException");
}

TEST_F(SecretsHandlerTest, ErrorsNeverEchoTheValue) {
  Answer a = handler_->Handle(
      "CreateSecret",
      json::serialize(json::object{{"Name", "x"}, {"SecretString", std::string(70000, 'Z')}}),
      authorize_);
  EXPECT_EQ(a.body.find("ZZZZ"), std::string::npos);
}

TEST_F(SecretsHandlerTest, ScheduledDeletionThenRestore) {
  Ok("CreateSecret", {{"Name", "gone"}, {"SecretString", "v"}});
  auto deleted = Ok("DeleteSecret", {{"SecretId", "gone"}, {"RecoveryWindowInDays", 7}});
  EXPECT_EQ(deleted["DeletionDate"].as_double(), 1'800'000'000.5 + 7 * 86400);
  auto [status, out] = Call("GetSecretValue", {{"SecretId", "gone"}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(out["__type"], "InvalidRequestException");
  EXPECT_EQ(out["Message"],
            "You can't perform this operation on the secret because it was marked for deletion.");
  EXPECT_TRUE(Ok("DescribeSecret", {{"SecretId", "gone"}}).contains("DeletedDate"));
  EXPECT_TRUE(Ok("ListSecrets", {})["SecretList"].as_array().empty());
  EXPECT_EQ(Ok("ListSecrets", {{"IncludePlannedDeletion", true}})["SecretList"].as_array().size(),
            1u);
  Ok("RestoreSecret", {{"SecretId", "gone"}});
  EXPECT_EQ(Ok("GetSecretValue", {{"SecretId", "gone"}})["SecretString"], "v");
}

TEST_F(SecretsHandlerTest, DeniedCallsAnswerAccessDeniedAndLeaveNoTrace) {
  Ok("CreateSecret", {{"Name", "private"}, {"SecretString", "v"}});
  denied_ = ":secret:private";
  EXPECT_EQ(ErrorOf("GetSecretValue", {{"SecretId", "private"}}), "AccessDeniedException");
  EXPECT_EQ(ErrorOf("PutSecretValue", {{"SecretId", "private"}, {"SecretString", "w"}}),
            "AccessDeniedException");
  EXPECT_EQ(ErrorOf("CreateSecret", {{"Name", "private2"}}), "AccessDeniedException");
  EXPECT_EQ(ErrorOf("DescribeSecret", {{"SecretId", "private2"}}), "AccessDeniedException");
  EXPECT_EQ(asked_.back(),
            "secretsmanager:DescribeSecret "
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:private2");
  denied_.clear();
  EXPECT_EQ(Ok("GetSecretValue", {{"SecretId", "private"}})["SecretString"], "v");
  EXPECT_EQ(ErrorOf("DescribeSecret", {{"SecretId", "private2"}}), "ResourceNotFoundException");
}

TEST_F(SecretsHandlerTest, ListSecretsPagesWithNextToken) {
  for (int i = 0; i < 5; ++i) {
    Ok("CreateSecret", {{"Name", "s" + std::to_string(i)}});
    clock_.Advance(std::chrono::milliseconds(10));
  }
  std::vector<std::string> names;
  json::object request{{"MaxResults", 2}};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = Ok("ListSecrets", request);
    for (const auto& s : page["SecretList"].as_array()) {
      names.emplace_back(s.at("Name").as_string());
      EXPECT_TRUE(s.as_object().contains("SecretVersionsToStages"));
    }
    if (!page.contains("NextToken")) break;
    request["NextToken"] = page["NextToken"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"s0", "s1", "s2", "s3", "s4"}));
  EXPECT_EQ(asked_.back(), "secretsmanager:ListSecrets *");
}

TEST_F(SecretsHandlerTest, TagAndUntag) {
  Ok("CreateSecret", {{"Name", "t"}});
  Ok("TagResource",
     {{"SecretId", "t"}, {"Tags", json::array{json::object{{"Key", "a"}, {"Value", "1"}}}}});
  EXPECT_EQ(Ok("DescribeSecret", {{"SecretId", "t"}})["Tags"].as_array().size(), 1u);
  Ok("UntagResource", {{"SecretId", "t"}, {"TagKeys", json::array{"a"}}});
  EXPECT_FALSE(Ok("DescribeSecret", {{"SecretId", "t"}}).contains("Tags"));
  EXPECT_EQ(ErrorOf("TagResource", {{"SecretId", "t"}}), "ValidationException");
}

}  // namespace
}  // namespace spool::secrets
