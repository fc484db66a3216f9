// ParsePolicy: JSON text -> Policy, strictly (see policy.h).

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <set>

#include "auth/policy.h"

namespace spool::auth {
namespace {

namespace json = boost::json;

constexpr size_t kMaxDepth = 16;  // policies nest five deep at most

// First pass: the DOM keeps only the last of duplicate keys, which would let
// {"Effect":"Allow","Effect":"Deny"} mean something a reader would not guess. Reject them.
struct DuplicateKeyCheck {
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  std::vector<std::set<std::string, std::less<>>> objects;
  std::string key;
  std::string duplicate;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    objects.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key.append(s.data(), s.size());
    if (!objects.back().insert(key).second) {
      duplicate = std::move(key);
      ec = json::error::syntax;
      return false;
    }
    key.clear();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

json::parse_options Options() {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  return options;
}

std::string Shorten(std::string_view s) {
  std::string out(s.substr(0, 128));
  if (s.size() > 128) out += "...";
  return out;
}

class Parser {
 public:
  Parser(PolicyKind kind, std::string* error) : kind_(kind), error_(error) {}

  std::optional<Policy> Run(std::string_view text) {
    json::basic_parser<DuplicateKeyCheck> check(Options());
    json::error_code ec;
    const size_t used = check.write_some(false, text.data(), text.size(), ec);
    if (!check.handler().duplicate.empty()) {
      Fail("Duplicate key \"" + Shorten(check.handler().duplicate) + "\"");
      return std::nullopt;
    }
    if (ec) {
      Fail("The policy is not valid JSON: " + ec.message() + " at character " +
           std::to_string(used));
      return std::nullopt;
    }
    json::value doc = json::parse(json::string_view(text.data(), text.size()), ec, {}, Options());
    if (ec) {
      Fail("The policy is not valid JSON: " + ec.message());
      return std::nullopt;
    }
    Policy policy;
    if (!Document(doc, &policy)) return std::nullopt;
    return policy;
  }

 private:
  bool Fail(std::string message) {
    *error_ = std::move(message);
    return false;
  }

  // A string or a non-empty array of strings (Action, Resource, principal lists).
  bool StringList(const json::value& v, const std::string& where, std::vector<std::string>* out) {
    if (v.is_string()) {
      out->emplace_back(v.get_string());
      return true;
    }
    if (!v.is_array()) return Fail(where + " must be a string or an array of strings");
    if (v.get_array().empty()) return Fail(where + " must not be an empty array");
    for (const json::value& item : v.get_array()) {
      if (!item.is_string()) return Fail(where + " must contain only strings");
      out->emplace_back(item.get_string());
    }
    return true;
  }

  // A condition value: string, number or boolean, in text form.
  bool Scalar(const json::value& v, const std::string& where, std::string* out) {
    if (v.is_string()) {
      *out = std::string(v.get_string());
    } else if (v.is_bool()) {
      *out = v.get_bool() ? "true" : "false";
    } else if (v.is_int64()) {
      *out = std::to_string(v.get_int64());
    } else if (v.is_uint64()) {
      *out = std::to_string(v.get_uint64());
    } else if (v.is_double()) {
      char buf[64];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
      if (ec != std::errc()) return Fail(where + " has an unusable number");
      out->assign(buf, end);
    } else {
      return Fail(where + " values must be strings, numbers or booleans");
    }
    return true;
  }

