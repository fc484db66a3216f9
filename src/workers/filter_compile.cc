// CompilePattern: the grammar of filter patterns (filter_compile.h).

#include "workers/filter_compile.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace spool::workers::filter_detail {
namespace {

constexpr std::string_view kOr = "$or";

std::string_view KindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kNull:
      return "null";
    case JsonKind::kBool:
      return "a boolean";
    case JsonKind::kNumber:
      return "a number";
    case JsonKind::kString:
      return "a string";
    case JsonKind::kArray:
      return "an array";
    case JsonKind::kObject:
      return "an object";
  }
  return "a value";
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 64));
  if (s.size() > 64) out += "...";
  return out + "\"";
}

class Compiler {
 public:
  Compiler(const JsonDoc& doc, std::string* error) : doc_(doc), error_(error) {}

  bool Root(Filter::Node* out) {
    if (doc_.node(0).kind != JsonKind::kObject) {
      return Fail("",
                  "the pattern must be a JSON object, not " + std::string(KindName(Node(0).kind)));
    }
    if (Node(0).end == 1) {
      out->match_all = true;  // {}: no rule on the body, every message passes
      return true;
    }
    return Object(0, "", /*top=*/true, &out->root);
  }

 private:
  const JsonNode& Node(uint32_t i) const { return doc_.node(i); }

