// IAM actions (iam_actions.h): read the form parameters, call the IdentityStore, answer in
// IAM's XML.

#include "api/iam_actions.h"

#include <ctime>
#include <functional>
#include <map>

#include "protocol/escape.h"

namespace spool::api {
namespace {

constexpr std::string_view kNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";

std::string IsoTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A small builder for IAM's response XML.
class Xml {
 public:
  void Open(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
  }
  void Close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  void Text(std::string_view name, std::string_view value) {
    Open(name);
    protocol::AppendXmlText(&out_, value);
    Close(name);
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

void WriteUser(Xml& x, const iam::User& u) {
  x.Text("Path", u.path);
  x.Text("UserName", u.name);
  x.Text("UserId", u.id);
  x.Text("Arn", u.arn);
  x.Text("CreateDate", IsoTime(u.created_ms));
}

void WritePolicy(Xml& x, const iam::ManagedPolicy& p) {
  x.Text("PolicyName", p.name);
  x.Text("PolicyId", p.id);
  x.Text("Arn", p.arn);
  x.Text("Path", p.path);
  x.Text("DefaultVersionId", "v1");
  x.Text("AttachmentCount", std::to_string(p.attachments));
  x.Text("PermissionsBoundaryUsageCount", "0");
  x.Text("IsAttachable", "true");
  if (!p.description.empty()) x.Text("Description", p.description);
  x.Text("CreateDate", IsoTime(p.created_ms));
  x.Text("UpdateDate", IsoTime(p.updated_ms));
}

// Percent-encodes a policy document as IAM returns it (RFC 3986).
std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void Reply(const CallPtr& call, const std::function<void(Xml&)>& result) {
  Xml x;
  x.str() = "<?xml version=\"1.0\"?><" + call->action + "Response xmlns=\"" +
            std::string(kNamespace) + "\">";
  if (result) {
    x.Open(call->action + "Result");
    result(x);
    x.Close(call->action + "Result");
  }
  x.Open("ResponseMetadata");
  x.Text("RequestId", call->request_id);
  x.Close("ResponseMetadata");
  x.Close(call->action + "Response");
  http::Response r;
  r.status = 200;
  r.headers.push_back({"Content-Type", "text/xml"});
  r.headers.push_back({"x-amzn-RequestId", call->request_id});
  r.body = std::move(x.str());
  call->respond(std::move(r));
}

void Fail(const CallPtr& call, int status, std::string_view code, std::string_view message) {
  Xml x;
  x.str() = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + std::string(kNamespace) + "\">";
  x.Open("Error");
  x.Text("Type", status >= 500 ? "Receiver" : "Sender");
  x.Text("Code", code);
  x.Text("Message", message);
  x.Close("Error");
  x.Text("RequestId", call->request_id);
  x.Close("ErrorResponse");
  http::Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/xml"});
  r.headers.push_back({"x-amzn-RequestId", call->request_id});
  r.body = std::move(x.str());
  call->respond(std::move(r));
}

void Fail(const CallPtr& call, const iam::IamError& e) {
  Fail(call, iam::HttpStatus(e.code), iam::ErrorCodeName(e.code), e.message);
}

// A required string parameter; nullopt after answering ValidationError.
std::optional<std::string> Required(const CallPtr& call, std::string_view name) {
  auto v = call->reader->String(name, name);
  if (!v || v->empty()) {
    Fail(call, 400, "ValidationError",
         "1 validation error detected: Value null at '" +
             std::string(1, char(std::tolower(name[0]))) + std::string(name.substr(1)) +
             "' failed to satisfy constraint: Member must not be null");
    return std::nullopt;
  }
  return v;
}

std::string Optional(const CallPtr& call, std::string_view name, std::string fallback) {
  auto v = call->reader->String(name, name);
  return v && !v->empty() ? *v : fallback;
}

using Handler = void (*)(const CallPtr&, iam::IdentityStore*);

template <class T, class Fn>
void Answer(const CallPtr& call, const iam::IamResult<T>& r, Fn write) {
  if (!r.ok()) return Fail(call, r.error());
  Reply(call, [&](Xml& x) { write(x, r.value()); });
}

void Empty(const CallPtr& call, const iam::IamResult<iam::Done>& r) {
  if (!r.ok()) return Fail(call, r.error());
  Reply(call, nullptr);
}

const std::map<std::string_view, Handler>& Handlers() {
  static const std::map<std::string_view, Handler> handlers = {
      {"CreateUser",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto name = Required(c, "UserName");
         if (!name) return;
         Answer(c, s->CreateUser(*name, Optional(c, "Path", "/")), [](Xml& x, const iam::User& u) {
           x.Open("User");
           WriteUser(x, u);
           x.Close("User");
         });
       }},
      {"GetUser",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto name = Required(c, "UserName");
         if (!name) return;
         Answer(c, s->GetUser(*name), [](Xml& x, const iam::User& u) {
           x.Open("User");
           WriteUser(x, u);
           x.Close("User");
         });
       }},
      {"ListUsers",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto users = s->ListUsers(Optional(c, "PathPrefix", "/"));
         Reply(c, [&](Xml& x) {
           x.Open("Users");
           for (const auto& u : users) {
             x.Open("member");
             WriteUser(x, u);
             x.Close("member");
           }
           x.Close("Users");
           x.Text("IsTruncated", "false");
         });
       }},
      {"DeleteUser",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto name = Required(c, "UserName");
         if (name) Empty(c, s->DeleteUser(*name));
       }},
      {"PutUserPolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         auto name = Required(c, "PolicyName");
         if (!name) return;
         auto doc = Required(c, "PolicyDocument");
         if (doc) Empty(c, s->PutUserPolicy(*user, *name, *doc));
       }},
      {"GetUserPolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         auto name = Required(c, "PolicyName");
         if (!name) return;
         Answer(c, s->GetUserPolicy(*user, *name), [&](Xml& x, const std::string& doc) {
           x.Text("UserName", *user);
           x.Text("PolicyName", *name);
           x.Text("PolicyDocument", UrlEncode(doc));
         });
       }},
      {"ListUserPolicies",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         Answer(c, s->ListUserPolicies(*user), [](Xml& x, const std::vector<std::string>& names) {
           x.Open("PolicyNames");
           for (const auto& n : names) x.Text("member", n);
           x.Close("PolicyNames");
           x.Text("IsTruncated", "false");
         });
       }},
      {"DeleteUserPolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         auto name = Required(c, "PolicyName");
         if (name) Empty(c, s->DeleteUserPolicy(*user, *name));
       }},
      {"CreatePolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto name = Required(c, "PolicyName");
         if (!name) return;
         auto doc = Required(c, "PolicyDocument");
         if (!doc) return;
         Answer(
             c,
             s->CreatePolicy(*name, *doc, Optional(c, "Description", ""), Optional(c, "Path", "/")),
             [](Xml& x, const iam::ManagedPolicy& p) {
               x.Open("Policy");
               WritePolicy(x, p);
               x.Close("Policy");
             });
       }},
      {"GetPolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto arn = Required(c, "PolicyArn");
         if (!arn) return;
         Answer(c, s->GetPolicy(*arn), [](Xml& x, const iam::ManagedPolicy& p) {
           x.Open("Policy");
           WritePolicy(x, p);
           x.Close("Policy");
         });
       }},
      {"GetPolicyVersion",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto arn = Required(c, "PolicyArn");
         if (!arn) return;
         Answer(c, s->GetPolicy(*arn), [](Xml& x, const iam::ManagedPolicy& p) {
           x.Open("PolicyVersion");
           x.Text("Document", UrlEncode(p.document));
           x.Text("VersionId", "v1");
           x.Text("IsDefaultVersion", "true");
           x.Text("CreateDate", IsoTime(p.created_ms));
           x.Close("PolicyVersion");
         });
       }},
      {"ListPolicies",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto policies = s->ListPolicies();
         Reply(c, [&](Xml& x) {
           x.Open("Policies");
           for (const auto& p : policies) {
             x.Open("member");
             WritePolicy(x, p);
             x.Close("member");
           }
           x.Close("Policies");
           x.Text("IsTruncated", "false");
         });
       }},
      {"DeletePolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto arn = Required(c, "PolicyArn");
         if (arn) Empty(c, s->DeletePolicy(*arn));
       }},
      {"AttachUserPolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         auto arn = Required(c, "PolicyArn");
         if (arn) Empty(c, s->AttachUserPolicy(*user, *arn));
       }},
      {"DetachUserPolicy",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         auto arn = Required(c, "PolicyArn");
         if (arn) Empty(c, s->DetachUserPolicy(*user, *arn));
       }},
      {"ListAttachedUserPolicies",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         Answer(c, s->ListAttachedUserPolicies(*user),
                [](Xml& x, const std::vector<iam::ManagedPolicy>& policies) {
                  x.Open("AttachedPolicies");
                  for (const auto& p : policies) {
                    x.Open("member");
                    x.Text("PolicyName", p.name);
                    x.Text("PolicyArn", p.arn);
                    x.Close("member");
                  }
                  x.Close("AttachedPolicies");
                  x.Text("IsTruncated", "false");
                });
       }},
      {"CreateAccessKey",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = Required(c, "UserName");
         if (!user) return;
         Answer(c, s->CreateAccessKey(*user), [&](Xml& x, const iam::Credentials& k) {
           x.Open("AccessKey");
           x.Text("UserName", *user);
           x.Text("AccessKeyId", k.access_key_id);
           x.Text("Status", "Active");
           x.Text("SecretAccessKey", k.secret_access_key);
           x.Text("CreateDate", IsoTime(std::time(nullptr) * int64_t{1000}));
           x.Close("AccessKey");
         });
       }},
      {"ListAccessKeys",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = std::optional<std::string>(
             Optional(c, "UserName", c->principal.user));  // default: the caller ("": the root)
         Answer(c, s->ListAccessKeys(*user), [&](Xml& x, const std::vector<iam::AccessKey>& keys) {
           x.Open("AccessKeyMetadata");
           for (const auto& k : keys) {
             x.Open("member");
             x.Text("UserName", *user);
             x.Text("AccessKeyId", k.id);
             x.Text("Status", k.active ? "Active" : "Inactive");
             x.Text("CreateDate", IsoTime(k.created_ms));
             x.Close("member");
           }
           x.Close("AccessKeyMetadata");
           x.Text("IsTruncated", "false");
         });
       }},
      {"UpdateAccessKey",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = std::optional<std::string>(
             Optional(c, "UserName", c->principal.user));  // default: the caller ("": the root)
         auto id = Required(c, "AccessKeyId");
         if (!id) return;
         auto status = Required(c, "Status");
         if (!status) return;
         if (*status != "Active" && *status != "Inactive") {
           return Fail(c, 400, "ValidationError", "Status must be Active or Inactive.");
         }
         Empty(c, s->UpdateAccessKey(*user, *id, *status == "Active"));
       }},
      {"DeleteAccessKey",
       [](const CallPtr& c, iam::IdentityStore* s) {
         auto user = std::optional<std::string>(
             Optional(c, "UserName", c->principal.user));  // default: the caller ("": the root)
         auto id = Required(c, "AccessKeyId");
         if (id) Empty(c, s->DeleteAccessKey(*user, *id));
       }},
  };
  return handlers;
}

}  // namespace

void HandleIam(const CallPtr& call, iam::IdentityStore* store) {
  const auto& handlers = Handlers();
  auto it = handlers.find(call->action);
  if (it == handlers.end() || store == nullptr) {
    return Fail(call, 400, "InvalidAction",
                "Could not find operation " + call->action + " for version 2010-05-08");
  }
  if (call->FailedToRead()) return;
  it->second(call, store);
}

}  // namespace spool::api
