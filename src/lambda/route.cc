#include "lambda/route.h"

#include <vector>

namespace spool::lambda {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; `plus` also turns '+' into ' ' (query strings).
std::string Decode(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else if (plus && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(Decode(path.substr(pos, end - pos), false));
    pos = end;
  }
  return out;
}

}  // namespace

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kCreateFunction:
      return "CreateFunction";
    case Action::kListFunctions:
      return "ListFunctions";
    case Action::kGetFunction:
      return "GetFunction";
    case Action::kDeleteFunction:
      return "DeleteFunction";
    case Action::kGetFunctionConfiguration:
      return "GetFunctionConfiguration";
    case Action::kUpdateFunctionConfiguration:
      return "UpdateFunctionConfiguration";
    case Action::kUpdateFunctionCode:
      return "UpdateFunctionCode";
    case Action::kGetFunctionCode:
      return "GetFunctionCode";
    case Action::kInvoke:
      return "Invoke";
    case Action::kPutFunctionConcurrency:
      return "PutFunctionConcurrency";
    case Action::kGetFunctionConcurrency:
      return "GetFunctionConcurrency";
    case Action::kDeleteFunctionConcurrency:
      return "DeleteFunctionConcurrency";
    case Action::kCreateEventSourceMapping:
      return "CreateEventSourceMapping";
    case Action::kListEventSourceMappings:
      return "ListEventSourceMappings";
    case Action::kGetEventSourceMapping:
      return "GetEventSourceMapping";
    case Action::kUpdateEventSourceMapping:
      return "UpdateEventSourceMapping";
    case Action::kDeleteEventSourceMapping:
      break;
  }
  return "DeleteEventSourceMapping";
}

std::string IamActionOf(Action action) {
  if (action == Action::kInvoke) return "lambda:InvokeFunction";
  if (action == Action::kGetFunctionCode) return "lambda:GetFunction";
  return "lambda:" + std::string(ActionName(action));
}

std::optional<Route> ParseRoute(std::string_view method, std::string_view path,
                                std::string_view query) {
  Route r;
  for (size_t pos = 0; pos < query.size();) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(pos, end - pos);
    size_t eq = pair.find('=');
    if (!pair.empty()) {
      r.query[Decode(pair.substr(0, eq), true)] =
          eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1), true);
    }
    pos = end + 1;
  }
  std::vector<std::string> s = Segments(path);
  if (s.size() < 2) return std::nullopt;
  const std::string& version = s[0];
  auto set = [&](Action a) {
    r.action = a;
    return r;
  };
  if (s[1] == "functions") {
    if (s.size() == 2) {
      if (version != "2015-03-31") return std::nullopt;
      if (method == "POST") return set(Action::kCreateFunction);
      if (method == "GET") return set(Action::kListFunctions);
      return std::nullopt;
    }
    r.function = s[2];
    if (s.size() == 3 && version == "2015-03-31") {
      if (method == "GET") return set(Action::kGetFunction);
      if (method == "DELETE") return set(Action::kDeleteFunction);
      return std::nullopt;
    }
    if (s.size() != 4) return std::nullopt;
    const std::string& leaf = s[3];
    if (version == "2015-03-31") {
      if (leaf == "configuration" && method == "GET") return set(Action::kGetFunctionConfiguration);
      if (leaf == "configuration" && method == "PUT") {
        return set(Action::kUpdateFunctionConfiguration);
      }
      if (leaf == "code" && method == "PUT") return set(Action::kUpdateFunctionCode);
      if (leaf == "spool-code" && method == "GET") return set(Action::kGetFunctionCode);
      if (leaf == "invocations" && method == "POST") return set(Action::kInvoke);
    } else if (leaf == "concurrency") {
      if (version == "2017-10-31" && method == "PUT") return set(Action::kPutFunctionConcurrency);
      if (version == "2017-10-31" && method == "DELETE") {
        return set(Action::kDeleteFunctionConcurrency);
      }
      if (version == "2019-09-30" && method == "GET") return set(Action::kGetFunctionConcurrency);
    }
    return std::nullopt;
  }
  if (s[1] == "event-source-mappings" && version == "2015-03-31") {
    if (s.size() == 2) {
      if (method == "POST") return set(Action::kCreateEventSourceMapping);
      if (method == "GET") return set(Action::kListEventSourceMappings);
      return std::nullopt;
    }
    if (s.size() != 3) return std::nullopt;
    r.uuid = s[2];
    if (method == "GET") return set(Action::kGetEventSourceMapping);
    if (method == "PUT") return set(Action::kUpdateEventSourceMapping);
    if (method == "DELETE") return set(Action::kDeleteEventSourceMapping);
  }
  return std::nullopt;
}

}  // namespace spool::lambda
