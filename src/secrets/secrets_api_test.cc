#include "secrets/secrets_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/fake_clock.h"

namespace spool::secrets {
namespace {

namespace json = boost::json;

TEST(SecretsApiTest, RoutesTheTargetAndAsksAboutThePrincipal) {
  common::FakeClock clock;
  std::string error;
  auto store = SecretStore::Open(StoreOptions{}, &clock, &error);
  ASSERT_TRUE(store) << error;
  std::vector<std::string> asked;
  SecretsApi api(store.get(), [&](const api::Principal& p, const std::string& action,
                                  const std::string& resource, std::string_view ip) {
    asked.push_back(p.user + " " + action + " " + resource + " " + std::string(ip));
    return p.root() ? std::nullopt : std::optional<std::string>("denied");
  });
  http::Request r;
  r.method = "POST";
  r.target = "/";
  r.remote_address = "127.0.0.1";
  r.headers = {{"X-Amz-Target", "secretsmanager.CreateSecret"},
               {"Content-Type", "application/x-amz-json-1.1"}};
  r.body = R"({"Name":"n","SecretString":"v"})";
  api::Principal root;
  http::Response created = api.Respond(root, r);
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(created.headers[0].value, "application/x-amz-json-1.1");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_TRUE(asked[0].starts_with(" secretsmanager:CreateSecret arn:aws:secretsmanager:"));

  api::Principal alice;
  alice.user = "alice";
  r.headers[0].value = "secretsmanager.GetSecretValue";
  r.body = R"({"SecretId":"n"})";
  http::Response denied = api.Respond(alice, r);
  EXPECT_EQ(denied.status, 400);
  EXPECT_EQ(json::parse(denied.body).at("__type"), "AccessDeniedException");
  EXPECT_TRUE(asked.back().starts_with("alice secretsmanager:GetSecretValue arn:"));
  EXPECT_TRUE(asked.back().ends_with(" 127.0.0.1"));

  http::Response read;
  api.Handle(root, r, [&](http::Response resp) { read = std::move(resp); });
  EXPECT_EQ(json::parse(read.body).at("SecretString"), "v");
}

}  // namespace
}  // namespace spool::secrets
