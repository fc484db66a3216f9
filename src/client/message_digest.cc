#include "client/message_digest.h"

#include "common/crypto.h"
#include "common/encoding.h"

namespace spool::client {
namespace {

constexpr uint8_t kStringValue = 1;
constexpr uint8_t kBinaryValue = 2;

void LengthPrefixed(common::Md5Builder& md5, std::string_view bytes) {
  md5.UpdateU32BigEndian(static_cast<uint32_t>(bytes.size()));
  md5.Update(bytes);
}

Error Mismatch(const std::string& what, const std::string& message_id, const std::string& got,
               const std::string& expected) {
  return Error(
      ErrorKind::kChecksum, "ChecksumMismatch",
      what + " of message " + message_id + " is '" + got + "', expected '" + expected + "'");
}

}  // namespace

std::string MessageAttributesMd5(const MessageAttributes& attributes) {
  common::Md5Builder md5;
  for (const auto& [name, value] : attributes) {  // std::map: sorted by name's bytes
    LengthPrefixed(md5, name);
    LengthPrefixed(md5, value.data_type);
    const bool binary = value.data_type.starts_with("Binary");
    const char transport = static_cast<char>(binary ? kBinaryValue : kStringValue);
    md5.Update(std::string_view(&transport, 1));
    LengthPrefixed(md5, binary ? value.binary_value : value.string_value);
  }
  return common::ToHex(md5.Finish());
}

std::optional<Error> CheckSentDigests(const std::string& body, const MessageAttributes& attributes,
                                      const std::string& md5_of_body,
                                      const std::string& md5_of_attributes,
                                      const std::string& message_id) {
  std::string expected = common::Md5Hex(body);
  if (md5_of_body != expected) {
    return Mismatch("MD5OfMessageBody", message_id, md5_of_body, expected);
  }
  if (!attributes.empty()) {
    expected = MessageAttributesMd5(attributes);
    if (md5_of_attributes != expected) {
      return Mismatch("MD5OfMessageAttributes", message_id, md5_of_attributes, expected);
    }
  }
  return std::nullopt;
}

std::optional<Error> CheckReceivedDigests(const Message& m) {
  std::string expected = common::Md5Hex(m.body);
  if (m.md5_of_body != expected)
    return Mismatch("MD5OfBody", m.message_id, m.md5_of_body, expected);
  if (!m.message_attributes.empty()) {
    expected = MessageAttributesMd5(m.message_attributes);
    if (m.md5_of_message_attributes != expected) {
      return Mismatch("MD5OfMessageAttributes", m.message_id, m.md5_of_message_attributes,
                      expected);
    }
  }
  return std::nullopt;
}

}  // namespace spool::client
