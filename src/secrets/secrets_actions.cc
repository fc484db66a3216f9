// The Secrets Manager actions (README.md, "The API"): each reads its members, authorises the
// caller on the secret's ARN, asks the store and shapes the answer.

#include "common/encoding.h"
#include "secrets/secret_rules.h"
#include "secrets/secrets_params.h"

namespace spool::secrets::internal {
namespace {

namespace json = boost::json;

constexpr size_t kMaxSecretIdLength = 2048;

template <class T>
T Must(Result<T> result) {
  if (!result.ok()) Throw(result.error());
  return std::move(result.value());
}

std::string SecretId(const Params& p) {
  return p.Required("SecretId", "secretId", kMaxSecretIdLength);
}

json::object Written(const secrets::Written& w, bool with_stages) {
  json::object o{{"ARN", w.arn}, {"Name", w.name}};
  if (w.version) {
    o["VersionId"] = w.version->id;
    if (with_stages) o["VersionStages"] = StagesJson(w.version->stages);
  }
  return o;
}

}  // namespace

json::object CreateSecret(const ActionContext& ctx, const Params& p) {
  CreateRequest r;
  r.name = p.Required("Name", "name", kMaxNameLength);
  if (auto e = CheckName(r.name)) Throw(*e);
  r.description = p.String("Description");
  r.kms_key_id = p.String("KmsKeyId");
  r.tags = p.TagList("Tags");
  r.value = p.Value();
  r.version_id = p.String("ClientRequestToken").value_or("");
  r.arn = ctx.store->NewArn(r.name);
  ctx.Check(r.arn);
  return Written(Must(ctx.store->Create(r)), false);
}

json::object GetSecretValue(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  std::string version_id = p.String("VersionId").value_or("");
  std::string stage = p.String("VersionStage").value_or("");
  SecretRead read = Must(ctx.store->GetValue(arn, version_id, stage));
  json::object o{{"ARN", read.arn}, {"Name", read.name}, {"VersionId", read.version.id}};
  if (read.value.binary) {
    o["SecretBinary"] = common::Base64Encode(read.value.bytes);
  } else {
    o["SecretString"] = read.value.bytes;
  }
  o["VersionStages"] = StagesJson(read.version.stages);
  o["CreatedDate"] = Timestamp(read.version.created_ms);
  return o;
}

json::object PutSecretValue(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  PutRequest r;
  std::optional<SecretValue> value = p.Value();
  if (!value) {
    Throw("InvalidParameterException", "You must provide either SecretString or SecretBinary.");
  }
  r.value = std::move(*value);
  r.version_id = p.String("ClientRequestToken").value_or("");
  if (std::optional<std::vector<std::string>> stages = p.StringList("VersionStages")) {
    if (auto e = CheckStages(*stages)) Throw(*e);  // an empty list too
    r.stages = std::move(*stages);
  }
  return Written(Must(ctx.store->PutValue(arn, r)), true);
}

json::object UpdateSecret(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  UpdateRequest r;
  r.description = p.String("Description");
  r.kms_key_id = p.String("KmsKeyId");
  r.value = p.Value();
  r.version_id = p.String("ClientRequestToken").value_or("");
  return Written(Must(ctx.store->Update(arn, r)), false);
}

json::object DescribeSecret(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  return DescribeJson(Must(ctx.store->Describe(arn)), "VersionIdsToStages");
}

json::object ListSecrets(const ActionContext& ctx, const Params& p) {
  ctx.Check("*");
  ListRequest r;
  int64_t max = p.Long("MaxResults").value_or(100);
  if (max < 1 || max > 100) {
    Throw("ValidationException",
          "1 validation error detected: Value '" + std::to_string(max) +
              "' at 'maxResults' failed to satisfy constraint: Member must have value " +
              (max < 1 ? "greater than or equal to 1" : "less than or equal to 100"));
  }
  r.max_results = static_cast<size_t>(max);
  r.after = p.String("NextToken").value_or("");
  r.filters = p.Filters();
  r.include_deleted = p.Bool("IncludePlannedDeletion").value_or(false);
  std::string order = p.String("SortOrder").value_or("asc");
  if (order != "asc" && order != "desc") {
    Throw("ValidationException",
          "1 validation error detected: Value at 'sortOrder' failed to satisfy constraint: "
          "Member must satisfy enum value set: [asc, desc]");
  }
  r.descending = order == "desc";
  ListPage page = Must(ctx.store->List(r));
  json::array list;
  for (const auto& s : page.secrets) list.emplace_back(DescribeJson(s, "SecretVersionsToStages"));
  json::object o{{"SecretList", std::move(list)}};
  if (!page.next.empty()) o["NextToken"] = page.next;
  return o;
}

json::object DeleteSecret(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  std::optional<int64_t> window = p.Long("RecoveryWindowInDays");
  bool force = p.Bool("ForceDeleteWithoutRecovery").value_or(false);
  SecretInfo info = Must(ctx.store->Delete(arn, window, force));
  return {{"ARN", info.arn}, {"Name", info.name}, {"DeletionDate", Timestamp(info.deletion_ms)}};
}

json::object RestoreSecret(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  SecretInfo info = Must(ctx.store->Restore(arn));
  return {{"ARN", info.arn}, {"Name", info.name}};
}

json::object TagResource(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  if (!p.Has("Tags")) {
    Throw("ValidationException",
          "1 validation error detected: Value null at 'tags' failed to satisfy constraint: "
          "Member must not be null");
  }
  Must(ctx.store->Tag(arn, p.TagList("Tags")));
  return {};
}

json::object UntagResource(const ActionContext& ctx, const Params& p) {
  std::string arn = ctx.Authorised(SecretId(p));
  std::optional<std::vector<std::string>> keys = p.StringList("TagKeys");
  if (!keys) {
    Throw("ValidationException",
          "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
          "Member must not be null");
  }
  Must(ctx.store->Untag(arn, *keys));
  return {};
}

}  // namespace spool::secrets::internal
