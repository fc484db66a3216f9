#pragma once
// Validation of message parameters and the SQS digests. Pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/errc.h"
#include "engine/types.h"

namespace spool::engine {

// True when every code point of `text` is valid UTF-8 and one SQS allows in a message
// (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF).
bool IsAllowedMessageText(std::string_view text);

// Validates names, types and values, sorts by name, and returns the attributes' size in bytes
// (name + type + value) for the message size limit. At most 10 attributes.
Result<int64_t> ValidateMessageAttributes(MessageAttributes* attributes);

// Only AWSTraceHeader of type String is allowed. Does not count toward the size limit.
Result<Empty> ValidateSystemAttributes(MessageAttributes* attributes);

// Batch entry ids: 1..80 of [A-Za-z0-9_-].
bool IsValidBatchEntryId(std::string_view id);

// Deduplication and group ids: 1..128 printable ASCII (0x21..0x7E).
bool IsValidTokenId(std::string_view id);

// MD5 of message attributes as SQS computes it (sorted names; length-prefixed name, type,
// transport byte, value). `attributes` must be sorted by name.
Md5Digest AttributesMd5(const MessageAttributes& attributes);

// The same digest over a subset: only the attributes for which `keep(name)` is true.
// Returns nullopt when no attribute is kept.
template <class Pred>
std::optional<Md5Digest> AttributesMd5If(const MessageAttributes& attributes, Pred keep);

}  // namespace spool::engine

#include "engine/message_rules_inl.h"
