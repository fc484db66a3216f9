#pragma once
// Authorizer: whether an authenticated principal may perform an SQS action on a queue, by IAM's
// rules (auth::Evaluate): the account root may do everything with its own queues; an IAM user
// needs an Allow in one of its policies (inline or attached, from the iam::IdentityStore) or in
// the queue's Policy attribute, and no Deny in either.
//
// Every SQS action maps to its IAM action name ("sqs:" + the action; the batch actions to their
// single form) and to the queue's ARN (ListQueues: "*"). Condition keys: aws:SourceIp,
// aws:SecureTransport, aws:CurrentTime, aws:EpochTime, aws:username, aws:userid,
// aws:PrincipalArn, aws:PrincipalAccount.
//
// Parsed policies are cached by their text (bounded), so a request costs no JSON parsing.
//
// Threading: Check may run on every I/O thread at once (the cache has its own mutex).

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/principal.h"
#include "auth/policy.h"
#include "common/clock.h"
#include "iam/identity_store.h"

namespace spool::api {

// The IAM action name of an SQS API action, e.g. SendMessageBatch -> "sqs:SendMessage".
std::string IamActionName(std::string_view action);

class Authorizer {
 public:
  // `store` and `clock` must outlive the authorizer.
  Authorizer(iam::IdentityStore* store, const common::Clock* clock);

  // nullopt when allowed; else AWS's AccessDenied message. `resource` is the queue ARN or "*";
  // `queue_policy` the queue's Policy attribute ("" when none).
  std::optional<std::string> Check(const Principal& principal, std::string_view action,
                                   const std::string& resource, std::string_view queue_policy,
                                   std::string_view source_ip) const;
  // The same for an IAM API action ("iam:CreateUser") on an IAM resource (a user's or a
  // policy's ARN, or "*"), decided by the caller's identity policies alone.
  std::optional<std::string> CheckIam(const Principal& principal, std::string_view iam_action,
                                      const std::string& resource,
                                      std::string_view source_ip) const;

 private:
  std::optional<std::string> Decide(const Principal& principal, std::string action,
                                    const std::string& resource, std::string_view queue_policy,
                                    std::string_view source_ip) const;
  std::shared_ptr<const auth::Policy> Parsed(const std::string& text, auth::PolicyKind kind) const;

  iam::IdentityStore* store_;
  const common::Clock* clock_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const auth::Policy>> cache_;
};

}  // namespace spool::api
