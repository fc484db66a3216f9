#pragma once
// JsonMembers: the typed, optional members of a JSON request body, read the way the AWS JSON
// 1.1 APIs read them (CloudWatch Logs, Secrets Manager): an absent or null member is nullopt;
// a member of another JSON type is the API's error, raised by `wrong_type(name, expected)`,
// which must throw (each API throws its own SerializationException).
//
// Threading: reads the body it was given, which must outlive it; const methods only.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spool::common {

class JsonMembers {
 public:
  // Must throw; JsonMembers aborts if it returns.
  using WrongType = void (*)(std::string_view name, std::string_view expected);

  JsonMembers(const boost::json::object& body, WrongType wrong_type)
      : body_(body), wrong_type_(wrong_type) {}

  const boost::json::value* Get(std::string_view name) const;  // null when absent or null
  bool Has(std::string_view name) const { return Get(name) != nullptr; }
  std::optional<std::string> String(std::string_view name) const;
  std::optional<int64_t> Long(std::string_view name) const;  // an integer that fits int64
  std::optional<bool> Bool(std::string_view name) const;
  std::optional<std::vector<std::string>> StringList(std::string_view name) const;

 protected:
  // Raises the API's error for a member of the wrong type ("a string", "an integer", ...).
  [[noreturn]] void Wrong(std::string_view name, std::string_view expected) const;

  const boost::json::object& body_;

 private:
  WrongType wrong_type_;
};

}  // namespace spool::common
