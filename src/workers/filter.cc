// Filter and FilterSet (filter.h): compile once, match per message.

#include "workers/filter.h"

#include "workers/filter_compile.h"
#include "workers/filter_json.h"
#include "workers/filter_match.h"
#include "workers/filter_tree.h"

namespace spool::workers {
namespace {

using filter_detail::JsonDoc;

constexpr size_t kMaxPatternDepth = 32;
constexpr size_t kMaxBodyDepth = 256;

// Characters as Lambda counts them: UTF-8 sequences, not bytes.
size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Per-thread working space for matching: the parsed body and the matcher's scratch.
struct Scratch {
  JsonDoc doc;
  std::vector<std::pair<uint32_t, uint32_t>> fields;
};

}  // namespace

std::optional<Filter> Filter::Compile(std::string_view pattern, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  const size_t chars = CountChars(pattern);
  if (chars > kMaxFilterPatternChars) {
    *error = "the pattern is " + std::to_string(chars) + " characters long; the limit is " +
             std::to_string(kMaxFilterPatternChars);
    return std::nullopt;
  }
  JsonDoc doc;
  std::string why;
  if (!doc.Parse(pattern, kMaxPatternDepth, &why)) {
    *error = "the pattern is not valid JSON: " + why;
    return std::nullopt;
  }
  auto node = std::make_shared<Node>();
  if (!filter_detail::CompilePattern(doc, node.get(), error)) return std::nullopt;
  Filter filter;
  filter.root_ = std::move(node);
  return filter;
}

bool Filter::Matches(std::string_view body) const { return MatchAny(this, 1, body); }

bool Filter::MatchAny(const Filter* filters, size_t count, std::string_view body) {
  bool parse = false;
  for (size_t i = 0; i < count; ++i) {
    if (filters[i].root_ == nullptr) continue;
    if (filters[i].root_->match_all) return true;
    parse = true;
  }
  if (!parse) return false;
  thread_local Scratch scratch;
  bool matched = false;
  if (scratch.doc.Wrap("body", body, kMaxBodyDepth)) {
    filter_detail::Matcher matcher(scratch.doc, &scratch.fields);
    for (size_t i = 0; i < count && !matched; ++i) {
      matched = filters[i].root_ != nullptr && matcher.Object(filters[i].root_->root, 0);
    }
  }
  scratch.doc.Reset();
  return matched;
}

std::optional<FilterSet> FilterSet::Compile(const std::vector<std::string>& patterns,
                                            std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (patterns.size() > kMaxFiltersPerMapping) {
    *error = "Filters: at most " + std::to_string(kMaxFiltersPerMapping) +
             " filters are allowed, got " + std::to_string(patterns.size());
    return std::nullopt;
  }
  FilterSet set;
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::string why;
    std::optional<Filter> filter = Filter::Compile(patterns[i], &why);
    if (!filter) {
      *error = "Filters[" + std::to_string(i) + "].Pattern: " + why;
      return std::nullopt;
    }
    set.filters_.push_back(std::move(*filter));
  }
  return set;
}

bool FilterSet::Matches(std::string_view body) const {
  return filters_.empty() || Filter::MatchAny(filters_.data(), filters_.size(), body);
}

}  // namespace spool::workers
