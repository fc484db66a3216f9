#pragma once
// An order as the form posts it, and the server-side checks of POST /api/placeOrder.
//
// ParseOrder takes the request body (JSON: {"name": string, "address": string, "quantity":
// integer}) and either an Order or the message the client is shown (one sentence, no markup).
// Rules: name 1..100 characters and address 1..300 after trimming, no control characters;
// quantity an integer from 1 to 1000. The product is fixed (kProductId), whatever is sent.
// Threading: pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orders {

inline constexpr std::string_view kProductId = "spool-mug-01";
inline constexpr int64_t kMaxQuantity = 1000;

struct Order {
  std::string name;
  std::string address;
  int64_t quantity = 0;
};

std::optional<Order> ParseOrder(std::string_view body, std::string* problem);

// The message body sent to the queue: {"id", "name", "address", "productId", "quantity",
// "placedAt"} (placedAt: ISO 8601 UTC).
std::string OrderMessage(const Order& order, const std::string& id, const std::string& placed_at);

}  // namespace orders
