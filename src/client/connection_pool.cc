#include "client/connection_pool.h"

namespace spool::client {

std::unique_ptr<HttpConnection> ConnectionPool::Acquire(const Endpoint& endpoint) {
  const auto now = std::chrono::steady_clock::now();
  for (;;) {
    std::unique_ptr<HttpConnection> c;
    {
      std::lock_guard lock(mu_);
      auto it = idle_.find(endpoint.url);
      if (it == idle_.end() || it->second.empty()) break;
      c = std::move(it->second.back());
      it->second.pop_back();
    }
    if (now - c->last_used() < idle_timeout_ && c->LooksAlive()) return c;
    // Too old, or closed by the server: dropped here (its destructor closes the socket).
  }
  return std::make_unique<HttpConnection>(endpoint);
}

void ConnectionPool::Release(std::unique_ptr<HttpConnection> connection) {
  if (!connection || !connection->is_open()) return;
  std::lock_guard lock(mu_);
  auto& idle = idle_[connection->endpoint().url];
  if (idle.size() >= max_idle_) {
    // Keep the most recent ones: drop the least recently used (closed outside the lock would
    // be nicer, but closing an idle socket does not block).
    idle.erase(idle.begin());
  }
  if (max_idle_ > 0) idle.push_back(std::move(connection));
}

size_t ConnectionPool::idle_count(const std::string& endpoint_url) const {
  std::lock_guard lock(mu_);
  auto it = idle_.find(endpoint_url);
  return it == idle_.end() ? 0 : it->second.size();
}

}  // namespace spool::client
