#include "storage/log_reader.h"

#include <algorithm>

namespace spool::storage {
namespace {

using format::FrameType;
using format::kFileHeaderSize;
using format::kFrameHeaderSize;
using format::kMaxRecordSize;

bool IsKnownType(uint8_t type) {
  return type == static_cast<uint8_t>(FrameType::kRecord) ||
         type == static_cast<uint8_t>(FrameType::kSnapshotEnd);
}

struct Frame {
  uint8_t type = 0;
  std::string_view payload;
  uint64_t size = 0;  // header + payload
};

enum class FrameError { kNone, kShortHeader, kTooLong, kIncomplete, kChecksum, kUnknownType };

const char* Describe(FrameError error) {
  switch (error) {
    case FrameError::kNone:
      return "";
    case FrameError::kShortHeader:
      return "incomplete frame header";
    case FrameError::kTooLong:
      return "frame length over the 64 MiB limit";
    case FrameError::kIncomplete:
      return "incomplete frame";
    case FrameError::kChecksum:
      return "checksum mismatch";
    case FrameError::kUnknownType:
      return "unknown frame type";
  }
  return "";
}

FrameError DecodeFrame(std::string_view contents, uint64_t pos, Frame* frame) {
  const uint64_t remaining = contents.size() - pos;
  if (remaining < kFrameHeaderSize) return FrameError::kShortHeader;
  const char* p = contents.data() + pos;
  const uint32_t length = format::GetFixed32(p);
  if (length > kMaxRecordSize) return FrameError::kTooLong;
  if (length > remaining - kFrameHeaderSize) return FrameError::kIncomplete;
  const auto type = static_cast<uint8_t>(p[8]);
  const std::string_view payload(p + kFrameHeaderSize, length);
  if (format::GetFixed32(p + 4) != format::FrameCrc(type, payload)) return FrameError::kChecksum;
  if (!IsKnownType(type)) return FrameError::kUnknownType;
  frame->type = type;
  frame->payload = payload;
  frame->size = kFrameHeaderSize + length;
  return FrameError::kNone;
}

bool LooksLikeFrame(std::string_view contents, uint64_t pos) {
  // Cheap tests first: most offsets fail on the type byte or the length.
  if (contents.size() - pos < kFrameHeaderSize) return false;
  const char* p = contents.data() + pos;
  if (!IsKnownType(static_cast<uint8_t>(p[8]))) return false;
  const uint32_t length = format::GetFixed32(p);
  if (length > kMaxRecordSize || length > contents.size() - pos - kFrameHeaderSize) return false;
  return format::GetFixed32(p + 4) ==
         format::FrameCrc(static_cast<uint8_t>(p[8]),
                          std::string_view(p + kFrameHeaderSize, length));
}

}  // namespace

std::optional<uint64_t> FindValidFrame(std::string_view contents, uint64_t from) {
  for (uint64_t pos = from; pos + kFrameHeaderSize <= contents.size(); ++pos) {
    if (LooksLikeFrame(contents, pos)) return pos;
  }
  return std::nullopt;
}

ParsedFile ParseLogFile(std::string_view contents, const ParseProgress& progress) {
  ParsedFile out;
  // Stops at `pos`: torn when nothing valid follows, corrupt otherwise.
  auto stop = [&](uint64_t pos, std::string problem) {
    out.valid_bytes = pos;
    out.problem = std::move(problem);
    out.outcome =
        FindValidFrame(contents, pos + 1) ? ParseOutcome::kCorrupt : ParseOutcome::kTornTail;
    return out;
  };
  // A frame that is intact but must not be where it is: never a torn write.
  auto misplaced = [&](uint64_t pos, std::string problem) {
    out.valid_bytes = pos;
    out.problem = std::move(problem);
    out.outcome = ParseOutcome::kCorrupt;
    return out;
  };

  switch (format::DecodeFileHeader(contents, &out.header)) {
    case format::HeaderStatus::kOk:
      out.has_header = true;
      break;
    case format::HeaderStatus::kUnsupported:
      out.outcome = ParseOutcome::kUnsupported;
      out.problem = "format version " + std::to_string(out.header.version) + ", file kind " +
                    std::to_string(static_cast<int>(out.header.kind)) +
                    " (written by a newer version of Spool?)";
      return out;
    case format::HeaderStatus::kDamaged:
      return stop(
          0, contents.size() < kFileHeaderSize ? "incomplete file header" : "damaged file header");
  }

  const bool snapshot = out.header.kind == format::FileKind::kSnapshot;
  uint64_t pos = kFileHeaderSize;
  uint64_t reported = 0;
  while (pos < contents.size()) {
    if (progress && pos - reported >= kParseProgressBytes) {
      progress(pos);
      reported = pos;
    }
    if (out.snapshot_end) return misplaced(pos, "data after the snapshot end marker");
    Frame frame;
    if (const FrameError error = DecodeFrame(contents, pos, &frame); error != FrameError::kNone) {
      // An intact frame of unknown type is not a torn write.
      if (error == FrameError::kUnknownType) return misplaced(pos, Describe(error));
      return stop(pos, Describe(error));
    }
    if (frame.type == static_cast<uint8_t>(FrameType::kSnapshotEnd)) {
      if (!snapshot) return misplaced(pos, "snapshot end marker in a segment");
      if (frame.payload.size() != format::kSnapshotEndPayloadSize ||
          format::GetFixed64(frame.payload.data()) != out.records.size()) {
        return misplaced(pos, "snapshot end marker with a wrong record count");
      }
      out.snapshot_end = true;
    } else {
      out.records.push_back(frame.payload);
    }
    pos += frame.size;
  }
  out.valid_bytes = pos;
  return out;
}

SalvagedFile SalvageLogFile(std::string_view contents) {
  SalvagedFile out;
  uint64_t pos = 0;
  switch (format::DecodeFileHeader(contents, &out.header)) {
    case format::HeaderStatus::kOk:
      out.has_header = true;
      pos = kFileHeaderSize;
      break;
    case format::HeaderStatus::kUnsupported:
      out.unsupported = true;
      return out;
    case format::HeaderStatus::kDamaged:
      break;  // scan for frames from the start
  }
  auto drop = [&](uint64_t from, uint64_t to, const char* reason) {
    if (!out.dropped.empty() && out.dropped.back().offset + out.dropped.back().length == from) {
      out.dropped.back().length += to - from;  // one range per damaged stretch
      return;
    }
    out.dropped.push_back({from, to - from, reason});
  };
  if (!out.has_header) {
    const uint64_t end = std::min<uint64_t>(contents.size(), kFileHeaderSize);
    if (end > 0) drop(0, end, "damaged file header");
    pos = end;
  }
  while (pos < contents.size()) {
    Frame frame;
    if (const FrameError error = DecodeFrame(contents, pos, &frame); error != FrameError::kNone) {
      const uint64_t next = FindValidFrame(contents, pos + 1).value_or(contents.size());
      drop(pos, next, Describe(error));
      pos = next;
      continue;
    }
    if (frame.type == static_cast<uint8_t>(FrameType::kSnapshotEnd)) {
      out.snapshot_end = true;
    } else {
      out.records.push_back(frame.payload);
    }
    out.frame_bytes += frame.size;
    pos += frame.size;
  }
  return out;
}

}  // namespace spool::storage
