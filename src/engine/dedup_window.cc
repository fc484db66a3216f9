#include "engine/dedup_window.h"

namespace spool::engine {

std::string DedupWindow::Key(bool per_group, std::string_view group_id, std::string_view dedup_id) {
  std::string key;
  if (per_group) {
    // Group ids never contain '\n' (printable ASCII only), so the pair is unambiguous.
    key.reserve(group_id.size() + 1 + dedup_id.size());
    key.append(group_id);
    key.push_back('\n');
  }
  key.append(dedup_id);
  return key;
}

const DedupWindow::Entry* DedupWindow::Find(const std::string& key, int64_t now_ms) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.sent_ms + kWindowMs <= now_ms) return nullptr;
  return &it->second;
}

void DedupWindow::Insert(std::string key, Entry entry) {
  order_.emplace_back(entry.sent_ms, key);
  entries_.insert_or_assign(std::move(key), std::move(entry));
}

void DedupWindow::Erase(const std::string& key, std::string_view message_id) {
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.message_id == message_id) entries_.erase(it);
}

void DedupWindow::Expire(int64_t now_ms) {
  while (!order_.empty() && order_.front().first + kWindowMs <= now_ms) {
    auto it = entries_.find(order_.front().second);
    // Only when the entry is the one this item was queued for (not re-inserted since).
    if (it != entries_.end() && it->second.sent_ms == order_.front().first) entries_.erase(it);
    order_.pop_front();
  }
}

void DedupWindow::Clear() {
  entries_.clear();
  order_.clear();
}

}  // namespace spool::engine
