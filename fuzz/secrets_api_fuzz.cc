// Fuzz target: Secrets Manager requests (secrets/secrets_handler.h), as the API receives them:
// the action from X-Amz-Target and the JSON body. One input is a sequence of requests separated
// by a line "%%", each "ACTION\nBODY", run in order against a fresh in-memory store, so that
// inputs reach the states (versions, labels, scheduled deletions, pages) later requests act on.
//
// Properties: nothing crashes; every answer is a JSON object with status 200 or 400 (an
// in-memory store cannot fail to store); an error has a __type and a Message; a denying
// authoriser makes every action but an unknown one answer AccessDeniedException, and changes
// nothing (ListSecrets afterwards answers as before).

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/fake_clock.h"
#include "secrets/secrets_handler.h"

namespace {

namespace json = boost::json;
namespace secrets = spool::secrets;

inline void Require(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr size_t kMaxRequests = 16;

json::object Check(const secrets::Answer& a) {
  Require(a.status == 200 || a.status == 400);
  boost::system::error_code ec;
  json::value v = json::parse(a.body, ec);
  Require(!ec && v.is_object());
  json::object o = v.get_object();
  if (a.status != 200) {
    Require(o.contains("__type") && o["__type"].is_string());
    Require(o.contains("Message") && o["Message"].is_string());
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  spool::common::FakeClock clock;
  std::string error;
  auto store = secrets::SecretStore::Open(secrets::StoreOptions{}, &clock, &error);
  Require(store != nullptr);
  secrets::Handler handler(store.get());
  const secrets::Authorize allow;
  const secrets::Authorize deny = [](const std::string&, const std::string&) {
    return std::optional<std::string>("denied");
  };
  for (size_t n = 0; n < kMaxRequests && !input.empty(); ++n) {
    size_t end = input.find("\n%%\n");
    std::string_view request = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 4);
    size_t nl = request.find('\n');
    std::string_view action = request.substr(0, nl);
    std::string_view body = nl == std::string_view::npos ? "" : request.substr(nl + 1);

    std::string before =
        handler.Handle("ListSecrets", R"({"IncludePlannedDeletion":true})", allow).body;
    json::object denied = Check(handler.Handle(action, body, deny));
    std::string type = denied.contains("__type") && denied["__type"].is_string()
                           ? std::string(denied["__type"].get_string())
                           : "";
    // Refused for its form (serialization, validation) or denied; never carried out.
    Require(type != "" && type != "InternalServiceError");
    Require(handler.Handle("ListSecrets", R"({"IncludePlannedDeletion":true})", allow).body ==
            before);

    Check(handler.Handle(action, body, allow));
    clock.Advance(std::chrono::hours(24 * 3));  // recovery windows pass over a few requests
  }
  return 0;
}
