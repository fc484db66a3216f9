// Evaluate: identity policies + resource policy -> Decision (see policy.h).

#include <algorithm>

#include "auth/policy.h"

namespace spool::auth {
namespace {

// How a statement's principal element matched the caller.
enum class PrincipalMatch {
  kNo,
  kAccount,  // only through a whole-account principal (delegation to the account)
  kDirect,   // "*", the caller's own ARN, a service principal, or NotPrincipal
};

bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

PrincipalMatch MatchPrincipalSet(const PrincipalSet& set, const RequestContext& request) {
  if (set.any) return PrincipalMatch::kDirect;
  const std::string_view account = ArnAccount(request.principal_arn);
  // The account root is what a whole-account principal names.
  const auto caller = SplitArn(request.principal_arn);
  const bool caller_is_root = caller && caller->service == "iam" && caller->resource == "root";
  const PrincipalMatch account_match =
      caller_is_root ? PrincipalMatch::kDirect : PrincipalMatch::kAccount;
  PrincipalMatch best = PrincipalMatch::kNo;
  for (const std::string& p : set.aws) {
    if (!request.principal_arn.empty() && p == request.principal_arn) {
      return PrincipalMatch::kDirect;
    }
    if (account.empty()) continue;
    const auto parts = SplitArn(p);
    const bool names_account = (IsAccountId(p) && p == account) ||
                               (parts && parts->service == "iam" && parts->resource == "root" &&
                                parts->account == account);
    if (names_account) best = account_match;
  }
  if (!request.principal_service.empty()) {
    for (const std::string& s : set.services) {
      if (s == request.principal_service) return PrincipalMatch::kDirect;
    }
  }
  return best;
}

PrincipalMatch MatchPrincipal(const Statement& s, const RequestContext& request) {
  if (!s.has_principal) return PrincipalMatch::kDirect;
  const PrincipalMatch m = MatchPrincipalSet(s.principals, request);
  if (s.not_principal)
    return m == PrincipalMatch::kNo ? PrincipalMatch::kDirect : PrincipalMatch::kNo;
  return m;
}

bool ActionMatches(const Statement& s, std::string_view action) {
  const bool any = std::any_of(s.actions.begin(), s.actions.end(), [&](const std::string& p) {
    return WildcardMatch(p, action, /*ignore_case=*/true);
  });
  return any != s.not_action;
}

bool ResourceMatches(const Statement& s, const RequestContext& request, bool expand) {
  if (s.resources.empty()) return !s.not_resource;
  const bool any = std::any_of(s.resources.begin(), s.resources.end(), [&](const std::string& r) {
    if (expand && r.find("${") != std::string::npos) {
      const std::optional<Pattern> p = ExpandPolicyVariables(r, request.keys);
      return p.has_value() && ResourceMatch(*p, request.resource);
    }
    return ResourceMatch(r, request.resource);
  });
  return any != s.not_resource;
}

bool ConditionsHold(const Statement& s, const RequestContext& request, bool expand) {
  return std::all_of(s.conditions.begin(), s.conditions.end(),
                     [&](const Condition& c) { return ConditionHolds(c, request.keys, expand); });
}

PrincipalMatch Applies(const Statement& s, const RequestContext& request, bool expand) {
  if (!ActionMatches(s, request.action)) return PrincipalMatch::kNo;
  const PrincipalMatch principal = MatchPrincipal(s, request);
  if (principal == PrincipalMatch::kNo) return PrincipalMatch::kNo;
  if (!ResourceMatches(s, request, expand) || !ConditionsHold(s, request, expand)) {
    return PrincipalMatch::kNo;
  }
  return principal;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

bool StatementApplies(const Statement& statement, PolicyKind kind, const RequestContext& request,
                      bool expand_variables) {
  if (kind == PolicyKind::kIdentity && statement.has_principal) return false;
  return Applies(statement, request, expand_variables) != PrincipalMatch::kNo;
}

Evaluation Evaluate(std::span<const Policy* const> identity_policies, const Policy* resource_policy,
                    const RequestContext& request) {
  Evaluation identity_allow;
  bool identity_allowed = false;
  for (size_t i = 0; i < identity_policies.size(); ++i) {
    const Policy* policy = identity_policies[i];
    if (policy == nullptr) continue;
    for (const Statement& s : policy->statements) {
      if (s.has_principal) continue;  // not an identity-policy statement
      if (Applies(s, request, policy->expands_variables()) == PrincipalMatch::kNo) continue;
      if (s.effect == Effect::kDeny) {
        return {Decision::kExplicitDeny, PolicySource::kIdentity, i, s.sid};
      }
      if (!identity_allowed) {
        identity_allowed = true;
        identity_allow = {Decision::kAllow, PolicySource::kIdentity, i, s.sid};
      }
    }
  }
  bool resource_allowed = false;         // any Allow that applies
  bool resource_allowed_direct = false;  // ... naming the caller, not only its account
  std::string resource_sid;
  if (resource_policy != nullptr) {
    for (const Statement& s : resource_policy->statements) {
      const PrincipalMatch m = Applies(s, request, resource_policy->expands_variables());
      if (m == PrincipalMatch::kNo) continue;
      if (s.effect == Effect::kDeny) {
        return {Decision::kExplicitDeny, PolicySource::kResource, 0, s.sid};
      }
      if (!resource_allowed || (m == PrincipalMatch::kDirect && !resource_allowed_direct)) {
        resource_sid = s.sid;
      }
      resource_allowed = true;
      resource_allowed_direct = resource_allowed_direct || m == PrincipalMatch::kDirect;
    }
  }
  const std::string_view caller_account = ArnAccount(request.principal_arn);
  const std::string_view owner_account = ArnAccount(request.resource);
  const bool cross_account =
      !caller_account.empty() && !owner_account.empty() && caller_account != owner_account;
  if (cross_account) {
    if (identity_allowed && resource_allowed) return identity_allow;
    return {Decision::kImplicitDeny,
            identity_allowed ? PolicySource::kResource : PolicySource::kIdentity, 0, ""};
  }
  if (identity_allowed) return identity_allow;
  if (resource_allowed_direct) return {Decision::kAllow, PolicySource::kResource, 0, resource_sid};
  return {Decision::kImplicitDeny, PolicySource::kIdentity, 0, ""};
}

std::string AccessDeniedMessage(const RequestContext& request, const Evaluation& evaluation) {
  if (evaluation.allowed()) return "";
  const std::string action = Lower(request.action);
  std::string out =
      "User: " +
      (request.principal_arn.empty() ? std::string("anonymous") : request.principal_arn) +
      " is not authorized to perform: " + action + " on resource: " + request.resource + " ";
  if (evaluation.decision == Decision::kExplicitDeny) {
    out += evaluation.source == PolicySource::kResource
               ? "with an explicit deny in a resource-based policy"
               : "with an explicit deny in an identity-based policy";
  } else {
    out += evaluation.source == PolicySource::kResource
               ? "because no resource-based policy allows the " + action + " action"
               : "because no identity-based policy allows the " + action + " action";
  }
  return out;
}

}  // namespace spool::auth
