#pragma once
// What a policy decision is about: who (principal), what (action), on what (resource), and the
// condition keys that describe the request (aws:SourceIp, aws:CurrentTime, aws:SecureTransport,
// aws:username, ...). The api fills one per request from the verified Identity, the action and
// the queue ARN (reference sqs-api.md section 10.1).
//
// Threading: a plain value; const members may be used from any thread.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace spool::auth {

// Condition keys and their values. Key names are case-insensitive (aws:SourceIp and
// aws:sourceip are one key), values are strings, and a key may have several values
// (multi-valued keys such as aws:TagKeys). Few keys per request, so a flat list.
class ContextKeys {
 public:
  // Replaces the key's values with one value.
  void Set(std::string_view key, std::string value);
  // Appends one more value to the key (creating it).
  void Add(std::string_view key, std::string value);
  void Erase(std::string_view key);
  // The key's values, or nullptr when the key is absent.
  const std::vector<std::string>* Find(std::string_view key) const;

  // Sets aws:CurrentTime (ISO 8601, "2015-08-30T12:36:00Z") and aws:EpochTime (seconds).
  void SetTime(common::TimePoint now);

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> entries_;  // names lower case
};

struct RequestContext {
  // The caller: "arn:aws:iam::<account>:user/<name>", "arn:aws:iam::<account>:root" for an
  // account's root key. Its account (the fifth ARN field) decides same- vs cross-account.
  std::string principal_arn;
  // Set only when an AWS service principal acts (matches Principal {"Service": ...}).
  std::string principal_service;
  // "sqs:SendMessage" (the IAM action name; batch actions use their single form).
  std::string action;
  // The queue ARN "arn:aws:sqs:<region>:<account>:<name>", or "*" (ListQueues).
  std::string resource;
  ContextKeys keys;
};

}  // namespace spool::auth
