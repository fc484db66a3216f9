#pragma once
// Splitting SendMessages / DeleteMessages into requests SQS accepts: at most 10 entries, and
// for sends at most 256 KiB per request, counting each entry's body and its attributes'
// names, data types and values (what SQS counts). An entry larger than the limit on its own
// goes alone (the server then refuses it with the proper error). Order is kept.
//
// Threading: pure functions.

#include <cstddef>
#include <utility>
#include <vector>

#include "spool/sqs_types.h"

namespace spool::client {

inline constexpr size_t kMaxBatchEntries = 10;
inline constexpr size_t kMaxBatchBytes = 256 * 1024;

size_t EntrySize(const SendMessageBatchEntry& entry);

// [begin, end) index ranges covering `entries` in order.
std::vector<std::pair<size_t, size_t>> SplitSendBatches(
    const std::vector<SendMessageBatchEntry>& entries, size_t max_entries = kMaxBatchEntries,
    size_t max_bytes = kMaxBatchBytes);

// [begin, end) ranges of at most `max_entries` over `count` items.
std::vector<std::pair<size_t, size_t>> SplitByCount(size_t count,
                                                    size_t max_entries = kMaxBatchEntries);

}  // namespace spool::client
