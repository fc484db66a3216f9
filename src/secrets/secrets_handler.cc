#include "secrets/secrets_handler.h"

#include <array>
#include <utility>

#include "secrets/secret_rules.h"
#include "secrets/secrets_params.h"

namespace spool::secrets {
namespace {

namespace json = boost::json;
using internal::ActionFn;
using internal::Failure;

constexpr std::array<std::pair<std::string_view, ActionFn>, 10> kActions = {{
    {"CreateSecret", &internal::CreateSecret},
    {"GetSecretValue", &internal::GetSecretValue},
    {"PutSecretValue", &internal::PutSecretValue},
    {"UpdateSecret", &internal::UpdateSecret},
    {"DescribeSecret", &internal::DescribeSecret},
    {"ListSecrets", &internal::ListSecrets},
    {"DeleteSecret", &internal::DeleteSecret},
    {"RestoreSecret", &internal::RestoreSecret},
    {"TagResource", &internal::TagResource},
    {"UntagResource", &internal::UntagResource},
}};

ActionFn Find(std::string_view action) {
  for (const auto& [name, fn] : kActions) {
    if (name == action) return fn;
  }
  return nullptr;
}

}  // namespace

std::string_view ErrorType(Errc code) {
  switch (code) {
    case Errc::kNotFound:
      return "ResourceNotFoundException";
    case Errc::kAlreadyExists:
      return "ResourceExistsException";
    case Errc::kMarkedForDeletion:
      return "InvalidRequestException";
    case Errc::kInvalidParameter:
      return "InvalidParameterException";
    case Errc::kInvalidInput:
      return "ValidationException";
    case Errc::kInvalidNextToken:
      return "InvalidNextTokenException";
    case Errc::kStorageFailure:
      break;
  }
  return "InternalServiceError";
}

Answer Handler::Handle(std::string_view action, std::string_view body,
                       const Authorize& authorize) const {
  Answer answer;
  json::object out;
  try {
    ActionFn fn = Find(action);
    if (fn == nullptr) {
      internal::Throw(
          "UnknownOperationException",
          "Spool's Secrets Manager API does not implement " + Printable(action, 128) + ".");
    }
    json::object request;
    if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      boost::system::error_code ec;
      json::value v = json::parse(body, ec);
      if (ec || !v.is_object()) {
        internal::Throw("SerializationException", "The request body is not a JSON object.");
      }
      request = std::move(v.get_object());
    }
    internal::ActionContext ctx;
    ctx.store = store_;
    ctx.action = std::string(action);
    ctx.authorize = &authorize;
    out = fn(ctx, internal::Params(request));
  } catch (const Failure& f) {
    answer.status = f.status;
    out = {{"__type", f.type}, {"Message", f.message}};
  }
  answer.body = json::serialize(out);
  return answer;
}

}  // namespace spool::secrets
