#include <string>

#include <gtest/gtest.h>

#include "auth/policy.h"

namespace spool::auth {
namespace {

Policy MustParse(std::string_view json, PolicyKind kind) {
  std::string error;
  std::optional<Policy> p = ParsePolicy(json, kind, &error);
  EXPECT_TRUE(p.has_value()) << error << "\n" << json;
  return p ? std::move(*p) : Policy{};
}

// The parse error for `json` (fails the test if it parses).
std::string ErrorOf(std::string_view json, PolicyKind kind = PolicyKind::kIdentity) {
  std::string error;
  EXPECT_FALSE(ParsePolicy(json, kind, &error).has_value()) << json;
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(PolicyParseTest, ReferenceQueuePolicy) {
  const Policy p = MustParse(R"({
    "Version": "2012-10-17",
    "Id": "optional-id",
    "Statement": [{
      "Sid": "optional",
      "Effect": "Allow",
      "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:user/alice"]},
      "Action": ["sqs:SendMessage", "sqs:Receive*"],
      "Resource": "arn:aws:sqs:us-east-2:444455556666:queue1",
      "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:444455556666:topic"}}
    }]})",
                             PolicyKind::kResource);
  EXPECT_EQ(p.version, "2012-10-17");
  EXPECT_EQ(p.id, "optional-id");
  ASSERT_EQ(p.statements.size(), 1u);
  const Statement& s = p.statements[0];
  EXPECT_EQ(s.sid, "optional");
  EXPECT_EQ(s.effect, Effect::kAllow);
  EXPECT_TRUE(s.has_principal);
  EXPECT_FALSE(s.not_principal);
  EXPECT_EQ(s.principals.aws,
            (std::vector<std::string>{"111122223333", "arn:aws:iam::444455556666:user/alice"}));
  EXPECT_EQ(s.actions, (std::vector<std::string>{"sqs:SendMessage", "sqs:Receive*"}));
  EXPECT_EQ(s.resources, (std::vector<std::string>{"arn:aws:sqs:us-east-2:444455556666:queue1"}));
  ASSERT_EQ(s.conditions.size(), 1u);
  EXPECT_EQ(s.conditions[0].op, ConditionOp::kArnEquals);
  EXPECT_EQ(s.conditions[0].key, "aws:SourceArn");
  EXPECT_TRUE(p.expands_variables());
}

TEST(PolicyParseTest, AddPermissionShape) {
  // As LocalStack generates it (reference section 10.4): one statement object, scalars.
  const Policy p = MustParse(
      R"({"Version":"2008-10-17","Id":"arn:aws:sqs:us-east-1:123456789012:Q/SQSDefaultPolicy",
          "Statement":{"Sid":"L","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},
          "Action":"SQS:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:Q"}})",
      PolicyKind::kResource);
  ASSERT_EQ(p.statements.size(), 1u);
  EXPECT_EQ(p.statements[0].actions, std::vector<std::string>{"SQS:SendMessage"});
  EXPECT_FALSE(p.expands_variables());
}

TEST(PolicyParseTest, IdentityPolicyForms) {
  const Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"sqs:*","Resource":"*"},
      {"Effect":"Deny","NotAction":["sqs:SendMessage"],"NotResource":"arn:aws:sqs:*:*:orders",
       "Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"k:n":[1,2.5]}}}]})",
                             PolicyKind::kIdentity);
  ASSERT_EQ(p.statements.size(), 2u);
  EXPECT_TRUE(p.statements[1].not_action);
  EXPECT_TRUE(p.statements[1].not_resource);
  ASSERT_EQ(p.statements[1].conditions.size(), 2u);
  EXPECT_EQ(p.statements[1].conditions[0].values, std::vector<std::string>{"false"});
  EXPECT_EQ(p.statements[1].conditions[1].values, (std::vector<std::string>{"1", "2.5"}));
  // No Version at all is accepted (2008 semantics: no policy variables).
  EXPECT_FALSE(MustParse(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
                         PolicyKind::kIdentity)
                   .expands_variables());
}

TEST(PolicyParseTest, PrincipalForms) {
  const Policy p = MustParse(R"({"Statement":[
      {"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage"},
      {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage"},
      {"Effect":"Allow","Principal":{"Service":["sns.amazonaws.com"]},"Action":"sqs:SendMessage"},
      {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"*"}]})",
                             PolicyKind::kResource);
  EXPECT_TRUE(p.statements[0].principals.any);
  EXPECT_TRUE(p.statements[1].principals.any);
  EXPECT_EQ(p.statements[2].principals.services, std::vector<std::string>{"sns.amazonaws.com"});
  EXPECT_TRUE(p.statements[3].not_principal);
  EXPECT_TRUE(p.statements[0].resources.empty());
}

