#include "secrets/secret_rules.h"

#include <gtest/gtest.h>

#include "secrets/secret_file.h"

namespace spool::secrets {
namespace {

TEST(SecretRulesTest, SearchWordsSplitLikeSecretsManager) {
  EXPECT_EQ(SearchWords("credsDatabase#892"),
            (std::vector<std::string>{"creds", "database", "892"}));
  EXPECT_EQ(SearchWords("My_Secret"), (std::vector<std::string>{"my", "secret"}));
  EXPECT_EQ(SearchWords("prod/db2"), (std::vector<std::string>{"prod", "db", "2"}));
  EXPECT_TRUE(SearchWords("/_-").empty());
}

TEST(SecretRulesTest, NameOfArnNeedsThePrefixAndTheSuffix) {
  const std::string p = ArnPrefix("us-east-1", "000000000000");
  EXPECT_EQ(NameOfArn(p + "a/b-Ab12Cd", p), "a/b");
  EXPECT_EQ(NameOfArn(p + "x-abcdef-Ab12Cd", p), "x-abcdef");
  EXPECT_FALSE(NameOfArn(p + "a/b", p));
  EXPECT_FALSE(NameOfArn(p + "-Ab12Cd", p));
  EXPECT_FALSE(NameOfArn(p + "a-Ab1_Cd", p));
  EXPECT_FALSE(NameOfArn("arn:aws:secretsmanager:eu-west-1:000000000000:secret:a-Ab12Cd", p));
  std::string suffix = NewArnSuffix();
  ASSERT_EQ(suffix.size(), 7u);
  EXPECT_EQ(NameOfArn(p + "n" + suffix, p), "n");
}

TEST(SecretRulesTest, ChecksAnswerAwsShapedErrors) {
  EXPECT_FALSE(CheckName("ok/name_+=.@-1"));
  EXPECT_EQ(CheckName("no!")->code, Errc::kInvalidInput);
  EXPECT_EQ(CheckValue({false, std::string(65537, 'a')})->message,
            "1 validation error detected: Value at 'secretString' failed to satisfy constraint: "
            "Member must have length less than or equal to 65536");
  EXPECT_EQ(CheckVersionId("short")->code, Errc::kInvalidInput);
  EXPECT_EQ(CheckStages({"A", "A"})->code, Errc::kInvalidParameter);
  EXPECT_EQ(CheckTags({{"aws:x", "1"}})->code, Errc::kInvalidParameter);
  EXPECT_EQ(CheckFilters({{"owner", {"x"}}})->code, Errc::kInvalidParameter);
  EXPECT_EQ(CheckFilters({{"name", {"bad*"}}})->code, Errc::kInvalidParameter);
  EXPECT_FALSE(CheckFilters({{"name", {"!prod/x"}}}));
}

TEST(SecretFileTest, RoundTripsAndRefusesDamage) {
  StoredSecret s;
  s.info.name = "db";
  s.info.arn = ArnPrefix("us-east-1", "000000000000") + "db-Ab12Cd";
  s.info.description = "d";
  s.info.tags = {{"k", "v"}};
  s.info.created_ms = s.info.changed_ms = 5;
  StoredVersion v;
  v.info.id = std::string(32, 'a');
  v.info.stages = {kCurrent};
  v.sealed = std::string("\x01\x02sealed", 8);
  s.versions.push_back(v);
  std::string text = SerializeSecretsFile({&s});
  std::vector<StoredSecret> back;
  std::string error;
  ASSERT_TRUE(ParseSecretsFile(text, &back, &error)) << error;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].info.arn, s.info.arn);
  EXPECT_EQ(back[0].info.description, "d");
  EXPECT_FALSE(back[0].info.kms_key_id.has_value());
  EXPECT_EQ(back[0].versions[0].sealed, v.sealed);

  EXPECT_FALSE(ParseSecretsFile("[]", &back, &error));
  EXPECT_FALSE(ParseSecretsFile(R"({"version":2,"secrets":[]})", &back, &error));
  std::string two = SerializeSecretsFile({&s, &s});
  EXPECT_FALSE(ParseSecretsFile(two, &back, &error));
  EXPECT_NE(error.find("repeats the name"), std::string::npos);
  StoredSecret wrong_arn = s;
  wrong_arn.info.arn = ArnPrefix("us-east-1", "000000000000") + "other-Ab12Cd";
  EXPECT_FALSE(ParseSecretsFile(SerializeSecretsFile({&wrong_arn}), &back, &error));
  StoredSecret two_current = s;
  two_current.versions.push_back(v);
  two_current.versions.back().info.id = std::string(32, 'b');
  EXPECT_FALSE(ParseSecretsFile(SerializeSecretsFile({&two_current}), &back, &error));
  EXPECT_NE(error.find("on two versions"), std::string::npos);
}

}  // namespace
}  // namespace spool::secrets
