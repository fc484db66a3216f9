#include "client/aws_config_file.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace spool::client {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "profile   x" -> "profile x" (botocore splits a section name at whitespace).
std::string CollapseSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool space = std::isspace(static_cast<unsigned char>(c));
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

}  // namespace

IniFile ParseIni(std::string_view text) {
  IniFile file;
  IniSection* section = nullptr;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) {
      continue;  // a nested setting's continuation line
    }
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        section = nullptr;
        continue;
      }
      section = &file[CollapseSpaces(Trim(line.substr(1, close - 1)))];
      continue;
    }
    size_t eq = line.find('=');
    if (section == nullptr || eq == std::string_view::npos) continue;
    std::string key = Lower(Trim(line.substr(0, eq)));
    if (key.empty()) continue;
    section->emplace(std::move(key), std::string(Trim(line.substr(eq + 1))));
  }
  return file;
}

std::optional<IniFile> ReadIniFile(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return ParseIni(text.str());
}

const IniSection* FindProfile(const IniFile& file, std::string_view profile, bool config_file) {
  auto find = [&](std::string_view name) -> const IniSection* {
    auto it = file.find(name);
    return it == file.end() ? nullptr : &it->second;
  };
  if (!config_file) return find(profile);
  if (const IniSection* s = find("profile " + std::string(profile))) return s;
  return profile == "default" ? find("default") : nullptr;
}

}  // namespace spool::client
