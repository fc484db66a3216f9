#pragma once
// The AWS shared credentials file (~/.aws/credentials) and config file (~/.aws/config): INI
// text with one section per profile.
//
//   credentials file: [NAME]                    config file: [default], [profile NAME]
//   aws_access_key_id = AKIA...                 region = eu-west-1
//
// Rules, as botocore reads them: lines starting with '#' or ';' are comments; keys and section
// names are trimmed (runs of spaces inside a section name count as one); keys are compared in lower
// case; a line starting with whitespace continues a nested setting ("s3 =" blocks) and is skipped;
// a repeated section adds to the first.
//
// Threading: pure functions.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spool::client {

using IniSection = std::map<std::string, std::string>;           // lower-case key -> value
using IniFile = std::map<std::string, IniSection, std::less<>>;  // section name -> keys

IniFile ParseIni(std::string_view text);

// The file's sections; nullopt when it cannot be read.
std::optional<IniFile> ReadIniFile(const std::string& path);

// The section of `profile`: in a credentials file the section of that name; in a config file
// "[profile NAME]", or "[default]" for the default profile. nullptr when absent.
const IniSection* FindProfile(const IniFile& file, std::string_view profile, bool config_file);

}  // namespace spool::client
