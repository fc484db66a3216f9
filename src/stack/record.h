#pragma once
// The stack's record: what a stack made on the server, kept there as the secret
// `spool-stack/<stack>` (JSON, format version 1):
//
//   {"version": 1, "stack": NAME, "queues": [NAME...], "functions": [NAME...],
//    "mappings": [{"function", "queue", "uuid"}...],
//    "users": [{"name", "access_key_id" ("" if none), "key_secret" ("" if none)}...],
//    "secrets": [NAME...]}
//
// Threading: values. Errors: Parse returns nullopt with *error for anything else.

#include <optional>
#include <string>
#include <vector>

namespace spool::stack {

struct RecordedMapping {
  std::string function;
  std::string queue;
  std::string uuid;
};

struct RecordedUser {
  std::string name;
  std::string access_key_id;
  std::string key_secret;
};

struct Record {
  std::string stack;
  std::vector<std::string> queues;
  std::vector<std::string> functions;
  std::vector<RecordedMapping> mappings;
  std::vector<RecordedUser> users;
  std::vector<std::string> secrets;

  bool Empty() const {
    return queues.empty() && functions.empty() && mappings.empty() && users.empty() &&
           secrets.empty();
  }
};

std::string RecordSecretName(const std::string& stack);  // "spool-stack/" + stack
std::string SerializeRecord(const Record& record);
std::optional<Record> ParseRecord(const std::string& text, std::string* error);

}  // namespace spool::stack
