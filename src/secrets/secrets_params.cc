// Request members, failures and answer shapes (secrets_params.h).

#include "secrets/secrets_params.h"

#include "common/encoding.h"
#include "secrets/secret_rules.h"

namespace spool::secrets::internal {
namespace {

namespace json = boost::json;

[[noreturn]] void SerializationError(std::string_view name, std::string_view expected) {
  Throw("SerializationException",
        "Member '" + std::string(name) + "' must be " + std::string(expected) + ".");
}

}  // namespace

void Throw(std::string type, std::string message) {
  throw Failure{std::move(type), std::move(message)};
}

void Throw(const Error& error) {
  throw Failure{std::string(ErrorType(error.code)), error.message,
                error.code == Errc::kStorageFailure ? 500 : 400};
}

Params::Params(const json::object& body) : common::JsonMembers(body, &SerializationError) {}

std::string Params::Required(std::string_view name, std::string_view member, size_t max) const {
  std::optional<std::string> v = String(name);
  if (!v) {
    Throw("ValidationException", "1 validation error detected: Value null at '" +
                                     std::string(member) +
                                     "' failed to satisfy constraint: Member must not be null");
  }
  if (v->empty() || v->size() > max) Throw(LengthError(member, 1, max));
  return *v;
}

std::optional<SecretValue> Params::Value() const {
  std::optional<std::string> text = String("SecretString");
  std::optional<std::string> binary = String("SecretBinary");
  if (text && binary) {
    Throw("InvalidParameterException",
          "You can't specify both a binary secret value and a string secret value in the same "
          "secret.");
  }
  if (text) return SecretValue{false, std::move(*text)};
  if (!binary) return std::nullopt;
  std::optional<std::string> bytes = common::Base64Decode(*binary);
  if (!bytes) Wrong("SecretBinary", "base64-encoded binary data");
  return SecretValue{true, std::move(*bytes)};
}

Tags Params::TagList(std::string_view name) const {
  const json::value* v = Get(name);
  Tags tags;
  if (v == nullptr) return tags;
  if (!v->is_array()) Wrong(name, "a list of tags");
  for (const auto& item : v->get_array()) {
    const json::object* o = item.if_object();
    if (o == nullptr) Wrong(name, "a list of tags");
    Params tag(*o);
    tags.emplace_back(tag.String("Key").value_or(""), tag.String("Value").value_or(""));
  }
  return tags;
}

std::vector<ListFilter> Params::Filters() const {
  const json::value* v = Get("Filters");
  std::vector<ListFilter> filters;
  if (v == nullptr) return filters;
  if (!v->is_array()) Wrong("Filters", "a list of filters");
  for (const auto& item : v->get_array()) {
    const json::object* o = item.if_object();
    if (o == nullptr) Wrong("Filters", "a list of filters");
    Params filter(*o);
    filters.push_back(ListFilter{filter.String("Key").value_or(""),
                                 filter.StringList("Values").value_or(std::vector<std::string>{})});
  }
  return filters;
}

void ActionContext::Check(const std::string& resource) const {
  if (authorize == nullptr || !*authorize) return;
  if (auto denied = (*authorize)("secretsmanager:" + action, resource)) {
    Throw("AccessDeniedException", *denied);
  }
}

std::string ActionContext::Authorised(const std::string& secret_id) const {
  std::optional<std::string> arn = store->Resolve(secret_id);
  if (!arn) {
    const StoreOptions& o = store->options();
    arn = secret_id.starts_with("arn:") ? secret_id : ArnPrefix(o.region, o.account_id) + secret_id;
  }
  Check(*arn);
  return *arn;
}

json::value Timestamp(int64_t ms) {
  if (ms % 1000 == 0) return json::value(ms / 1000);
  return json::value(static_cast<double>(ms) / 1000.0);
}

json::array TagsJson(const Tags& tags) {
  json::array out;
  for (const auto& [k, v] : tags) out.push_back(json::object{{"Key", k}, {"Value", v}});
  return out;
}

json::array StagesJson(const std::vector<std::string>& stages) {
  json::array out;
  for (const auto& s : stages) out.emplace_back(s);
  return out;
}

json::object DescribeJson(const SecretInfo& info, std::string_view versions_member) {
  json::object o{{"ARN", info.arn}, {"Name", info.name}};
  if (info.description) o["Description"] = *info.description;
  if (info.kms_key_id) o["KmsKeyId"] = *info.kms_key_id;
  o["LastChangedDate"] = Timestamp(info.changed_ms);
  if (info.accessed_ms != 0) o["LastAccessedDate"] = Timestamp(info.accessed_ms);
  if (info.deletion_ms != 0) o["DeletedDate"] = Timestamp(info.deletion_ms);
  if (!info.tags.empty()) o["Tags"] = TagsJson(info.tags);
  json::object versions;
  for (const auto& v : info.versions) {
    if (!v.stages.empty()) versions[v.id] = StagesJson(v.stages);
  }
  o[versions_member] = std::move(versions);
  o["CreatedDate"] = Timestamp(info.created_ms);
  return o;
}

}  // namespace spool::secrets::internal
