// Query protocol writer: the XML response envelope appended straight into one reserved buffer.
//
// Lists and maps are flattened (repeated elements, no wrapper), so a list or map itself writes
// nothing; a small fixed stack remembers the element names its items and entries need.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>

#include "common/encoding.h"
#include "protocol/escape.h"
#include "protocol/writer.h"

namespace spool::protocol {

void AppendXmlText(std::string* out, std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  size_t run = 0;  // start of the stretch not yet copied
  auto flush = [&](size_t i) { out->append(text.data() + run, i - run); };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(text, i);
      // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are well-formed UTF-8 but not XML characters:
      // one replacement for the whole character. Invalid bytes: one replacement per byte.
      const bool non_character = n == 3 && c == 0xEF &&
                                 static_cast<unsigned char>(text[i + 1]) == 0xBF &&
                                 static_cast<unsigned char>(text[i + 2]) >= 0xBE;
      if (n != 0 && !non_character) {
        i += n;
        continue;
      }
      flush(i);
      out->append(kReplacement);
      i += non_character ? 3 : 1;
      run = i;
      continue;
    }
    if (c >= 0x20 ? (c != '&' && c != '<' && c != '>') : (c == '\t' || c == '\n')) {
      ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '\r':
        out->append("&#xD;");
        break;
      default:  // a C0 control character XML 1.0 cannot carry, not even as a reference
        out->append(kReplacement);
    }
    run = ++i;
  }
  flush(text.size());
}

namespace {

constexpr std::string_view kNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";
constexpr size_t kInitialCapacity = 1024;
constexpr size_t kMaxDepth = 16;

// A copy of a short string kept inline (action names, request ids), spilling to the heap only
// when longer than N.
template <size_t N>
class InlineText {
 public:
  explicit InlineText(std::string_view text) : size_(text.size()) {
    if (size_ <= N) {
      std::copy(text.begin(), text.end(), inline_.begin());
    } else {
      heap_.assign(text);
    }
  }
  std::string_view view() const {
    return size_ <= N ? std::string_view(inline_.data(), size_) : std::string_view(heap_);
  }

 private:
  size_t size_;
  std::array<char, N> inline_;
  std::string heap_;
};

class XmlWriter final : public Writer {
 public:
  XmlWriter(std::string_view action, std::string_view request_id, bool has_result)
      : action_(action), request_id_(request_id), has_result_(has_result) {
    out_.reserve(kInitialCapacity);
    out_.append("<?xml version=\"1.0\"?><");
    out_.append(action);
    out_.append("Response xmlns=\"");
    out_.append(kNamespace);
    out_.append("\">");
    if (has_result_) {
      out_.push_back('<');
      out_.append(action);
      out_.append("Result>");
      empty_result_end_ = out_.size();
    }
  }

  void String(std::string_view, std::string_view xml_name, std::string_view value) override {
    Open(xml_name);
    AppendXmlText(&out_, value);
    Close(xml_name);
  }

  void Int(std::string_view, std::string_view xml_name, int64_t value) override {
    Open(xml_name);
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out_.append(buffer, end);
    Close(xml_name);
  }

  void Bool(std::string_view, std::string_view xml_name, bool value) override {
    Open(xml_name);
    out_.append(value ? "true" : "false");
    Close(xml_name);
  }

  void Blob(std::string_view, std::string_view xml_name, std::string_view bytes) override {
    Open(xml_name);
    out_.append(common::Base64Encode(bytes));  // base64 needs no escaping
    Close(xml_name);
  }

  void StringList(std::string_view, std::string_view xml_item_name,
                  const std::vector<std::string_view>& values) override {
    for (std::string_view value : values) String({}, xml_item_name, value);
  }

  void StringMap(std::string_view, std::string_view xml_entry,
                 const std::vector<std::pair<std::string_view, std::string_view>>& entries,
                 std::string_view xml_key_name, std::string_view xml_value_name) override {
    for (const auto& [key, value] : entries) {
      Open(xml_entry);
      String({}, xml_key_name, key);
      String({}, xml_value_name, value);
      Close(xml_entry);
    }
  }

  void BeginList(std::string_view, std::string_view xml_item_name) override {
    Push({Frame::kList, xml_item_name, {}, {}});
  }

  void BeginItem() override {
    Check(Top().kind == Frame::kList);
    const std::string_view item = Top().element;
    Open(item);
    Push({Frame::kItem, item, {}, {}});
  }

  void EndItem() override {
    Check(Top().kind == Frame::kItem);
    Pop();
  }

  void EndList() override {
    Check(Top().kind == Frame::kList);
    Pop();
  }

  void BeginMap(std::string_view, std::string_view xml_entry, std::string_view xml_key_name,
                std::string_view xml_value_name) override {
    Push({Frame::kMap, xml_entry, xml_key_name, xml_value_name});
  }

  void BeginEntry(std::string_view key) override {
    Check(Top().kind == Frame::kMap);
    const Frame map = Top();
    Open(map.element);
    String({}, map.key_name, key);
    Open(map.value_name);
    Push({Frame::kEntry, map.element, map.key_name, map.value_name});
  }

  void EndEntry() override {
    Check(Top().kind == Frame::kEntry);
    Pop();
  }

  void EndMap() override {
    Check(Top().kind == Frame::kMap);
    Pop();
  }

  std::string Finish() override {
    while (depth_ > 0) Pop();
    if (has_result_) {
      if (out_.size() == empty_result_end_) {
        out_.pop_back();  // <XResult> becomes <XResult/>
        out_.append("/>");
      } else {
        out_.append("</");
        out_.append(action_.view());
        out_.append("Result>");
      }
    }
    out_.append("<ResponseMetadata><RequestId>");
    AppendXmlText(&out_, request_id_.view());
    out_.append("</RequestId></ResponseMetadata></");
    out_.append(action_.view());
    out_.append("Response>");
    return std::move(out_);
  }

 private:
  // Element names are views of the caller's names, which are string literals in practice (see
  // writer.h); they must outlive the writer.
  struct Frame {
    enum Kind : uint8_t { kList, kItem, kMap, kEntry } kind;
    std::string_view element;     // list item or map entry element
    std::string_view key_name;    // maps: the key element
    std::string_view value_name;  // maps: the value element
  };

  static void Check(bool condition) {
    if (!condition) std::abort();  // a handler broke the writer's sequence rules
  }

  const Frame& Top() const {
    Check(depth_ > 0);
    return frames_[depth_ - 1];
  }

  void Push(const Frame& frame) {
    Check(depth_ < kMaxDepth);
    frames_[depth_++] = frame;
  }

  void Pop() {
    const Frame& frame = frames_[--depth_];
    if (frame.kind == Frame::kItem) {
      Close(frame.element);
    } else if (frame.kind == Frame::kEntry) {
      Close(frame.value_name);
      Close(frame.element);
    }
  }

  void Open(std::string_view name) {
    out_.push_back('<');
    out_.append(name);
    out_.push_back('>');
  }

  void Close(std::string_view name) {
    out_.append("</");
    out_.append(name);
    out_.push_back('>');
  }

  std::string out_;
  InlineText<40> action_;  // copied: the caller's strings may not outlive the writer
  InlineText<64> request_id_;
  bool has_result_;
  size_t empty_result_end_ = 0;
  std::array<Frame, kMaxDepth> frames_{};
  size_t depth_ = 0;
};

}  // namespace

std::unique_ptr<Writer> MakeXmlWriter(std::string_view action, std::string_view request_id,
                                      bool has_result) {
  return std::make_unique<XmlWriter>(action, request_id, has_result);
}

}  // namespace spool::protocol
