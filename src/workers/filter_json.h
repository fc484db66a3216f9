#pragma once
// The JSON tree the filters read (internal to filter*.cc): patterns when they are compiled and
// message bodies when they are matched.
//
// Unlike boost::json::value it keeps the text of every number, because exact matching compares
// numbers as written (300 is not 300.0, workers.md 2.9), while numeric ranges use the value.
// Nodes sit in one vector in document order; a container's children follow it up to its `end`,
// and an object's members carry their name in `key`. Strings are unescaped into one arena whose
// capacity is reserved up front (unescaping never grows text), so the views stay valid.
//
// Threading: a JsonDoc is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spool::workers::filter_detail {

enum class JsonKind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

struct JsonNode {
  JsonKind kind = JsonKind::kNull;
  uint32_t end = 0;       // index one past this node's subtree
  std::string_view key;   // the member name, when the parent is an object
  std::string_view text;  // string: unescaped; number: as written; true/false/null: the word
  double number = 0;      // numbers only
};

class JsonDoc {
 public:
  // Parses one JSON text (RFC 8259, UTF-8, nothing after it) nested at most max_depth deep.
  // On failure returns false with *error (where and why) and leaves the document empty.
  bool Parse(std::string_view text, size_t max_depth, std::string* error);

  // The document {"<key>": <value of text>} when text is JSON, else {"<key>": "<text>"} (the
  // raw text as a string, no copy: text must outlive the document). This is how a message is
  // seen by a pattern: its body is JSON when it parses, a plain string otherwise. A body nested
  // deeper than max_depth is neither: Wrap returns false (and the document is empty).
  bool Wrap(std::string_view key, std::string_view text, size_t max_depth);

  void Clear();
  // Clear, and free the buffers if a large document grew them (a document is reused from
  // message to message, so small buffers are kept).
  void Reset();
  bool empty() const { return nodes_.empty(); }
  const JsonNode& node(uint32_t i) const { return nodes_[i]; }
  uint32_t size() const { return static_cast<uint32_t>(nodes_.size()); }

 private:
  friend class JsonBuilder;
  bool ParseInto(std::string_view text, size_t max_depth, std::string* error, bool* too_deep);

  std::vector<JsonNode> nodes_;
  std::string arena_;
};

}  // namespace spool::workers::filter_detail
