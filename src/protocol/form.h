#pragma once
// application/x-www-form-urlencoded decoding (also used for URL query strings).
// Pairs split on '&', then on the first '='; '+' is a space; %XX escapes decoded. An empty
// piece between '&'s is skipped; a piece without '=' is a key with an empty value.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spool::protocol {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Appends the decoded pairs of `text` to *out. Returns false (out partly filled) on a malformed
// percent escape.
bool ParseForm(std::string_view text, FormParams* out);

// RFC 3986 percent-encoding (unreserved A-Za-z0-9-_.~ kept; everything else %XX upper case).
std::string PercentEncode(std::string_view text);

}  // namespace spool::protocol
