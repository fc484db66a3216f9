#include "engine/journal_records.h"

#include <array>
#include <cstring>

namespace spool::engine::journal {
namespace {

class Out {
 public:
  explicit Out(std::string* s) : s_(s) {}
  void U8(uint8_t v) { s_->push_back(static_cast<char>(v)); }
  void U64(uint64_t v) {
    while (v >= 0x80) {
      s_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    s_->push_back(static_cast<char>(v));
  }
  void I64(int64_t v) { U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Str(std::string_view v) {
    U64(v.size());
    s_->append(v);
  }
  void Raw(const void* p, size_t n) { s_->append(static_cast<const char*>(p), n); }
  void Pairs(const StringPairs& pairs) {
    U64(pairs.size());
    for (const auto& [k, v] : pairs) {
      Str(k);
      Str(v);
    }
  }
  void Strings(const std::vector<std::string>& v) {
    U64(v.size());
    for (const auto& s : v) Str(s);
  }
  void Attributes(const MessageAttributes& attrs) {
    U64(attrs.size());
    for (const auto& [name, v] : attrs) {
      Str(name);
      Str(v.data_type);
      Str(v.string_value);
      Str(v.binary_value);
      Strings(v.string_list_values);
      Strings(v.binary_list_values);
    }
  }

 private:
  std::string* s_;
};

class In {
 public:
  explicit In(std::string_view s) : s_(s) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == s_.size(); }
  uint8_t U8() {
    if (pos_ >= s_.size()) return Fail();
    return static_cast<uint8_t>(s_[pos_++]);
  }
  uint64_t U64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= s_.size()) return Fail();
      auto b = static_cast<uint8_t>(s_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  int64_t I64() {
    uint64_t u = U64();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  std::string Str() {
    uint64_t n = U64();
    if (!ok_ || n > s_.size() - pos_) {
      Fail();
      return {};
    }
    std::string out(s_.substr(pos_, n));
    pos_ += n;
    return out;
  }
  // A string's bytes in place (valid as long as the input).
  std::string_view View() {
    uint64_t n = U64();
    if (!ok_ || n > s_.size() - pos_) {
      Fail();
      return {};
    }
    std::string_view out = s_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  bool Raw(void* p, size_t n) {
    if (n > s_.size() - pos_) return Fail() != 0;
    std::memcpy(p, s_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // A count of items each at least one byte long: bounded by what is left.
  uint64_t Count() {
    uint64_t n = U64();
    if (n > s_.size() - pos_) return Fail();
    return n;
  }
  StringPairs Pairs() {
    StringPairs out;
    uint64_t n = Count();
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      std::string k = Str();
      std::string v = Str();
      out.emplace_back(std::move(k), std::move(v));
    }
    return out;
  }
  std::vector<std::string> Strings() {
    std::vector<std::string> out;
    uint64_t n = Count();
    for (uint64_t i = 0; ok_ && i < n; ++i) out.push_back(Str());
    return out;
  }
  MessageAttributes Attributes() {
    MessageAttributes out;
    uint64_t n = Count();
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      std::string name = Str();
      AttributeValue v;
      v.data_type = Str();
      v.string_value = Str();
      v.binary_value = Str();
      v.string_list_values = Strings();
      v.binary_list_values = Strings();
      out.emplace_back(std::move(name), std::move(v));
    }
    return out;
  }

 public:
  uint8_t Fail() {
    ok_ = false;
    pos_ = s_.size();
    return 0;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Flags of a stored message: which optional fields follow.
constexpr uint8_t kHasAttributesMd5 = 1;
constexpr uint8_t kHasSystemMd5 = 2;
constexpr uint8_t kHasDedupId = 4;  // FIFO: the deduplication id, after everything else
constexpr uint8_t kKnownFlags = kHasAttributesMd5 | kHasSystemMd5 | kHasDedupId;

void EncodeMessage(Out& o, const StoredMessage& m) {
  const MessagePayload& p = *m.payload;
  std::array<char, 36> id;
  o.U64(m.seq);
  o.Str(p.message_id(id));
  o.Str(p.body());
  o.Attributes(p.attributes());
  o.Attributes(p.system_attributes());
  const auto& md5_attributes = p.md5_attributes();
  const auto& md5_system = p.md5_system_attributes();
  const std::string& dedup_id = p.dedup_id();
  uint8_t flags = (md5_attributes ? kHasAttributesMd5 : 0) | (md5_system ? kHasSystemMd5 : 0) |
                  (dedup_id.empty() ? 0 : kHasDedupId);
  o.U8(flags);
  o.Raw(p.md5_body().data(), 16);
  if (md5_attributes) o.Raw(md5_attributes->data(), 16);
  if (md5_system) o.Raw(md5_system->data(), 16);
  o.I64(p.sent_ms());
  o.Str(p.sender_id());
  o.Str(p.group_id());
  o.I64(m.enqueued_ms);
  o.I64(m.visible_at_ms);
  o.I64(m.receive_count);
  o.I64(m.first_receive_ms);
  o.Str(m.dead_letter_source_arn);
  if (!dedup_id.empty()) o.Str(dedup_id);
}

StoredMessage DecodeMessage(In& in) {
  StoredMessage m;
  PayloadFields p;
  m.seq = in.U64();
  p.message_id = in.Str();
  std::string_view body = in.View();
  p.attributes = in.Attributes();
  p.system_attributes = in.Attributes();
  uint8_t flags = in.U8();
  if (flags & ~kKnownFlags) in.Fail();
  in.Raw(p.md5_body.data(), 16);
  if (flags & kHasAttributesMd5) {
    Md5Digest d{};
    in.Raw(d.data(), 16);
    p.md5_attributes = d;
  }
  if (flags & kHasSystemMd5) {
    Md5Digest d{};
    in.Raw(d.data(), 16);
    p.md5_system_attributes = d;
  }
  p.sent = common::FromEpochMillis(in.I64());
  p.sender_id = in.Str();
  p.group_id = in.Str();
  m.enqueued_ms = in.I64();
  m.visible_at_ms = in.I64();
  m.receive_count = in.I64();
  m.first_receive_ms = in.I64();
  m.dead_letter_source_arn = in.Str();
  if (flags & kHasDedupId) p.dedup_id = in.Str();
  if (in.ok()) m.payload = MessagePayload::Create(std::move(p), body);
  return m;
}

struct Encoder {
  Out& o;
  void operator()(const CreateQueue& r) {
    o.U8(static_cast<uint8_t>(RecordType::kCreateQueue));
    o.U64(r.queue_id);
    o.Str(r.name);
    o.I64(r.created_ms);
    o.I64(r.last_modified_ms);
    o.Pairs(r.attributes);
    o.Pairs(r.tags);
  }
  void operator()(const DeleteQueue& r) {
    o.U8(static_cast<uint8_t>(RecordType::kDeleteQueue));
    o.U64(r.queue_id);
  }
  void operator()(const SetAttributes& r) {
    o.U8(static_cast<uint8_t>(RecordType::kSetAttributes));
    o.U64(r.queue_id);
    o.I64(r.last_modified_ms);
    o.Pairs(r.attributes);
  }
  void operator()(const SetTags& r) {
    o.U8(static_cast<uint8_t>(RecordType::kSetTags));
    o.U64(r.queue_id);
    o.Pairs(r.tags);
  }
  void operator()(const PurgeQueue& r) {
    o.U8(static_cast<uint8_t>(RecordType::kPurgeQueue));
    o.U64(r.queue_id);
    o.I64(r.at_ms);
  }
  void operator()(const AddMessages& r) {
    o.U8(static_cast<uint8_t>(RecordType::kAddMessages));
    o.U64(r.queue_id);
    o.U64(r.messages.size());
    for (const auto& m : r.messages) EncodeMessage(o, m);
  }
  void operator()(const DeleteMessages& r) {
    o.U8(static_cast<uint8_t>(RecordType::kDeleteMessages));
    o.U64(r.queue_id);
    o.U64(r.seqs.size());
    for (uint64_t s : r.seqs) o.U64(s);
  }
  void operator()(const Receive& r) {
    o.U8(static_cast<uint8_t>(RecordType::kReceive));
    o.U64(r.queue_id);
    o.U64(r.seq);
    o.I64(r.receive_count);
    o.I64(r.first_receive_ms);
  }
  void operator()(const DedupEntries& r) {
    o.U8(static_cast<uint8_t>(RecordType::kDedupEntries));
    o.U64(r.queue_id);
    o.U64(r.entries.size());
    for (const auto& e : r.entries) {
      o.Str(e.key);
      o.Str(e.message_id);
      o.U64(e.seq);
      o.I64(e.sent_ms);
    }
  }
  void operator()(const MoveTask& r) {
    o.U8(static_cast<uint8_t>(RecordType::kMoveTask));
    o.Str(r.handle);
    o.Str(r.status);
    o.Str(r.source_arn);
    o.Str(r.destination_arn);
    o.I64(r.max_per_second);
    o.I64(r.moved);
    o.I64(r.to_move);
    o.Str(r.failure_reason);
    o.I64(r.started_ms);
  }
  void operator()(const MoveMessage& r) {
    o.U8(static_cast<uint8_t>(RecordType::kMoveMessage));
    o.U64(r.from_queue_id);
    o.U64(r.seq);
    o.U64(r.to_queue_id);
    o.U64(r.new_seq);
    o.Str(r.dead_letter_source_arn);
  }
};

}  // namespace

std::string Encode(const Record& record) {
  std::string out;
  out.reserve(64);
  Out o(&out);
  std::visit(Encoder{o}, record);
  return out;
}

std::optional<Record> Decode(std::string_view bytes) {
  In in(bytes);
  auto type = static_cast<RecordType>(in.U8());
  std::optional<Record> out;
  switch (type) {
    case RecordType::kCreateQueue: {
      CreateQueue r;
      r.queue_id = in.U64();
      r.name = in.Str();
      r.created_ms = in.I64();
      r.last_modified_ms = in.I64();
      r.attributes = in.Pairs();
      r.tags = in.Pairs();
      out = std::move(r);
      break;
    }
    case RecordType::kDeleteQueue:
      out = DeleteQueue{in.U64()};
      break;
    case RecordType::kSetAttributes: {
      SetAttributes r;
      r.queue_id = in.U64();
      r.last_modified_ms = in.I64();
      r.attributes = in.Pairs();
      out = std::move(r);
      break;
    }
    case RecordType::kSetTags: {
      SetTags r;
      r.queue_id = in.U64();
      r.tags = in.Pairs();
      out = std::move(r);
      break;
    }
    case RecordType::kPurgeQueue: {
      PurgeQueue r;
      r.queue_id = in.U64();
      r.at_ms = in.I64();
      out = r;
      break;
    }
    case RecordType::kAddMessages: {
      AddMessages r;
      r.queue_id = in.U64();
      uint64_t n = in.Count();
      for (uint64_t i = 0; in.ok() && i < n; ++i) r.messages.push_back(DecodeMessage(in));
      out = std::move(r);
      break;
    }
    case RecordType::kDeleteMessages: {
      DeleteMessages r;
      r.queue_id = in.U64();
      uint64_t n = in.Count();
      for (uint64_t i = 0; in.ok() && i < n; ++i) r.seqs.push_back(in.U64());
      out = std::move(r);
      break;
    }
    case RecordType::kReceive: {
      Receive r;
      r.queue_id = in.U64();
      r.seq = in.U64();
      r.receive_count = in.I64();
      r.first_receive_ms = in.I64();
      out = r;
      break;
    }
    case RecordType::kMoveMessage: {
      MoveMessage r;
      r.from_queue_id = in.U64();
      r.seq = in.U64();
      r.to_queue_id = in.U64();
      r.new_seq = in.U64();
      r.dead_letter_source_arn = in.Str();
      out = std::move(r);
      break;
    }
    case RecordType::kDedupEntries: {
      DedupEntries r;
      r.queue_id = in.U64();
      uint64_t n = in.Count();
      for (uint64_t i = 0; in.ok() && i < n; ++i) {
        DedupEntries::Entry& e = r.entries.emplace_back();
        e.key = in.Str();
        e.message_id = in.Str();
        e.seq = in.U64();
        e.sent_ms = in.I64();
      }
      out = std::move(r);
      break;
    }
    case RecordType::kMoveTask: {
      MoveTask r;
      r.handle = in.Str();
      r.status = in.Str();
      r.source_arn = in.Str();
      r.destination_arn = in.Str();
      r.max_per_second = in.I64();
      r.moved = in.I64();
      r.to_move = in.I64();
      r.failure_reason = in.Str();
      r.started_ms = in.I64();
      out = std::move(r);
      break;
    }
    default:
      return std::nullopt;
  }
  if (!in.ok() || !in.done()) return std::nullopt;
  return out;
}

}  // namespace spool::engine::journal
