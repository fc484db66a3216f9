#pragma once
// Fields: typed reads of the members of one JSON object of an answer, remembering the first
// member of the wrong type, so a parser reads every member it wants and checks once.
//
//   Fields f(obj, "SendMessage");
//   r.message_id = f.String("MessageId");
//   if (!f.ok()) return f.error();
//
// Threading: one thread at a time; it borrows `object`.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "spool/result.h"

namespace spool::client {

// The answer as a JSON object, or MalformedResponse naming `what`.
Result<boost::json::object> ParseJsonObject(std::string_view json, std::string_view what);

class Fields {
 public:
  Fields(const boost::json::object& object, std::string_view what) : object_(object), what_(what) {}

  // "" (empty, false, 0, nullptr) when absent; a wrong type is remembered and gives the same.
  std::string String(std::string_view key);
  bool Bool(std::string_view key);
  double Number(std::string_view key);
  const boost::json::array* Array(std::string_view key);
  const boost::json::object* Object(std::string_view key);
  // Absent or empty -> remembered as missing.
  std::string RequiredString(std::string_view key);

  bool ok() const { return problem_.empty(); }
  Error error() const;

 private:
  const boost::json::value* Find(std::string_view key, boost::json::kind kind, const char* type);

  const boost::json::object& object_;
  std::string_view what_;
  std::string problem_;
};

}  // namespace spool::client
