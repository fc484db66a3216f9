#include "cli/identity_commands.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/iam_client.h"

namespace spool::cli {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

int Usage(const std::string& text) {
  std::fprintf(stderr, "spool: %s\n", text.c_str());
  return 2;
}

// Runs one IAM call; prints the error and returns false when it failed.
bool Call(const IamClient& client, const std::string& action, const Params& params,
          std::string* body, int* code) {
  Reply r = client.Call(action, params);
  if (r.status == 0) {
    std::fprintf(stderr, "spool: %s\n", r.body.c_str());
    *code = 2;
    return false;
  }
  if (r.status != 200) {
    auto codes = XmlValues(r.body, "Code");
    auto messages = XmlValues(r.body, "Message");
    std::fprintf(stderr, "spool: %s: %s\n", codes.empty() ? "Error" : codes[0].c_str(),
                 messages.empty() ? r.body.c_str() : messages[0].c_str());
    *code = 1;
    return false;
  }
  *body = std::move(r.body);
  return true;
}

std::string First(const std::string& xml, const std::string& tag) {
  auto v = XmlValues(xml, tag);
  return v.empty() ? "" : v[0];
}

// A policy document given inline (starts with '{') or as a file name.
bool ReadDocument(const std::string& arg, std::string* out) {
  if (!arg.empty() && arg[0] == '{') {
    *out = arg;
    return true;
  }
  std::ifstream in(arg);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

void IdentityCommands::Register(CLI::App& app) {
  auto add = [&](const char* name, const char* help, const char* verbs) {
    CLI::App* c = app.add_subcommand(name, help);
    c->add_option("verb", verb_, verbs)->required();
    c->add_option("args", args_, "Names and ids, as the verb needs");
    c->add_option("--endpoint-url", endpoint_,
                  "Spool's endpoint (env SPOOL_ENDPOINT; default http://127.0.0.1:9324)");
    return c;
  };
  users_ = add("users", "Manage IAM users (through the IAM API of a running server).",
               "create NAME | list | get NAME | delete NAME");
  keys_ = add("keys", "Manage access keys of IAM users.",
              "create USER | list USER | enable USER KEY | disable USER KEY | "
              "rotate USER KEY | delete USER KEY");
  policies_ = add("policies", "Manage the IAM policies of users.",
                  "put USER NAME DOCUMENT|FILE | get USER NAME | list USER | "
                  "delete USER NAME | create NAME DOCUMENT|FILE | attach USER ARN | "
                  "detach USER ARN");
}

bool IdentityCommands::parsed() const {
  return (users_ && users_->parsed()) || (keys_ && keys_->parsed()) ||
         (policies_ && policies_->parsed());
}

int IdentityCommands::Run() {
  ClientSettings settings;
  std::string error;
  if (!LoadSettings(endpoint_, &settings, &error)) return Usage(error);
  IamClient client(settings);
  std::string body;
  int code = 0;
  auto need = [&](size_t n, const char* usage) {
    if (args_.size() == n) return true;
    Usage(std::string("usage: ") + usage);
    code = 2;
    return false;
  };

  if (users_->parsed()) {
    if (verb_ == "create" && need(1, "spool users create NAME")) {
      if (!Call(client, "CreateUser", {{"UserName", args_[0]}}, &body, &code)) return code;
      std::printf("%s\t%s\n", First(body, "UserName").c_str(), First(body, "Arn").c_str());
    } else if (verb_ == "get" && need(1, "spool users get NAME")) {
      if (!Call(client, "GetUser", {{"UserName", args_[0]}}, &body, &code)) return code;
      std::printf("%s\t%s\t%s\t%s\n", First(body, "UserName").c_str(),
                  First(body, "UserId").c_str(), First(body, "Arn").c_str(),
                  First(body, "CreateDate").c_str());
    } else if (verb_ == "list" && need(0, "spool users list")) {
      if (!Call(client, "ListUsers", {}, &body, &code)) return code;
      for (const auto& m : XmlMembers(body, "Users")) {
        std::printf("%s\t%s\n", First(m, "UserName").c_str(), First(m, "Arn").c_str());
      }
    } else if (verb_ == "delete" && need(1, "spool users delete NAME")) {
      if (!Call(client, "DeleteUser", {{"UserName", args_[0]}}, &body, &code)) return code;
    } else if (code == 0) {
      return Usage("unknown verb '" + verb_ + "' (create, list, get, delete)");
    }
    return code;
  }

  if (keys_->parsed()) {
    if (verb_ == "create" && need(1, "spool keys create USER")) {
      if (!Call(client, "CreateAccessKey", {{"UserName", args_[0]}}, &body, &code)) return code;
      // The only time the secret is shown.
      std::printf("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n",
                  First(body, "AccessKeyId").c_str(), First(body, "SecretAccessKey").c_str());
    } else if (verb_ == "list" && need(1, "spool keys list USER")) {
      if (!Call(client, "ListAccessKeys", {{"UserName", args_[0]}}, &body, &code)) return code;
      for (const auto& m : XmlMembers(body, "AccessKeyMetadata")) {
        std::printf("%s\t%s\t%s\n", First(m, "AccessKeyId").c_str(), First(m, "Status").c_str(),
                    First(m, "CreateDate").c_str());
      }
    } else if ((verb_ == "enable" || verb_ == "disable") &&
               need(2, "spool keys enable|disable USER KEY")) {
      if (!Call(client, "UpdateAccessKey",
                {{"UserName", args_[0]},
                 {"AccessKeyId", args_[1]},
                 {"Status", verb_ == "enable" ? "Active" : "Inactive"}},
                &body, &code)) {
        return code;
      }
    } else if (verb_ == "rotate" && need(2, "spool keys rotate USER KEY")) {
      // A new key first, then the old one disabled (delete it once nothing uses it).
      if (!Call(client, "CreateAccessKey", {{"UserName", args_[0]}}, &body, &code)) return code;
      std::string fresh = body;
      if (!Call(client, "UpdateAccessKey",
                {{"UserName", args_[0]}, {"AccessKeyId", args_[1]}, {"Status", "Inactive"}}, &body,
                &code)) {
        return code;
      }
      std::printf(
          "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n# %s is now disabled; "
          "delete it with: spool keys delete %s %s\n",
          First(fresh, "AccessKeyId").c_str(), First(fresh, "SecretAccessKey").c_str(),
          args_[1].c_str(), args_[0].c_str(), args_[1].c_str());
    } else if (verb_ == "delete" && need(2, "spool keys delete USER KEY")) {
      if (!Call(client, "DeleteAccessKey", {{"UserName", args_[0]}, {"AccessKeyId", args_[1]}},
                &body, &code)) {
        return code;
      }
    } else if (code == 0) {
      return Usage("unknown verb '" + verb_ + "' (create, list, enable, disable, rotate, delete)");
    }
    return code;
  }

  // policies
  std::string document;
  if (verb_ == "put" && need(3, "spool policies put USER NAME DOCUMENT|FILE")) {
    if (!ReadDocument(args_[2], &document)) return Usage("cannot read " + args_[2]);
    if (!Call(client, "PutUserPolicy",
              {{"UserName", args_[0]}, {"PolicyName", args_[1]}, {"PolicyDocument", document}},
              &body, &code)) {
      return code;
    }
  } else if (verb_ == "get" && need(2, "spool policies get USER NAME")) {
    if (!Call(client, "GetUserPolicy", {{"UserName", args_[0]}, {"PolicyName", args_[1]}}, &body,
              &code)) {
      return code;
    }
    std::string encoded = First(body, "PolicyDocument");
    std::string decoded;
    for (size_t i = 0; i < encoded.size(); ++i) {
      if (encoded[i] == '%' && i + 2 < encoded.size()) {
        decoded += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += encoded[i];
      }
    }
    std::printf("%s\n", decoded.c_str());
  } else if (verb_ == "list" && need(1, "spool policies list USER")) {
    if (!Call(client, "ListUserPolicies", {{"UserName", args_[0]}}, &body, &code)) return code;
    for (const auto& name : XmlMembers(body, "PolicyNames"))
      std::printf("inline\t%s\n", name.c_str());
    if (!Call(client, "ListAttachedUserPolicies", {{"UserName", args_[0]}}, &body, &code)) {
      return code;
    }
    for (const auto& m : XmlMembers(body, "AttachedPolicies")) {
      std::printf("attached\t%s\n", First(m, "PolicyArn").c_str());
    }
  } else if (verb_ == "delete" && need(2, "spool policies delete USER NAME")) {
    if (!Call(client, "DeleteUserPolicy", {{"UserName", args_[0]}, {"PolicyName", args_[1]}}, &body,
              &code)) {
      return code;
    }
  } else if (verb_ == "create" && need(2, "spool policies create NAME DOCUMENT|FILE")) {
    if (!ReadDocument(args_[1], &document)) return Usage("cannot read " + args_[1]);
    if (!Call(client, "CreatePolicy", {{"PolicyName", args_[0]}, {"PolicyDocument", document}},
              &body, &code)) {
      return code;
    }
    std::printf("%s\n", First(body, "Arn").c_str());
  } else if ((verb_ == "attach" || verb_ == "detach") &&
             need(2, "spool policies attach|detach USER POLICY_ARN")) {
    if (!Call(client, verb_ == "attach" ? "AttachUserPolicy" : "DetachUserPolicy",
              {{"UserName", args_[0]}, {"PolicyArn", args_[1]}}, &body, &code)) {
      return code;
    }
  } else if (code == 0) {
    return Usage("unknown verb '" + verb_ + "' (put, get, list, delete, create, attach, detach)");
  }
  return code;
}

}  // namespace spool::cli
