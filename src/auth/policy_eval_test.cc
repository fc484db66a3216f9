#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/policy.h"

namespace spool::auth {
namespace {

constexpr std::string_view kAlice = "arn:aws:iam::123456789012:user/alice";
constexpr std::string_view kOrders = "arn:aws:sqs:us-east-1:123456789012:orders";
constexpr std::string_view kOther = "arn:aws:sqs:us-east-1:123456789012:payments";

Policy Identity(std::string_view json) {
  std::string error;
  auto p = ParsePolicy(json, PolicyKind::kIdentity, &error);
  EXPECT_TRUE(p.has_value()) << error;
  return p ? std::move(*p) : Policy{};
}

Policy Queue(std::string_view json) {
  std::string error;
  auto p = ParsePolicy(json, PolicyKind::kResource, &error);
  EXPECT_TRUE(p.has_value()) << error;
  return p ? std::move(*p) : Policy{};
}

RequestContext Request(std::string_view action, std::string_view resource = kOrders,
                       std::string_view principal = kAlice) {
  RequestContext r;
  r.principal_arn = std::string(principal);
  r.action = std::string(action);
  r.resource = std::string(resource);
  return r;
}

Decision Decide(const std::vector<const Policy*>& identity, const Policy* queue,
                const RequestContext& r) {
  return Evaluate(identity, queue, r).decision;
}

Decision Decide(const Policy& identity, const RequestContext& r) {
  return Decide({&identity}, nullptr, r);
}

const Policy& SendOnly() {
  static const Policy policy = Identity(R"({"Version":"2012-10-17","Statement":{
    "Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}})");
  return policy;
}

TEST(PolicyEvalTest, NothingMeansImplicitDeny) {
  EXPECT_EQ(Decide({}, nullptr, Request("sqs:SendMessage")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({nullptr}, nullptr, Request("sqs:SendMessage")), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, SendOnlyKey) {
  // The issue's example: a web app's key may only send to the orders queue.
  EXPECT_EQ(Decide(SendOnly(), Request("sqs:SendMessage")), Decision::kAllow);
  EXPECT_EQ(Decide(SendOnly(), Request("sqs:ReceiveMessage")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide(SendOnly(), Request("sqs:DeleteMessage")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide(SendOnly(), Request("sqs:PurgeQueue")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide(SendOnly(), Request("sqs:SendMessage", kOther)), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, ExplicitDenyBeatsAllowInAnyOrder) {
  const Policy allow_all =
      Identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}})");
  const Policy deny_purge = Identity(
      R"({"Statement":{"Sid":"NoPurge","Effect":"Deny","Action":"sqs:PurgeQueue","Resource":"*"}})");
  const RequestContext purge = Request("sqs:PurgeQueue");
  for (const auto& order : {std::vector<const Policy*>{&allow_all, &deny_purge},
                            std::vector<const Policy*>{&deny_purge, &allow_all}}) {
    const Evaluation e = Evaluate(order, nullptr, purge);
    EXPECT_EQ(e.decision, Decision::kExplicitDeny);
    EXPECT_EQ(e.source, PolicySource::kIdentity);
    EXPECT_EQ(e.sid, "NoPurge");
  }
  EXPECT_EQ(Decide({&allow_all, &deny_purge}, nullptr, Request("sqs:SendMessage")),
            Decision::kAllow);
  // Within one policy too.
  const Policy both = Identity(R"({"Statement":[
      {"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*"},
      {"Effect":"Allow","Action":"sqs:*","Resource":"*"}]})");
  EXPECT_EQ(Decide(both, Request("sqs:SendMessage")), Decision::kExplicitDeny);
}

TEST(PolicyEvalTest, QueuePolicyDenyBeatsIdentityAllow) {
  const Policy allow_all =
      Identity(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  const Policy queue = Queue(R"({"Statement":{"Sid":"Lock","Effect":"Deny","Principal":"*",
      "Action":"sqs:DeleteQueue","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}})");
  const Evaluation e =
      Evaluate(std::vector<const Policy*>{&allow_all}, &queue, Request("sqs:DeleteQueue"));
  EXPECT_EQ(e.decision, Decision::kExplicitDeny);
  EXPECT_EQ(e.source, PolicySource::kResource);
  EXPECT_EQ(e.sid, "Lock");
}

TEST(PolicyEvalTest, ActionsAreCaseInsensitiveWithWildcards) {
  const Policy p = Identity(
      R"({"Statement":{"Effect":"Allow","Action":["SQS:send*","sqs:Get?ueueUrl"],"Resource":"*"}})");
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage")), Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:GetQueueUrl")), Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:GetQueueAttributes")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide(p, Request("sqs:ReceiveMessage")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide(p, Request("sns:SendMessage")), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, ResourcesAreCaseSensitiveWithWildcards) {
  const Policy p = Identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:*",
      "Resource":["arn:aws:sqs:*:123456789012:ord*","arn:aws:sqs:us-east-1:123456789012:pay?ents"]}})");
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage", kOrders)), Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:orders-dlq")),
            Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage", kOther)), Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:Orders")),
            Decision::kImplicitDeny);
  EXPECT_EQ(Decide(p, Request("sqs:ListQueues", "*")), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, NotAction) {
  // Everything except deleting queues.
  const Policy p =
      Identity(R"({"Statement":{"Effect":"Allow","NotAction":"sqs:DeleteQueue","Resource":"*"}})");
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage")), Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:DeleteQueue")), Decision::kImplicitDeny);
  // A Deny with NotAction denies everything else.
  const Policy allow_all =
      Identity(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  const Policy deny_rest = Identity(
      R"({"Statement":{"Effect":"Deny","NotAction":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"*"}})");
  EXPECT_EQ(Decide({&allow_all, &deny_rest}, nullptr, Request("sqs:SendMessage")),
            Decision::kAllow);
  EXPECT_EQ(Decide({&allow_all, &deny_rest}, nullptr, Request("sqs:PurgeQueue")),
            Decision::kExplicitDeny);
}

