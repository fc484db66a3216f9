#include "secrets/secret_file.h"

#include <boost/json.hpp>

#include <set>

#include "common/encoding.h"
#include "secrets/secret_rules.h"

namespace spool::secrets {
namespace {

namespace json = boost::json;

json::object VersionJson(const StoredVersion& v) {
  json::array stages;
  for (const auto& s : v.info.stages) stages.emplace_back(s);
  return {{"id", v.info.id},
          {"created_ms", v.info.created_ms},
          {"stages", std::move(stages)},
          {"binary", v.binary},
          {"value", common::Base64Encode(v.sealed)}};
}

json::object SecretJson(const StoredSecret& s) {
  json::object o;
  o["name"] = s.info.name;
  o["arn"] = s.info.arn;
  if (s.info.description) o["description"] = *s.info.description;
  if (s.info.kms_key_id) o["kms_key_id"] = *s.info.kms_key_id;
  json::array tags;
  for (const auto& [k, v] : s.info.tags)
    tags.push_back(json::array{json::string(k), json::string(v)});
  o["tags"] = std::move(tags);
  o["created_ms"] = s.info.created_ms;
  o["changed_ms"] = s.info.changed_ms;
  o["accessed_ms"] = s.info.accessed_ms;
  o["deletion_ms"] = s.info.deletion_ms;
  json::array versions;
  for (const auto& v : s.versions) versions.emplace_back(VersionJson(v));
  o["versions"] = std::move(versions);
  return o;
}

// Typed reads of one record's members; the first problem is kept in `error`.
class Reader {
 public:
  Reader(const json::value& v, std::string where, std::string* error)
      : o_(v.if_object()), where_(std::move(where)), error_(error) {
    if (o_ == nullptr) Fail("is not an object");
  }
  bool ok() const { return error_->empty(); }
  void Fail(const std::string& what) {
    if (error_->empty()) *error_ = where_ + " " + what;
  }
  const json::value* Member(std::string_view name, bool required = true) {
    if (o_ == nullptr) return nullptr;
    const json::value* v = o_->if_contains(name);
    if (v == nullptr && required) Fail("has no " + std::string(name));
    return v;
  }
  std::string String(std::string_view name) {
    const json::value* v = Member(name);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      Fail("has a " + std::string(name) + " that is not a string");
      return {};
    }
    return std::string(v->get_string());
  }
  std::optional<std::string> OptionalString(std::string_view name) {
    if (Member(name, false) == nullptr) return std::nullopt;
    return String(name);
  }
  int64_t Millis(std::string_view name) {
    const json::value* v = Member(name);
    if (v == nullptr) return 0;
    if (!v->is_int64() || v->get_int64() < 0) {
      Fail("has a " + std::string(name) + " that is not a time in milliseconds");
      return 0;
    }
    return v->get_int64();
  }
  bool Bool(std::string_view name) {
    const json::value* v = Member(name);
    if (v != nullptr && !v->is_bool())
      Fail("has a " + std::string(name) + " that is not a boolean");
    return v != nullptr && v->is_bool() && v->get_bool();
  }
  const json::array* Array(std::string_view name) {
    const json::value* v = Member(name);
    if (v != nullptr && !v->is_array()) Fail("has a " + std::string(name) + " that is not a list");
    return v != nullptr ? v->if_array() : nullptr;
  }
  const std::string& where() const { return where_; }

