#pragma once
// Writer: one response body, built the same way for both protocols.
//
// The JSON writer emits one object; the XML writer emits the Query envelope:
//   <?xml version="1.0"?><{Action}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">
//   <{Action}Result>...</{Action}Result><ResponseMetadata><RequestId>id</RequestId>
//   </ResponseMetadata></{Action}Response>
// `<{Action}Result>` is written (empty if need be) when the action has an output, and left out
// for actions without one. Lists and maps are flattened in XML (repeated elements, no wrapper).
// Text is escaped (& < > and CR as &#xD; in XML; JSON string escaping in JSON).
//
// Every method names a member twice: JSON member name, XML element name. Names are the model's
// identifiers and are written as given (not escaped); the XML writer keeps views of the element
// names passed to BeginList/BeginMap until the matching End call, so pass string literals.
// Values, map keys and BeginEntry keys are data and are escaped; bytes that are not valid UTF-8
// (and, in XML, characters XML 1.0 cannot carry) are written as U+FFFD.
// Sequence rules: scalars may be written at any level; BeginList/EndList and
// BeginMap/EndMap bracket collections; inside a list, BeginItem/EndItem bracket one struct
// item; inside a map, BeginEntry(key)/EndEntry bracket one struct value.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool::protocol {

class Writer {
 public:
  virtual ~Writer() = default;

  virtual void String(std::string_view json_name, std::string_view xml_name,
                      std::string_view value) = 0;
  virtual void Int(std::string_view json_name, std::string_view xml_name, int64_t value) = 0;
  virtual void Bool(std::string_view json_name, std::string_view xml_name, bool value) = 0;
  // Raw bytes, written as base64.
  virtual void Blob(std::string_view json_name, std::string_view xml_name,
                    std::string_view bytes) = 0;

  // A list of strings: JSON array; XML repeated <xml_item_name>.
  virtual void StringList(std::string_view json_name, std::string_view xml_item_name,
                          const std::vector<std::string_view>& values) = 0;
  // A map of strings: JSON object; XML repeated
  // <xml_entry><xml_key_name>k</xml_key_name><xml_value_name>v</xml_value_name></xml_entry>.
  virtual void StringMap(std::string_view json_name, std::string_view xml_entry,
                         const std::vector<std::pair<std::string_view, std::string_view>>& entries,
                         std::string_view xml_key_name = "Name",
                         std::string_view xml_value_name = "Value") = 0;

  // A list of structs: JSON array of objects; XML repeated <xml_item_name>...</xml_item_name>.
  virtual void BeginList(std::string_view json_name, std::string_view xml_item_name) = 0;
  virtual void BeginItem() = 0;
  virtual void EndItem() = 0;
  virtual void EndList() = 0;

  // A map of structs: JSON object of objects; XML repeated
  // <xml_entry><xml_key_name>k</xml_key_name><xml_value_name>...struct...</xml_value_name>
  // </xml_entry>.
  virtual void BeginMap(std::string_view json_name, std::string_view xml_entry,
                        std::string_view xml_key_name = "Name",
                        std::string_view xml_value_name = "Value") = 0;
  virtual void BeginEntry(std::string_view key) = 0;
  virtual void EndEntry() = 0;
  virtual void EndMap() = 0;

  // Closes every open element and returns the body. The writer is spent afterwards.
  // Calls out of sequence (EndItem without BeginItem, nesting deeper than 16) abort: they are
  // bugs in the caller, never caused by input.
  virtual std::string Finish() = 0;
};

std::unique_ptr<Writer> MakeJsonWriter();
// `has_result`: whether the action has an output (and so a <{Action}Result> element).
std::unique_ptr<Writer> MakeXmlWriter(std::string_view action, std::string_view request_id,
                                      bool has_result);

}  // namespace spool::protocol