  bool Document(const json::value& doc, Policy* policy) {
    if (!doc.is_object()) return Fail("The policy must be a JSON object");
    const json::object& top = doc.get_object();
    for (const auto& [key, value] : top) {
      if (key == "Version") {
        if (!value.is_string() ||
            (value.get_string() != "2012-10-17" && value.get_string() != "2008-10-17")) {
          return Fail("Version must be \"2012-10-17\" or \"2008-10-17\"");
        }
        policy->version = std::string(value.get_string());
      } else if (key == "Id") {
        if (!value.is_string()) return Fail("Id must be a string");
        policy->id = std::string(value.get_string());
      } else if (key != "Statement") {
        return Fail("Unknown policy element \"" + Shorten(key) + "\"");
      }
    }
    const json::value* statements = top.if_contains("Statement");
    if (statements == nullptr) return Fail("The policy must contain a Statement");
    if (statements->is_object()) {
      policy->statements.emplace_back();
      if (!ParseStatement(statements->get_object(), "Statement", &policy->statements.back())) {
        return false;
      }
    } else if (statements->is_array()) {
      const json::array& list = statements->get_array();
      if (list.empty()) return Fail("Statement must not be empty");
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string where = "Statement[" + std::to_string(i) + "]";
        if (!list[i].is_object()) return Fail(where + " must be an object");
        policy->statements.emplace_back();
        if (!ParseStatement(list[i].get_object(), where, &policy->statements.back())) {
          return false;
        }
      }
    } else {
      return Fail("Statement must be an object or an array of objects");
    }
    std::set<std::string_view> sids;
    for (const Statement& s : policy->statements) {
      if (!s.sid.empty() && !sids.insert(s.sid).second) {
        return Fail("Statement ids (Sid) must be unique; \"" + Shorten(s.sid) + "\" repeats");
      }
    }
    return true;
  }

  bool ParseStatement(const json::object& o, const std::string& where, Statement* s) {
    const json::value *principal = nullptr, *action = nullptr, *resource = nullptr;
    for (const auto& [key, value] : o) {
      if (key == "Sid") {
        if (!value.is_string()) return Fail(where + ".Sid must be a string");
        s->sid = std::string(value.get_string());
      } else if (key == "Effect") {
        if (value.is_string() && value.get_string() == "Allow") {
          s->effect = Effect::kAllow;
        } else if (value.is_string() && value.get_string() == "Deny") {
          s->effect = Effect::kDeny;
        } else {
          return Fail(where + ".Effect must be \"Allow\" or \"Deny\"");
        }
      } else if (key == "Principal" || key == "NotPrincipal") {
        if (principal != nullptr) return Fail(where + " has both Principal and NotPrincipal");
        principal = &value;
        s->not_principal = key == "NotPrincipal";
      } else if (key == "Action" || key == "NotAction") {
        if (action != nullptr) return Fail(where + " has both Action and NotAction");
        action = &value;
        s->not_action = key == "NotAction";
      } else if (key == "Resource" || key == "NotResource") {
        if (resource != nullptr) return Fail(where + " has both Resource and NotResource");
        resource = &value;
        s->not_resource = key == "NotResource";
      } else if (key == "Condition") {
        if (!Conditions(value, where + ".Condition", &s->conditions)) return false;
      } else {
        return Fail(where + " has an unknown element \"" + Shorten(key) + "\"");
      }
    }
    if (!o.contains("Effect")) return Fail(where + " must have an Effect");
    // Principal.
    if (kind_ == PolicyKind::kIdentity && principal != nullptr) {
      return Fail(where + ": an identity policy must not specify a Principal");
    }
    if (kind_ == PolicyKind::kResource && principal == nullptr) {
      return Fail(where + " must have a Principal or NotPrincipal");
    }
    if (principal != nullptr) {
      s->has_principal = true;
      const std::string name = where + (s->not_principal ? ".NotPrincipal" : ".Principal");
      if (!Principals(*principal, name, &s->principals)) return false;
    }
    // Action.
    if (action == nullptr) return Fail(where + " must have an Action or NotAction");
    const std::string action_name = where + (s->not_action ? ".NotAction" : ".Action");
    if (!StringList(*action, action_name, &s->actions)) return false;
    for (const std::string& a : s->actions) {
      if (!ValidAction(a)) {
        return Fail(action_name + " \"" + Shorten(a) +
                    "\" must be \"*\" or \"service:action\" (e.g. \"sqs:SendMessage\")");
      }
    }
    // Resource.
    if (resource == nullptr) {
      if (kind_ == PolicyKind::kIdentity) {
        return Fail(where + " must have a Resource or NotResource");
      }
    } else {
      const std::string name = where + (s->not_resource ? ".NotResource" : ".Resource");
      if (!StringList(*resource, name, &s->resources)) return false;
      for (const std::string& r : s->resources) {
        if (r != "*" && !r.starts_with("arn:")) {
          return Fail(name + " \"" + Shorten(r) + "\" must be an ARN or \"*\"");
        }
      }
    }
    return true;
  }

