#include "client/credential_sources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "client/aws_config_file.h"

namespace spool::client {
namespace {

namespace fs = std::filesystem;

class CredentialChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("spool-client-creds-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / ".aws");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  // An environment whose HOME is the test's directory, plus `vars`.
  Env MakeEnv(std::map<std::string, std::string, std::less<>> vars = {}) {
    vars.emplace("HOME", dir_.string());
    return Env::FromMap(std::move(vars));
  }

  fs::path dir_;
};

TEST_F(CredentialChainTest, EnvironmentVariablesComeFirst) {
  Write(".aws/credentials", "[default]\naws_access_key_id = FILE\naws_secret_access_key = fs\n");
  Env env = MakeEnv({{"AWS_ACCESS_KEY_ID", "ENV"},
                     {"AWS_SECRET_ACCESS_KEY", "es"},
                     {"AWS_SESSION_TOKEN", "tok"}});
  auto c = CredentialsFromDefaultChain(env, "");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(*c, (Credentials{"ENV", "es", "tok"}));
}

TEST_F(CredentialChainTest, HalfAKeyInTheEnvironmentFallsThroughToTheProfile) {
  Write(".aws/credentials", "[default]\naws_access_key_id = FILE\naws_secret_access_key = fs\n");
  auto c = CredentialsFromDefaultChain(MakeEnv({{"AWS_ACCESS_KEY_ID", "ENV"}}), "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "FILE");
}

TEST_F(CredentialChainTest, DefaultProfileOfTheHomeCredentialsFile) {
  Write(".aws/credentials",
        "# comment\n[other]\naws_access_key_id = O\naws_secret_access_key = os\n"
        "[default]\nAWS_Access_Key_Id =  D  \naws_secret_access_key=ds\n"
        "aws_session_token = dt\n");
  auto c = CredentialsFromDefaultChain(MakeEnv(), "");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(*c, (Credentials{"D", "ds", "dt"}));
}

TEST_F(CredentialChainTest, AwsProfileChoosesTheSectionAndKeepsEnvironmentFirst) {
  std::string file = Write("creds",
                           "[default]\naws_access_key_id = D\naws_secret_access_key = ds\n"
                           "[work]\naws_access_key_id = W\naws_secret_access_key = ws\n");
  auto c = CredentialsFromDefaultChain(
      MakeEnv({{"AWS_PROFILE", "work"}, {"AWS_SHARED_CREDENTIALS_FILE", file}}), "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "W");
  c = CredentialsFromDefaultChain(MakeEnv({{"AWS_PROFILE", "work"},
                                           {"AWS_SHARED_CREDENTIALS_FILE", file},
                                           {"AWS_ACCESS_KEY_ID", "E"},
                                           {"AWS_SECRET_ACCESS_KEY", "es"}}),
                                  "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "E");
}

TEST_F(CredentialChainTest, AnExplicitProfileSkipsTheEnvironmentVariables) {
  std::string file = Write("creds", "[work]\naws_access_key_id = W\naws_secret_access_key = ws\n");
  auto c = CredentialsFromDefaultChain(MakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", file},
                                                {"AWS_ACCESS_KEY_ID", "E"},
                                                {"AWS_SECRET_ACCESS_KEY", "es"}}),
                                       "work");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "W");
}

TEST_F(CredentialChainTest, KeysInTheConfigFileWhenTheCredentialsFileHasNone) {
  Write(".aws/config",
        "[default]\nregion = eu-west-1\n[profile ci]\naws_access_key_id = C\n"
        "aws_secret_access_key = cs\n");
  auto c = CredentialsFromDefaultChain(MakeEnv(), "ci");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "C");
}

TEST_F(CredentialChainTest, NothingFoundIsACredentialsErrorNamingThePlaces) {
  auto c = CredentialsFromDefaultChain(MakeEnv(), "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind(), ErrorKind::kCredentials);
  EXPECT_EQ(c.error().code(), "MissingCredentials");
  EXPECT_NE(c.error().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(c.error().message().find(".aws/credentials"), std::string::npos);
  EXPECT_NE(c.error().message().find("'default'"), std::string::npos);
}

TEST_F(CredentialChainTest, RegionOrder) {
  Write(".aws/config", "[default]\nregion = eu-west-1\n[profile ci]\nregion = ap-south-1\n");
  EXPECT_EQ(RegionFrom(MakeEnv({{"AWS_REGION", "r1"}, {"AWS_DEFAULT_REGION", "r2"}}), ""), "r1");
  EXPECT_EQ(RegionFrom(MakeEnv({{"AWS_DEFAULT_REGION", "r2"}}), ""), "r2");
  EXPECT_EQ(RegionFrom(MakeEnv(), ""), "eu-west-1");
  EXPECT_EQ(RegionFrom(MakeEnv(), "ci"), "ap-south-1");
  EXPECT_EQ(RegionFrom(MakeEnv({{"AWS_PROFILE", "ci"}}), ""), "ap-south-1");
  EXPECT_EQ(RegionFrom(MakeEnv(), "none"), "us-east-1");
  std::string other = Write("config2", "[default]\nregion = sa-east-1\n");
  EXPECT_EQ(RegionFrom(MakeEnv({{"AWS_CONFIG_FILE", other}}), ""), "sa-east-1");
}

TEST(AwsConfigFileTest, SectionsCommentsAndNestedSettings) {
  IniFile f = ParseIni(
      "; top comment\n[default]\nregion=us-west-2\ns3 =\n  max_concurrent_requests = 20\n"
      "output = json\n[ profile  x ]\nKey = V = W\n[broken\nlost = 1\n");
  ASSERT_TRUE(f.contains("default"));
  EXPECT_EQ(f["default"]["region"], "us-west-2");
  EXPECT_EQ(f["default"]["output"], "json");
  EXPECT_FALSE(f["default"].contains("max_concurrent_requests"));
  ASSERT_TRUE(f.contains("profile x"));
  EXPECT_EQ(f["profile x"]["key"], "V = W");
  EXPECT_EQ(FindProfile(f, "x", true), &f["profile x"]);
  EXPECT_EQ(FindProfile(f, "default", true), &f["default"]);
  EXPECT_EQ(FindProfile(f, "default", false), &f["default"]);
  EXPECT_EQ(FindProfile(f, "x", false), nullptr);
}

TEST(AwsConfigFileTest, AMissingFileIsNotAnError) {
  EXPECT_FALSE(ReadIniFile("/nonexistent/spool/credentials").has_value());
  EXPECT_FALSE(ReadIniFile("").has_value());
}

}  // namespace
}  // namespace spool::client
