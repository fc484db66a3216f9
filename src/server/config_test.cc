#include "server/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace spool::server {
namespace {

TEST(ParseListenTest, AcceptsHostPortForms) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListen("127.0.0.1:9324", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 9324);
  ASSERT_TRUE(ParseListen("[::1]:0", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(ParseListen(":8080", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
}

TEST(ParseListenTest, RejectsMalformedAddresses) {
  std::string host;
  uint16_t port = 0;
  EXPECT_FALSE(ParseListen("127.0.0.1", &host, &port));
  EXPECT_FALSE(ParseListen("127.0.0.1:65536", &host, &port));
  EXPECT_FALSE(ParseListen("127.0.0.1:x", &host, &port));
  EXPECT_FALSE(ParseListen("::1:80", &host, &port));
  EXPECT_FALSE(ParseListen("[::1]80", &host, &port));
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    // One file per test: ctest runs the tests of this fixture in parallel processes.
    std::string path = ::testing::TempDir() + "/spool-config-" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml";
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(ConfigFileTest, OverlaysEveryKey) {
  ServeConfig c;
  std::string error;
  ASSERT_TRUE(LoadConfigFile(Write("listen = \"127.0.0.2:1234\"\nregion = \"eu-west-1\"\n"
                                   "account_id = \"123456789012\"\nthreads = 3\n"
                                   "public_url = \"http://q.local:1234\"\nlog_level = \"warn\"\n"),
                             &c, &error))
      << error;
  EXPECT_EQ(c.listen_host, "127.0.0.2");
  EXPECT_EQ(c.listen_port, 1234);
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.account_id, "123456789012");
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.public_url, "http://q.local:1234");
  EXPECT_EQ(c.log_level, "warn");
}

TEST_F(ConfigFileTest, SyntaxErrorNamesLineAndColumn) {
  ServeConfig c;
  std::string error;
  EXPECT_FALSE(LoadConfigFile(Write("region = \"x\"\nlisten = \n"), &c, &error));
  EXPECT_NE(error.find(":2:"), std::string::npos) << error;
}

TEST_F(ConfigFileTest, UnknownKeyIsAnError) {
  ServeConfig c;
  std::string error;
  EXPECT_FALSE(LoadConfigFile(Write("colour = \"blue\"\n"), &c, &error));
  EXPECT_NE(error.find("colour"), std::string::npos) << error;
}

TEST(EnvironmentTest, OverridesDefaults) {
  setenv("SPOOL_LISTEN", "127.0.0.1:0", 1);
  setenv("SPOOL_REGION", "ap-south-1", 1);
  ServeConfig c;
  std::string error;
  ASSERT_TRUE(LoadEnvironment(&c, &error)) << error;
  EXPECT_EQ(c.listen_port, 0);
  EXPECT_EQ(c.region, "ap-south-1");
  setenv("SPOOL_LISTEN", "nonsense", 1);
  EXPECT_FALSE(LoadEnvironment(&c, &error));
  unsetenv("SPOOL_LISTEN");
  unsetenv("SPOOL_REGION");
}

TEST(ValidateConfigTest, RemoteAddressesNeedAuthenticationAndARealRootKey) {
  ServeConfig c;
  std::string error;
  EXPECT_TRUE(ValidateConfig(c, &error));
  c.listen_host = "0.0.0.0";
  EXPECT_TRUE(ValidateConfig(c, &error));  // authenticated, generated root key
  c.root_access_key_id = "test";
  c.root_secret_access_key = "test";
  EXPECT_FALSE(ValidateConfig(c, &error));  // development credentials
  EXPECT_NE(error.find("development"), std::string::npos);
  c.root_secret_access_key = "a-real-secret-of-forty-characters-000000";
  EXPECT_TRUE(ValidateConfig(c, &error));
  c.insecure_no_auth = true;
  EXPECT_FALSE(ValidateConfig(c, &error));  // no auth: loopback only
  c.listen_host = "127.0.0.1";
  EXPECT_TRUE(ValidateConfig(c, &error));
}

TEST(ValidateConfigTest, AccountIdMustBeTwelveDigits) {
  ServeConfig c;
  std::string error;
  c.account_id = "12345";
  EXPECT_FALSE(ValidateConfig(c, &error));
  c.account_id = "12345678901a";
  EXPECT_FALSE(ValidateConfig(c, &error));
}

}  // namespace
}  // namespace spool::server
