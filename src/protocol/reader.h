#pragma once
// Reader: typed access to a request's parameters, whatever the wire format.
//
// Each accessor names a member twice: its JSON member name and its Query key (they differ for
// some members, see the reference's table "Member names that differ"). Accessors return nullopt
// when the member is absent. A member that is present but of the wrong shape (a JSON string
// where a number belongs, "abc" for a Query integer, bad base64) makes the accessor return
// nullopt and records the first such problem in error(); handlers check error() after reading.
//
// Query shapes (1-based indexes, sorted numerically, gaps allowed):
//   list:         Name.1=a&Name.2=b
//   string map:   Prefix.N.Name=k&Prefix.N.Value=v   (key/value key names configurable)
//   struct list:  Prefix.N.Member=...        (each entry read through a sub-reader)
//   struct map:   Prefix.N.Name=k&Prefix.N.Value.Member=...
// An index is decimal without leading zeros (1..999999999); keys with any other index segment
// ("Name.0", "Name.01", "Name.x") are ignored. A collection with no indexed keys is present and
// empty when its bare name is sent with an empty value, under either its Query key or its JSON
// member name: botocore sends an empty list as "Entries=" / "AttributeNames=" (the JSON names);
// a bare name with a non-empty value is a shape error. A string-map entry without its value key
// reads as "", one without its key key is a shape error. Repeated keys: the first one wins.
// Booleans are true/false in any letter case.
// JSON shapes: arrays, objects, objects of objects. A member whose value is null is absent.
//
// Threading: a Reader and its sub-readers are used by one thread at a time; sub-readers must not
// outlive their parent.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool::protocol {

struct FieldError {
  std::string field;    // the member's name as the client sent it (JSON name or Query key)
  std::string message;  // human-readable, e.g. "expected an integer"
};

class Reader;
using ReaderPtr = std::unique_ptr<Reader>;

class Reader {
 public:
  virtual ~Reader() = default;

  virtual std::optional<std::string> String(std::string_view json_name,
                                            std::string_view query_key) = 0;
  // Integers: JSON numbers (integral) or, leniently, numeric strings; Query decimal text.
  virtual std::optional<int64_t> Int(std::string_view json_name, std::string_view query_key) = 0;
  virtual std::optional<bool> Bool(std::string_view json_name, std::string_view query_key) = 0;
  // Base64 text on both wires; returns the decoded bytes.
  virtual std::optional<std::string> Blob(std::string_view json_name,
                                          std::string_view query_key) = 0;
  virtual std::optional<std::vector<std::string>> StringList(std::string_view json_name,
                                                             std::string_view query_key) = 0;
  // Same as StringList but each element base64-decoded.
  virtual std::optional<std::vector<std::string>> BlobList(std::string_view json_name,
                                                           std::string_view query_key) = 0;
  // Entries in wire order (JSON object order; Query index order).
  virtual std::optional<std::vector<std::pair<std::string, std::string>>> StringMap(
      std::string_view json_name, std::string_view query_prefix,
      std::string_view query_key_name = "Name", std::string_view query_value_name = "Value") = 0;
  virtual std::optional<std::vector<ReaderPtr>> StructList(std::string_view json_name,
                                                           std::string_view query_prefix) = 0;
  virtual std::optional<std::vector<std::pair<std::string, ReaderPtr>>> StructMap(
      std::string_view json_name, std::string_view query_prefix,
      std::string_view query_key_name = "Name", std::string_view query_value_name = "Value") = 0;

  // The first shape error met by this reader or, for the root, by any of its sub-readers.
  const std::optional<FieldError>& error() const { return error_; }

 protected:
  void SetError(std::string field, std::string message) {
    if (!error_) error_ = FieldError{std::move(field), std::move(message)};
  }
  // Sub-readers report into their root's error slot.
  std::optional<FieldError> error_;
};

// Query protocol: `params` are the decoded form pairs (URL query merged with body).
ReaderPtr MakeQueryReader(std::vector<std::pair<std::string, std::string>> params);

// AWS JSON 1.0: parses `body` (must be a JSON object; an empty or all-whitespace body counts as
// {}). Returns nullptr with *error set to the reason ("syntax error", "expected a JSON object",
// ...) when the body is not valid JSON (strict RFC 8259, valid UTF-8, nesting at most 32 deep)
// or not an object.
ReaderPtr MakeJsonReader(std::string_view body, std::string* error);

}  // namespace spool::protocol
