// Users of the file: created with their inline policies and, when asked, an access key kept in
// a secret; policies that differ are put, policies the file no longer names are deleted; a key
// whose record or secret is gone is made again. Users the record lists and the file no longer
// does go with their keys, policies and key secret.

#include <cstdio>

#include "auth/canonical.h"
#include "stack/planner.h"

namespace spool::stack {
namespace {

namespace json = boost::json;

std::vector<std::pair<std::string, std::string>> User(const std::string& name) {
  return {{"UserName", name}};
}

// Deletes the user with its keys and inline policies; "" or the error.
std::string DeleteUser(const Remote& remote, const std::string& name) {
  Result keys = remote.Iam("ListAccessKeys", User(name));
  if (keys.code == "NoSuchEntity") return "";
  for (const auto& id : cli::XmlValues(keys.body, "AccessKeyId")) {
    remote.Iam("DeleteAccessKey", {{"UserName", name}, {"AccessKeyId", id}});
  }
  Result policies = remote.Iam("ListUserPolicies", User(name));
  for (const auto& p : cli::XmlValues(policies.body, "member")) {
    remote.Iam("DeleteUserPolicy", {{"UserName", name}, {"PolicyName", p}});
  }
  Result r = remote.Iam("DeleteUser", User(name));
  return r.ok() || r.code == "NoSuchEntity" ? "" : r.Describe();
}

// Makes an access key and keeps it in `secret`; fills *key_id. "" or the error.
std::string MakeKey(const Remote& remote, const std::string& user, const std::string& secret,
                    bool show, std::FILE* out, std::string* key_id) {
  Result r = remote.Iam("CreateAccessKey", User(user));
  if (!r.ok()) return r.Describe();
  auto ids = cli::XmlValues(r.body, "AccessKeyId");
  auto secrets = cli::XmlValues(r.body, "SecretAccessKey");
  if (ids.empty() || secrets.empty()) return "CreateAccessKey answered no key";
  *key_id = ids[0];
  Result w = WriteSecret(
      remote, secret,
      json::serialize(json::object{{"AccessKeyId", ids[0]}, {"SecretAccessKey", secrets[0]}}));
  if (!w.ok()) {
    remote.Iam("DeleteAccessKey", {{"UserName", user}, {"AccessKeyId", ids[0]}});
    return "storing the key in secret " + secret + ": " + w.Describe();
  }
  if (show) {
    std::fprintf(out, "    access key of %s: AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n",
                 user.c_str(), ids[0].c_str(), secrets[0].c_str());
  }
  return "";
}

}  // namespace

void Planner::PlanUsers() {
  std::vector<std::string> recorded_names;
  for (const auto& u : old.users) recorded_names.push_back(u.name);
  if (spec != nullptr) {
    for (const UserSpec& u : spec->users) {
      RecordedUser recorded{u.name, "", u.key_secret.value_or("")};
      for (const auto& r : old.users) {
        if (r.name == u.name) recorded.access_key_id = r.access_key_id;
      }
      next.users.push_back(recorded);
      size_t index = next.users.size() - 1;
      Result got = remote->Iam("GetUser", User(u.name));
      if (got.code == "NoSuchEntity") {
        std::string detail;
        for (const auto& [name, doc] : u.policies) {
          detail += (detail.empty() ? "policy " : ", policy ") + name;
        }
        if (u.key_secret) {
          detail +=
              (detail.empty() ? "" : ", ") + std::string("access key in secret ") + *u.key_secret;
        }
        Step step{'+', "user " + u.name, detail, nullptr, nullptr};
        step.run = [this, u, index]() -> std::string {
          Result r = remote->Iam("CreateUser", User(u.name));
          if (!r.ok()) return r.Describe();
          for (const auto& [name, doc] : u.policies) {
            Result p =
                remote->Iam("PutUserPolicy",
                            {{"UserName", u.name}, {"PolicyName", name}, {"PolicyDocument", doc}});
            if (!p.ok()) return "policy " + name + ": " + p.Describe();
          }
          next.users[index].access_key_id.clear();
          if (u.key_secret) {
            return MakeKey(*remote, u.name, *u.key_secret, show_keys, out,
                           &next.users[index].access_key_id);
          }
          return "";
        };
        step.undo = [this, u] {
          if (u.key_secret) DeleteSecretNow(*remote, *u.key_secret);
          DeleteUser(*remote, u.name);
        };
        changes.push_back(std::move(step));
        continue;
      }
      if (!got.ok()) {
        Problem("user " + u.name + ": " + got.Describe());
        continue;
      }
      if (!MayChange(recorded_names, "user", u.name)) continue;
      // Policies: put what differs, delete what the file no longer names.
      std::map<std::string, std::string> live;
      Result listed = remote->Iam("ListUserPolicies", User(u.name));
      for (const auto& name : cli::XmlValues(listed.body, "member")) {
        Result p = remote->Iam("GetUserPolicy", {{"UserName", u.name}, {"PolicyName", name}});
        auto docs = cli::XmlValues(p.body, "PolicyDocument");
        live[name] = docs.empty() ? "" : auth::PercentDecode(docs[0]);
      }
      std::map<std::string, std::string> put;
      std::vector<std::string> drop;
      std::string detail;
      for (const auto& [name, doc] : u.policies) {
        auto it = live.find(name);
        if (it != live.end() && SameJson(it->second, doc)) continue;
        put[name] = doc;
        detail += (detail.empty() ? "" : ", ") + std::string(it == live.end() ? "+" : "~") +
                  "policy " + name;
      }
      for (const auto& [name, doc] : live) {
        if (!u.policies.contains(name)) {
          drop.push_back(name);
          detail += (detail.empty() ? "" : ", ") + std::string("-policy ") + name;
        }
      }
      // The key: made again when the record has none or its key or secret is gone.
      bool new_key = false;
      std::string old_key = recorded.access_key_id;
      if (u.key_secret) {
        Result keys = remote->Iam("ListAccessKeys", User(u.name));
        bool key_there = false;
        for (const auto& id : cli::XmlValues(keys.body, "AccessKeyId")) {
          key_there = key_there || (!old_key.empty() && id == old_key);
        }
        Result secret = remote->Secrets("DescribeSecret", {{"SecretId", *u.key_secret}});
        new_key = !key_there || !secret.ok() || secret.json.contains("DeletedDate");
        if (new_key) {
          detail += (detail.empty() ? "" : ", ") + std::string("new access key in secret ") +
                    *u.key_secret;
        }
      } else if (!old_key.empty()) {
        detail += (detail.empty() ? "" : ", ") + std::string("-access key");
      }
      bool drop_key = !u.key_secret && !old_key.empty();
      if (put.empty() && drop.empty() && !new_key && !drop_key) continue;
      std::string old_secret;
      for (const auto& r : old.users) {
        if (r.name == u.name) old_secret = r.key_secret;
      }
      Step step{'~', "user " + u.name, detail, nullptr, nullptr};
      step.run = [this, u, put, drop, new_key, drop_key, old_key, old_secret,
                  index]() -> std::string {
        for (const auto& [name, doc] : put) {
          Result p =
              remote->Iam("PutUserPolicy",
                          {{"UserName", u.name}, {"PolicyName", name}, {"PolicyDocument", doc}});
          if (!p.ok()) return "policy " + name + ": " + p.Describe();
        }
        for (const auto& name : drop) {
          remote->Iam("DeleteUserPolicy", {{"UserName", u.name}, {"PolicyName", name}});
        }
        if (new_key || drop_key) {
          if (!old_key.empty()) {
            remote->Iam("DeleteAccessKey", {{"UserName", u.name}, {"AccessKeyId", old_key}});
          }
          next.users[index].access_key_id.clear();
        }
        if (drop_key && !old_secret.empty()) DeleteSecretNow(*remote, old_secret);
        if (new_key) {
          return MakeKey(*remote, u.name, *u.key_secret, show_keys, out,
                         &next.users[index].access_key_id);
        }
        return "";
      };
      // Undo puts back the policies as they were (a replaced key cannot come back).
      step.undo = [this, name = u.name, live, put] {
        for (const auto& [policy, doc] : put) {
          auto it = live.find(policy);
          if (it == live.end()) {
            remote->Iam("DeleteUserPolicy", {{"UserName", name}, {"PolicyName", policy}});
          } else {
            remote->Iam(
                "PutUserPolicy",
                {{"UserName", name}, {"PolicyName", policy}, {"PolicyDocument", it->second}});
          }
        }
      };
      changes.push_back(std::move(step));
    }
  }
  for (const RecordedUser& r : old.users) {
    bool kept = false;
    for (const auto& n : next.users) kept = kept || n.name == r.name;
    if (kept) continue;
    std::string detail = r.key_secret.empty() ? "" : "and its key secret " + r.key_secret;
    deletes.push_back({'-', "user " + r.name, detail,
                       [this, r]() -> std::string {
                         std::string e = DeleteUser(*remote, r.name);
                         if (!e.empty()) return e;
                         if (!r.key_secret.empty()) DeleteSecretNow(*remote, r.key_secret);
                         return "";
                       },
                       nullptr});
  }
}

}  // namespace spool::stack
