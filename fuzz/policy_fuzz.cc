// Fuzz target: IAM policy documents (auth/policy.h).
//
// ParsePolicy on the input as an identity policy and as a queue policy. A rejected document must
// come with a message; an accepted one must respect the grammar (every statement has actions,
// identity statements have resources and no principal, queue statements have a principal), and
// is evaluated against a few requests. Whatever it says, adding a deny-everything policy must
// give an explicit deny (deny wins), and the check functions must agree with the parser.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.h"

namespace {

using namespace spool::auth;

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<RequestContext> Requests() {
  std::vector<RequestContext> out;
  auto add = [&](std::string principal, std::string action, std::string resource) {
    RequestContext r;
    r.principal_arn = std::move(principal);
    r.action = std::move(action);
    r.resource = std::move(resource);
    r.keys.Set("aws:SourceIp", "10.1.2.3");
    r.keys.Set("aws:SecureTransport", "false");
    r.keys.Set("aws:username", "alice");
    r.keys.Add("aws:TagKeys", "team");
    r.keys.Add("aws:TagKeys", "env");
    r.keys.SetTime(spool::common::FromEpochMillis(1440938160000));
    out.push_back(std::move(r));
  };
  add("arn:aws:iam::123456789012:user/alice", "sqs:SendMessage",
      "arn:aws:sqs:us-east-1:123456789012:orders");
  add("arn:aws:iam::210987654321:user/carol", "sqs:ReceiveMessage",
      "arn:aws:sqs:us-east-1:123456789012:orders");
  add("arn:aws:iam::123456789012:root", "sqs:ListQueues", "*");
  RequestContext service;
  service.principal_service = "sns.amazonaws.com";
  service.action = "sqs:SendMessage";
  service.resource = "arn:aws:sqs:us-east-1:123456789012:orders";
  service.keys.Set("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic");
  out.push_back(std::move(service));
  return out;
}

const Policy& DenyAll() {
  static const Policy policy = [] {
    std::string error;
    auto p = ParsePolicy(R"({"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})",
                         PolicyKind::kIdentity, &error);
    Require(p.has_value());
    return *p;
  }();
  return policy;
}

void Check(std::string_view input, PolicyKind kind) {
  std::string error;
  const std::optional<Policy> policy = ParsePolicy(input, kind, &error);
  const std::string check =
      kind == PolicyKind::kIdentity ? CheckIdentityPolicy(input) : CheckResourcePolicy(input);
  if (!policy) {
    Require(!error.empty());
    Require(check == error);
    return;
  }
  Require(check.empty());
  Require(!policy->statements.empty());
  for (const Statement& s : policy->statements) {
    Require(!s.actions.empty());
    if (kind == PolicyKind::kIdentity) {
      Require(!s.has_principal);
      Require(!s.resources.empty());
    } else {
      Require(s.has_principal);
    }
    for (const Condition& c : s.conditions) Require(!c.values.empty());
  }
  static const std::vector<RequestContext> requests = Requests();
  for (const RequestContext& r : requests) {
    for (const Statement& s : policy->statements) {
      StatementApplies(s, kind, r, policy->expands_variables());
    }
    const Policy* one[] = {&*policy};
    const Policy* with_deny[] = {&*policy, &DenyAll()};
    if (kind == PolicyKind::kIdentity) {
      const Evaluation e = Evaluate(one, nullptr, r);
      AccessDeniedMessage(r, e);
      Require(Evaluate(with_deny, nullptr, r).decision == Decision::kExplicitDeny);
    } else {
      const Evaluation e = Evaluate({}, &*policy, r);
      AccessDeniedMessage(r, e);
      const Policy* deny[] = {&DenyAll()};
      Require(Evaluate(deny, &*policy, r).decision == Decision::kExplicitDeny);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Check(input, PolicyKind::kIdentity);
  Check(input, PolicyKind::kResource);
  return 0;
}
