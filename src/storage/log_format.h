#pragma once
// The on-disk format of the log, shared by the writer, the reader and repair. The prose
// specification, with the version procedure, is docs/storage-format.md; keep the two in step.
//
// A file (segment or snapshot) is a 32-byte header followed by frames:
//
//   header: magic "SPOOLLOG" | version u16 | kind u8 | 0 u8 | 0 u32 | sequence u64 | 0 u32 |
//           masked CRC32C of the 28 bytes before it (u32)
//   frame:  length u32 | masked CRC32C of type and payload (u32) | type u8 | payload
//
// All integers are little endian. `length` counts payload bytes only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spool::storage::format {

inline constexpr std::string_view kMagic = "SPOOLLOG";
// The version this code writes and the only one it reads. See docs/storage-format.md before
// changing anything below.
inline constexpr uint16_t kVersion = 1;

// The header layout is frozen across versions (magic, version and CRC never move), so a reader
// can always tell "written by a newer version" from "damaged".
inline constexpr size_t kFileHeaderSize = 32;
inline constexpr size_t kHeaderCrcOffset = 28;

enum class FileKind : uint8_t {
  kSegment = 1,   // wal-<sequence>.log: records appended by the committer
  kSnapshot = 2,  // snapshot-<sequence>.snap: the state as of the start of segment <sequence>
};

enum class FrameType : uint8_t {
  // 0 is never written: a zero-filled stretch must not look like a frame.
  kRecord = 1,       // one opaque record
  kSnapshotEnd = 2,  // last frame of a complete snapshot; payload: record count (u64)
};

inline constexpr size_t kFrameHeaderSize = 4 + 4 + 1;
inline constexpr uint32_t kMaxRecordSize = 64u << 20;
inline constexpr size_t kSnapshotEndPayloadSize = 8;

struct FileHeader {
  uint16_t version = kVersion;
  FileKind kind = FileKind::kSegment;
  uint64_t sequence = 0;
};

enum class HeaderStatus {
  kOk,
  kDamaged,      // too short, wrong magic, bad CRC or nonzero reserved bytes
  kUnsupported,  // intact, but a version or file kind this code does not know
};

void AppendFileHeader(const FileHeader& header, std::string* out);
HeaderStatus DecodeFileHeader(std::string_view bytes, FileHeader* header);

void AppendFrame(FrameType type, std::string_view payload, std::string* out);
// The masked CRC stored in a frame of `type` carrying `payload`.
uint32_t FrameCrc(uint8_t type, std::string_view payload);

// File names: "wal-%016llx.log" and "snapshot-%016llx.snap" (lowercase hex).
std::string SegmentFileName(uint64_t sequence);
std::string SnapshotFileName(uint64_t sequence);
// Recognizes exactly the two forms above; false for anything else (LOCK, *.tmp, strangers).
bool ParseFileName(std::string_view name, FileKind* kind, uint64_t* sequence);

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}
inline uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t GetFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace spool::storage::format
