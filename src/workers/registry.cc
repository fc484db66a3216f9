#include "workers/registry.h"

#include <chrono>
#include <map>

#include "common/file_util.h"
#include "common/uuid.h"
#include "workers/registry_file.h"

namespace spool::workers {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RegistryError Err(RegistryError::Code code, std::string message) {
  return RegistryError{code, std::move(message)};
}

RegistryError NoFunction(const std::string& name) {
  return Err(RegistryError::kNotFound, "Function not found: " + name);
}

RegistryError NoMapping(const std::string& uuid) {
  return Err(RegistryError::kNotFound,
             "The resource you requested does not exist. (Event source mapping " + uuid + ")");
}

}  // namespace

struct Registry::State {
  std::string path;  // "" in memory
  mutable std::mutex mu;
  RegistryContents contents;  // guarded by mu
  std::vector<std::function<void()>> listeners;

  // Stores `next` (file first, then memory); kIo when the file could not be written, and
  // then nothing changed.
  std::optional<RegistryError> Commit(RegistryContents next) {
    if (!path.empty()) {
      std::string error;
      if (!common::WriteFileAtomically(path, SerializeRegistry(next), 0600, &error)) {
        return Err(RegistryError::kIo, "Cannot store the function registry: " + error);
      }
    }
    contents = std::move(next);
    return std::nullopt;
  }

  // One change: `edit` works on a copy of the contents under the lock and returns an error to
  // refuse; otherwise the copy is stored (Commit) and, once the lock is released, listeners
  // are told.
  template <class Edit>
  std::optional<RegistryError> Change(Edit edit) {
    {
      std::lock_guard lock(mu);
      RegistryContents next = contents;
      if (auto e = edit(next)) return e;
      if (auto e = Commit(std::move(next))) return e;
    }
    Notify();
    return std::nullopt;
  }

  void Notify() {
    std::vector<std::function<void()>> copy;
    {
      std::lock_guard lock(mu);
      copy = listeners;
    }
    for (const auto& fn : copy) fn();
  }
};

Registry::~Registry() = default;

std::unique_ptr<Registry> Registry::Open(const std::string& dir, std::string* error) {
  std::unique_ptr<Registry> registry(new Registry());
  registry->state_ = std::make_unique<State>();
  if (dir.empty()) return registry;
  State& s = *registry->state_;
  s.path = dir + "/workers.json";
  std::string text;
  bool missing = false;
  if (!common::ReadWholeFile(s.path, &text, &missing, error)) {
    if (missing) return registry;
    return nullptr;
  }
  if (!ParseRegistry(text, &s.contents, error)) {
    *error = s.path + ": " + *error;
    return nullptr;
  }
  return registry;
}

RegistryResult<FunctionConfig> Registry::StoreFunction(FunctionConfig function, bool create) {
  if (std::string problem = ValidateFunction(function); !problem.empty()) {
    return Err(RegistryError::kInvalid, problem);
  }
  auto refused = state_->Change([&](RegistryContents& next) -> std::optional<RegistryError> {
    bool exists = next.functions.contains(function.name);
    if (create && exists) {
      return Err(RegistryError::kConflict, "Function already exist: " + function.name);
    }
    if (!create && !exists) return NoFunction(function.name);
    function.last_modified_ms = NowMs();
    function.revision_id = common::NewUuid();
    next.functions[function.name] = function;
    return std::nullopt;
  });
  if (refused) return *refused;
  return function;
}

RegistryResult<FunctionConfig> Registry::CreateFunction(FunctionConfig function) {
  return StoreFunction(std::move(function), true);
}

RegistryResult<FunctionConfig> Registry::UpdateFunction(FunctionConfig function) {
  return StoreFunction(std::move(function), false);
}

RegistryResult<FunctionConfig> Registry::GetFunction(const std::string& name) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->contents.functions.find(name);
  if (it == state_->contents.functions.end()) return NoFunction(name);
  return it->second;
}

RegistryResult<bool> Registry::DeleteFunction(const std::string& name) {
  auto refused = state_->Change([&](RegistryContents& next) -> std::optional<RegistryError> {
    if (!next.functions.contains(name)) return NoFunction(name);
    next.functions.erase(name);
    std::erase_if(next.mappings, [&](const auto& m) { return m.second.function_name == name; });
    return std::nullopt;
  });
  if (refused) return *refused;
  return true;
}

namespace {

// kConflict when another mapping (not `self`) joins the same function and queue.
std::optional<RegistryError> Duplicate(const RegistryContents& c, const MappingConfig& m) {
  for (const auto& [uuid, other] : c.mappings) {
    if (uuid != m.uuid && other.function_name == m.function_name &&
        other.queue_name == m.queue_name) {
      return Err(RegistryError::kConflict,
                 "An event source mapping with SQS queue '" + m.queue_name + "' and function '" +
                     m.function_name +
                     "' already exists. Please update or delete the existing mapping with UUID " +
                     uuid);
    }
  }
  return std::nullopt;
}

}  // namespace

RegistryResult<MappingConfig> Registry::StoreMapping(MappingConfig mapping, bool create) {
  if (std::string problem = ValidateMapping(mapping); !problem.empty()) {
    return Err(RegistryError::kInvalid, problem);
  }
  auto refused = state_->Change([&](RegistryContents& next) -> std::optional<RegistryError> {
    if (create) {
      mapping.uuid = common::NewUuid();
    } else if (!next.mappings.contains(mapping.uuid)) {
      return NoMapping(mapping.uuid);
    }
    if (!next.functions.contains(mapping.function_name)) return NoFunction(mapping.function_name);
    if (auto e = Duplicate(next, mapping)) return e;
    mapping.last_modified_ms = NowMs();
    next.mappings[mapping.uuid] = mapping;
    return std::nullopt;
  });
  if (refused) return *refused;
  return mapping;
}

RegistryResult<MappingConfig> Registry::CreateMapping(MappingConfig mapping) {
  return StoreMapping(std::move(mapping), true);
}

RegistryResult<MappingConfig> Registry::UpdateMapping(MappingConfig mapping) {
  return StoreMapping(std::move(mapping), false);
}

RegistryResult<MappingConfig> Registry::GetMapping(const std::string& uuid) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->contents.mappings.find(uuid);
  if (it == state_->contents.mappings.end()) return NoMapping(uuid);
  return it->second;
}

RegistryResult<MappingConfig> Registry::DeleteMapping(const std::string& uuid) {
  MappingConfig deleted;
  auto refused = state_->Change([&](RegistryContents& next) -> std::optional<RegistryError> {
    auto it = next.mappings.find(uuid);
    if (it == next.mappings.end()) return NoMapping(uuid);
    deleted = it->second;
    next.mappings.erase(it);
    return std::nullopt;
  });
  if (refused) return *refused;
  return deleted;
}

RegistrySnapshot Registry::Snapshot() const {
  RegistrySnapshot out;
  std::lock_guard lock(state_->mu);
  for (const auto& [name, f] : state_->contents.functions) out.functions.push_back(f);
  for (const auto& [uuid, m] : state_->contents.mappings) out.mappings.push_back(m);
  return out;
}

void Registry::Subscribe(std::function<void()> changed) {
  std::lock_guard lock(state_->mu);
  state_->listeners.push_back(std::move(changed));
}

}  // namespace spool::workers
