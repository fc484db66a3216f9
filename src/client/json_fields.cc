#include "client/json_fields.h"

#include <boost/json/parse.hpp>

#include "client/sqs_json.h"

namespace spool::client {

Error MalformedResponse(std::string what) {
  return Error(ErrorKind::kResponse, "MalformedResponse", std::move(what));
}

Result<boost::json::object> ParseJsonObject(std::string_view json, std::string_view what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) {
    return MalformedResponse("the " + std::string(what) + " answer is not a JSON object");
  }
  return std::move(v.get_object());
}

const boost::json::value* Fields::Find(std::string_view key, boost::json::kind kind,
                                       const char* type) {
  const boost::json::value* v = object_.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (v->kind() != kind && !(kind == boost::json::kind::double_ && v->is_number())) {
    if (problem_.empty()) problem_ = std::string(key) + " is not " + type;
    return nullptr;
  }
  return v;
}

std::string Fields::String(std::string_view key) {
  const auto* v = Find(key, boost::json::kind::string, "a string");
  return v ? std::string(v->get_string()) : std::string();
}

bool Fields::Bool(std::string_view key) {
  const auto* v = Find(key, boost::json::kind::bool_, "a boolean");
  return v && v->get_bool();
}

double Fields::Number(std::string_view key) {
  const auto* v = Find(key, boost::json::kind::double_, "a number");
  return v ? v->to_number<double>() : 0.0;
}

const boost::json::array* Fields::Array(std::string_view key) {
  const auto* v = Find(key, boost::json::kind::array, "an array");
  return v ? &v->get_array() : nullptr;
}

const boost::json::object* Fields::Object(std::string_view key) {
  const auto* v = Find(key, boost::json::kind::object, "an object");
  return v ? &v->get_object() : nullptr;
}

std::string Fields::RequiredString(std::string_view key) {
  std::string s = String(key);
  if (s.empty() && problem_.empty()) problem_ = std::string(key) + " is missing";
  return s;
}

Error Fields::error() const {
  return MalformedResponse("the " + std::string(what_) + " answer is malformed: " + problem_);
}

}  // namespace spool::client