  static bool ValidAction(std::string_view a) {
    if (a == "*") return true;
    const size_t colon = a.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == a.size()) return false;
    if (a.find(':', colon + 1) != std::string_view::npos) return false;
    for (char c : a.substr(0, colon)) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  static bool IsAccountId(std::string_view s) {
    return s.size() == 12 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  bool Principals(const json::value& v, const std::string& where, PrincipalSet* out) {
    if (v.is_string()) {
      if (v.get_string() != "*") {
        return Fail(where + " must be \"*\" or an object such as {\"AWS\": \"123456789012\"}");
      }
      out->any = true;
      return true;
    }
    if (!v.is_object() || v.get_object().empty()) {
      return Fail(where + " must be \"*\" or an object such as {\"AWS\": \"123456789012\"}");
    }
    for (const auto& [key, value] : v.get_object()) {
      const std::string name = where + "." + std::string(key);
      std::vector<std::string> list;
      if (!StringList(value, name, &list)) return false;
      if (key == "AWS") {
        for (std::string& p : list) {
          if (p == "*") {
            out->any = true;
          } else if (IsAccountId(p) || p.starts_with("arn:")) {
            out->aws.push_back(std::move(p));
          } else {
            return Fail("Invalid principal in policy: " + name + " \"" + Shorten(p) + "\"");
          }
        }
      } else if (key == "Service") {
        out->services.insert(out->services.end(), list.begin(), list.end());
      } else if (key == "Federated" || key == "CanonicalUser") {
        out->federated.insert(out->federated.end(), list.begin(), list.end());
      } else {
        return Fail(where + " has an unknown principal type \"" + Shorten(key) + "\"");
      }
    }
    return true;
  }

  bool Conditions(const json::value& v, const std::string& where, std::vector<Condition>* out) {
    if (!v.is_object()) return Fail(where + " must be an object");
    for (const auto& [op, keys] : v.get_object()) {
      Condition base;
      std::string message;
      if (!ParseConditionOperator(op, &base, &message)) return Fail(where + ": " + message);
      const std::string op_where = where + "." + std::string(op);
      if (!keys.is_object() || keys.get_object().empty()) {
        return Fail(op_where + " must be a non-empty object of condition keys");
      }
      for (const auto& [key, values] : keys.get_object()) {
        Condition c = base;
        c.key = std::string(key);
        const std::string key_where = op_where + "." + Shorten(c.key);
        const size_t colon = c.key.find(':');
        if (colon == 0 || colon == std::string::npos || colon + 1 == c.key.size()) {
          return Fail(key_where +
                      ": condition keys are prefixed with a service, e.g. aws:SourceIp");
        }
        if (values.is_array()) {
          if (values.get_array().empty()) return Fail(key_where + " must not be an empty array");
          for (const json::value& item : values.get_array()) {
            c.values.emplace_back();
            if (!Scalar(item, key_where, &c.values.back())) return false;
          }
        } else {
          c.values.emplace_back();
          if (!Scalar(values, key_where, &c.values.back())) return false;
        }
        if (!PrepareConditionValues(&c, &message)) return Fail(where + ": " + message);
        out->push_back(std::move(c));
      }
    }
    return true;
  }

  PolicyKind kind_;
  std::string* error_;
};

}  // namespace

std::optional<Policy> ParsePolicy(std::string_view json, PolicyKind kind, std::string* error) {
  std::string ignored;
  return Parser(kind, error != nullptr ? error : &ignored).Run(json);
}

namespace {

std::string Check(std::string_view json, PolicyKind kind) {
  std::string error;
  if (ParsePolicy(json, kind, &error)) return "";
  return error.empty() ? "The policy is not valid" : error;
}

}  // namespace

std::string CheckIdentityPolicy(std::string_view json) {
  return Check(json, PolicyKind::kIdentity);
}

std::string CheckResourcePolicy(std::string_view json) {
  return Check(json, PolicyKind::kResource);
}

}  // namespace spool::auth
