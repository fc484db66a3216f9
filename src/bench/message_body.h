#pragma once
// The bodies `spool bench` sends: an ASCII header that identifies the run and the message, then
// filler up to the requested size.
//
//   "sb1 <run id: 16 hex> <sequence number: 16 hex> <send time: 16 hex ns> " + filler
//
// The run id keeps messages of an earlier run in the same queue apart from this run's; the send
// time (steady clock of the sending process) gives end-to-end latency when the same process
// receives the message.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spool::bench {

inline constexpr size_t kBodyHeaderSize = 55;

struct BodyHeader {
  uint64_t run_id = 0;
  uint64_t seq = 0;
  int64_t send_nanos = 0;
};

// Writes a body of exactly `size` bytes (size >= kBodyHeaderSize) into *out, replacing it.
void MakeBody(const BodyHeader& header, size_t size, std::string* out);

// The header of a body made by MakeBody; nullopt for anything else.
std::optional<BodyHeader> ParseBody(std::string_view body);

}  // namespace spool::bench
