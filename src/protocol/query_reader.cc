// Query protocol reader: typed access to decoded form parameters.
//
// The parameters are sorted by key once; every reader (the root and each sub-reader) is then a
// view: a contiguous run of that sorted array whose keys all share a prefix of known length
// ("SendMessageBatchRequestEntry.2."). A lookup is a binary search over the view comparing key
// suffixes, and the entries of a list or map ("Name.<index>...") are again a contiguous run found
// by two binary searches. Nothing is copied except the values handed back.
//
// Indexes are 1-based decimal numbers without leading zeros, at most 9 digits; keys whose index
// segment is anything else ("Name.0", "Name.01", "Name.x", "Name.") are ignored. Elements come
// back in numeric index order: keys of equal index length sort numerically, so emitting one
// index length at a time (1-digit indexes, then 2-digit, ...) yields numeric order without a sort
// or a scratch buffer.
//
// Empty collections: botocore sends an empty list as its bare member name with an empty value,
// and the name it uses is the JSON member name ("Entries=" for DeleteMessageBatch, whose entries
// are otherwise "DeleteMessageBatchRequestEntry.N.*"), so a collection with no indexed keys is
// "present and empty" when either its JSON name or its Query key is present with an empty value.
// The same bare key with a non-empty value is a shape error.
//
// Duplicate keys: the first occurrence wins (the sort is stable).

#include <algorithm>
#include <charconv>
#include <span>

#include "common/encoding.h"
#include "protocol/reader.h"