 private:
  const json::object* o_;
  std::string where_;
  std::string* error_;
};

bool ParseVersion(const json::value& value, const std::string& where, StoredVersion* out,
                  std::string* error) {
  Reader r(value, where, error);
  out->info.id = r.String("id");
  out->info.created_ms = r.Millis("created_ms");
  out->binary = r.Bool("binary");
  if (const json::array* stages = r.Array("stages")) {
    for (const auto& s : *stages) {
      if (!s.is_string()) {
        r.Fail("has a staging label that is not a string");
        break;
      }
      out->info.stages.emplace_back(s.get_string());
    }
  }
  std::string sealed = r.String("value");
  if (!r.ok()) return false;
  if (auto bad = CheckVersionId(out->info.id)) {
    r.Fail("has a bad id");
    return false;
  }
  if (!out->info.stages.empty() && CheckStages(out->info.stages)) {
    r.Fail("has bad staging labels");
    return false;
  }
  auto decoded = common::Base64Decode(sealed);
  if (!decoded) {
    r.Fail("has a value that is not base64");
    return false;
  }
  out->sealed = std::move(*decoded);
  return true;
}

bool ParseSecret(const json::value& value, size_t index, StoredSecret* out, std::string* error) {
  Reader r(value, "secret #" + std::to_string(index), error);
  SecretInfo& info = out->info;
  info.name = r.String("name");
  info.arn = r.String("arn");
  info.description = r.OptionalString("description");
  info.kms_key_id = r.OptionalString("kms_key_id");
  info.created_ms = r.Millis("created_ms");
  info.changed_ms = r.Millis("changed_ms");
  info.accessed_ms = r.Millis("accessed_ms");
  info.deletion_ms = r.Millis("deletion_ms");
  if (const json::array* tags = r.Array("tags")) {
    for (const auto& t : *tags) {
      const json::array* pair = t.if_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() ||
          !(*pair)[1].is_string()) {
        r.Fail("has a tag that is not [key, value]");
        break;
      }
      info.tags.emplace_back(std::string((*pair)[0].get_string()),
                             std::string((*pair)[1].get_string()));
    }
  }
  const json::array* versions = r.Array("versions");
  if (!r.ok()) return false;
  if (CheckName(info.name) || CheckTags(info.tags) ||
      (info.description && CheckDescription(*info.description)) ||
      (info.kms_key_id && CheckKmsKeyId(*info.kms_key_id))) {
    r.Fail("has a name, tags, description or KMS key id of the wrong form");
    return false;
  }
  std::string_view arn = info.arn;
  size_t colon = arn.rfind(":secret:");
  if (!arn.starts_with("arn:aws:secretsmanager:") || colon == std::string_view::npos ||
      NameOfArn(arn, arn.substr(0, colon + 8)) != std::string_view(info.name)) {
    r.Fail("has an ARN that is not the ARN of its name");
    return false;
  }
  std::set<std::string> ids, labels;
  for (size_t i = 0; i < versions->size(); ++i) {
    StoredVersion v;
    if (!ParseVersion((*versions)[i], r.where() + " version #" + std::to_string(i), &v, error)) {
      return false;
    }
    if (!ids.insert(v.info.id).second) {
      r.Fail("has the version id " + v.info.id + " twice");
      return false;
    }
    for (const auto& s : v.info.stages) {
      if (!labels.insert(s).second) {
        r.Fail("has the staging label " + s.substr(0, 256) + " on two versions");
        return false;
      }
    }
    out->versions.push_back(std::move(v));
  }
  return true;
}

}  // namespace

std::string SealContext(std::string_view arn, std::string_view version_id) {
  std::string out(arn);
  out.push_back('\n');
  out.append(version_id);
  return out;
}

std::string SerializeSecretsFile(const std::vector<const StoredSecret*>& secrets) {
  json::array list;
  for (const StoredSecret* s : secrets) list.emplace_back(SecretJson(*s));
  json::object root{{"version", kSecretsFileVersion}, {"secrets", std::move(list)}};
  return json::serialize(root) + "\n";
}

bool ParseSecretsFile(std::string_view text, std::vector<StoredSecret>* out, std::string* error) {
  error->clear();
  out->clear();
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    *error = "not a JSON object";
    return false;
  }
  const json::object& root = v.get_object();
  const json::value* version = root.if_contains("version");
  if (version == nullptr || !version->is_int64() || version->get_int64() != kSecretsFileVersion) {
    *error = "unknown format version (this server reads version " +
             std::to_string(kSecretsFileVersion) + ")";
    return false;
  }
  const json::value* secrets = root.if_contains("secrets");
  if (secrets == nullptr || !secrets->is_array()) {
    *error = "has no list of secrets";
    return false;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < secrets->get_array().size(); ++i) {
    StoredSecret s;
    if (!ParseSecret(secrets->get_array()[i], i, &s, error)) {
      out->clear();
      return false;
    }
    if (!names.insert(s.info.name).second) {
      *error = "secret #" + std::to_string(i) + " repeats the name " + s.info.name;
      out->clear();
      return false;
    }
    out->push_back(std::move(s));
  }
  return true;
}

}  // namespace spool::secrets
