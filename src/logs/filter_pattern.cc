#include "logs/filter_pattern.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <vector>

namespace spool::logs {
namespace {

namespace json = boost::json;

constexpr size_t kMaxPatternBytes = 1024;
constexpr int kMaxDepth = 32;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// '*' matches any run of characters; everything else itself.
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };

struct Literal {
  enum Kind { kString, kNumber, kTrue, kFalse, kNull } kind = kString;
  std::string text;
  double number = 0;
};

struct Step {
  bool is_index = false;
  std::string name;
  size_t index = 0;
};

struct Expr {
  enum Kind { kAnd, kOr, kCompare } kind = kCompare;
  std::unique_ptr<Expr> left, right;
  std::vector<Step> path;
  Op op = Op::kEq;
  Literal value;
};

const json::value* Resolve(const json::value& root, const std::vector<Step>& path) {
  const json::value* v = &root;
  for (const Step& step : path) {
    if (step.is_index) {
      const json::array* a = v->if_array();
      if (a == nullptr || step.index >= a->size()) return nullptr;
      v = &(*a)[step.index];
    } else {
      const json::object* o = v->if_object();
      if (o == nullptr) return nullptr;
      auto it = o->find(step.name);
      if (it == o->end()) return nullptr;
      v = &it->value();
    }
  }
  return v;
}

bool Compare(const Expr& e, const json::value& root) {
  const json::value* v = Resolve(root, e.path);
  if (v == nullptr) return false;
  const Literal& lit = e.value;
  std::optional<bool> equal;  // nullopt: the kinds differ
  if (lit.kind == Literal::kString) {
    if (v->is_string()) equal = Glob(lit.text, std::string_view(v->get_string()));
  } else if (lit.kind == Literal::kNumber) {
    if (v->is_number()) {
      double x = v->to_number<double>();
      switch (e.op) {
        case Op::kEq:
          return x == lit.number;
        case Op::kNe:
          return x != lit.number;
        case Op::kLt:
          return x < lit.number;
        case Op::kLe:
          return x <= lit.number;
        case Op::kGt:
          return x > lit.number;
        case Op::kGe:
          return x >= lit.number;
      }
    }
  } else if (lit.kind == Literal::kNull) {
    equal = v->is_null();
  } else if (v->is_bool()) {
    equal = v->get_bool() == (lit.kind == Literal::kTrue);
  }
  if (e.op == Op::kEq) return equal.value_or(false);
  if (e.op == Op::kNe) return !equal.value_or(false);
  return false;  // <, <=, >, >= compare numbers only
}

bool Eval(const Expr& e, const json::value& root) {
  switch (e.kind) {
    case Expr::kAnd:
      return Eval(*e.left, root) && Eval(*e.right, root);
    case Expr::kOr:
      return Eval(*e.left, root) || Eval(*e.right, root);
    case Expr::kCompare:
      return Compare(e, root);
  }
  return false;
}

// Recursive descent over a JSON pattern's inside (between the braces).
class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  std::unique_ptr<Expr> Parse(std::string* error) {
    auto e = Or(0);
    Skip();
    if (e && pos_ != s_.size()) Fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    if (!error_.empty()) {
      *error = error_;
      return nullptr;
    }
    return e;
  }

