// Secrets of the file: created with their value (or a generated one), changed when a given
// value differs from the stored one; those the record lists and the file no longer does go.

#include <cstdlib>

#include "common/crypto.h"
#include "stack/planner.h"

namespace spool::stack {
namespace {

namespace json = boost::json;

std::string Generate(int64_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (static_cast<int64_t>(out.size()) < length) {
    unsigned char b[64];
    common::RandomBytes(b, sizeof b);
    for (unsigned char c : b) {
      // 248 = 4 * 62: no bias.
      if (c < 248 && static_cast<int64_t>(out.size()) < length) out += kAlphabet[c % 62];
    }
  }
  return out;
}

}  // namespace

bool DeleteSecretNow(const Remote& remote, const std::string& name) {
  Result r =
      remote.Secrets("DeleteSecret", {{"SecretId", name}, {"ForceDeleteWithoutRecovery", true}});
  return r.ok() || r.code == "ResourceNotFoundException";
}

Result WriteSecret(const Remote& remote, const std::string& name, const std::string& value) {
  Result r = remote.Secrets("PutSecretValue", {{"SecretId", name}, {"SecretString", value}});
  if (r.code == "ResourceNotFoundException") {
    r = remote.Secrets("CreateSecret", {{"Name", name}, {"SecretString", value}});
  }
  return r;
}

void Planner::PlanSecrets() {
  if (spec != nullptr) {
    for (const SecretSpec& s : spec->secrets) {
      std::string wanted;
      if (s.source == SecretSpec::Source::kValue) wanted = s.value;
      if (s.source == SecretSpec::Source::kEnvironment) {
        const char* v = std::getenv(s.value.c_str());
        if (v == nullptr) {
          Problem("secret " + s.name + ": the environment variable " + s.value + " is not set");
          continue;
        }
        wanted = v;
      }
      next.secrets.push_back(s.name);
      Result described = remote->Secrets("DescribeSecret", {{"SecretId", s.name}});
      if (described.code == "ResourceNotFoundException") {
        Step step{'+', "secret " + s.name, "", nullptr, nullptr};
        if (s.source == SecretSpec::Source::kGenerate) {
          step.detail = std::to_string(s.generate) + " random characters";
        }
        step.run = [this, s, wanted]() -> std::string {
          json::object body{{"Name", s.name}};
          body["SecretString"] =
              s.source == SecretSpec::Source::kGenerate ? Generate(s.generate) : wanted;
          if (s.description) body["Description"] = *s.description;
          Result r = remote->Secrets("CreateSecret", body);
          return r.ok() ? "" : r.Describe();
        };
        step.undo = [this, name = s.name] { DeleteSecretNow(*remote, name); };
        changes.push_back(std::move(step));
        continue;
      }
      if (!described.ok()) {
        Problem("secret " + s.name + ": " + described.Describe());
        continue;
      }
      if (described.json.contains("DeletedDate")) {
        Problem("secret " + s.name + " is scheduled for deletion: restore it first (spool " +
                "secrets restore " + s.name + ") or delete it for good");
        continue;
      }
      if (!MayChange(old.secrets, "secret", s.name)) continue;
      if (s.source == SecretSpec::Source::kGenerate) continue;  // made once, then kept
      Result current = remote->Secrets("GetSecretValue", {{"SecretId", s.name}});
      if (!current.ok()) {
        Problem("secret " + s.name + ": " + current.Describe());
        continue;
      }
      std::string before = Text(current.json, "SecretString");
      bool describe_changes =
          s.description && *s.description != Text(described.json, "Description");
      if (before == wanted && !describe_changes) continue;
      Step step{'~', "secret " + s.name, before == wanted ? "description" : "value", nullptr,
                nullptr};
      step.run = [this, s, wanted, before]() -> std::string {
        if (before != wanted) {
          Result r =
              remote->Secrets("PutSecretValue", {{"SecretId", s.name}, {"SecretString", wanted}});
          if (!r.ok()) return r.Describe();
        }
        if (s.description) {
          Result r = remote->Secrets("UpdateSecret",
                                     {{"SecretId", s.name}, {"Description", *s.description}});
          if (!r.ok()) return r.Describe();
        }
        return "";
      };
      step.undo = [this, name = s.name, before] {
        remote->Secrets("PutSecretValue", {{"SecretId", name}, {"SecretString", before}});
      };
      changes.push_back(std::move(step));
    }
  }
  for (const std::string& name : old.secrets) {
    bool kept = false;
    for (const auto& n : next.secrets) kept = kept || n == name;
    if (kept) continue;
    deletes.push_back({'-', "secret " + name, "",
                       [this, name]() -> std::string {
                         return DeleteSecretNow(*remote, name) ? "" : "could not delete it";
                       },
                       nullptr});
  }
}

}  // namespace spool::stack
