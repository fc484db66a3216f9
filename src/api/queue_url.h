#pragma once
// Queue URLs: `<scheme>://<host>[:port]/<account-id>/<queue-name>`. The host is ignored when
// parsing (clients reach us under many names); the last two path segments decide.

#include <optional>
#include <string>
#include <string_view>

namespace spool::api {

struct QueueUrlParts {
  std::string account_id;
  std::string name;
};

// nullopt when the URL does not end in /<account>/<name>.
std::optional<QueueUrlParts> ParseQueueUrl(std::string_view url);
// Same for a request path such as "/000000000000/orders" (query string already removed).
std::optional<QueueUrlParts> ParseQueuePath(std::string_view path);

}  // namespace spool::api
