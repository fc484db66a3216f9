#include "stack/apply.h"

#include <algorithm>

#include "stack/planner.h"

namespace spool::stack {
namespace {

namespace json = boost::json;

// The stack's record on the server: found, absent (an empty record), or unreadable.
bool ReadRecord(const Remote& remote, const std::string& stack, Record* record, std::string* error,
                bool* unreachable) {
  Result r = remote.Secrets("GetSecretValue", {{"SecretId", RecordSecretName(stack)}});
  *unreachable = r.code == "Unreachable";
  if (r.code == "ResourceNotFoundException") {
    *record = Record{stack, {}, {}, {}, {}, {}};
    return true;
  }
  if (!r.ok()) {
    *error = "reading the stack's record (secret " + RecordSecretName(stack) + "): " + r.Describe();
    return false;
  }
  auto parsed = ParseRecord(Text(r.json, "SecretString"), error);
  if (!parsed) return false;
  *record = std::move(*parsed);
  return true;
}

std::string WriteRecord(const Remote& remote, const Record& record) {
  if (record.Empty()) {
    return DeleteSecretNow(remote, RecordSecretName(record.stack)) ? ""
                                                                   : "could not delete the record";
  }
  Result r = WriteSecret(remote, RecordSecretName(record.stack), SerializeRecord(record));
  return r.ok() ? "" : r.Describe();
}

void PrintStep(std::FILE* out, const Step& s) {
  std::fprintf(out, "  %c %s%s%s\n", s.op, s.what.c_str(), s.detail.empty() ? "" : ": ",
               s.detail.c_str());
}

// Plans (already made) carried out: changes with undo, the record, then deletes.
int Execute(Planner& p, const std::string& stack, std::FILE* out) {
  std::vector<const Step*> done;
  for (const Step& step : p.changes) {
    std::string e = step.run();
    if (e.empty()) {
      done.push_back(&step);
      continue;
    }
    std::fprintf(out, "error: %s: %s\n", step.what.c_str(), e.c_str());
    // The failed step may have done part of its work: undo it too.
    if (step.undo) step.undo();
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      if ((*it)->undo) (*it)->undo();
    }
    std::fprintf(out, "Undone: %zu step(s) of stack %s were rolled back; nothing changed.\n",
                 done.size(), stack.c_str());
    return 1;
  }
  // The record lists what is now made, and still what is about to go.
  Record with_pending = p.next;
  for (const auto& q : p.old.queues) {
    bool listed = false;
    for (const auto& n : with_pending.queues) listed = listed || n == q;
    if (!listed) with_pending.queues.push_back(q);
  }
  for (const auto& f : p.old.functions) {
    bool listed = false;
    for (const auto& n : with_pending.functions) listed = listed || n == f;
    if (!listed) with_pending.functions.push_back(f);
  }
  for (const auto& s : p.old.secrets) {
    bool listed = false;
    for (const auto& n : with_pending.secrets) listed = listed || n == s;
    if (!listed) with_pending.secrets.push_back(s);
  }
  for (const auto& m : p.old.mappings) {
    bool listed = false;
    for (const auto& n : with_pending.mappings) {
      listed = listed || (n.function == m.function && n.queue == m.queue);
    }
    if (!listed) with_pending.mappings.push_back(m);
  }
  for (const auto& u : p.old.users) {
    bool listed = false;
    for (const auto& n : with_pending.users) listed = listed || n.name == u.name;
    if (!listed) with_pending.users.push_back(u);
  }
  if (!p.changes.empty() || !p.deletes.empty()) {
    if (std::string e = WriteRecord(*p.remote, with_pending); !e.empty()) {
      std::fprintf(out, "error: writing the stack's record: %s\n", e.c_str());
      for (auto it = done.rbegin(); it != done.rend(); ++it) {
        if ((*it)->undo) (*it)->undo();
      }
      std::fprintf(out, "Undone: nothing changed.\n");
      return 1;
    }
  }
  int failed = 0;
  for (const Step& step : p.deletes) {
    if (std::string e = step.run(); !e.empty()) {
      std::fprintf(out, "error: %s: %s (it stays in the stack's record)\n", step.what.c_str(),
                   e.c_str());
      ++failed;
    }
  }
  if (failed > 0) return 1;  // the record still lists what could not be deleted
  if (!p.deletes.empty()) {
    if (std::string e = WriteRecord(*p.remote, p.next); !e.empty()) {
      std::fprintf(out, "error: writing the stack's record: %s\n", e.c_str());
      return 1;
    }
  }
  return 0;
}

int Run(Planner& p, const std::string& stack, bool plan_only, std::FILE* out) {
  std::string error;
  bool unreachable = false;
  if (!ReadRecord(*p.remote, stack, &p.old, &error, &unreachable)) {
    std::fprintf(out, "error: %s\n", error.c_str());
    return unreachable ? 2 : 1;
  }
  p.next.stack = stack;
  p.PlanSecrets();
  p.PlanQueues();
  p.PlanUsers();
  p.PlanFunctions();
  // Deletes run users of a resource before it: mappings, functions, users, queues, secrets.
  auto rank = [](const Step& s) {
    for (int i = 0; const char* kind : {"mapping ", "function ", "user ", "queue ", "secret "}) {
      if (s.what.starts_with(kind)) return i;
      ++i;
    }
    return 5;
  };
  std::stable_sort(p.deletes.begin(), p.deletes.end(),
                   [&](const Step& a, const Step& b) { return rank(a) < rank(b); });
  if (!p.error.empty()) {
    std::fprintf(out, "error: %s\nNothing was changed.\n", p.error.c_str());
    return p.error.find("Unreachable") != std::string::npos ? 2 : 1;
  }
  size_t creates = 0, changes = 0;
  for (const Step& s : p.changes) (s.op == '+' ? creates : changes) += 1;
  if (p.changes.empty() && p.deletes.empty()) {
    // Resources adopted as they are change nothing but the record.
    if (p.spec != nullptr && SerializeRecord(p.old) != SerializeRecord(p.next) && !plan_only) {
      if (std::string e = WriteRecord(*p.remote, p.next); !e.empty()) {
        std::fprintf(out, "error: writing the stack's record: %s\n", e.c_str());
        return 1;
      }
      std::fprintf(out, "Stack %s took over what the file declares; nothing else to do.\n",
                   stack.c_str());
      return 0;
    }
    std::fprintf(out, "Stack %s is up to date: nothing to do.\n", stack.c_str());
    return 0;
  }
  std::fprintf(out, "Stack %s at %s:\n", stack.c_str(), p.remote->settings().endpoint.c_str());
  for (const Step& s : p.changes) PrintStep(out, s);
  for (const Step& s : p.deletes) PrintStep(out, s);
  std::fprintf(out, "Plan: %zu to create, %zu to change, %zu to delete.\n", creates, changes,
               p.deletes.size());
  if (plan_only) return 0;
  std::fflush(out);
  int rc = Execute(p, stack, out);
  if (rc == 0) std::fprintf(out, p.spec != nullptr ? "Applied.\n" : "Destroyed.\n");
  return rc;
}

}  // namespace

