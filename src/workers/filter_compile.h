#pragma once
// Pattern JSON -> compiled rule tree (internal to filter*.cc), validating as Lambda does.

#include <string>

#include "workers/filter_json.h"
#include "workers/filter_tree.h"

namespace spool::workers::filter_detail {

// Numeric operands of patterns must lie in this range (EventBridge's documented limit).
inline constexpr double kMaxNumericMagnitude = 5.0e9;

// Compiles the parsed pattern `doc` into *out. False with *error ("<where>: <what>", where is a
// path such as body.price or body.$or[1].kind) for a pattern Lambda would reject.
bool CompilePattern(const JsonDoc& doc, Filter::Node* out, std::string* error);

}  // namespace spool::workers::filter_detail
