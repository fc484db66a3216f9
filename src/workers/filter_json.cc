// JsonDoc: a Boost.JSON SAX handler that builds the filter's tree (filter_json.h).

#include "workers/filter_json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parse_options.hpp>

#include <limits>

namespace spool::workers::filter_detail {

namespace json = boost::json;

class JsonBuilder {
 public:
  static constexpr size_t max_object_size = std::numeric_limits<uint32_t>::max() / 2;
  static constexpr size_t max_array_size = std::numeric_limits<uint32_t>::max() / 2;
  static constexpr size_t max_key_size = std::numeric_limits<uint32_t>::max() / 2;
  static constexpr size_t max_string_size = std::numeric_limits<uint32_t>::max() / 2;

  explicit JsonBuilder(JsonDoc* doc) : doc_(doc) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return Open(JsonKind::kArray); }
  bool on_array_end(size_t, json::error_code&) { return Close(); }
  bool on_object_begin(json::error_code&) { return Open(JsonKind::kObject); }
  bool on_object_end(size_t, json::error_code&) { return Close(); }
  bool on_string_part(json::string_view s, size_t, json::error_code& ec) { return Part(s, ec); }
  bool on_string(json::string_view s, size_t, json::error_code& ec) {
    if (!Part(s, ec)) return false;
    Leaf(JsonKind::kString, Take());
    return true;
  }
  bool on_key_part(json::string_view s, size_t, json::error_code& ec) { return Part(s, ec); }
  bool on_key(json::string_view s, size_t, json::error_code& ec) {
    if (!Part(s, ec)) return false;
    key_ = Take();
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code& ec) { return Part(s, ec); }
  bool on_int64(int64_t v, json::string_view s, json::error_code& ec) {
    return Number(static_cast<double>(v), s, ec);
  }
  bool on_uint64(uint64_t v, json::string_view s, json::error_code& ec) {
    return Number(static_cast<double>(v), s, ec);
  }
  bool on_double(double v, json::string_view s, json::error_code& ec) { return Number(v, s, ec); }
  bool on_bool(bool b, json::error_code&) {
    Leaf(JsonKind::kBool, b ? "true" : "false");
    return true;
  }
  bool on_null(json::error_code&) {
    Leaf(JsonKind::kNull, "null");
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool Open(JsonKind kind) {
    open_.push_back(doc_->size());
    Leaf(kind, {});
    return true;
  }
  bool Close() {
    doc_->nodes_[open_.back()].end = doc_->size();
    open_.pop_back();
    return true;
  }
  void Leaf(JsonKind kind, std::string_view text) {
    JsonNode node;
    node.kind = kind;
    node.end = doc_->size() + 1;
    node.key = key_;
    node.text = text;
    key_ = {};
    doc_->nodes_.push_back(node);
  }
  bool Number(double value, json::string_view s, json::error_code& ec) {
    if (!Part(s, ec)) return false;
    Leaf(JsonKind::kNumber, Take());
    doc_->nodes_.back().number = value;
    return true;
  }
  // Appends a piece of the current string, key or number to the arena. The arena never grows
  // past what Parse reserved, so earlier views stay valid; a text that would not fit (it cannot
  // happen: unescaped text is never longer than its JSON) fails the parse rather than dangle.
  bool Part(json::string_view s, json::error_code& ec) {
    std::string& arena = doc_->arena_;
    if (s.size() > arena.capacity() - arena.size()) {
      ec = json::error::exception;
      return false;
    }
    if (part_start_ == kNone) part_start_ = arena.size();
    arena.append(s.data(), s.size());
    return true;
  }
  std::string_view Take() {
    const std::string& arena = doc_->arena_;
    const size_t start = part_start_ == kNone ? arena.size() : part_start_;
    part_start_ = kNone;
    return std::string_view(arena.data() + start, arena.size() - start);
  }

  static constexpr size_t kNone = std::numeric_limits<size_t>::max();
  JsonDoc* doc_;
  std::vector<uint32_t> open_;
  std::string_view key_;
  size_t part_start_ = kNone;
};

bool JsonDoc::ParseInto(std::string_view text, size_t max_depth, std::string* error,
                        bool* too_deep) {
  arena_.reserve(text.size());
  json::parse_options options;
  options.max_depth = max_depth;
  json::basic_parser<JsonBuilder> parser(options, this);
  json::error_code ec;
  size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used != text.size()) ec = json::error::extra_data;
  if (!ec) return true;
  if (too_deep != nullptr) *too_deep = ec == json::error::too_deep;
  if (error != nullptr) {
    *error = ec == json::error::too_deep ? "it nests deeper than " + std::to_string(max_depth)
                                         : ec.message();
    *error += " (at character " + std::to_string(used) + ")";
  }
  return false;
}

bool JsonDoc::Parse(std::string_view text, size_t max_depth, std::string* error) {
  Clear();
  if (ParseInto(text, max_depth, error, nullptr)) return true;
  Clear();
  return false;
}

bool JsonDoc::Wrap(std::string_view key, std::string_view text, size_t max_depth) {
  Clear();
  JsonNode root;
  root.kind = JsonKind::kObject;
  nodes_.push_back(root);
  // Only text that starts like a JSON value is given to the parser; most plain text is not.
  const size_t first = text.find_first_not_of(" \t\r\n");
  const char c = first == std::string_view::npos ? '\0' : text[first];
  const bool maybe_json = c == '{' || c == '[' || c == '"' || c == '-' || c == 't' || c == 'f' ||
                          c == 'n' || (c >= '0' && c <= '9');
  bool too_deep = false;
  if (maybe_json && ParseInto(text, max_depth, nullptr, &too_deep)) {
    nodes_[1].key = key;
  } else if (too_deep) {
    Clear();
    return false;
  } else {
    nodes_.resize(1);
    JsonNode raw;
    raw.kind = JsonKind::kString;
    raw.end = 2;
    raw.key = key;
    raw.text = text;
    nodes_.push_back(raw);
  }
  nodes_[0].end = size();
  return true;
}

void JsonDoc::Clear() {
  nodes_.clear();
  arena_.clear();
}

void JsonDoc::Reset() {
  Clear();
  constexpr size_t kKeepNodes = 4096;
  constexpr size_t kKeepBytes = 64 * 1024;
  if (nodes_.capacity() > kKeepNodes) std::vector<JsonNode>().swap(nodes_);
  if (arena_.capacity() > kKeepBytes) std::string().swap(arena_);
}

}  // namespace spool::workers::filter_detail
