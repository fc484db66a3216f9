#include "client/batching.h"

namespace spool::client {

size_t EntrySize(const SendMessageBatchEntry& entry) {
  size_t size = entry.body.size();
  for (const auto& [name, value] : entry.message_attributes) {
    size += name.size() + value.data_type.size() + value.string_value.size() +
            value.binary_value.size();
  }
  return size;
}

std::vector<std::pair<size_t, size_t>> SplitSendBatches(
    const std::vector<SendMessageBatchEntry>& entries, size_t max_entries, size_t max_bytes) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t begin = 0, bytes = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const size_t size = EntrySize(entries[i]);
    if (i > begin && (i - begin == max_entries || bytes + size > max_bytes)) {
      out.emplace_back(begin, i);
      begin = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (begin < entries.size()) out.emplace_back(begin, entries.size());
  return out;
}

std::vector<std::pair<size_t, size_t>> SplitByCount(size_t count, size_t max_entries) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t begin = 0; begin < count; begin += max_entries) {
    out.emplace_back(begin, std::min(count, begin + max_entries));
  }
  return out;
}

}  // namespace spool::client
