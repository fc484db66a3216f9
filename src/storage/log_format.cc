#include "storage/log_format.h"

#include <cstdio>

#include "storage/crc32c.h"

namespace spool::storage::format {
namespace {

constexpr size_t kVersionOffset = 8;
constexpr size_t kKindOffset = 10;
constexpr size_t kSequenceOffset = 16;

bool IsKnownKind(uint8_t kind) {
  return kind == static_cast<uint8_t>(FileKind::kSegment) ||
         kind == static_cast<uint8_t>(FileKind::kSnapshot);
}

bool ParseHex16(std::string_view digits, uint64_t* value) {
  if (digits.size() != 16) return false;
  uint64_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *value = v;
  return true;
}

bool ParseWithAffixes(std::string_view name, std::string_view prefix, std::string_view suffix,
                      uint64_t* sequence) {
  if (name.size() != prefix.size() + 16 + suffix.size()) return false;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return false;
  return ParseHex16(name.substr(prefix.size(), 16), sequence);
}

std::string NameWithSequence(const char* prefix, uint64_t sequence, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%016llx%s", prefix, static_cast<unsigned long long>(sequence),
                suffix);
  return buf;
}

}  // namespace

void AppendFileHeader(const FileHeader& header, std::string* out) {
  const size_t start = out->size();
  out->append(kMagic);
  out->push_back(static_cast<char>(header.version & 0xff));
  out->push_back(static_cast<char>(header.version >> 8));
  out->push_back(static_cast<char>(header.kind));
  out->push_back('\0');
  PutFixed32(out, 0);
  PutFixed64(out, header.sequence);
  PutFixed32(out, 0);
  PutFixed32(out, crc32c::Mask(crc32c::Value(out->data() + start, kHeaderCrcOffset)));
}

HeaderStatus DecodeFileHeader(std::string_view bytes, FileHeader* header) {
  if (bytes.size() < kFileHeaderSize) return HeaderStatus::kDamaged;
  const char* p = bytes.data();
  if (bytes.substr(0, kMagic.size()) != kMagic) return HeaderStatus::kDamaged;
  const uint32_t stored = crc32c::Unmask(GetFixed32(p + kHeaderCrcOffset));
  if (stored != crc32c::Value(p, kHeaderCrcOffset)) return HeaderStatus::kDamaged;
  header->version = static_cast<uint16_t>(static_cast<uint8_t>(p[kVersionOffset]) |
                                          (static_cast<uint8_t>(p[kVersionOffset + 1]) << 8));
  const auto kind = static_cast<uint8_t>(p[kKindOffset]);
  header->kind = static_cast<FileKind>(kind);
  header->sequence = GetFixed64(p + kSequenceOffset);
  if (header->version != kVersion || !IsKnownKind(kind)) return HeaderStatus::kUnsupported;
  if (p[11] != 0 || GetFixed32(p + 12) != 0 || GetFixed32(p + 24) != 0) {
    return HeaderStatus::kDamaged;
  }
  return HeaderStatus::kOk;
}

uint32_t FrameCrc(uint8_t type, std::string_view payload) {
  const char t = static_cast<char>(type);
  return crc32c::Mask(crc32c::Extend(crc32c::Value(&t, 1), payload.data(), payload.size()));
}

void AppendFrame(FrameType type, std::string_view payload, std::string* out) {
  PutFixed32(out, static_cast<uint32_t>(payload.size()));
  PutFixed32(out, FrameCrc(static_cast<uint8_t>(type), payload));
  out->push_back(static_cast<char>(type));
  out->append(payload);
}

std::string SegmentFileName(uint64_t sequence) {
  return NameWithSequence("wal-", sequence, ".log");
}

std::string SnapshotFileName(uint64_t sequence) {
  return NameWithSequence("snapshot-", sequence, ".snap");
}

bool ParseFileName(std::string_view name, FileKind* kind, uint64_t* sequence) {
  if (ParseWithAffixes(name, "wal-", ".log", sequence)) {
    *kind = FileKind::kSegment;
    return true;
  }
  if (ParseWithAffixes(name, "snapshot-", ".snap", sequence)) {
    *kind = FileKind::kSnapshot;
    return true;
  }
  return false;
}

}  // namespace spool::storage::format