TEST(PolicyParseTest, MalformedDocuments) {
  struct Case {
    std::string_view json;
    std::string_view expect;
    PolicyKind kind = PolicyKind::kIdentity;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {R"({"Statement": []} trailing)", "not valid JSON"},
      {"[]", "must be a JSON object"},
      {R"({"Version":"2012-10-17"})", "must contain a Statement"},
      {R"({"Version":"2013-01-01","Statement":[]})", "Version must be"},
      {R"({"Version":2012,"Statement":[]})", "Version must be"},
      {R"({"Statement":[]})", "Statement must not be empty"},
      {R"({"Statement":"x"})", "Statement must be an object or an array"},
      {R"({"Statement":[1]})", "Statement[0] must be an object"},
      {R"({"Statemnt":[]})", "Unknown policy element \"Statemnt\""},
      {R"({"Statement":{"Action":"*","Resource":"*"}})", "must have an Effect"},
      {R"({"Statement":{"Effect":"allow","Action":"*","Resource":"*"}})", "Effect must be"},
      {R"({"Statement":{"Effect":"Allow","Resource":"*"}})", "must have an Action or NotAction"},
      {R"({"Statement":{"Effect":"Allow","Action":"*"}})", "must have a Resource or NotResource"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","NotAction":"x:y","Resource":"*"}})",
       "both Action and NotAction"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}})",
       "both Resource and NotResource"},
      {R"({"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}})", "empty array"},
      {R"({"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}})", "only strings"},
      {R"({"Statement":{"Effect":"Allow","Action":"SendMessage","Resource":"*"}})",
       "must be \"*\" or \"service:action\""},
      {R"({"Statement":{"Effect":"Allow","Action":"sqs:a:b","Resource":"*"}})",
       "must be \"*\" or \"service:action\""},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"orders"}})",
       "must be an ARN or \"*\""},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Foo":1}})",
       "unknown element \"Foo\""},
      {R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})",
       "must not specify a Principal"},
      {R"({"Statement":{"Effect":"Allow","Action":"*"}})", "must have a Principal",
       PolicyKind::kResource},
      {R"({"Statement":{"Effect":"Allow","Principal":"alice","Action":"*"}})",
       "must be \"*\" or an object", PolicyKind::kResource},
      {R"({"Statement":{"Effect":"Allow","Principal":{},"Action":"*"}})",
       "must be \"*\" or an object", PolicyKind::kResource},
      {R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"*"}})",
       "Invalid principal", PolicyKind::kResource},
      {R"({"Statement":{"Effect":"Allow","Principal":{"Group":"x"},"Action":"*"}})",
       "unknown principal type", PolicyKind::kResource},
      {R"({"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*"}})",
       "both Principal and NotPrincipal", PolicyKind::kResource},
      {R"({"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},
                        {"Sid":"a","Effect":"Deny","Action":"*","Resource":"*"}]})",
       "must be unique"},
      {R"({"Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}})",
       "Duplicate key \"Effect\""},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"StringEquals":{"k:a":"1","k:a":"2"}}}})",
       "Duplicate key \"k:a\""},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"StringEqualz":{"aws:username":"a"}}}})",
       "Unsupported condition operator 'StringEqualz'"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/99"}}}})",
       "not an IP address or CIDR block '10.0.0.0/99'"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"StringEquals":{"aws:username":[]}}}})",
       "must not be an empty array"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"StringEquals":{"aws:username":null}}}})",
       "strings, numbers or booleans"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"StringEquals":{"username":"a"}}}})",
       "prefixed with a service"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*",
           "Condition":{"StringEquals":{}}}})",
       "non-empty object"},
      {R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}})",
       "Condition must be an object"},
      {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"\xff\"}}",
       "not valid JSON"},
  };
  for (const Case& c : cases) {
    const std::string error = ErrorOf(c.json, c.kind);
    EXPECT_NE(error.find(c.expect), std::string::npos) << "got: " << error << "\nfor: " << c.json;
  }
}

TEST(PolicyParseTest, DeepNestingIsRejectedNotCrashed) {
  std::string deep = R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":)";
  for (int i = 0; i < 10000; ++i) deep += "[";
  EXPECT_NE(ErrorOf(deep).find("not valid JSON"), std::string::npos);
}

TEST(PolicyParseTest, CheckFunctionsForTheIdentityStore) {
  EXPECT_EQ(CheckIdentityPolicy(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"),
            "");
  EXPECT_NE(CheckIdentityPolicy(R"({"Statement":{"Effect":"Allow","Action":"*"}})"), "");
  EXPECT_EQ(CheckResourcePolicy(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}})"),
            "");
  // Usable as a plain function pointer (iam::PolicyCheck).
  std::string (*check)(std::string_view) = &CheckIdentityPolicy;
  EXPECT_NE(check("nope"), "");
}

}  // namespace
}  // namespace spool::auth
