#pragma once
// Principal: who made a request (the authenticated caller).

#include <string>

namespace spool::api {

struct Principal {
  std::string id;             // SenderId of the messages it sends: account id or AIDA... id
  std::string user;           // IAM user name; "" for the account root
  std::string arn;            // arn:aws:iam::ACCOUNT:root or the user's ARN
  std::string access_key_id;  // "" when requests are not authenticated (--insecure-no-auth)
  std::string service;        // credential scope service: "sqs" or "iam"; "" unauthenticated
  bool root() const { return user.empty(); }
};

}  // namespace spool::api
