#include "client/endpoint.h"

#include <gtest/gtest.h>

namespace spool::client {
namespace {

TEST(EndpointTest, ParsesHostPortAndHostHeader) {
  auto e = ParseEndpoint("http://127.0.0.1:9324/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->url, "http://127.0.0.1:9324");
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, "9324");
  EXPECT_EQ(e->host_header, "127.0.0.1:9324");

  e = ParseEndpoint("http://spool.internal");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, "80");
  EXPECT_EQ(e->host_header, "spool.internal");

  e = ParseEndpoint("http://[::1]:8080");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, "8080");
  EXPECT_EQ(e->host_header, "[::1]:8080");
}

TEST(EndpointTest, RefusesWhatItCannotServe) {
  for (const char* bad : {"https://sqs.us-east-1.amazonaws.com", "127.0.0.1:9324", "http://",
                          "http://host:", "http://host:99999", "http://host:x1",
                          "http://host/000000000000/q", "http://user@host", "http://[::1"}) {
    auto e = ParseEndpoint(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().kind(), ErrorKind::kInvalidArgument) << bad;
    EXPECT_EQ(e.error().code(), "InvalidEndpoint");
  }
}

TEST(EndpointTest, ChoiceOrder) {
  Env none = Env::FromMap({});
  EXPECT_EQ(ChooseSqsEndpoint(none, ""), "http://127.0.0.1:9324");
  Env both = Env::FromMap(
      {{"AWS_ENDPOINT_URL", "http://general:1"}, {"AWS_ENDPOINT_URL_SQS", "http://sqs:2"}});
  EXPECT_EQ(ChooseSqsEndpoint(both, ""), "http://sqs:2");
  EXPECT_EQ(ChooseSqsEndpoint(both, "http://given:3"), "http://given:3");
  EXPECT_EQ(ChooseSqsEndpoint(Env::FromMap({{"AWS_ENDPOINT_URL", "http://general:1"}}), ""),
            "http://general:1");

  EXPECT_EQ(ChooseSecretsEndpoint(both, "", "http://sqs:2"), "http://sqs:2");
  Env secrets = Env::FromMap({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:4"}});
  EXPECT_EQ(ChooseSecretsEndpoint(secrets, "", "http://sqs:2"), "http://sm:4");
  EXPECT_EQ(ChooseSecretsEndpoint(secrets, "http://given:5", "http://sqs:2"), "http://given:5");
}

}  // namespace
}  // namespace spool::client
