#include "auth/authorization.h"

#include <array>
#include <charconv>

#include "auth/canonical.h"

namespace spool::auth {
namespace {

constexpr size_t kEchoLimit = 256;  // how much of a malformed value a message repeats

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// A bounded, printable echo of untrusted text for an error message.
std::string Echo(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kEchoLimit)) {
    out.push_back(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f ? c : '?');
  }
  if (text.size() > kEchoLimit) out += "...";
  return out;
}

AuthError Incomplete(std::string message) {
  return AuthError{AuthErrc::kIncompleteSignature, std::move(message)};
}

// A header name as SignedHeaders lists it: RFC 7230 token characters, no upper case needed.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool ValidSignedHeaders(std::string_view list) {
  if (list.empty()) return false;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t semi = list.find(';', pos);
    if (semi == std::string_view::npos) semi = list.size();
    const std::string_view name = list.substr(pos, semi - pos);
    if (name.empty()) return false;
    for (char c : name) {
      if (!IsTokenChar(c)) return false;
    }
    pos = semi + 1;
  }
  return true;
}

}  // namespace

std::optional<AuthError> ParseCredential(std::string_view credential, CredentialScopeParts* out) {
  std::array<std::string_view, 5> parts;
  size_t count = 0;
  size_t pos = 0;
  bool ok = true;
  while (pos <= credential.size()) {
    size_t slash = credential.find('/', pos);
    if (slash == std::string_view::npos) slash = credential.size();
    if (count == parts.size()) {
      ok = false;
      break;
    }
    parts[count++] = credential.substr(pos, slash - pos);
    pos = slash + 1;
  }
  if (ok && count == parts.size()) {
    for (std::string_view p : parts) ok = ok && !p.empty();
  }
  if (!ok || count != parts.size()) {
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        Echo(credential) + "'");
  }
  out->access_key_id = std::string(parts[0]);
  out->date = std::string(parts[1]);
  out->region = std::string(parts[2]);
  out->service = std::string(parts[3]);
  out->terminator = std::string(parts[4]);
  return std::nullopt;
}

std::optional<AuthError> ParseAuthorizationHeader(std::string_view value, SignatureFields* out) {
  const std::string_view whole = Trim(value);
  const size_t space = whole.find_first_of(" \t");
  const std::string_view algorithm = whole.substr(0, space);
  if (algorithm != kAlgorithm) {
    return Incomplete("Unsupported AWS 'algorithm': '" + Echo(algorithm) +
                      "'. Sign requests with AWS4-HMAC-SHA256 (Signature Version 4).");
  }
  std::string_view rest = space == std::string_view::npos ? "" : whole.substr(space + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view piece = Trim(rest.substr(0, comma));
    if (!piece.empty()) {
      const size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        return Incomplete("Authorization header component '" + Echo(piece) +
                          "' is not of the form Key=Value. Authorization=" + Echo(whole));
      }
      const std::string_view key = piece.substr(0, eq);
      const std::string_view val = piece.substr(eq + 1);
      std::optional<std::string_view>* slot = nullptr;
      if (key == "Credential") {
        slot = &credential;
      } else if (key == "SignedHeaders") {
        slot = &signed_headers;
      } else if (key == "Signature") {
        slot = &signature;
      } else {
        return Incomplete("Authorization header has an unknown component '" + Echo(key) +
                          "'. Authorization=" + Echo(whole));
      }
      if (slot->has_value()) {
        return Incomplete("Authorization header has more than one '" + std::string(key) +
                          "' component. Authorization=" + Echo(whole));
      }
      *slot = val;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) return Incomplete(missing + "Authorization=" + Echo(whole));
  if (!ValidSignedHeaders(*signed_headers)) {
    return Incomplete("SignedHeaders must be a ';'-separated list of header names, got '" +
                      Echo(*signed_headers) + "'");
  }
  if (auto error = ParseCredential(*credential, &out->credential)) return error;
  out->presigned = false;
  out->algorithm = std::string(algorithm);
  out->signed_headers = std::string(*signed_headers);
  out->signature = std::string(*signature);
  out->amz_date.clear();
  out->expires_seconds.reset();
  out->security_token.clear();
  return std::nullopt;
}

bool HasPresignedParameters(std::string_view raw_query) {
  bool found = false;
  ForEachQueryParam(raw_query, [&](const std::string& name, std::string_view) {
    found = name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Signature";
    return !found;
  });
  return found;
}

std::optional<AuthError> ParsePresignedQuery(std::string_view raw_query, SignatureFields* out) {
  struct Slot {
    std::string_view name;
    std::optional<std::string> value;
  };
  std::array<Slot, 7> slots = {{{"X-Amz-Algorithm", {}},
                                {"X-Amz-Credential", {}},
                                {"X-Amz-Date", {}},
                                {"X-Amz-Expires", {}},
                                {"X-Amz-SignedHeaders", {}},
                                {"X-Amz-Signature", {}},
                                {"X-Amz-Security-Token", {}}}};
  std::optional<AuthError> error;
  ForEachQueryParam(raw_query, [&](const std::string& name, std::string_view raw_value) {
    for (Slot& slot : slots) {
      if (name != slot.name) continue;
      if (slot.value) {
        error = Incomplete("The query string has more than one '" + name + "' parameter.");
        return false;
      }
      slot.value = PercentDecode(raw_value);
    }
    return true;
  });
  if (error) return error;
  auto& [algorithm, credential, date, expires, signed_headers, signature, token] = slots;
  if (!algorithm.value || !credential.value || !date.value || !signed_headers.value ||
      !signature.value) {
    return Incomplete(
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
        "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string "
        "parameters.");
  }
  if (*algorithm.value != kAlgorithm) {
    return Incomplete("X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256', got '" +
                      Echo(*algorithm.value) + "'");
  }
  if (!ValidSignedHeaders(*signed_headers.value)) {
    return Incomplete("X-Amz-SignedHeaders must be a ';'-separated list of header names, got '" +
                      Echo(*signed_headers.value) + "'");
  }
  out->expires_seconds.reset();
  if (expires.value) {
    const std::string& text = *expires.value;
    int64_t seconds = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return Incomplete("X-Amz-Expires should be a number, got '" + Echo(text) + "'");
    }
    if (seconds < 0) return Incomplete("X-Amz-Expires must be non-negative");
    out->expires_seconds = seconds;
  }
  if (auto parse_error = ParseCredential(*credential.value, &out->credential)) return parse_error;
  out->presigned = true;
  out->algorithm = std::move(*algorithm.value);
  out->amz_date = std::move(*date.value);
  out->signed_headers = std::move(*signed_headers.value);
  out->signature = std::move(*signature.value);
  out->security_token = token.value ? std::move(*token.value) : std::string();
  return std::nullopt;
}

}  // namespace spool::auth
