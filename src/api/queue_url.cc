#include "api/queue_url.h"

namespace spool::api {

std::optional<QueueUrlParts> ParseQueuePath(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view name = path.substr(slash + 1);
  std::string_view rest = path.substr(0, slash);
  auto slash2 = rest.rfind('/');
  std::string_view account = slash2 == std::string_view::npos ? rest : rest.substr(slash2 + 1);
  if (name.empty() || account.empty()) return std::nullopt;
  return QueueUrlParts{std::string(account), std::string(name)};
}

std::optional<QueueUrlParts> ParseQueueUrl(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    auto path = url.find('/');
    if (path == std::string_view::npos) return std::nullopt;
    url.remove_prefix(path);
  }
  auto q = url.find_first_of("?#");
  if (q != std::string_view::npos) url = url.substr(0, q);
  return ParseQueuePath(url);
}

}  // namespace spool::api
