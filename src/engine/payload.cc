// MessagePayload: the compact stored form of a message's immutable part (engine/types.h).

#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>

#include "engine/types.h"

namespace spool::engine {
namespace {

constexpr uint32_t kSenderInExtras = UINT32_MAX;

// Sender ids are few per process (one per principal), so each is stored once and payloads name
// it by index. The table only grows, up to kMaxSenders; later senders go into a payload's
// extras. Readers index it without a lock: an index is only ever read from a payload created
// after its entry was published, and entries never move or change.
constexpr uint32_t kMaxSenders = 4096;

class SenderTable {
 public:
  // The index of `id`, interning it if there is room; kSenderInExtras otherwise.
  uint32_t Intern(const std::string& id) {
    // Each thread remembers its last answer: senders repeat, and this needs no lock.
    thread_local const std::string* last = nullptr;
    thread_local uint32_t last_index = 0;
    if (last != nullptr && *last == id) return last_index;
    std::lock_guard lock(mu_);
    auto it = index_.find(id);
    if (it == index_.end()) {
      if (index_.size() >= kMaxSenders) return kSenderInExtras;
      auto n = static_cast<uint32_t>(index_.size());
      // Never freed: the table lives as long as the process.
      entries_[n].store(new std::string(id), std::memory_order_release);
      it = index_.emplace(id, n).first;
    }
    last = entries_[it->second].load(std::memory_order_relaxed);
    last_index = it->second;
    return it->second;
  }
  const std::string& Get(uint32_t i) const { return *entries_[i].load(std::memory_order_acquire); }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, uint32_t> index_;
  std::atomic<const std::string*> entries_[kMaxSenders] = {};
};

SenderTable& Senders() {
  static SenderTable* table = new SenderTable;  // never destroyed: payloads may outlive main
  return *table;
}

// Parses the canonical (lowercase, hyphenated) 36-character form; false for anything else, which
// is then kept verbatim.
bool ParseUuid(std::string_view s, uint8_t out[16]) {
  if (s.size() != 36) return false;
  int n = 0;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
      continue;
    }
    char c = s[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return false;
    }
    if (n % 2 == 0) {
      out[n / 2] = static_cast<uint8_t>(v << 4);
    } else {
      out[n / 2] |= static_cast<uint8_t>(v);
    }
    ++n;
  }
  return true;
}

void FormatUuid(const uint8_t id[16], char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) out[pos++] = '-';
    out[pos++] = kHex[id[i] >> 4];
    out[pos++] = kHex[id[i] & 0xf];
  }
}

const std::string kEmpty;
const MessageAttributes kNoAttributes;
const std::optional<Md5Digest> kNoDigest;

}  // namespace

struct MessagePayload::Extras {
  std::string message_id;  // when it is not a canonical UUID
  std::string sender_id;   // when it is not interned
  std::string group_id;
  std::string dedup_id;
  MessageAttributes attributes;
  MessageAttributes system_attributes;
  std::optional<Md5Digest> md5_attributes;
  std::optional<Md5Digest> md5_system_attributes;
};

static_assert(sizeof(MessagePayload) == 64, "the header is meant to be 64 bytes");

PayloadRef MessagePayload::Create(PayloadFields fields) {
  std::string body = std::move(fields.body);
  return Create(std::move(fields), body);
}

PayloadRef MessagePayload::Create(PayloadFields&& f, std::string_view body) {
  void* mem = ::operator new(sizeof(MessagePayload) + body.size());
  auto* p = new (mem) MessagePayload;
  p->body_size_ = static_cast<uint32_t>(body.size());
  if (!body.empty())
    std::memcpy(static_cast<char*>(mem) + sizeof(MessagePayload), body.data(), body.size());
  p->md5_body_ = f.md5_body;
  p->sent_ms_ = common::ToEpochMillis(f.sent);
  bool need_extras = false;
  p->id_is_uuid_ = ParseUuid(f.message_id, p->id_) ? 1 : 0;
  need_extras |= p->id_is_uuid_ == 0;
  p->sender_ = Senders().Intern(f.sender_id);
  need_extras |= p->sender_ == kSenderInExtras;
  need_extras |= !f.group_id.empty() || !f.dedup_id.empty() || !f.attributes.empty() ||
                 !f.system_attributes.empty() || f.md5_attributes.has_value() ||
                 f.md5_system_attributes.has_value();
  if (need_extras) {
    auto* x = new Extras;
    if (!p->id_is_uuid_) x->message_id = std::move(f.message_id);
    if (p->sender_ == kSenderInExtras) x->sender_id = std::move(f.sender_id);
    x->group_id = std::move(f.group_id);
    x->dedup_id = std::move(f.dedup_id);
    x->attributes = std::move(f.attributes);
    x->system_attributes = std::move(f.system_attributes);
    x->md5_attributes = f.md5_attributes;
    x->md5_system_attributes = f.md5_system_attributes;
    p->extras_ = x;
  }
  return PayloadRef(p);
}

MessagePayload::~MessagePayload() { delete extras_; }

void MessagePayload::Release(const MessagePayload* p) {
  if (p->refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  auto* q = const_cast<MessagePayload*>(p);
  q->~MessagePayload();
  // Unsized: clang does not enable sized deallocation by default.
  ::operator delete(static_cast<void*>(q));
}

std::string MessagePayload::message_id() const {
  std::array<char, 36> buf;
  return std::string(message_id(buf));
}

std::string_view MessagePayload::message_id(std::array<char, 36>& buf) const {
  if (!id_is_uuid_) return extras_->message_id;
  FormatUuid(id_, buf.data());
  return {buf.data(), buf.size()};
}

const std::string& MessagePayload::sender_id() const {
  return sender_ == kSenderInExtras ? extras_->sender_id : Senders().Get(sender_);
}

const std::string& MessagePayload::group_id() const { return extras_ ? extras_->group_id : kEmpty; }

const std::string& MessagePayload::dedup_id() const { return extras_ ? extras_->dedup_id : kEmpty; }

const MessageAttributes& MessagePayload::attributes() const {
  return extras_ ? extras_->attributes : kNoAttributes;
}

const MessageAttributes& MessagePayload::system_attributes() const {
  return extras_ ? extras_->system_attributes : kNoAttributes;
}

const std::optional<Md5Digest>& MessagePayload::md5_attributes() const {
  return extras_ ? extras_->md5_attributes : kNoDigest;
}

const std::optional<Md5Digest>& MessagePayload::md5_system_attributes() const {
  return extras_ ? extras_->md5_system_attributes : kNoDigest;
}

PayloadFields MessagePayload::ToFields() const {
  PayloadFields f;
  f.message_id = message_id();
  f.body = std::string(body());
  f.attributes = attributes();
  f.system_attributes = system_attributes();
  f.md5_body = md5_body_;
  f.md5_attributes = md5_attributes();
  f.md5_system_attributes = md5_system_attributes();
  f.sent = sent();
  f.sender_id = sender_id();
  f.group_id = group_id();
  f.dedup_id = dedup_id();
  return f;
}

PayloadRef MessagePayload::WithSent(PayloadRef p, int64_t sent_ms) {
  if (p->sent_ms_ == sent_ms) return p;
  if (p->refs_.load(std::memory_order_acquire) == 1) {
    const_cast<MessagePayload*>(p.get())->sent_ms_ = sent_ms;
    return p;
  }
  PayloadFields f = p->ToFields();
  f.sent = common::FromEpochMillis(sent_ms);
  return Create(std::move(f));
}

}  // namespace spool::engine
