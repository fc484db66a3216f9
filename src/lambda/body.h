#pragma once
// Body: a request's JSON body with typed, optional members. A member that is present with the
// wrong type is remembered as the body's error (answered as InvalidRequestContentException, as
// Lambda answers a body it cannot deserialise); null counts as absent.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spool::lambda {

class Body {
 public:
  // An empty text is an empty object. nullopt with *error when it is not a JSON object.
  static std::optional<Body> Parse(std::string_view text, std::string* error);
  explicit Body(boost::json::object object) : object_(std::move(object)) {}

  bool Has(std::string_view key) const;
  std::optional<std::string> String(std::string_view key);
  std::optional<int64_t> Int(std::string_view key);
  std::optional<bool> Bool(std::string_view key);
  const boost::json::object* Object(std::string_view key);
  const boost::json::array* Array(std::string_view key);
  const boost::json::object& object() const { return object_; }

  // The first type error ("" when none).
  const std::string& error() const { return error_; }
  void SetError(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

 private:
  const boost::json::value* Find(std::string_view key) const;

  boost::json::object object_;
  std::string error_;
};

}  // namespace spool::lambda
