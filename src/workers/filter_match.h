#pragma once
// Matching a compiled rule tree against a parsed message (internal to filter*.cc).
//
// Semantics (EventBridge's, as Lambda applies them to SQS bodies):
// - A field's values are the members of that name (normally one). An array contributes its
//   elements, arrays within it included; objects in an array are the candidates of a nested
//   object rule, which must match within one of them (fields from different array elements
//   never combine).
// - A value list matches when any matcher matches any scalar value (null included) reached
//   that way; objects are not values. exists:true needs a scalar value, exists:false none.
// - A nested object rule on a field with no object (missing, scalar) is matched as if every
//   field below were missing, so {"a":{"b":[{"exists":false}]}} matches {} and {"a":1}.
//
// Cost: each object the rule visits is scanned once (members looked up by binary search in the
// rule's sorted fields); recursion follows the pattern's depth, never the body's.

#include <cstdint>
#include <utility>
#include <vector>

#include "workers/filter_json.h"
#include "workers/filter_tree.h"

namespace spool::workers::filter_detail {

class Matcher {
 public:
  // scratch is working space, reused across calls; it is left as it was found.
  Matcher(const JsonDoc& doc, std::vector<std::pair<uint32_t, uint32_t>>* scratch)
      : doc_(doc), scratch_(*scratch) {}

  // Whether the object node `object` of the document satisfies rule (the document root is 0).
  bool Object(const ObjectRule& rule, uint32_t object);

 private:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  bool Field(const FieldRule& field, size_t from, size_t to);
  bool Values(const ValueRule& rule, size_t from, size_t to);
  bool Scalar(const ValueRule& rule, const JsonNode& value) const;

  const JsonDoc& doc_;
  std::vector<std::pair<uint32_t, uint32_t>>& scratch_;  // (field index, member node)
};

}  // namespace spool::workers::filter_detail
