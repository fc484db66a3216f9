#include "cli/secrets_command.h"

#include <CLI/CLI.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "cli/iam_client.h"
#include "cli/signed_http.h"
#include "common/encoding.h"

namespace spool::cli {
namespace {

namespace json = boost::json;

constexpr char kVerbs[] =
    "create NAME | get NAME | put NAME | list | describe NAME | update NAME | delete NAME | "
    "restore NAME";

struct Outcome {
  int exit_code = 0;
  json::object body;
};

// One call of the API; errors are printed here.
Outcome Call(const ClientSettings& settings, const std::string& action, const json::object& body) {
  SignedRequest request;
  request.service = "secretsmanager";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "secretsmanager." + action}};
  request.body = json::serialize(body);
  HttpReply reply = SendSigned(settings, request);
  if (reply.status == 0) {
    std::fprintf(stderr, "spool: %s\n", reply.body.c_str());
    return {2, {}};
  }
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  json::object o = !ec && v.is_object() ? std::move(v.get_object()) : json::object{};
  if (reply.status == 200) return {0, std::move(o)};
  auto text = [&](const char* a, const char* b) {
    for (const char* key : {a, b}) {
      if (const json::value* m = o.if_contains(key); m != nullptr && m->is_string()) {
        return std::string(m->get_string());
      }
    }
    return std::string();
  };
  std::string type = text("__type", "code");
  if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (type.empty()) type = "HTTP " + std::to_string(reply.status);
  std::string message = text("Message", "message");
  std::fprintf(stderr, "spool: %s: %s\n", type.c_str(), message.c_str());
  return {1, {}};
}

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// 2026-01-31T10:00:01Z from epoch seconds (a JSON number).
std::string Date(const json::value* v) {
  if (v == nullptr || !v->is_number()) return "";
  std::time_t seconds = static_cast<std::time_t>(v->to_number<double>());
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// KEY=VALUE; nullopt without '='.
std::optional<std::pair<std::string, std::string>> Pair(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos) return std::nullopt;
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace

void SecretsCommand::Register(CLI::App& app) {
  command_ = app.add_subcommand(
      "secrets", "Manage secrets (through the Secrets Manager API of a running server).");
  command_->add_option("verb", verb_, kVerbs)->required();
  command_->add_option("name", name_, "The secret's name or ARN");
  value_option_ = command_->add_option(
      "--value", value_, "create/put/update: the value; '-' reads it from standard input");
  command_->add_option("--from-file", from_file_, "create/put/update: read the value from FILE");
  command_->add_flag("--binary", binary_, "Store the value as SecretBinary (raw bytes)");
  description_option_ = command_->add_option("--description", description_, "A description");
  kms_option_ =
      command_->add_option("--kms-key-id", kms_key_id_, "A KMS key id (kept, not used by Spool)");
  command_->add_option("--tag", tags_, "create: KEY=VALUE (repeatable)");
  command_->add_option("--stage", stages_,
                       "get: the staging label to read (AWSCURRENT); put: labels for the new "
                       "version (repeatable)");
  command_->add_option("--version-id", version_id_, "get: the version to read");
  command_->add_option("--filter", filters_,
                       "list: KEY=VALUE with KEY name, description, tag-key, tag-value or all "
                       "(repeatable; a VALUE starting with ! negates)");
  command_->add_flag("--include-deleted", include_deleted_,
                     "list: also secrets scheduled for deletion");
  recovery_option_ = command_->add_option("--recovery-days", recovery_days_,
                                          "delete: days before the deletion is final, 7..30 (30)");
  command_->add_flag("--force", force_, "delete: at once, without a recovery window");
  command_->add_flag("--json", json_, "Print the API's JSON answer");
  command_->add_option("--endpoint-url", endpoint_,
                       "Spool's endpoint (env SPOOL_ENDPOINT; default http://127.0.0.1:9324)");
  command_->footer(
      "Examples:\n"
      "  spool secrets create prod/db --from-file db.json --description 'orders database'\n"
      "  printf %s \"$TOKEN\" | spool secrets put prod/api-token --value -\n"
      "  export DB=\"$(spool secrets get prod/db)\"");
}

bool SecretsCommand::parsed() const { return command_ != nullptr && command_->parsed(); }

int SecretsCommand::Run() {
  static const std::vector<std::string> kNamed = {"create", "get",    "put",    "describe",
                                                  "update", "delete", "restore"};
  bool named = std::find(kNamed.begin(), kNamed.end(), verb_) != kNamed.end();
  if (!named && verb_ != "list") {
    std::fprintf(stderr, "spool secrets: unknown verb '%s' (%s)\n", verb_.c_str(), kVerbs);
    return 2;
  }
  if (named && name_.empty()) {
    std::fprintf(stderr, "spool secrets %s: the secret's name is missing\n", verb_.c_str());
    return 2;
  }
  // The value, when one was given.
  std::optional<std::string> value;
  if (value_option_->count() > 0 && !from_file_.empty()) {
    std::fprintf(stderr, "spool secrets: give --value or --from-file, not both\n");
    return 2;
  }
  if (value_option_->count() > 0) {
    if (value_ == "-") {
      value = std::string(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      value = value_;
    }
  } else if (!from_file_.empty()) {
    std::ifstream in(from_file_, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "spool secrets: cannot read %s\n", from_file_.c_str());
      return 2;
    }
    value = std::string(std::istreambuf_iterator<char>(in), {});
  }
  if (verb_ == "put" && !value) {
    std::fprintf(stderr, "spool secrets put: give the value with --value or --from-file\n");
    return 2;
  }
  ClientSettings settings;
  std::string error;
  if (!LoadSettings(endpoint_, &settings, &error)) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 2;
  }

  json::object body;
  if (named) body[verb_ == "create" ? "Name" : "SecretId"] = name_;
  auto put_value = [&] {
    if (!value) return;
    if (binary_) {
      body["SecretBinary"] = common::Base64Encode(*value);
    } else {
      body["SecretString"] = *value;
    }
  };
  auto put_metadata = [&] {
    if (description_option_->count() > 0) body["Description"] = description_;
    if (kms_option_->count() > 0) body["KmsKeyId"] = kms_key_id_;
  };
  std::string action;
  if (verb_ == "create") {
    action = "CreateSecret";
    put_value();
    put_metadata();
    json::array tags;
    for (const auto& t : tags_) {
      auto kv = Pair(t);
      if (!kv) {
        std::fprintf(stderr, "spool secrets: --tag takes KEY=VALUE, got '%s'\n", t.c_str());
        return 2;
      }
      tags.push_back(json::object{{"Key", kv->first}, {"Value", kv->second}});
    }
    if (!tags.empty()) body["Tags"] = std::move(tags);
  } else if (verb_ == "get") {
    action = "GetSecretValue";
    if (!version_id_.empty()) body["VersionId"] = version_id_;
    if (!stages_.empty()) body["VersionStage"] = stages_.front();
  } else if (verb_ == "put") {
    action = "PutSecretValue";
    put_value();
    if (!stages_.empty()) body["VersionStages"] = json::value_from(stages_);
  } else if (verb_ == "update") {
    action = "UpdateSecret";
    put_value();
    put_metadata();
  } else if (verb_ == "describe") {
    action = "DescribeSecret";
  } else if (verb_ == "delete") {
    action = "DeleteSecret";
    if (recovery_option_->count() > 0) body["RecoveryWindowInDays"] = recovery_days_;
    if (force_) body["ForceDeleteWithoutRecovery"] = true;
  } else if (verb_ == "restore") {
    action = "RestoreSecret";
  } else {
    action = "ListSecrets";
    json::array filters;
    for (const auto& f : filters_) {
      auto kv = Pair(f);
      if (!kv) {
        std::fprintf(stderr, "spool secrets: --filter takes KEY=VALUE, got '%s'\n", f.c_str());
        return 2;
      }
      filters.push_back(json::object{{"Key", kv->first}, {"Values", json::array{kv->second}}});
    }
    if (!filters.empty()) body["Filters"] = std::move(filters);
    if (include_deleted_) body["IncludePlannedDeletion"] = true;
  }

  if (action == "ListSecrets") {  // every page
    while (true) {
      Outcome out = Call(settings, action, body);
      if (out.exit_code != 0) return out.exit_code;
      const json::value* list = out.body.if_contains("SecretList");
      for (const auto& s :
           list != nullptr && list->is_array() ? list->get_array() : json::array{}) {
        if (!s.is_object()) continue;
        const json::object& o = s.get_object();
        if (json_) {
          std::printf("%s\n", json::serialize(o).c_str());
          continue;
        }
        std::string deleted = Date(o.if_contains("DeletedDate"));
        std::printf("%s\t%s%s\n", Text(o, "Name").c_str(), Text(o, "Description").c_str(),
                    deleted.empty() ? "" : ("\t(deleted on " + deleted + ")").c_str());
      }
      std::string next = Text(out.body, "NextToken");
      if (next.empty()) return 0;
      body["NextToken"] = next;
    }
  }

  Outcome out = Call(settings, action, body);
  if (out.exit_code != 0) return out.exit_code;
  if (json_ || action == "DescribeSecret") {
    std::printf("%s\n", json::serialize(out.body).c_str());
    return 0;
  }
  if (action == "GetSecretValue") {
    std::string raw = out.body.contains("SecretBinary")
                          ? common::Base64Decode(Text(out.body, "SecretBinary")).value_or("")
                          : Text(out.body, "SecretString");
    std::fwrite(raw.data(), 1, raw.size(), stdout);
    return 0;
  }
  if (action == "DeleteSecret") {
    std::string when = Date(out.body.if_contains("DeletionDate"));
    if (force_) {
      std::printf("%s\tdeleted\n", Text(out.body, "ARN").c_str());
    } else {
      std::printf("%s\tdeleted on %s unless restored\n", Text(out.body, "ARN").c_str(),
                  when.c_str());
    }
    return 0;
  }
  // create, put, update, restore: the ARN, and the new version's id when there is one.
  std::string version = Text(out.body, "VersionId");
  std::printf("%s%s%s\n", Text(out.body, "ARN").c_str(), version.empty() ? "" : "\t",
              version.c_str());
  return 0;
}

}  // namespace spool::cli
