#pragma once
// spool apply / spool destroy (README.md: the plan, the record, undo on failure).
//
// Apply reads what the server has of the stack's resources, prints the plan to `out` (one line
// per resource: `+ queue orders`, `~ function f: Timeout 3 -> 30`, `- mapping q -> f`), and,
// unless plan_only, carries it out: creates and changes in dependency order, each undone in
// reverse if a later one fails; then the record; then deletes. Destroy deletes everything the
// stack's record lists, then the record.
//
// Exit codes: 0 done (or nothing to do), 1 the plan could not be made or a step failed (after
// undoing the steps done), 2 the server could not be reached.
// Threading: one call at a time; blocking HTTP calls.

#include <cstdio>
#include <string>

#include "stack/remote.h"
#include "stack/stack_spec.h"

namespace spool::stack {

struct ApplyOptions {
  bool plan_only = false;  // print the plan, change nothing
  bool adopt = false;      // take over resources of the file that exist outside the stack
  bool show_keys = false;  // print the access keys made (they are always kept in their secret)
};

int Apply(const StackSpec& spec, const Remote& remote, const ApplyOptions& options, std::FILE* out);
int Destroy(const std::string& stack, const Remote& remote, bool plan_only, std::FILE* out);

}  // namespace spool::stack
