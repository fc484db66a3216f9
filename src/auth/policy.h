#pragma once
// IAM policy documents (reference sqs-api.md section 10): parsing and evaluation.
//
//   {"Version": "2012-10-17", "Id": "...", "Statement": [ {
//      "Sid": "...", "Effect": "Allow" | "Deny",
//      "Principal" | "NotPrincipal": "*" | {"AWS": "*" | id-or-arn | [...], "Service": ...},
//      "Action" | "NotAction": "sqs:SendMessage" | ["sqs:Receive*", ...],
//      "Resource" | "NotResource": "arn:aws:sqs:*:123456789012:orders" | [...],
//      "Condition": {...} } ] }                                    (condition.h)
//
// Parsing is strict, so a policy means exactly one thing: unknown or duplicate keys, wrong JSON
// types, empty lists, a missing Effect/Action/Resource, a Principal in an identity policy (or
// none in a queue policy), duplicate Sids, unknown condition operators and unusable condition
// values are all errors. Statement may be one object or an array.
//
// Evaluation (section 10.3): a statement applies when its action, resource, principal (queue
// policies) and every condition match. Any applicable Deny -> explicit deny. Otherwise, when
// the caller's account (from principal_arn) owns the resource (or the resource is "*"), an
// Allow in an identity policy or in the queue policy allows; across accounts both must allow.
// Nothing applicable -> implicit deny. As in AWS, a queue policy that names a whole account
// (Principal {"AWS": "123456789012"} or "arn:aws:iam::123456789012:root") delegates to that
// account: it lets the account's users in only together with an identity-policy Allow; a queue
// policy that names the caller itself (its ARN, "*", or via NotPrincipal) allows on its own.
// Actions match case-insensitively, resources and principals case-sensitively; '*' and '?' are
// wildcards in actions, resources and *Like conditions. Version 2012-10-17 policies expand
// ${aws:username}-style variables in Resource, NotResource and string/ARN condition values. The
// owner account's root credentials having full control of its queues is the caller's rule to apply
// before asking.
//
// Threading: a Policy is immutable after parsing and may be shared across threads; Evaluate is
// a pure function.
// Errors: ParsePolicy returns nullopt and a message (MalformedPolicyDocument-style); evaluation
// cannot fail.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/condition.h"
#include "auth/request_context.h"

namespace spool::auth {

enum class PolicyKind {
  kIdentity,  // attached to a user: no Principal; Resource or NotResource required
  kResource,  // a queue's Policy attribute: Principal or NotPrincipal required; Resource optional
};

enum class Effect { kAllow, kDeny };

// Principal / NotPrincipal values.
struct PrincipalSet {
  bool any = false;                    // "*" or {"AWS": "*"}
  std::vector<std::string> aws;        // account ids and IAM ARNs (":root" = whole account)
  std::vector<std::string> services;   // {"Service": "sns.amazonaws.com"}
  std::vector<std::string> federated;  // Federated / CanonicalUser: kept, never matched
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kDeny;
  bool has_principal = false;  // Principal or NotPrincipal given
  bool not_principal = false;
  PrincipalSet principals;
  bool not_action = false;
  std::vector<std::string> actions;
  // Empty with !not_resource: no Resource element (queue policy: the queue it is attached to).
  bool not_resource = false;
  std::vector<std::string> resources;
  std::vector<Condition> conditions;  // all must hold
};

struct Policy {
  std::string version;  // "2012-10-17", "2008-10-17", or "" when absent
  std::string id;
  std::vector<Statement> statements;

  bool expands_variables() const { return version == "2012-10-17"; }
};

// Parses a policy document. nullopt with a message in `*error` when it is not a valid document
// of that kind, e.g. "Statement[1]: Effect must be \"Allow\" or \"Deny\"".
std::optional<Policy> ParsePolicy(std::string_view json, PolicyKind kind, std::string* error);

// "" when `json` is a valid policy of that kind, else ParsePolicy's message. Shaped for
// iam::PolicyCheck (a plain function pointer), so the identity store can validate documents.
std::string CheckIdentityPolicy(std::string_view json);
std::string CheckResourcePolicy(std::string_view json);

enum class Decision { kImplicitDeny, kAllow, kExplicitDeny };

enum class PolicySource { kNone, kIdentity, kResource };

struct Evaluation {
  Decision decision = Decision::kImplicitDeny;
  // Explicit deny: where the Deny was. Allow: where the Allow came from (kIdentity when both).
  // Implicit deny: the side that did not allow (kResource only across accounts when the
  // identity side did allow).
  PolicySource source = PolicySource::kNone;
  size_t policy_index = 0;  // index into the identity policies when source is kIdentity
  std::string sid;          // the deciding statement's Sid ("" when none or implicit)

  bool allowed() const { return decision == Decision::kAllow; }
};

// Whether one statement applies to the request (action, resource, principal for kResource,
// conditions).
bool StatementApplies(const Statement& statement, PolicyKind kind, const RequestContext& request,
                      bool expand_variables);

// Decides a request from the caller's identity policies and the resource's policy (nullptr
// when the queue has none). Null entries in `identity_policies` are skipped.
Evaluation Evaluate(std::span<const Policy* const> identity_policies, const Policy* resource_policy,
                    const RequestContext& request);

// AWS's AccessDenied text, e.g. "User: arn:aws:iam::123456789012:user/alice is not authorized
// to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:123456789012:orders because no
// identity-based policy allows the sqs:sendmessage action" (or "with an explicit deny in an
// identity-based policy" / "in a resource-based policy").
std::string AccessDeniedMessage(const RequestContext& request, const Evaluation& evaluation);

}  // namespace spool::auth
