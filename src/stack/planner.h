#pragma once
// Inside apply.cc and plan_*.cc: the plan as steps that know how to run and how to be undone.
//
// A Planner reads the live state of each resource the file declares or the record lists, and
// adds Steps: `changes` (creates and changes, run in order, undone in reverse on failure) and
// `deletes` (run last). A step's run() answers "" or the error; it may fill in `next` (the
// record to write) with what only the server knows (a mapping's UUID, an access key's id).

#include <functional>
#include <string>
#include <vector>

#include "stack/record.h"
#include "stack/remote.h"
#include "stack/stack_spec.h"

namespace spool::stack {

struct Step {
  char op = '+';       // '+' create, '~' change, '-' delete
  std::string what;    // "queue orders"
  std::string detail;  // what changes, for '~' (and notes for '+')
  std::function<std::string()> run;
  std::function<void()> undo;  // may be empty
};

struct Planner {
  const StackSpec* spec = nullptr;  // null for destroy (everything recorded goes)
  const Remote* remote = nullptr;
  bool adopt = false;
  bool show_keys = false;
  std::FILE* out = nullptr;
  Record old;   // the record as found
  Record next;  // the record after the plan
  std::vector<Step> changes;
  std::vector<Step> deletes;
  std::string error;  // the first planning problem

  void Problem(const std::string& message) {
    if (error.empty()) error = message;
  }
  // Whether a resource of the file that exists may be changed: recorded, or adopted.
  bool MayChange(const std::vector<std::string>& recorded, const std::string& kind,
                 const std::string& name);

  void PlanSecrets();    // plan_secrets.cc
  void PlanQueues();     // plan_queues.cc
  void PlanUsers();      // plan_users.cc
  void PlanFunctions();  // plan_functions.cc (functions and mappings)
};

// "a -> b" for a changed value in a step's detail.
std::string Arrow(const std::string& name, const std::string& before, const std::string& after);
// JSON texts equal as values (policies, filters written with other spacing).
bool SameJson(const std::string& a, const std::string& b);
// Deletes a secret at once (no recovery window); true when gone or absent.
bool DeleteSecretNow(const Remote& remote, const std::string& name);
// Creates the secret or puts a new value into it.
Result WriteSecret(const Remote& remote, const std::string& name, const std::string& value);

}  // namespace spool::stack
