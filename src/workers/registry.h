#pragma once
// Registry: the functions and event source mappings, durable in the data directory.
//
// One implementation behind the Lambda control API, the `spool functions|mappings` commands
// and the workers service (no second path to the same state). The workers service does not
// poll: it subscribes and reconciles its pollers and environments with Snapshot() whenever the
// registry changes.
//
// Storage: `workers.json` (format version 1, registry_file.h) in the data directory, rewritten
// whole on every change with common::WriteFileAtomically (changes are rare and small); a change
// is acknowledged only once it is on disk, and a change that could not be written is not made
// (kIo). Open("") keeps everything in memory.
//
// Threading: every method may be called from any thread (one mutex). Listeners are called
// after the change is stored, on the calling thread, without the mutex held; they must not
// block.
//
// Errors: RegistryError with a code the Lambda API maps to its exceptions.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "workers/function_config.h"

namespace spool::workers {

struct RegistryError {
  enum Code {
    kNotFound,  // ResourceNotFoundException (404)
    kConflict,  // ResourceConflictException (409): exists, or a function still has mappings
    kInvalid,   // InvalidParameterValueException (400)
    kIo,        // ServiceException (500): the file could not be written
  };
  Code code;
  std::string message;
};

template <class T>
class RegistryResult {
 public:
  RegistryResult(T value) : value_(std::move(value)), ok_(true) {}   // NOLINT
  RegistryResult(RegistryError error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return ok_; }
  const T& value() const { return value_; }
  T& value() { return value_; }
  const RegistryError& error() const { return error_; }

 private:
  T value_{};
  RegistryError error_{};
  bool ok_ = false;
};

struct RegistrySnapshot {
  std::vector<FunctionConfig> functions;  // by name
  std::vector<MappingConfig> mappings;    // by uuid
};

class Registry {
 public:
  // Loads DIR/workers.json (none: empty). `dir` "" keeps the registry in memory. Null with
  // *error when the file exists but cannot be read or parsed.
  static std::unique_ptr<Registry> Open(const std::string& dir, std::string* error);

  // Create: kConflict when the name exists; kInvalid from ValidateFunction.
  RegistryResult<FunctionConfig> CreateFunction(FunctionConfig function);
  // Replace the whole configuration of an existing function (the caller read it with
  // GetFunction and changed what the request names). Sets a new revision id.
  RegistryResult<FunctionConfig> UpdateFunction(FunctionConfig function);
  RegistryResult<FunctionConfig> GetFunction(const std::string& name) const;
  // Deleting a function deletes its mappings too (as Lambda does).
  RegistryResult<bool> DeleteFunction(const std::string& name);

  // Create: sets uuid and last_modified; kNotFound when the function does not exist;
  // kConflict when a mapping of the same function and queue exists (as Lambda).
  RegistryResult<MappingConfig> CreateMapping(MappingConfig mapping);
  // Replace the whole configuration of the mapping with this uuid (it may name another existing
  // function). kConflict when another mapping joins the same function and queue.
  RegistryResult<MappingConfig> UpdateMapping(MappingConfig mapping);
  RegistryResult<MappingConfig> GetMapping(const std::string& uuid) const;
  RegistryResult<MappingConfig> DeleteMapping(const std::string& uuid);  // the deleted one

  RegistrySnapshot Snapshot() const;

  // `changed` runs after every stored change. Returns nothing; listeners live as long as the
  // registry (the workers service outlives neither).
  void Subscribe(std::function<void()> changed);

  ~Registry();

 private:
  Registry() = default;
  // Create (`create`) or replace a function or mapping: validation, the checks against the
  // other entries, the stored change.
  RegistryResult<FunctionConfig> StoreFunction(FunctionConfig function, bool create);
  RegistryResult<MappingConfig> StoreMapping(MappingConfig mapping, bool create);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace spool::workers
