#include "client/secrets_json.h"

#include <boost/json/serialize.hpp>

#include "client/json_fields.h"
#include "client/sqs_json.h"
#include "common/encoding.h"

namespace spool::client {

std::string GetSecretValueJson(const GetSecretValueRequest& r) {
  boost::json::object o;
  o["SecretId"] = r.secret_id;
  if (!r.version_id.empty()) o["VersionId"] = r.version_id;
  if (!r.version_stage.empty()) o["VersionStage"] = r.version_stage;
  return boost::json::serialize(o);
}

Result<SecretValue> ParseSecretValue(std::string_view json) {
  auto obj = ParseJsonObject(json, "GetSecretValue");
  if (!obj) return obj.error();
  Fields f(*obj, "GetSecretValue");
  SecretValue v;
  v.arn = f.String("ARN");
  v.name = f.String("Name");
  v.version_id = f.String("VersionId");
  v.created_date = f.Number("CreatedDate");
  const boost::json::array* stages = f.Array("VersionStages");
  if (obj->contains("SecretString")) v.secret_string = f.String("SecretString");
  std::string binary = f.String("SecretBinary");
  if (!f.ok()) return f.error();
  if (obj->contains("SecretBinary")) {
    auto decoded = common::Base64Decode(binary);
    if (!decoded) return MalformedResponse("GetSecretValue: SecretBinary is not base64");
    v.secret_binary = std::move(*decoded);
  }
  if (stages) {
    for (const auto& s : *stages) {
      if (!s.is_string()) return MalformedResponse("GetSecretValue: a version stage");
      v.version_stages.emplace_back(s.get_string());
    }
  }
  return v;
}

}  // namespace spool::client
