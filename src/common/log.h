#pragma once
// Structured logging: one line per event, `key=value` pairs (logfmt), written with one write(2)
// so lines from several threads never interleave. Values with spaces or quotes are quoted.
// Never log secrets: callers pass only what may be read by anyone with the log.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace spool::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
// Parses "debug", "info", "warn", "error"; false for anything else.
bool ParseLogLevel(std::string_view text, LogLevel* out);

using LogField = std::pair<std::string_view, std::string>;

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

}  // namespace spool::common