TEST(PolicyEvalTest, NotResource) {
  const Policy p = Identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:*",
      "NotResource":"arn:aws:sqs:*:*:payments"}})");
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage", kOrders)), Decision::kAllow);
  EXPECT_EQ(Decide(p, Request("sqs:SendMessage", kOther)), Decision::kImplicitDeny);
  EXPECT_EQ(Decide(p, Request("sqs:ListQueues", "*")), Decision::kAllow);
}

TEST(PolicyEvalTest, ConditionsMustAllHold) {
  const Policy p = Identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*",
      "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","127.0.0.1/32"]},
                   "Bool":{"aws:SecureTransport":"true"},
                   "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}})");
  RequestContext r = Request("sqs:SendMessage");
  r.keys.Set("aws:SourceIp", "127.0.0.1");
  r.keys.Set("aws:SecureTransport", "true");
  r.keys.SetTime(common::FromEpochMillis(1440938160000));
  EXPECT_EQ(Decide(p, r), Decision::kAllow);
  r.keys.Set("aws:SourceIp", "192.168.1.1");
  EXPECT_EQ(Decide(p, r), Decision::kImplicitDeny);  // a failing condition: not applicable
  r.keys.Set("aws:SourceIp", "10.2.3.4");
  r.keys.Set("aws:SecureTransport", "false");
  EXPECT_EQ(Decide(p, r), Decision::kImplicitDeny);
  r.keys.Set("aws:SecureTransport", "true");
  r.keys.SetTime(common::FromEpochMillis(1900000000000));  // 2030-03-17
  EXPECT_EQ(Decide(p, r), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, DenyUnlessSecureTransport) {
  const Policy allow =
      Identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}})");
  const Policy queue = Queue(R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:*",
      "Condition":{"Bool":{"aws:SecureTransport":"false"}}}})");
  RequestContext r = Request("sqs:SendMessage");
  r.keys.Set("aws:SecureTransport", "false");
  EXPECT_EQ(Decide({&allow}, &queue, r), Decision::kExplicitDeny);
  r.keys.Set("aws:SecureTransport", "true");
  EXPECT_EQ(Decide({&allow}, &queue, r), Decision::kAllow);
}

TEST(PolicyEvalTest, PolicyVariablesOnlyIn2012Policies) {
  const char* body = R"("Statement":{"Effect":"Allow","Action":"sqs:*",
      "Resource":"arn:aws:sqs:*:123456789012:${aws:username}-*"}})";
  const Policy v2012 = Identity(std::string(R"({"Version":"2012-10-17",)") + body);
  const Policy v2008 = Identity(std::string(R"({"Version":"2008-10-17",)") + body);
  RequestContext r = Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:alice-jobs");
  r.keys.Set("aws:username", "alice");
  EXPECT_EQ(Decide(v2012, r), Decision::kAllow);
  EXPECT_EQ(Decide(v2008, r), Decision::kImplicitDeny);
  r.keys.Set("aws:username", "bob");
  EXPECT_EQ(Decide(v2012, r), Decision::kImplicitDeny);
  r.keys.Erase("aws:username");
  EXPECT_EQ(Decide(v2012, r), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, QueuePolicyNamingTheCallerAllowsOnItsOwn) {
  const Policy queue = Queue(R"({"Statement":{"Sid":"AliceSends","Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sqs:SendMessage",
      "Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}})");
  const Evaluation e = Evaluate({}, &queue, Request("sqs:SendMessage"));
  EXPECT_EQ(e.decision, Decision::kAllow);
  EXPECT_EQ(e.source, PolicySource::kResource);
  EXPECT_EQ(e.sid, "AliceSends");
  EXPECT_EQ(
      Decide({}, &queue, Request("sqs:SendMessage", kOrders, "arn:aws:iam::123456789012:user/bob")),
      Decision::kImplicitDeny);
  const Policy everyone = Queue(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage"}})");
  EXPECT_EQ(Decide({}, &everyone, Request("sqs:SendMessage")), Decision::kAllow);
}

