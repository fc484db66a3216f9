#pragma once
// Env: the process environment as the client reads it (AWS_* variables, HOME), behind a seam
// so tests give a map instead of changing the real environment.
//
// Threading: a const Env may be read from any thread (the process one calls getenv, so it races
// only with a concurrent setenv, as any getenv does).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spool::client {

class Env {
 public:
  using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

  // getenv.
  static Env Process();
  // Exactly these variables.
  static Env FromMap(std::map<std::string, std::string, std::less<>> vars);

  // The variable's value, "" when unset (an empty value counts as unset, as in the AWS SDKs).
  std::string Get(std::string_view name) const;
  // The first of `names` that is set, "" when none.
  std::string First(std::initializer_list<std::string_view> names) const;
  // `path` with a leading "~/" replaced by $HOME.
  std::string ExpandHome(const std::string& path) const;

 private:
  explicit Env(Lookup lookup) : lookup_(std::move(lookup)) {}
  Lookup lookup_;
};

}  // namespace spool::client
