#include "api/authorizer.h"

#include <vector>

namespace spool::api {
namespace {

constexpr size_t kMaxCachedPolicies = 4096;

}  // namespace

std::string IamActionName(std::string_view action) {
  // SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch are authorised as
  // their single forms (IAM has no *Batch actions).
  if (action.ends_with("Batch")) action.remove_suffix(5);
  return "sqs:" + std::string(action);
}

Authorizer::Authorizer(iam::IdentityStore* store, const common::Clock* clock)
    : store_(store), clock_(clock) {}

std::shared_ptr<const auth::Policy> Authorizer::Parsed(const std::string& text,
                                                       auth::PolicyKind kind) const {
  std::string key = (kind == auth::PolicyKind::kIdentity ? "i:" : "r:") + text;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  std::string error;
  auto parsed = auth::ParsePolicy(text, kind, &error);
  // A stored document that no longer parses grants nothing (documents are checked when set).
  std::shared_ptr<const auth::Policy> p =
      parsed ? std::make_shared<const auth::Policy>(std::move(*parsed)) : nullptr;
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCachedPolicies) cache_.clear();
  cache_.emplace(std::move(key), p);
  return p;
}

std::optional<std::string> Authorizer::Check(const Principal& principal, std::string_view action,
                                             const std::string& resource,
                                             std::string_view queue_policy,
                                             std::string_view source_ip) const {
  return Decide(principal, IamActionName(action), resource, queue_policy, source_ip);
}

std::optional<std::string> Authorizer::CheckIam(const Principal& principal,
                                                std::string_view iam_action,
                                                const std::string& resource,
                                                std::string_view source_ip) const {
  return Decide(principal, std::string(iam_action), resource, "", source_ip);
}

std::optional<std::string> Authorizer::Decide(const Principal& principal, std::string action,
                                              const std::string& resource,
                                              std::string_view queue_policy,
                                              std::string_view source_ip) const {
  // The account root owns every queue and identity of the account: full control (IAM's rule).
  if (principal.root()) return std::nullopt;

  auth::RequestContext request;
  request.principal_arn = principal.arn;
  request.action = std::move(action);
  request.resource = resource;
  request.keys.SetTime(clock_->Now());
  request.keys.Set("aws:SourceIp", std::string(source_ip));
  request.keys.Set("aws:SecureTransport", "false");  // Spool serves plain HTTP
  request.keys.Set("aws:username", principal.user);
  request.keys.Set("aws:userid", principal.id);
  request.keys.Set("aws:PrincipalArn", principal.arn);
  request.keys.Set("aws:PrincipalAccount", store_->account_id());
  request.keys.Set("aws:PrincipalType", "User");

  std::vector<std::shared_ptr<const auth::Policy>> owned;
  for (const auto& doc : store_->PolicyDocumentsOf(principal.user)) {
    owned.push_back(Parsed(doc, auth::PolicyKind::kIdentity));
  }
  std::vector<const auth::Policy*> identity;
  for (const auto& p : owned) identity.push_back(p.get());
  std::shared_ptr<const auth::Policy> resource_policy;
  if (!queue_policy.empty()) {
    resource_policy = Parsed(std::string(queue_policy), auth::PolicyKind::kResource);
  }
  auth::Evaluation e = auth::Evaluate(identity, resource_policy.get(), request);
  if (e.allowed()) return std::nullopt;
  return auth::AccessDeniedMessage(request, e);
}

}  // namespace spool::api