TEST(PolicyEvalTest, QueuePolicyNamingAnAccountDelegatesToIt) {
  // Same account: the account principal alone does not let a user in ...
  const Policy own_account = Queue(R"({"Statement":{"Effect":"Allow",
      "Principal":{"AWS":"123456789012"},"Action":"sqs:*"}})");
  EXPECT_EQ(Decide({}, &own_account, Request("sqs:SendMessage")), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({&SendOnly()}, &own_account, Request("sqs:SendMessage")), Decision::kAllow);
  // ... but the account's root credentials are that principal.
  EXPECT_EQ(Decide({}, &own_account,
                   Request("sqs:SendMessage", kOrders, "arn:aws:iam::123456789012:root")),
            Decision::kAllow);
}

TEST(PolicyEvalTest, CrossAccountNeedsBothSides) {
  constexpr std::string_view kCarol = "arn:aws:iam::210987654321:user/carol";
  const Policy grant = Queue(R"({"Statement":{"Sid":"L","Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"SQS:SendMessage",
      "Resource":"arn:aws:sqs:us-east-1:123456789012:orders"}})");
  const Policy carol_sends =
      Identity(R"({"Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}})");
  const RequestContext r = Request("sqs:SendMessage", kOrders, kCarol);
  EXPECT_EQ(Decide({&carol_sends}, &grant, r), Decision::kAllow);
  const Evaluation no_queue_grant = Evaluate(std::vector<const Policy*>{&carol_sends}, nullptr, r);
  EXPECT_EQ(no_queue_grant.decision, Decision::kImplicitDeny);
  EXPECT_EQ(no_queue_grant.source, PolicySource::kResource);
  const Evaluation no_identity = Evaluate({}, &grant, r);
  EXPECT_EQ(no_identity.decision, Decision::kImplicitDeny);
  EXPECT_EQ(no_identity.source, PolicySource::kIdentity);
  // Another account's principal does not match the grant.
  EXPECT_EQ(Decide({&carol_sends}, &grant,
                   Request("sqs:SendMessage", kOrders, "arn:aws:iam::999999999999:user/eve")),
            Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, NotPrincipal) {
  const Policy allow_all =
      Identity(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  const Policy queue = Queue(R"({"Statement":{"Effect":"Deny",
      "NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sqs:ReceiveMessage"}})");
  EXPECT_EQ(Decide({&allow_all}, &queue, Request("sqs:ReceiveMessage")), Decision::kAllow);
  EXPECT_EQ(Decide({&allow_all}, &queue,
                   Request("sqs:ReceiveMessage", kOrders, "arn:aws:iam::123456789012:user/bob")),
            Decision::kExplicitDeny);
}

TEST(PolicyEvalTest, ServicePrincipal) {
  const Policy queue = Queue(R"({"Statement":{"Effect":"Allow",
      "Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",
      "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:orders-topic"}}}})");
  RequestContext r = Request("sqs:SendMessage", kOrders, "");
  r.principal_service = "sns.amazonaws.com";
  r.keys.Set("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:orders-topic");
  EXPECT_EQ(Decide({}, &queue, r), Decision::kAllow);
  r.keys.Set("aws:SourceArn", "arn:aws:sns:us-east-1:999999999999:orders-topic");
  EXPECT_EQ(Decide({}, &queue, r), Decision::kImplicitDeny);
  r.principal_service = "events.amazonaws.com";
  EXPECT_EQ(Decide({}, &queue, r), Decision::kImplicitDeny);
}

TEST(PolicyEvalTest, StatementApplies) {
  const Statement& s = SendOnly().statements[0];
  EXPECT_TRUE(StatementApplies(s, PolicyKind::kIdentity, Request("sqs:sendmessage"), true));
  EXPECT_FALSE(StatementApplies(s, PolicyKind::kIdentity, Request("sqs:ReceiveMessage"), true));
}

TEST(PolicyEvalTest, AccessDeniedMessages) {
  RequestContext r = Request("sqs:SendMessage", "arn:aws:sqs:us-west-2:123456789012:test");
  EXPECT_EQ(AccessDeniedMessage(r, Evaluate({}, nullptr, r)),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "sqs:sendmessage on resource: arn:aws:sqs:us-west-2:123456789012:test because no "
            "identity-based policy allows the sqs:sendmessage action");
  const Policy deny = Identity(R"({"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})");
  EXPECT_NE(AccessDeniedMessage(r, Evaluate(std::vector<const Policy*>{&deny}, nullptr, r))
                .find("with an explicit deny in an identity-based policy"),
            std::string::npos);
  const Policy queue_deny =
      Queue(R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"*"}})");
  EXPECT_NE(AccessDeniedMessage(r, Evaluate({}, &queue_deny, r))
                .find("with an explicit deny in a resource-based policy"),
            std::string::npos);
  EXPECT_EQ(AccessDeniedMessage(r, Evaluation{Decision::kAllow, PolicySource::kIdentity, 0, ""}),
            "");
}

}  // namespace
}  // namespace spool::auth
