// AddPermission and RemovePermission: edit the queue's Policy attribute (one statement per
// label), read and written through the QueueService like any attribute.

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "api/actions.h"
#include "auth/policy.h"

namespace spool::api {
namespace {

constexpr size_t kMaxActions = 7;

bool IsLabel(const std::string& s) {
  return !s.empty() && s.size() <= 80 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

bool IsAccountId(const std::string& s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The queue's policy document as JSON, or a new empty one.
boost::json::object PolicyOf(const engine::StringPairs& attributes, const std::string& arn) {
  for (const auto& [name, value] : attributes) {
    if (name != "Policy" || value.empty()) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(value, ec);
    if (!ec && v.is_object()) return v.as_object();
  }
  boost::json::object o;
  o["Version"] = "2012-10-17";
  o["Id"] = arn + "/SQSDefaultPolicy";
  o["Statement"] = boost::json::array();
  return o;
}

boost::json::array& StatementsOf(boost::json::object& policy) {
  boost::json::value& s = policy["Statement"];
  if (s.is_object()) s = boost::json::array{s};  // a single statement: make it a list
  if (!s.is_array()) s = boost::json::array();
  return s.as_array();
}

bool HasSid(const boost::json::value& statement, const std::string& label) {
  if (!statement.is_object()) return false;
  const auto* sid = statement.as_object().if_contains("Sid");
  return sid != nullptr && sid->is_string() && sid->as_string() == label;
}

void InvalidLabel(const CallPtr& call, const std::string& label, const std::string& reason) {
  call->FailAws(protocol::AwsError::kInvalidParameterValue,
                "Value " + label + " for parameter Label is invalid. Reason: " + reason);
}

// Reads the policy, lets `edit` change it (false: the call was failed), writes it back.
template <class Edit>
void EditPolicy(const CallPtr& call, const std::string& queue, Edit edit) {
  std::string arn = call->QueueArn(queue);
  call->service->GetQueueAttributes(
      queue, {"Policy"},
      OnSuccess<engine::StringPairs>(call, [call, queue, arn, edit](engine::StringPairs attrs) {
        boost::json::object policy = PolicyOf(attrs, arn);
        if (!edit(policy, arn)) return;
        std::string text = StatementsOf(policy).empty() ? "" : boost::json::serialize(policy);
        if (!text.empty()) {
          std::string problem = auth::CheckResourcePolicy(text);
          if (!problem.empty()) {
            return call->FailAws(protocol::AwsError::kInvalidParameterValue,
                                 "The resulting queue policy is invalid: " + problem);
          }
        }
        call->service->SetQueueAttributes(queue, {{"Policy", text}},
                                          OnSuccess<engine::Empty>(call, [call](engine::Empty) {
                                            auto w = call->NewWriter(false);
                                            call->Reply(*w);
                                          }));
      }));
}

}  // namespace

void AddPermission(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto label = call->reader->String("Label", "Label");
  auto accounts = call->reader->StringList("AWSAccountIds", "AWSAccountId");
  auto actions = call->reader->StringList("Actions", "ActionName");
  if (call->FailedToRead()) return;
  if (!label) return call->FailMissing("Label");
  if (!accounts || accounts->empty()) return call->FailMissing("AWSAccountIds");
  if (!actions || actions->empty()) return call->FailMissing("Actions");
  if (!IsLabel(*label)) {
    return InvalidLabel(call, *label,
                        "Can only include alphanumeric characters, hyphens, or underscores. 1 to "
                        "80 in length");
  }
  if (actions->size() > kMaxActions) {
    return call->FailAws(
        protocol::AwsError::kOverLimit,
        std::to_string(actions->size()) + " Actions were found, maximum allowed is 7.");
  }
  for (const auto& id : *accounts) {
    if (!IsAccountId(id)) {
      return call->FailAws(protocol::AwsError::kInvalidParameterValue,
                           "Value " + id +
                               " for parameter AWSAccountId is invalid. Reason: "
                               "An AWS account id is 12 digits.");
    }
  }
  for (const auto& a : *actions) {
    if (a != "*" && FindAction(a) == nullptr) {
      return call->FailAws(protocol::AwsError::kInvalidParameterValue,
                           "Value SQS:" + a +
                               " for parameter ActionName is invalid. Reason: "
                               "Only the queue owner is allowed to invoke this action.");
    }
  }
  EditPolicy(call, *queue,
             [call, label = *label, accounts = *accounts, actions = *actions](
                 boost::json::object& policy, const std::string& arn) {
               boost::json::array& statements = StatementsOf(policy);
               for (const auto& s : statements) {
                 if (HasSid(s, label)) {
                   InvalidLabel(call, label, "Already exists.");
                   return false;
                 }
               }
               boost::json::array principals;
               for (const auto& id : accounts)
                 principals.emplace_back("arn:aws:iam::" + id + ":root");
               boost::json::array names;
               for (const auto& a : actions) names.emplace_back("SQS:" + a);
               boost::json::object statement;
               statement["Sid"] = label;
               statement["Effect"] = "Allow";
               statement["Principal"] = boost::json::object{{"AWS", principals}};
               statement["Action"] = names;
               statement["Resource"] = arn;
               statements.emplace_back(std::move(statement));
               return true;
             });
}

void RemovePermission(const CallPtr& call) {
  auto queue = call->RequireQueue();
  if (!queue) return;
  auto label = call->reader->String("Label", "Label");
  if (call->FailedToRead()) return;
  if (!label) return call->FailMissing("Label");
  EditPolicy(call, *queue, [call, label = *label](boost::json::object& policy, const std::string&) {
    boost::json::array& statements = StatementsOf(policy);
    auto it = std::find_if(statements.begin(), statements.end(),
                           [&](const auto& s) { return HasSid(s, label); });
    if (it == statements.end()) {
      InvalidLabel(call, label, "can't find label on existing policy.");
      return false;
    }
    statements.erase(it);
    return true;
  });
}

}  // namespace spool::api
