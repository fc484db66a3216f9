// Matcher: a compiled rule tree against a parsed message (filter_match.h).

#include "workers/filter_match.h"

#include <algorithm>

namespace spool::workers::filter_detail {
namespace {

struct LiteralLess {
  bool operator()(const Literal& a, const JsonNode& b) const {
    return a.kind != b.kind ? a.kind < b.kind : std::string_view(a.text) < b.text;
  }
  bool operator()(const JsonNode& a, const Literal& b) const {
    return a.kind != b.kind ? a.kind < b.kind : a.text < std::string_view(b.text);
  }
};

bool IsListed(const std::vector<Literal>& sorted, const JsonNode& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value, LiteralLess{});
}

// Calls visit(index) for the nodes a member stands for: itself, or, for an array, the scalars
// and objects within it at any array depth (not inside objects). Stops when visit returns true.
template <typename Visit>
bool ForEachItem(const JsonDoc& doc, uint32_t member, Visit visit) {
  const JsonNode& m = doc.node(member);
  if (m.kind != JsonKind::kArray) return visit(member);
  for (uint32_t c = member + 1; c < m.end;) {
    const JsonNode& n = doc.node(c);
    if (n.kind == JsonKind::kArray) {
      ++c;  // descend: its items follow it
      continue;
    }
    if (visit(c)) return true;
    c = n.end;
  }
  return false;
}

}  // namespace

bool Matcher::Object(const ObjectRule& rule, uint32_t object) {
  const size_t base = scratch_.size();
  if (object != kAbsent) {
    const JsonNode& o = doc_.node(object);
    for (uint32_t c = object + 1; c < o.end; c = doc_.node(c).end) {
      const std::string_view key = doc_.node(c).key;
      const auto it = std::lower_bound(
          rule.fields.begin(), rule.fields.end(), key,
          [](const FieldRule& f, std::string_view k) { return std::string_view(f.key) < k; });
      if (it != rule.fields.end() && it->key == key) {
        scratch_.emplace_back(static_cast<uint32_t>(it - rule.fields.begin()), c);
      }
    }
    std::sort(scratch_.begin() + static_cast<std::ptrdiff_t>(base), scratch_.end());
  }
  const size_t end = scratch_.size();
  bool ok = true;
  size_t at = base;
  for (uint32_t f = 0; ok && f < rule.fields.size(); ++f) {
    const size_t from = at;
    while (at < end && scratch_[at].first == f) ++at;
    ok = Field(rule.fields[f], from, at);
  }
  for (size_t g = 0; ok && g < rule.any_of.size(); ++g) {
    ok = std::any_of(rule.any_of[g].begin(), rule.any_of[g].end(),
                     [&](const ObjectRule& alternative) { return Object(alternative, object); });
  }
  scratch_.resize(base);
  return ok;
}

bool Matcher::Field(const FieldRule& field, size_t from, size_t to) {
  if (!field.object) return Values(field.values, from, to);
  bool any_object = false;
  for (size_t i = from; i < to; ++i) {
    const bool matched = ForEachItem(doc_, scratch_[i].second, [&](uint32_t item) {
      if (doc_.node(item).kind != JsonKind::kObject) return false;
      any_object = true;
      return Object(*field.object, item);
    });
    if (matched) return true;
  }
  return !any_object && Object(*field.object, kAbsent);
}

bool Matcher::Values(const ValueRule& rule, size_t from, size_t to) {
  bool any_scalar = false;
  for (size_t i = from; i < to; ++i) {
    const bool matched = ForEachItem(doc_, scratch_[i].second, [&](uint32_t item) {
      const JsonNode& n = doc_.node(item);
      if (n.kind == JsonKind::kObject) return false;
      any_scalar = true;
      return Scalar(rule, n);
    });
    if (matched) return true;
  }
  return any_scalar ? rule.exists_true : rule.exists_false;
}

bool Matcher::Scalar(const ValueRule& rule, const JsonNode& value) const {
  if (!rule.exact.empty() && IsListed(rule.exact, value)) return true;
  if (value.kind == JsonKind::kString) {
    for (const TextTest& test : rule.text) {
      if (test.Matches(value.text)) return true;
    }
  }
  if (value.kind == JsonKind::kNumber) {
    for (const NumericRange& range : rule.numeric) {
      if (range.Contains(value.number)) return true;
    }
  }
  for (const AnythingBut& ab : rule.anything_but) {
    if (ab.tests.empty()) {
      if (!IsListed(ab.values, value)) return true;
    } else if (value.kind == JsonKind::kString &&
               std::none_of(ab.tests.begin(), ab.tests.end(),
                            [&](const TextTest& t) { return t.Matches(value.text); })) {
      return true;
    }
  }
  return false;
}

}  // namespace spool::workers::filter_detail
