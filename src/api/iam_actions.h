#pragma once
// The IAM API subset the AWS CLI needs to manage Spool's users, access keys and policies
// (`aws iam create-user`, `put-user-policy`, `create-policy`, `attach-user-policy`,
// `create-access-key`, `list-access-keys`, ...), over IAM's Query protocol (form parameters,
// `Version=2010-05-08`, XML answers in IAM's namespace, lists as <member> elements). Every
// action works on the server's iam::IdentityStore, the same state `spool users|keys|policies`
// changes.
//
// Threading: Handle may run on any I/O thread; the store is thread-safe.

#include <string_view>

#include "api/call.h"
#include "iam/identity_store.h"

namespace spool::api {

inline constexpr std::string_view kIamVersion = "2010-05-08";

// Answers one IAM request (call->action set, call->reader over the form parameters). Unknown
// actions get InvalidAction.
void HandleIam(const CallPtr& call, iam::IdentityStore* store);

}  // namespace spool::api
