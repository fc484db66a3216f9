// AWS JSON 1.0 writer: JSON text appended straight into one reserved buffer, no document.
//
// A small fixed stack records the open containers (the root object, lists, items, maps, map
// entries) and whether each already holds a member, which is all that is needed to place commas
// and closing brackets. SQS responses nest four deep at most; the stack allows 16.

#include <array>
#include <charconv>
#include <cstdlib>

#include "common/ascii_scan.h"
#include "common/encoding.h"
#include "protocol/escape.h"
#include "protocol/writer.h"

namespace spool::protocol {

void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the stretch not yet copied
  auto flush = [&](size_t i) { out->append(text.data() + run, i - run); };
  for (size_t i = 0; i < text.size();) {
    i = common::SkipJsonSafe(text, i);
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(text, i);
      if (n != 0) {
        i += n;
        continue;
      }
      flush(i);
      out->append("\\ufffd");
      run = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out->append(escape, sizeof(escape));
      }
    }
    run = ++i;
  }
  flush(text.size());
  out->push_back('"');
}

namespace {

constexpr size_t kInitialCapacity = 1024;
constexpr size_t kMaxDepth = 16;

class JsonWriter final : public Writer {
 public:
  JsonWriter() {
    out_.reserve(kInitialCapacity);
    out_.push_back('{');
    Push(Frame::kObject);
  }

  void String(std::string_view json_name, std::string_view, std::string_view value) override {
    Member(json_name);
    AppendJsonString(&out_, value);
  }

  void Int(std::string_view json_name, std::string_view, int64_t value) override {
    Member(json_name);
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out_.append(buffer, end);
  }

  void Bool(std::string_view json_name, std::string_view, bool value) override {
    Member(json_name);
    out_.append(value ? "true" : "false");
  }

  void Blob(std::string_view json_name, std::string_view, std::string_view bytes) override {
    Member(json_name);
    out_.push_back('"');
    out_.append(common::Base64Encode(bytes));  // base64 needs no escaping
    out_.push_back('"');
  }

  void StringList(std::string_view json_name, std::string_view,
                  const std::vector<std::string_view>& values) override {
    Member(json_name);
    out_.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i != 0) out_.push_back(',');
      AppendJsonString(&out_, values[i]);
    }
    out_.push_back(']');
  }

  void StringMap(std::string_view json_name, std::string_view,
                 const std::vector<std::pair<std::string_view, std::string_view>>& entries,
                 std::string_view, std::string_view) override {
    Member(json_name);
    out_.push_back('{');
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i != 0) out_.push_back(',');
      AppendJsonString(&out_, entries[i].first);
      out_.push_back(':');
      AppendJsonString(&out_, entries[i].second);
    }
    out_.push_back('}');
  }

  void BeginList(std::string_view json_name, std::string_view) override {
    Member(json_name);
    out_.push_back('[');
    Push(Frame::kList);
  }

  void BeginItem() override {
    Check(Top() == Frame::kList);
    Member({});
    out_.push_back('{');
    Push(Frame::kObject);
  }

  void EndItem() override {
    Check(depth_ >= 2 && Top() == Frame::kObject && frames_[depth_ - 2] == Frame::kList);
    Pop();
  }

  void EndList() override {
    Check(Top() == Frame::kList);
    Pop();
  }

  void BeginMap(std::string_view json_name, std::string_view, std::string_view,
                std::string_view) override {
    Member(json_name);
    out_.push_back('{');
    Push(Frame::kMap);
  }

  void BeginEntry(std::string_view key) override {
    Check(Top() == Frame::kMap);
    Comma();
    AppendJsonString(&out_, key);
    out_.append(":{");
    Push(Frame::kObject);
  }

  void EndEntry() override {
    Check(depth_ >= 2 && Top() == Frame::kObject && frames_[depth_ - 2] == Frame::kMap);
    Pop();
  }

  void EndMap() override {
    Check(Top() == Frame::kMap);
    Pop();
  }

  std::string Finish() override {
    while (depth_ > 0) Pop();
    return std::move(out_);
  }

 private:
  enum class Frame : uint8_t { kObject, kList, kMap };

  static void Check(bool condition) {
    if (!condition) std::abort();  // a handler broke the writer's sequence rules
  }

  Frame Top() const { return depth_ > 0 ? frames_[depth_ - 1] : Frame::kObject; }

  void Push(Frame frame) {
    Check(depth_ < kMaxDepth);
    frames_[depth_] = frame;
    has_members_[depth_] = false;
    ++depth_;
  }

  void Pop() {
    Check(depth_ > 0);
    --depth_;
    out_.push_back(frames_[depth_] == Frame::kList ? ']' : '}');
  }

  void Comma() {
    Check(depth_ > 0);
    if (has_members_[depth_ - 1]) out_.push_back(',');
    has_members_[depth_ - 1] = true;
  }

  // Starts a member: its name inside an object, a bare element inside a list.
  void Member(std::string_view name) {
    Comma();
    if (Top() == Frame::kList) return;
    out_.push_back('"');
    out_.append(name);  // member names are the model's identifiers: nothing to escape
    out_.append("\":");
  }

  std::string out_;
  std::array<Frame, kMaxDepth> frames_{};
  std::array<bool, kMaxDepth> has_members_{};
  size_t depth_ = 0;
};

}  // namespace

std::unique_ptr<Writer> MakeJsonWriter() { return std::make_unique<JsonWriter>(); }

}  // namespace spool::protocol