bool Planner::MayChange(const std::vector<std::string>& recorded, const std::string& kind,
                        const std::string& name) {
  for (const auto& r : recorded) {
    if (r == name) return true;
  }
  if (adopt) return true;
  Problem(kind + " " + name + " exists and is not part of stack " + next.stack +
          " (spool apply --adopt takes it over)");
  return false;
}

std::string Arrow(const std::string& name, const std::string& before, const std::string& after) {
  return name + " " + (before.empty() ? "(unset)" : before) + " -> " + after;
}

bool SameJson(const std::string& a, const std::string& b) {
  boost::system::error_code ea, eb;
  json::value va = json::parse(a, ea);
  json::value vb = json::parse(b, eb);
  if (ea || eb) return a == b;
  return va == vb;
}

int Apply(const StackSpec& spec, const Remote& remote, const ApplyOptions& options,
          std::FILE* out) {
  Planner p;
  p.spec = &spec;
  p.remote = &remote;
  p.adopt = options.adopt;
  p.show_keys = options.show_keys;
  p.out = out;
  p.next.stack = spec.name;
  return Run(p, spec.name, options.plan_only, out);
}

int Destroy(const std::string& stack, const Remote& remote, bool plan_only, std::FILE* out) {
  Planner p;
  p.remote = &remote;
  p.out = out;
  p.next.stack = stack;
  int rc = Run(p, stack, plan_only, out);
  return rc;
}

}  // namespace spool::stack
