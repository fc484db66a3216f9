#include "lambda/body.h"

#include <boost/json.hpp>

namespace spool::lambda {

std::optional<Body> Body::Parse(std::string_view text, std::string* error) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Body(boost::json::object());
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) {
    *error = "Could not parse request body into json: " + ec.message();
    return std::nullopt;
  }
  if (!v.is_object()) {
    *error = "Could not parse request body into json: the body must be a JSON object";
    return std::nullopt;
  }
  return Body(std::move(v.get_object()));
}

const boost::json::value* Body::Find(std::string_view key) const {
  const boost::json::value* v = object_.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

bool Body::Has(std::string_view key) const { return Find(key) != nullptr; }

namespace {

std::string TypeError(std::string_view key, std::string_view type) {
  return "Could not parse request body into json: " + std::string(key) + " must be " +
         std::string(type);
}

}  // namespace

std::optional<std::string> Body::String(std::string_view key) {
  const boost::json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    SetError(TypeError(key, "a string"));
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<int64_t> Body::Int(std::string_view key) {
  const boost::json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  SetError(TypeError(key, "an integer"));
  return std::nullopt;
}

std::optional<bool> Body::Bool(std::string_view key) {
  const boost::json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    SetError(TypeError(key, "a boolean"));
    return std::nullopt;
  }
  return v->get_bool();
}

const boost::json::object* Body::Object(std::string_view key) {
  const boost::json::value* v = Find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    SetError(TypeError(key, "an object"));
    return nullptr;
  }
  return &v->get_object();
}

const boost::json::array* Body::Array(std::string_view key) {
  const boost::json::value* v = Find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    SetError(TypeError(key, "an array"));
    return nullptr;
  }
  return &v->get_array();
}

}  // namespace spool::lambda
