#pragma once
// ConnectionPool: idle keep-alive connections, per endpoint, handed to one call at a time.
//
// Acquire() gives the most recently used idle connection to the endpoint that still looks
// alive and is younger than the idle timeout (closing the others it passes), or a new,
// unconnected one. Release() keeps a connection that is still open, up to `max_idle` per
// endpoint; the rest are closed. Most recently used first keeps the fewest sockets warm.
//
// Threading: Acquire and Release may be called from any thread at once (one mutex, held only
// to move pointers; sockets are polled and closed outside it).

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/http_connection.h"

namespace spool::client {

class ConnectionPool {
 public:
  ConnectionPool(size_t max_idle, std::chrono::milliseconds idle_timeout)
      : max_idle_(max_idle), idle_timeout_(idle_timeout) {}

  std::unique_ptr<HttpConnection> Acquire(const Endpoint& endpoint);
  void Release(std::unique_ptr<HttpConnection> connection);

  size_t idle_count(const std::string& endpoint_url) const;

 private:
  const size_t max_idle_;
  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mu_;
  // Idle connections by endpoint URL, least recently used first. Guarded by mu_.
  std::map<std::string, std::vector<std::unique_ptr<HttpConnection>>> idle_;
};

}  // namespace spool::client