namespace spool::protocol {
namespace {

using Param = std::pair<std::string, std::string>;
using Params = std::span<const Param>;

constexpr size_t kMaxIndexDigits = 9;

// Whether `key` sorts before `name + sep`, without building the concatenation. Compares bytes as
// unsigned, like std::string's operator<.
bool LessThanJoined(std::string_view key, std::string_view name, char sep) {
  const int c = key.substr(0, name.size()).compare(name);
  if (c != 0) return c < 0;
  if (key.size() == name.size()) return true;  // key == name < name + sep
  return static_cast<unsigned char>(key[name.size()]) < static_cast<unsigned char>(sep);
}

std::string_view Suffix(const Param& p, size_t prefix_len) {
  return std::string_view(p.first).substr(prefix_len);
}

// The entry of `view` (keys sharing a prefix of `prefix_len` bytes) whose key is prefix + name.
const Param* FindIn(Params view, size_t prefix_len, std::string_view name) {
  auto it = std::lower_bound(
      view.begin(), view.end(), name,
      [prefix_len](const Param& p, std::string_view n) { return Suffix(p, prefix_len) < n; });
  if (it == view.end() || Suffix(*it, prefix_len) != name) return nullptr;
  return &*it;
}

// The run of `view` whose keys start with prefix + name + ".".
Params ChildrenIn(Params view, size_t prefix_len, std::string_view name) {
  auto lo = std::partition_point(view.begin(), view.end(), [&](const Param& p) {
    return LessThanJoined(Suffix(p, prefix_len), name, '.');
  });
  auto hi = std::partition_point(lo, view.end(), [&](const Param& p) {
    return LessThanJoined(Suffix(p, prefix_len), name, '/');  // '/' follows '.'
  });
  return Params(lo, hi);
}

bool IsIndex(std::string_view s) {
  if (s.empty() || s.size() > kMaxIndexDigits || s[0] == '0') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The index segment of a child key ("<index>" or "<index>.<rest>"), and whether a rest follows.
struct Segment {
  std::string_view index;
  bool nested = false;
  bool valid = false;
};

Segment SplitChild(const Param& p, size_t child_prefix_len) {
  const std::string_view s = Suffix(p, child_prefix_len);
  const size_t dot = s.find('.');
  Segment seg;
  seg.index = s.substr(0, dot);
  seg.nested = dot != std::string_view::npos;
  seg.valid = IsIndex(seg.index);
  return seg;
}

// Visits, in numeric index order, the keys "<index>" (nested = false) or the groups of keys
// "<index>.*" (nested = true) among `children`, whose keys share a prefix of `child_prefix_len`
// bytes. `fn(group, group_prefix_len)` gets a one-entry span for a scalar element (the first of
// duplicates) or the whole run of a group; it returns false to stop. Returns the count visited.
template <typename Fn>
size_t ForEachIndexed(Params children, size_t child_prefix_len, bool nested, Fn&& fn) {
  size_t min_len = kMaxIndexDigits + 1, max_len = 0;
  for (const Param& p : children) {
    const Segment seg = SplitChild(p, child_prefix_len);
    if (!seg.valid || seg.nested != nested) continue;
    min_len = std::min(min_len, seg.index.size());
    max_len = std::max(max_len, seg.index.size());
  }
  size_t visited = 0;
  for (size_t len = min_len; len <= max_len; ++len) {
    std::string_view previous;  // duplicates of a scalar key are adjacent
    for (size_t i = 0; i < children.size();) {
      const Segment seg = SplitChild(children[i], child_prefix_len);
      if (!seg.valid || seg.nested != nested || seg.index.size() != len ||
          (!nested && seg.index == previous)) {
        ++i;
        continue;
      }
      size_t end = i + 1;
      if (nested) {
        // Keys starting with "<index>." are contiguous in sorted order.
        while (end < children.size()) {
          const Segment next = SplitChild(children[end], child_prefix_len);
          if (!next.nested || next.index != seg.index) break;
          ++end;
        }
      }
      previous = seg.index;
      ++visited;
      if (!fn(children.subspan(i, end - i), child_prefix_len + len + 1)) return visited;
      i = end;
    }
  }
  return visited;
}

size_t CountIndexed(Params children, size_t child_prefix_len, bool nested) {
  return ForEachIndexed(children, child_prefix_len, nested, [](Params, size_t) { return true; });
}

bool ParseInt(std::string_view text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

class QueryReader final : public Reader {
 public:
  explicit QueryReader(std::vector<Param> params) : owned_(std::move(params)), root_(this) {
    std::stable_sort(owned_.begin(), owned_.end(),
                     [](const Param& a, const Param& b) { return a.first < b.first; });
    view_ = owned_;
  }
  QueryReader(Params view, size_t prefix_len, QueryReader* root)
      : view_(view), prefix_len_(prefix_len), root_(root) {}

  std::optional<std::string> String(std::string_view, std::string_view query_key) override {
    const Param* p = Find(query_key);
    if (p == nullptr) return std::nullopt;
    return p->second;
  }

  std::optional<int64_t> Int(std::string_view, std::string_view query_key) override {
    const Param* p = Find(query_key);
    if (p == nullptr) return std::nullopt;
    int64_t value;
    if (!ParseInt(p->second, &value)) return Fail(p->first, "expected an integer");
    return value;
  }

  std::optional<bool> Bool(std::string_view, std::string_view query_key) override {
    const Param* p = Find(query_key);
    if (p == nullptr) return std::nullopt;
    if (EqualsIgnoreCase(p->second, "true")) return true;
    if (EqualsIgnoreCase(p->second, "false")) return false;
    return Fail(p->first, "expected a boolean (true or false)");
  }

  std::optional<std::string> Blob(std::string_view, std::string_view query_key) override {
    const Param* p = Find(query_key);
    if (p == nullptr) return std::nullopt;
    auto bytes = common::Base64Decode(p->second);
    if (!bytes) return Fail(p->first, "expected base64");
    return bytes;
  }

  std::optional<std::vector<std::string>> StringList(std::string_view json_name,
                                                     std::string_view query_key) override {
    return ScalarList(json_name, query_key, /*base64=*/false);
  }

  std::optional<std::vector<std::string>> BlobList(std::string_view json_name,
                                                   std::string_view query_key) override {
    return ScalarList(json_name, query_key, /*base64=*/true);
  }

  std::optional<std::vector<std::pair<std::string, std::string>>> StringMap(
      std::string_view json_name, std::string_view query_prefix, std::string_view query_key_name,
      std::string_view query_value_name) override {
    const size_t child_len = prefix_len_ + query_prefix.size() + 1;
    const Params children = ChildrenIn(view_, prefix_len_, query_prefix);
    const size_t count = CountIndexed(children, child_len, /*nested=*/true);
    std::vector<std::pair<std::string, std::string>> map;
    if (count == 0) {
      if (!BareCollection(json_name, query_prefix, "expected a map")) return std::nullopt;
      return map;
    }
    map.reserve(count);
    bool ok = true;
    ForEachIndexed(children, child_len, true, [&](Params group, size_t group_len) {
      const Param* key = FindIn(group, group_len, query_key_name);
      if (key == nullptr) {
        ok = false;
        Fail(MissingKey(group, group_len, query_key_name), "missing map entry key");
        return false;
      }
      // A missing value reads as "" (botocore sends "X.N.Value=" for an empty string anyway).
      const Param* value = FindIn(group, group_len, query_value_name);
      map.emplace_back(key->second, value != nullptr ? value->second : std::string());
      return true;
    });
    if (!ok) return std::nullopt;
    return map;
  }

  std::optional<std::vector<ReaderPtr>> StructList(std::string_view json_name,
                                                   std::string_view query_prefix) override {
    const size_t child_len = prefix_len_ + query_prefix.size() + 1;
    const Params children = ChildrenIn(view_, prefix_len_, query_prefix);
    const size_t count = CountIndexed(children, child_len, /*nested=*/true);
    std::vector<ReaderPtr> list;
    if (count == 0) {
      if (!BareCollection(json_name, query_prefix, "expected a list")) return std::nullopt;
      return list;
    }
    list.reserve(count);
    ForEachIndexed(children, child_len, true, [&](Params group, size_t group_len) {
      list.push_back(std::make_unique<QueryReader>(group, group_len, root_));
      return true;
    });
    return list;
  }

  std::optional<std::vector<std::pair<std::string, ReaderPtr>>> StructMap(
      std::string_view json_name, std::string_view query_prefix, std::string_view query_key_name,
      std::string_view query_value_name) override {
    const size_t child_len = prefix_len_ + query_prefix.size() + 1;
    const Params children = ChildrenIn(view_, prefix_len_, query_prefix);
    const size_t count = CountIndexed(children, child_len, /*nested=*/true);
    std::vector<std::pair<std::string, ReaderPtr>> map;
    if (count == 0) {
      if (!BareCollection(json_name, query_prefix, "expected a map")) return std::nullopt;
      return map;
    }
    map.reserve(count);
    bool ok = true;
    ForEachIndexed(children, child_len, true, [&](Params group, size_t group_len) {
      const Param* key = FindIn(group, group_len, query_key_name);
      if (key == nullptr) {
        ok = false;
        Fail(MissingKey(group, group_len, query_key_name), "missing map entry key");
        return false;
      }
      // The value's members are "<Value>.<Member>"; none at all gives an empty structure.
      const Params value = ChildrenIn(group, group_len, query_value_name);
      map.emplace_back(key->second, std::make_unique<QueryReader>(
                                        value, group_len + query_value_name.size() + 1, root_));
      return true;
    });
    if (!ok) return std::nullopt;
    return map;
  }

 private:
  const Param* Find(std::string_view name) const { return FindIn(view_, prefix_len_, name); }

  std::optional<std::vector<std::string>> ScalarList(std::string_view json_name,
                                                     std::string_view query_key, bool base64) {
    const size_t child_len = prefix_len_ + query_key.size() + 1;
    const Params children = ChildrenIn(view_, prefix_len_, query_key);
    const size_t count = CountIndexed(children, child_len, /*nested=*/false);
    std::vector<std::string> list;
    if (count == 0) {
      if (!BareCollection(json_name, query_key, "expected a list")) return std::nullopt;
      return list;
    }
    list.reserve(count);
    bool ok = true;
    ForEachIndexed(children, child_len, false, [&](Params element, size_t) {
      const Param& p = element.front();
      if (!base64) {
        list.push_back(p.second);
        return true;
      }
      auto bytes = common::Base64Decode(p.second);
      if (!bytes) {
        ok = false;
        Fail(p.first, "expected base64");
        return false;
      }
      list.push_back(std::move(*bytes));
      return true;
    });
    if (!ok) return std::nullopt;
    return list;
  }

  // For a collection without indexed keys: true if it is present and empty (a bare key with an
  // empty value under either name); false if absent, or present with a value (an error).
  bool BareCollection(std::string_view json_name, std::string_view query_key,
                      const char* shape_message) {
    const Param* bare = Find(query_key);
    if (bare == nullptr && json_name != query_key) bare = Find(json_name);
    if (bare == nullptr) return false;
    if (!bare->second.empty()) {
      Fail(bare->first, shape_message);
      return false;
    }
    return true;
  }

  // The full key a map entry lacks, for the error message ("Attribute.3.Name").
  static std::string MissingKey(Params group, size_t group_len, std::string_view name) {
    std::string key(std::string_view(group.front().first).substr(0, group_len));
    key.append(name);
    return key;
  }

  // Records the error here and in the root, and returns nullopt for the caller to pass on.
  std::nullopt_t Fail(std::string field, std::string message) {
    if (root_ != this) root_->SetError(field, message);
    SetError(std::move(field), std::move(message));
    return std::nullopt;
  }

  std::vector<Param> owned_;  // the root's sorted parameters; empty in sub-readers
  Params view_;
  size_t prefix_len_ = 0;
  QueryReader* root_;
};

}  // namespace

ReaderPtr MakeQueryReader(std::vector<std::pair<std::string, std::string>> params) {
  return std::make_unique<QueryReader>(std::move(params));
}

}  // namespace spool::protocol
