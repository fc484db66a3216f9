#include "order.h"

#include <boost/json.hpp>

namespace orders {
namespace {

namespace json = boost::json;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Characters, not bytes: UTF-8 continuation bytes are not counted.
size_t Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::optional<std::string> Text(const json::object& o, const char* key, const char* label,
                                size_t max, std::string* problem) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    *problem = "A required field is missing: " + std::string(label) + ".";
    return std::nullopt;
  }
  if (!v->is_string()) {
    *problem = "The " + std::string(label) + " must be text.";
    return std::nullopt;
  }
  std::string text = Trim(v->get_string());
  if (text.empty()) {
    *problem = "A required field is missing: " + std::string(label) + ".";
    return std::nullopt;
  }
  if (Length(text) > max) {
    *problem =
        "The " + std::string(label) + " must be at most " + std::to_string(max) + " characters.";
    return std::nullopt;
  }
  if (HasControl(text)) {
    *problem = "The " + std::string(label) + " contains characters that are not allowed.";
    return std::nullopt;
  }
  return text;
}

}  // namespace

std::optional<Order> ParseOrder(std::string_view body, std::string* problem) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    *problem = "The order must be a JSON object.";
    return std::nullopt;
  }
  const json::object& o = v.get_object();
  Order order;
  auto name = Text(o, "name", "name", 100, problem);
  if (!name) return std::nullopt;
  auto address = Text(o, "address", "address", 300, problem);
  if (!address) return std::nullopt;
  order.name = std::move(*name);
  order.address = std::move(*address);
  const json::value* q = o.if_contains("quantity");
  if (q == nullptr || q->is_null() || (q->is_string() && Trim(q->get_string()).empty())) {
    *problem = "A required field is missing: quantity.";
    return std::nullopt;
  }
  if (!q->is_number()) {
    *problem = "The quantity must be a whole number.";
    return std::nullopt;
  }
  double value = q->to_number<double>();
  // The range first: only then is the conversion to an integer defined (1e300 is a number).
  bool in_range = value >= 1 && value <= static_cast<double>(kMaxQuantity);
  if (in_range && value != static_cast<double>(static_cast<int64_t>(value))) {
    *problem = "The quantity must be a whole number.";
    return std::nullopt;
  }
  if (!in_range) {
    *problem = "The quantity must be from 1 to " + std::to_string(kMaxQuantity) + ".";
    return std::nullopt;
  }
  order.quantity = static_cast<int64_t>(value);
  return order;
}

std::string OrderMessage(const Order& order, const std::string& id, const std::string& placed_at) {
  return json::serialize(json::object{{"id", id},
                                      {"name", order.name},
                                      {"address", order.address},
                                      {"productId", std::string(kProductId)},
                                      {"quantity", order.quantity},
                                      {"placedAt", placed_at}});
}

}  // namespace orders
