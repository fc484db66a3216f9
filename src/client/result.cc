#include "spool/result.h"

namespace spool {

std::string_view ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kService:
      return "service";
    case ErrorKind::kNetwork:
      return "network";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kCredentials:
      return "credentials";
    case ErrorKind::kInvalidArgument:
      return "invalid argument";
    case ErrorKind::kChecksum:
      return "checksum";
    case ErrorKind::kResponse:
      return "response";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string out = code_.empty() ? std::string(spool::ToString(kind_)) : code_;
  if (!message_.empty()) out += ": " + message_;
  std::string details;
  auto add = [&](const std::string& part) { details += (details.empty() ? "" : ", ") + part; };
  if (http_status_ != 0) add("HTTP " + std::to_string(http_status_));
  if (!request_id_.empty()) add("request id " + request_id_);
  if (attempts_ > 1) add("after " + std::to_string(attempts_) + " attempts");
  if (!details.empty()) out += " (" + details + ")";
  return out;
}

}  // namespace spool
