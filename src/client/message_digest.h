#pragma once
// The digests SQS returns and the AWS SDKs check (reference sqs-api.md section 8):
// MD5OfMessageBody / MD5OfBody (lower-case hex MD5 of the body's bytes) and
// MD5OfMessageAttributes (names sorted; each name, data type and value as a 4-byte big-endian
// length and its bytes, a transport byte 1 for string values and 2 for binary ones).
//
// Threading: pure functions.

#include <optional>
#include <string>

#include "spool/result.h"
#include "spool/sqs_types.h"

namespace spool::client {

std::string MessageAttributesMd5(const MessageAttributes& attributes);

// kChecksum ("ChecksumMismatch") when a digest the server sent (or should have sent) differs:
// the body's always; the attributes' when `attributes` is not empty.
std::optional<Error> CheckSentDigests(const std::string& body, const MessageAttributes& attributes,
                                      const std::string& md5_of_body,
                                      const std::string& md5_of_attributes,
                                      const std::string& message_id);

// The same for a received message: MD5OfBody, and MD5OfMessageAttributes when attributes came.
std::optional<Error> CheckReceivedDigests(const Message& message);

}  // namespace spool::client