 private:
  void Skip() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  bool Eat(std::string_view token) {
    Skip();
    if (s_.substr(pos_).starts_with(token)) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  std::unique_ptr<Expr> Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return nullptr;
  }
  static std::unique_ptr<Expr> Join(Expr::Kind kind, std::unique_ptr<Expr> l,
                                    std::unique_ptr<Expr> r) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->left = std::move(l);
    e->right = std::move(r);
    return e;
  }

  std::unique_ptr<Expr> Or(int depth) {
    auto left = And(depth);
    while (left && Eat("||")) {
      auto right = And(depth);
      if (!right) return nullptr;
      left = Join(Expr::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  std::unique_ptr<Expr> And(int depth) {
    auto left = Primary(depth);
    while (left && Eat("&&")) {
      auto right = Primary(depth);
      if (!right) return nullptr;
      left = Join(Expr::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  std::unique_ptr<Expr> Primary(int depth) {
    if (depth > kMaxDepth) return Fail("too many nested parentheses");
    if (Eat("(")) {
      auto e = Or(depth + 1);
      if (e && !Eat(")")) return Fail("missing ')'");
      return e;
    }
    return Comparison();
  }

  std::unique_ptr<Expr> Comparison() {
    Skip();
    if (!Eat("$")) return Fail("a comparison must start with a selector such as $.level");
    auto e = std::make_unique<Expr>();
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '.') {
        ++pos_;
        size_t start = pos_;
        while (pos_ < s_.size() && !IsSpace(s_[pos_]) &&
               std::string_view(".[]=!<>()&|\"").find(s_[pos_]) == std::string_view::npos) {
          ++pos_;
        }
        if (pos_ == start) return Fail("a selector has an empty field name");
        e->path.push_back({false, std::string(s_.substr(start, pos_ - start)), 0});
      } else if (c == '[') {
        size_t close = s_.find(']', pos_);
        if (close == std::string_view::npos) return Fail("missing ']' in a selector");
        std::string_view digits = s_.substr(pos_ + 1, close - pos_ - 1);
        size_t index = 0;
        auto r = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
          return Fail("an array index must be a number");
        }
        e->path.push_back({true, "", index});
        pos_ = close + 1;
      } else {
        break;
      }
    }
    if (Eat("!=")) {
      e->op = Op::kNe;
    } else if (Eat("<=")) {
      e->op = Op::kLe;
    } else if (Eat(">=")) {
      e->op = Op::kGe;
    } else if (Eat("==") || Eat("=")) {
      e->op = Op::kEq;
    } else if (Eat("<")) {
      e->op = Op::kLt;
    } else if (Eat(">")) {
      e->op = Op::kGt;
    } else {
      return Fail("expected =, !=, <, <=, > or >= after the selector");
    }
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '"') {
      ++pos_;
      std::string text;
      for (;;) {
        if (pos_ >= s_.size()) return Fail("unterminated string");
        char ch = s_[pos_++];
        if (ch == '"') break;
        if (ch == '\\' && pos_ < s_.size()) ch = s_[pos_++];
        text.push_back(ch);
      }
      e->value.text = std::move(text);
    } else {
      size_t start = pos_;
      while (pos_ < s_.size() && !IsSpace(s_[pos_]) &&
             std::string_view(")&|").find(s_[pos_]) == std::string_view::npos) {
        ++pos_;
      }
      std::string_view word = s_.substr(start, pos_ - start);
      if (word.empty()) return Fail("a comparison needs a value");
      if (auto n = ParseNumber(word)) {
        e->value.kind = Literal::kNumber;
        e->value.number = *n;
      } else if (word == "true") {
        e->value.kind = Literal::kTrue;
      } else if (word == "false") {
        e->value.kind = Literal::kFalse;
      } else if (word == "null") {
        e->value.kind = Literal::kNull;
      } else {
        e->value.text = std::string(word);
      }
    }
    if (e->value.kind != Literal::kNumber && e->op != Op::kEq && e->op != Op::kNe) {
      return Fail("<, <=, > and >= compare numbers");
    }
    return e;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

// One term of a terms pattern: a bare word or a quoted phrase.
bool ReadTerm(std::string_view s, size_t* pos, std::string* out, std::string* error) {
  if (*pos < s.size() && s[*pos] == '"') {
    ++*pos;
    for (;;) {
      if (*pos >= s.size()) {
        *error = "unterminated quoted phrase";
        return false;
      }
      char c = s[(*pos)++];
      if (c == '"') break;
      if (c == '\\' && *pos < s.size()) c = s[(*pos)++];
      out->push_back(c);
    }
    if (*pos < s.size() && !IsSpace(s[*pos])) {
      *error = "a quoted phrase must be followed by a blank";
      return false;
    }
    return true;
  }
  size_t start = *pos;
  while (*pos < s.size() && !IsSpace(s[*pos])) ++*pos;
  *out = std::string(s.substr(start, *pos - start));
  if (out->empty()) {
    *error = "'?' and '-' must be followed by a term";
    return false;
  }
  return true;
}

}  // namespace

struct FilterPattern::Node {
  std::unique_ptr<Expr> json;  // a JSON pattern, or else terms:
  std::vector<std::string> required, optional, excluded;
};

std::optional<FilterPattern> FilterPattern::Parse(std::string_view text, std::string* error) {
  if (text.size() > kMaxPatternBytes) {
    *error = "filter patterns are at most 1024 bytes";
    return std::nullopt;
  }
  std::string_view s = Trim(text);
  if (s.empty()) return FilterPattern(nullptr);
  auto node = std::make_shared<Node>();
  if (s.front() == '{') {
    if (s.back() != '}') {
      *error = "a JSON filter pattern must end with '}'";
      return std::nullopt;
    }
    node->json = JsonParser(s.substr(1, s.size() - 2)).Parse(error);
    if (!node->json) {
      *error = "invalid JSON filter pattern: " + *error;
      return std::nullopt;
    }
    return FilterPattern(std::move(node));
  }
  if (s.front() == '[') {
    *error = "space-delimited filter patterns ([...]) are not supported by Spool";
    return std::nullopt;
  }
  if (s.front() == '%') {
    *error = "regular expression filter patterns (%...%) are not supported by Spool";
    return std::nullopt;
  }
  size_t pos = 0;
  while (pos < s.size()) {
    if (IsSpace(s[pos])) {
      ++pos;
      continue;
    }
    std::vector<std::string>* into = &node->required;
    if (s[pos] == '?' || s[pos] == '-') {
      into = s[pos] == '?' ? &node->optional : &node->excluded;
      ++pos;
    }
    std::string term;
    if (!ReadTerm(s, &pos, &term, error)) return std::nullopt;
    if (!term.empty()) into->push_back(std::move(term));
  }
  return FilterPattern(std::move(node));
}

bool FilterPattern::Matches(std::string_view message) const {
  if (node_ == nullptr) return true;
  if (node_->json) {
    std::string_view m = Trim(message);
    if (m.empty() || (m.front() != '{' && m.front() != '[')) return false;
    boost::system::error_code ec;
    json::value v = json::parse(m, ec);
    return !ec && Eval(*node_->json, v);
  }
  auto has = [&](const std::string& term) { return message.find(term) != std::string_view::npos; };
  for (const auto& t : node_->required) {
    if (!has(t)) return false;
  }
  for (const auto& t : node_->excluded) {
    if (has(t)) return false;
  }
  if (node_->optional.empty()) return true;
  for (const auto& t : node_->optional) {
    if (has(t)) return true;
  }
  return false;
}

}  // namespace spool::logs
