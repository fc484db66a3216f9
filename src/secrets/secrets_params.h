#pragma once
// The pieces the Secrets Manager actions share (internal to Handler): typed access to the
// request's JSON members, failures with their AWS type, and the shapes of answers. Problems are
// thrown as Failure and answered by Handler::Handle.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_members.h"
#include "secrets/secret_store.h"
#include "secrets/secrets_handler.h"

namespace spool::secrets::internal {

struct Failure {
  std::string type;  // "__type", e.g. "ResourceNotFoundException"
  std::string message;
  int status = 400;
};

[[noreturn]] void Throw(std::string type, std::string message);
[[noreturn]] void Throw(const Error& error);  // with the AWS type of its code

// The members of a request body, read with their Secrets Manager types. A member of another JSON
// type is a SerializationException; absent (or null) members are nullopt.
class Params : public common::JsonMembers {
 public:
  explicit Params(const boost::json::object& body);
  // A required string: ValidationException when absent, empty or longer than `max`. `member` is
  // its name in AWS's messages ("secretId").
  std::string Required(std::string_view name, std::string_view member, size_t max) const;
  // SecretString or SecretBinary (base64 in JSON); InvalidParameterException for both.
  std::optional<SecretValue> Value() const;
  Tags TagList(std::string_view name) const;
  std::vector<ListFilter> Filters() const;
};

// What an action needs besides its parameters.
struct ActionContext {
  SecretStore* store = nullptr;
  std::string action;  // "GetSecretValue"
  const Authorize* authorize = nullptr;

  // Throws AccessDeniedException unless the caller may perform this action on `resource`.
  void Check(const std::string& resource) const;
  // The ARN `secret_id` stands for: the secret's full ARN when it exists, else the ARN that
  // the id spells (without suffix), so that a denied caller learns nothing. Authorised.
  std::string Authorised(const std::string& secret_id) const;
};

// Epoch seconds with milliseconds as the fraction, as AWS JSON 1.1 writes timestamps.
boost::json::value Timestamp(int64_t ms);
boost::json::array TagsJson(const Tags& tags);
boost::json::array StagesJson(const std::vector<std::string>& stages);
// DescribeSecret's members; ListSecrets names the versions map `versions_member`.
boost::json::object DescribeJson(const SecretInfo& info, std::string_view versions_member);

using ActionFn = boost::json::object (*)(const ActionContext&, const Params&);
boost::json::object CreateSecret(const ActionContext& ctx, const Params& p);
boost::json::object GetSecretValue(const ActionContext& ctx, const Params& p);
boost::json::object PutSecretValue(const ActionContext& ctx, const Params& p);
boost::json::object UpdateSecret(const ActionContext& ctx, const Params& p);
boost::json::object DescribeSecret(const ActionContext& ctx, const Params& p);
boost::json::object ListSecrets(const ActionContext& ctx, const Params& p);
boost::json::object DeleteSecret(const ActionContext& ctx, const Params& p);
boost::json::object RestoreSecret(const ActionContext& ctx, const Params& p);
boost::json::object TagResource(const ActionContext& ctx, const Params& p);
boost::json::object UntagResource(const ActionContext& ctx, const Params& p);

}  // namespace spool::secrets::internal