  // where: a path in the pattern ("" for the pattern as a whole).
  bool Fail(const std::string& where, const std::string& what) {
    *error_ = where.empty() ? what : where + ": " + what;
    return false;
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  // The members of an object, the last of duplicate keys winning, sorted by key.
  std::map<std::string_view, uint32_t> Members(uint32_t at) const {
    std::map<std::string_view, uint32_t> members;
    for (uint32_t c = at + 1; c < Node(at).end; c = Node(c).end) members[Node(c).key] = c;
    return members;
  }

  // An object of fields. At the top (the whole pattern, or an alternative of a top-level $or)
  // only "body" may be named: that is all an SQS event source filters on.
  bool Object(uint32_t at, const std::string& path, bool top, ObjectRule* out) {
    const auto members = Members(at);
    if (members.empty()) {
      return Fail(
          path, path.empty() ? "the pattern's object is empty" : "an empty object is not allowed");
    }
    for (const auto& [key, node] : members) {
      const std::string child = Join(path, key);
      if (key == kOr) {
        if (!AnyOf(node, child, top, out)) return false;
        continue;
      }
      if (top && key != "body") {
        return Fail(
            "", "an SQS event source filters on \"body\" only; the pattern names " + Quote(key));
      }
      FieldRule field;
      field.key = std::string(key);
      if (!Field(node, child, &field)) return false;
      out->fields.push_back(std::move(field));
    }
    return true;
  }

  bool AnyOf(uint32_t at, const std::string& path, bool top, ObjectRule* out) {
    const JsonNode& n = Node(at);
    size_t count = 0;
    if (n.kind == JsonKind::kArray) {
      for (uint32_t c = at + 1; c < n.end; c = Node(c).end) ++count;
    }
    if (n.kind != JsonKind::kArray || count < 2) {
      return Fail(path, "must be an array of at least two objects of fields");
    }
    std::vector<ObjectRule> alternatives;
    size_t i = 0;
    for (uint32_t c = at + 1; c < n.end; c = Node(c).end, ++i) {
      const std::string where = path + "[" + std::to_string(i) + "]";
      if (Node(c).kind != JsonKind::kObject) {
        return Fail(where,
                    "must be an object of fields, not " + std::string(KindName(Node(c).kind)));
      }
      ObjectRule alternative;
      if (!Object(c, where, top, &alternative)) return false;
      alternatives.push_back(std::move(alternative));
    }
    out->any_of.push_back(std::move(alternatives));
    return true;
  }

  bool Field(uint32_t at, const std::string& path, FieldRule* out) {
    const JsonNode& n = Node(at);
    if (n.kind == JsonKind::kObject) {
      out->object = std::make_unique<ObjectRule>();
      return Object(at, path, /*top=*/false, out->object.get());
    }
    if (n.kind == JsonKind::kArray) return Values(at, path, &out->values);
    return Fail(path, "must be an array of values to match or an object of fields, not " +
                          std::string(KindName(n.kind)));
  }

  bool Values(uint32_t at, const std::string& path, ValueRule* out) {
    const JsonNode& n = Node(at);
    if (n.end == at + 1) return Fail(path, "an empty array matches nothing and is not allowed");
    for (uint32_t c = at + 1; c < n.end; c = Node(c).end) {
      const JsonNode& v = Node(c);
      if (v.kind == JsonKind::kArray) return Fail(path, "arrays cannot be nested in a value list");
      if (v.kind == JsonKind::kObject) {
        if (!Operator(c, path, out)) return false;
      } else {
        out->exact.push_back(Literal{v.kind, std::string(v.text)});
      }
    }
    std::sort(out->exact.begin(), out->exact.end());
    return true;
  }

  bool Operator(uint32_t at, const std::string& path, ValueRule* out) {
    const auto members = Members(at);
    if (members.size() != 1) {
      return Fail(path, "an operator object must hold exactly one operator, found " +
                            std::to_string(members.size()));
    }
    const auto& [op, node] = *members.begin();
    const JsonNode& v = Node(node);
    const std::string where = path + " " + std::string(op);
    if (op == "prefix" || op == "suffix") {
      TextTest test;
      test.op = op == "prefix" ? TextTest::Op::kPrefix : TextTest::Op::kSuffix;
      if (!Affix(node, where, &test)) return false;
      out->text.push_back(std::move(test));
      return true;
    }
    if (op == "equals-ignore-case" || op == "wildcard") {
      TextTest test;
      if (!TextOperand(op, node, where, &test)) return false;
      out->text.push_back(std::move(test));
      return true;
    }
    if (op == "exists") {
      if (v.kind != JsonKind::kBool) return Fail(where, "takes true or false");
      (v.text == "true" ? out->exists_true : out->exists_false) = true;
      return true;
    }
    if (op == "numeric") return Numeric(node, where, out);
    if (op == "anything-but") return AnythingButOf(node, where, out);
    return Fail(path, "unknown operator " + Quote(op) +
                          " (known: prefix, suffix, equals-ignore-case, wildcard, anything-but, "
                          "numeric, exists)");
  }

  // prefix or suffix: a string, or {"equals-ignore-case": string}.
  bool Affix(uint32_t at, const std::string& where, TextTest* out) {
    const JsonNode& v = Node(at);
    if (v.kind == JsonKind::kString) {
      out->text = std::string(v.text);
      return true;
    }
    if (v.kind == JsonKind::kObject) {
      const auto members = Members(at);
      if (members.size() == 1 && members.begin()->first == "equals-ignore-case" &&
          Node(members.begin()->second).kind == JsonKind::kString) {
        out->ignore_case = true;
        out->text = std::string(Node(members.begin()->second).text);
        return true;
      }
    }
    return Fail(where, "takes a string or {\"equals-ignore-case\": string}");
  }

  // equals-ignore-case or wildcard with its string.
  bool TextOperand(std::string_view op, uint32_t at, const std::string& where, TextTest* out) {
    const JsonNode& v = Node(at);
    if (v.kind != JsonKind::kString) {
      return Fail(where, "takes a string, not " + std::string(KindName(v.kind)));
    }
    out->text = std::string(v.text);
    if (op == "equals-ignore-case") {
      out->op = TextTest::Op::kEquals;
      out->ignore_case = true;
      return true;
    }
    out->op = TextTest::Op::kWildcard;
    std::string why;
    out->wildcard = Wildcard::Parse(v.text, &why);
    return out->wildcard.has_value() || Fail(where, why);
  }

  bool NumericOperand(uint32_t at, std::string_view op, const std::string& where, double* out) {
    const JsonNode& v = Node(at);
    if (v.kind != JsonKind::kNumber) {
      return Fail(where, "expects a number after \"" + std::string(op) + "\", not " +
                             std::string(KindName(v.kind)));
    }
    if (!(std::fabs(v.number) <= kMaxNumericMagnitude)) {
      return Fail(where, std::string(v.text) + " is outside the range -5e9 to 5e9");
    }
    *out = v.number;
    return true;
  }

  // ["=", x], or one or two comparisons: [">", a], ["<=", b], [">=", a, "<", b], ...
  bool Numeric(uint32_t at, const std::string& where, ValueRule* out) {
    const JsonNode& n = Node(at);
    std::vector<uint32_t> items;
    if (n.kind == JsonKind::kArray) {
      for (uint32_t c = at + 1; c < n.end; c = Node(c).end) items.push_back(c);
    }
    if (items.size() != 2 && items.size() != 4) {
      return Fail(where,
                  "takes [op, number] or [op, number, op, number] with op one of "
                  "=, <, <=, >, >=");
    }
    NumericRange range;
    for (size_t i = 0; i < items.size(); i += 2) {
      const JsonNode& op_node = Node(items[i]);
      const std::string_view op = op_node.text;
      if (op_node.kind != JsonKind::kString ||
          (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=")) {
        return Fail(where,
                    "expects a comparison (=, <, <=, >, >=) at position " + std::to_string(i) +
                        ", not " +
                        (op_node.kind == JsonKind::kString ? Quote(op)
                                                           : std::string(KindName(op_node.kind))));
      }
      double value = 0;
      if (!NumericOperand(items[i + 1], op, where, &value)) return false;
      if (op == "=") {
        if (items.size() != 2)
          return Fail(where, "\"=\" cannot be combined with another comparison");
        range = NumericRange{true, false, value, true, false, value};
      } else if (op[0] == '>') {
        if (range.has_low) return Fail(where, "has two lower bounds");
        range.has_low = true;
        range.low_open = op == ">";
        range.low = value;
      } else {
        if (range.has_high) return Fail(where, "has two upper bounds");
        range.has_high = true;
        range.high_open = op == "<";
        range.high = value;
      }
    }
    if (range.has_low && range.has_high &&
        (range.low > range.high ||
         (range.low == range.high && (range.low_open || range.high_open)))) {
      return Fail(where, "the range is empty");
    }
    out->numeric.push_back(range);
    return true;
  }

  // anything-but: a string, a number, a non-empty list of only strings or only numbers, or an
  // object {prefix|suffix|wildcard: string} or {equals-ignore-case: string or list of strings}.
  bool AnythingButOf(uint32_t at, const std::string& where, ValueRule* out) {
    const JsonNode& v = Node(at);
    AnythingBut ab;
    if (v.kind == JsonKind::kString || v.kind == JsonKind::kNumber) {
      ab.values.push_back(Literal{v.kind, std::string(v.text)});
    } else if (v.kind == JsonKind::kArray) {
      if (v.end == at + 1) return Fail(where, "an empty list is not allowed");
      const JsonKind kind = Node(at + 1).kind;
      for (uint32_t c = at + 1; c < v.end; c = Node(c).end) {
        const JsonNode& item = Node(c);
        if ((item.kind != JsonKind::kString && item.kind != JsonKind::kNumber) ||
            item.kind != kind) {
          return Fail(where, "a list must hold only strings or only numbers");
        }
        ab.values.push_back(Literal{item.kind, std::string(item.text)});
      }
      std::sort(ab.values.begin(), ab.values.end());
    } else if (v.kind == JsonKind::kObject) {
      if (!AnythingButObject(at, where, &ab)) return false;
    } else {
      return Fail(where,
                  "takes a string, a number, a list of strings or of numbers, or an "
                  "object with prefix, suffix, equals-ignore-case or wildcard; not " +
                      std::string(KindName(v.kind)));
    }
    out->anything_but.push_back(std::move(ab));
    return true;
  }

  bool AnythingButObject(uint32_t at, const std::string& where, AnythingBut* out) {
    const auto members = Members(at);
    if (members.size() != 1) {
      return Fail(where, "an operator object must hold exactly one operator, found " +
                             std::to_string(members.size()));
    }
    const auto& [op, node] = *members.begin();
    const std::string inner = where + " " + std::string(op);
    const JsonNode& v = Node(node);
    TextTest test;
    if (op == "prefix" || op == "suffix") {
      if (v.kind != JsonKind::kString) return Fail(inner, "takes a string");
      test.op = op == "prefix" ? TextTest::Op::kPrefix : TextTest::Op::kSuffix;
      test.text = std::string(v.text);
    } else if (op == "wildcard") {
      if (!TextOperand(op, node, inner, &test)) return false;
    } else if (op == "equals-ignore-case" && v.kind == JsonKind::kArray) {
      if (v.end == node + 1) return Fail(inner, "an empty list is not allowed");
      for (uint32_t c = node + 1; c < v.end; c = Node(c).end) {
        if (!TextOperand(op, c, inner, &test)) return false;
        out->tests.push_back(test);
      }
      return true;
    } else if (op == "equals-ignore-case") {
      if (!TextOperand(op, node, inner, &test)) return false;
    } else {
      return Fail(where, "unknown operator " + Quote(op) +
                             " (known: prefix, suffix, equals-ignore-case, wildcard)");
    }
    out->tests.push_back(std::move(test));
    return true;
  }

  const JsonDoc& doc_;
  std::string* error_;
};

}  // namespace

bool CompilePattern(const JsonDoc& doc, Filter::Node* out, std::string* error) {
  return Compiler(doc, error).Root(out);
}

}  // namespace spool::workers::filter_detail
