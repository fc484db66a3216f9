// AWS JSON 1.0 reader over a Boost.JSON document.
//
// The whole body is parsed once into a document whose memory comes from a monotonic arena that
// starts in a buffer inside the reader object, so a typical request costs one allocation for the
// reader and none per JSON node; sub-readers point into the document. Strict JSON only (no
// comments, no trailing commas, valid UTF-8), nesting at most 32 deep.
//
// Leniency: a JSON null member counts as absent (the JS client never sends null, but other
// clients do for unset members); integers may also arrive as numeric strings or as integral
// floating-point numbers (3.0, 1e2).

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "common/encoding.h"
#include "protocol/reader.h"

namespace spool::protocol {
namespace {

namespace json = boost::json;

// Room for the document of a typical batch request before the arena has to allocate.
constexpr size_t kArenaBytes = 4096;

std::string_view View(const json::string& s) { return std::string_view(s.data(), s.size()); }

bool ParseIntText(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

bool ToInt(const json::value& v, int64_t* out) {
  switch (v.kind()) {
    case json::kind::int64:
      *out = v.get_int64();
      return true;
    case json::kind::uint64:  // only produced above INT64_MAX
      return false;
    case json::kind::double_: {
      const double d = v.get_double();
      // 2^63 is exactly representable; anything integral in [-2^63, 2^63) fits.
      if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::trunc(d) != d) {
        return false;
      }
      *out = static_cast<int64_t>(d);
      return true;
    }
    case json::kind::string:
      return ParseIntText(View(v.get_string()), out);
    default:
      return false;
  }
}

class JsonReader : public Reader {
 public:
  JsonReader(const json::object* object, JsonReader* root) : object_(object), root_(root) {}

  std::optional<std::string> String(std::string_view json_name, std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return Fail(json_name, "expected a string");
    return std::string(View(v->get_string()));
  }

  std::optional<int64_t> Int(std::string_view json_name, std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    int64_t value;
    if (!ToInt(*v, &value)) return Fail(json_name, "expected an integer");
    return value;
  }

  std::optional<bool> Bool(std::string_view json_name, std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) return Fail(json_name, "expected a boolean");
    return v->get_bool();
  }

  std::optional<std::string> Blob(std::string_view json_name, std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return Fail(json_name, "expected a base64 string");
    auto bytes = common::Base64Decode(View(v->get_string()));
    if (!bytes) return Fail(json_name, "expected base64");
    return bytes;
  }

  std::optional<std::vector<std::string>> StringList(std::string_view json_name,
                                                     std::string_view) override {
    return ScalarList(json_name, /*base64=*/false);
  }

  std::optional<std::vector<std::string>> BlobList(std::string_view json_name,
                                                   std::string_view) override {
    return ScalarList(json_name, /*base64=*/true);
  }

  std::optional<std::vector<std::pair<std::string, std::string>>> StringMap(
      std::string_view json_name, std::string_view, std::string_view, std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    const json::object* object = v->if_object();
    if (object == nullptr) return Fail(json_name, "expected an object of strings");
    std::vector<std::pair<std::string, std::string>> map;
    map.reserve(object->size());
    for (const auto& member : *object) {
      if (!member.value().is_string()) return Fail(json_name, "expected an object of strings");
      map.emplace_back(std::string_view(member.key()), View(member.value().get_string()));
    }
    return map;
  }

  std::optional<std::vector<ReaderPtr>> StructList(std::string_view json_name,
                                                   std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    const json::array* array = v->if_array();
    if (array == nullptr) return Fail(json_name, "expected an array of objects");
    std::vector<ReaderPtr> list;
    list.reserve(array->size());
    for (const json::value& element : *array) {
      const json::object* object = element.if_object();
      if (object == nullptr) return Fail(json_name, "expected an array of objects");
      list.push_back(std::make_unique<JsonReader>(object, root_));
    }
    return list;
  }

  std::optional<std::vector<std::pair<std::string, ReaderPtr>>> StructMap(
      std::string_view json_name, std::string_view, std::string_view, std::string_view) override {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    const json::object* object = v->if_object();
    if (object == nullptr) return Fail(json_name, "expected an object of objects");
    std::vector<std::pair<std::string, ReaderPtr>> map;
    map.reserve(object->size());
    for (const auto& member : *object) {
      const json::object* value = member.value().if_object();
      if (value == nullptr) return Fail(json_name, "expected an object of objects");
      map.emplace_back(std::string_view(member.key()), std::make_unique<JsonReader>(value, root_));
    }
    return map;
  }

 protected:
  void set_object(const json::object* object) { object_ = object; }

 private:
  // The member's value, or nullptr when it is absent or null.
  const json::value* Find(std::string_view name) const {
    const json::value* v = object_->if_contains(name);
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  std::optional<std::vector<std::string>> ScalarList(std::string_view json_name, bool base64) {
    const json::value* v = Find(json_name);
    if (v == nullptr) return std::nullopt;
    const json::array* array = v->if_array();
    if (array == nullptr) return Fail(json_name, "expected an array of strings");
    std::vector<std::string> list;
    list.reserve(array->size());
    for (const json::value& element : *array) {
      if (!element.is_string()) return Fail(json_name, "expected an array of strings");
      const std::string_view text = View(element.get_string());
      if (!base64) {
        list.emplace_back(text);
        continue;
      }
      auto bytes = common::Base64Decode(text);
      if (!bytes) return Fail(json_name, "expected base64");
      list.push_back(std::move(*bytes));
    }
    return list;
  }

  // Records the error here and in the root, and returns nullopt for the caller to pass on.
  std::nullopt_t Fail(std::string_view field, std::string_view message) {
    if (root_ != this) root_->SetError(std::string(field), std::string(message));
    SetError(std::string(field), std::string(message));
    return std::nullopt;
  }

  const json::object* object_;
  JsonReader* root_;
};

// The root owns the document and the arena it lives in (declared in destruction order: the
// document goes before the arena, the arena before its buffer).
class JsonRootReader final : public JsonReader {
 public:
  JsonRootReader()
      : JsonReader(nullptr, this),
        arena_(buffer_, sizeof(buffer_)),
        document_(json::storage_ptr(&arena_)) {}

  // False (with *error set) when `body` is not a JSON object.
  bool Parse(std::string_view body, std::string* error) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      document_.emplace_object();  // an empty body counts as {}
    } else {
      json::error_code ec;
      json::parse_options options;  // strict JSON, max_depth 32
      document_ = json::parse(json::string_view(body.data(), body.size()), ec,
                              json::storage_ptr(&arena_), options);
      if (ec) {
        *error = ec.message();  // e.g. "syntax error", "incomplete JSON"
        return false;
      }
      if (!document_.is_object()) {
        *error = "expected a JSON object";
        return false;
      }
    }
    set_object(&document_.get_object());
    return true;
  }

 private:
  alignas(std::max_align_t) unsigned char buffer_[kArenaBytes];
  json::monotonic_resource arena_;
  json::value document_;
};

}  // namespace

ReaderPtr MakeJsonReader(std::string_view body, std::string* error) {
  auto reader = std::make_unique<JsonRootReader>();
  if (!reader->Parse(body, error)) return nullptr;
  return reader;
}

}  // namespace spool::protocol
