// CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
// UpdateFunctionConfiguration, UpdateFunctionCode, DeleteFunction and the function concurrency
// actions.

#include <boost/json.hpp>

#include <charconv>
#include <filesystem>

#include "common/encoding.h"
#include "common/file_util.h"
#include "lambda/actions.h"

namespace spool::lambda {
namespace {

using workers::FunctionConfig;

constexpr std::string_view kRuntimes =
    "nodejs, python, provided, exec, nodejs18.x, nodejs20.x, nodejs22.x, python3.9, "
    "python3.10, python3.11, python3.12, python3.13, provided.al2, provided.al2023";

// Lambda's limit on a package uploaded in the request (ZipFile).
constexpr size_t kMaxZipBytes = 52'428'800;

bool ApplyPackage(const Services& s, Exchange& ex, std::string_view base64, FunctionConfig* f) {
  if (s.code_store == nullptr) {
    ex.Fail(LambdaErrc::kInvalidParameterValue,
            "This server keeps no deployment packages: give Code.SpoolCodeDirectory.");
    return false;
  }
  auto zip = common::Base64Decode(base64);
  if (!zip) {
    ex.Fail(LambdaErrc::kInvalidRequestContent,
            "Could not parse request body into json: ZipFile is not base64.");
    return false;
  }
  if (zip->size() > kMaxZipBytes) {
    ex.Fail(LambdaErrc::kRequestTooLarge,
            "Zipped size must be smaller than " + std::to_string(kMaxZipBytes) + " bytes");
    return false;
  }
  bool bad_archive = false;
  std::string error;
  auto package = s.code_store->Install(f->name, *zip, &bad_archive, &error);
  if (!package) {
    if (!bad_archive) {
      ex.Fail(LambdaErrc::kService, "Could not store the deployment package: " + error);
    } else if (error.starts_with("Unzipped size")) {
      ex.Fail(LambdaErrc::kInvalidParameterValue, error);
    } else {
      ex.Fail(LambdaErrc::kInvalidParameterValue,
              "Could not unzip uploaded file. Please check your file, then try to upload again. "
              "(" +
                  error + ")");
    }
    return false;
  }
  f->code_dir = package->code_dir;
  f->code_archive = package->archive;
  f->code_sha256 = package->sha256;
  f->code_size = package->size;
  return true;
}

// The code of a Code object (CreateFunction) or of UpdateFunctionCode's body, applied to `f`:
// a deployment package (ZipFile), unpacked into the code store, or a directory on the server
// host (SpoolCodeDirectory). Answers the error and returns false when there is none Spool can
// use.
bool ApplyCode(const Services& s, Exchange& ex, Body& code, FunctionConfig* f) {
  auto zip = code.String("ZipFile");
  auto spool_dir = code.String("SpoolCodeDirectory");
  if (!code.error().empty()) {
    ex.Fail(LambdaErrc::kInvalidRequestContent, code.error());
    return false;
  }
  if (zip && spool_dir) {
    ex.Fail(LambdaErrc::kInvalidParameterValue,
            "Give the code either as ZipFile or as SpoolCodeDirectory, not both.");
    return false;
  }
  if (zip) return ApplyPackage(s, ex, *zip, f);
  if (!spool_dir) {
    ex.Fail(LambdaErrc::kInvalidParameterValue,
            "Please provide a source for function code: ZipFile, or SpoolCodeDirectory (a "
            "directory on the server host). S3 and container image code are not supported.");
    return false;
  }
  std::error_code ec;
  if (spool_dir->empty() || spool_dir->front() != '/' ||
      !std::filesystem::is_directory(*spool_dir, ec)) {
    ex.Fail(LambdaErrc::kInvalidParameterValue,
            "SpoolCodeDirectory must be an absolute path of a directory on the server host: '" +
                *spool_dir + "' is not one.");
    return false;
  }
  f->code_dir = *spool_dir;
  f->code_archive.clear();
  f->code_sha256.clear();
  f->code_size = 0;
  return true;
}

// The members CreateFunction and UpdateFunctionConfiguration share, applied to `f`. Answers
// the error and returns false when one is wrong.
bool ApplyConfiguration(Exchange& ex, Body& body, FunctionConfig* f) {
  if (auto runtime = body.String("Runtime")) {
    auto parsed = workers::ParseRuntime(*runtime);
    if (!parsed) {
      ex.Fail(LambdaErrc::kInvalidParameterValue,
              "Value '" + *runtime +
                  "' at 'runtime' failed to satisfy constraint: Member must be one of: " +
                  std::string(kRuntimes));
      return false;
    }
    f->runtime = *parsed;
    f->runtime_id = *runtime;
  }
  if (auto handler = body.String("Handler")) f->handler = *handler;
  if (auto timeout = body.Int("Timeout")) f->timeout_seconds = *timeout;
  if (auto memory = body.Int("MemorySize")) f->memory_mb = *memory;
  if (auto description = body.String("Description")) f->description = *description;
  if (const auto* environment = body.Object("Environment")) {
    f->environment.clear();
    if (const auto* variables = environment->if_contains("Variables");
        variables != nullptr && !variables->is_null()) {
      if (!variables->is_object()) {
        body.SetError(
            "Could not parse request body into json: Environment.Variables must be an "
            "object");
      } else {
        for (const auto& [k, v] : variables->get_object()) {
          if (!v.is_string()) {
            body.SetError(
                "Could not parse request body into json: environment variable values must be "
                "strings");
            break;
          }
          f->environment[std::string(k)] = std::string(v.get_string());
        }
      }
    }
  }
  if (auto type = body.String("PackageType"); type && *type != "Zip") {
    ex.Fail(LambdaErrc::kInvalidParameterValue,
            "Spool runs functions of PackageType Zip only (code in a directory).");
    return false;
  }
  if (!body.error().empty()) {
    ex.Fail(LambdaErrc::kInvalidRequestContent, body.error());
    return false;
  }
  return true;
}

// PreconditionFailedException when the body's RevisionId is not the function's.
bool RevisionMatches(Exchange& ex, Body& body, const FunctionConfig& f) {
  auto revision = body.String("RevisionId");
  if (revision && *revision != f.revision_id) {
    ex.Fail(LambdaErrc::kPreconditionFailed,
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id");
    return false;
  }
  return true;
}

void CreateFunction(const Services& s, const ExchangePtr& ex) {
  auto body = ParseBody(*ex);
  if (!body) return;
  auto name_text = body->String("FunctionName");
  if (!name_text) {
    return ex->Fail(body->error().empty() ? LambdaErrc::kInvalidParameterValue
                                          : LambdaErrc::kInvalidRequestContent,
                    body->error().empty() ? "FunctionName is required." : body->error());
  }
  std::string error;
  bool not_found = false;
  auto name = ResolveFunctionName(s.scope, *name_text, &error, &not_found);
  if (!name) return ex->Fail(LambdaErrc::kInvalidParameterValue, error);
  FunctionConfig f;
  f.name = *name;
  if (!body->Has("Runtime")) {
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "Runtime is required (one of: " + std::string(kRuntimes) + ").");
  }
  if (!body->Has("Handler")) {
    return ex->Fail(LambdaErrc::kInvalidParameterValue, "Handler is required.");
  }
  if (!ApplyConfiguration(*ex, *body, &f)) return;
  const boost::json::object* code = body->Object("Code");
  if (code == nullptr) {
    if (!body->error().empty()) return ex->Fail(LambdaErrc::kInvalidRequestContent, body->error());
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "Code is required: {\"ZipFile\": ...} or {\"SpoolCodeDirectory\": "
                    "\"/absolute/directory\"}.");
  }
  Body code_body(*code);
  if (!ApplyCode(s, *ex, code_body, &f)) return;
  auto created = s.registry->CreateFunction(std::move(f));
  if (!created.ok()) return FailRegistry(s, *ex, created.error());
  ex->Reply(201, FunctionConfigurationJson(s.scope, created.value()));
}

// The function the route names, or nullopt after answering the error.
std::optional<FunctionConfig> Existing(const Services& s, const ExchangePtr& ex) {
  auto name = RouteFunction(s, *ex);
  if (!name) return std::nullopt;
  auto f = s.registry->GetFunction(*name);
  if (!f.ok()) {
    FailRegistry(s, *ex, f.error());
    return std::nullopt;
  }
  return std::move(f.value());
}

void Store(const Services& s, const ExchangePtr& ex, FunctionConfig f) {
  auto updated = s.registry->UpdateFunction(std::move(f));
  if (!updated.ok()) return FailRegistry(s, *ex, updated.error());
  ex->Reply(200, FunctionConfigurationJson(s.scope, updated.value()));
}

void UpdateConfiguration(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  auto body = ParseBody(*ex);
  if (!body || !RevisionMatches(*ex, *body, *f) || !ApplyConfiguration(*ex, *body, &*f)) return;
  Store(s, ex, std::move(*f));
}

void UpdateCode(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  auto body = ParseBody(*ex);
  if (!body || !RevisionMatches(*ex, *body, *f) || !ApplyCode(s, *ex, *body, &*f)) return;
  if (body->Bool("DryRun").value_or(false)) {
    // Checked (and a package unpacked, which the next start collects) but not applied.
    return ex->Reply(200, FunctionConfigurationJson(s.scope, *f));
  }
  Store(s, ex, std::move(*f));
}

// Spool's extension: the deployment package itself, where GetFunction's Code.Location points.
void GetCode(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  if (f->code_archive.empty()) {
    return ex->Fail(LambdaErrc::kResourceNotFound,
                    "Function " + f->name +
                        " has no deployment package: its code is the directory " + f->code_dir +
                        " on the server host.");
  }
  http::Response r;
  bool missing = false;
  std::string error;
  if (!common::ReadWholeFile(f->code_archive, &r.body, &missing, &error)) {
    return ex->Fail(LambdaErrc::kService, "Could not read the deployment package: " + error);
  }
  r.status = 200;
  r.headers.push_back({"Content-Type", "application/zip"});
  r.headers.push_back({"X-Spool-Code-Sha256", f->code_sha256});
  ex->ReplyRaw(std::move(r));
}

void GetFunction(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  boost::json::object out;
  out["Configuration"] = FunctionConfigurationJson(s.scope, *f);
  if (!f->code_archive.empty()) {
    // Lambda: a presigned S3 URL; Spool: its own route, which takes a signed GET.
    std::string host(ex->request.header("Host"));
    out["Code"] = boost::json::object{
        {"RepositoryType", "S3"},
        {"Location", "http://" + host + "/2015-03-31/functions/" + f->name + "/spool-code"}};
  } else {
    // Spool's code in a directory on the server host.
    out["Code"] = boost::json::object{{"RepositoryType", "Directory"}, {"Location", f->code_dir}};
  }
  if (f->reserved_concurrency) {
    out["Concurrency"] =
        boost::json::object{{"ReservedConcurrentExecutions", *f->reserved_concurrency}};
  }
  // Spool's extension: the function's execution environments on this server right now.
  if (s.invoker != nullptr) {
    boost::json::object status{{"Environments", 0}, {"Busy", 0},   {"Waiting", 0},
                               {"Invocations", 0},  {"Errors", 0}, {"Throttles", 0},
                               {"ColdStarts", 0}};
    for (const auto& fs : s.invoker->Status().functions) {
      if (fs.name != f->name) continue;
      status = {{"Environments", fs.pool.environments},
                {"Busy", fs.pool.busy},
                {"Waiting", fs.pool.waiting},
                {"Invocations", fs.pool.invocations},
                {"Errors", fs.pool.errors},
                {"Throttles", fs.pool.throttles},
                {"ColdStarts", fs.pool.cold_starts}};
    }
    out["SpoolStatus"] = std::move(status);
  }
  ex->Reply(200, out);
}

// A positive integer query parameter; answers the error and returns false when it is not one.
bool QueryInt(Exchange& ex, std::string_view key, int64_t lo, int64_t hi, int64_t* out) {
  auto it = ex.route.query.find(std::string(key));
  if (it == ex.route.query.end()) return true;
  int64_t v = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    ex.Fail(LambdaErrc::kInvalidParameterValue,
            "1 validation error detected: Value '" + text + "' at '" + std::string(key) +
                "' failed to satisfy constraint: Member must be an integer from " +
                std::to_string(lo) + " to " + std::to_string(hi));
    return false;
  }
  *out = v;
  return true;
}

void ListFunctions(const Services& s, const ExchangePtr& ex) {
  int64_t max_items = 50;
  if (!QueryInt(*ex, "MaxItems", 1, 10000, &max_items)) return;
  std::string marker;
  if (auto it = ex->route.query.find("Marker"); it != ex->route.query.end()) marker = it->second;
  boost::json::array functions;
  std::string next;
  for (const auto& f : s.registry->Snapshot().functions) {  // by name
    if (f.name < marker) continue;
    if (static_cast<int64_t>(functions.size()) == max_items) {
      next = f.name;  // the marker is the first name of the next page
      break;
    }
    functions.push_back(FunctionConfigurationJson(s.scope, f));
  }
  boost::json::object out;
  out["Functions"] = std::move(functions);
  if (!next.empty()) out["NextMarker"] = next;
  ex->Reply(200, out);
}

void DeleteFunction(const Services& s, const ExchangePtr& ex) {
  auto name = RouteFunction(s, *ex);
  if (!name) return;
  auto deleted = s.registry->DeleteFunction(*name);
  if (!deleted.ok()) return FailRegistry(s, *ex, deleted.error());
  ex->ReplyEmpty(204);
}

void PutConcurrency(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  auto body = ParseBody(*ex);
  if (!body) return;
  auto reserved = body->Int("ReservedConcurrentExecutions");
  if (!body->error().empty()) return ex->Fail(LambdaErrc::kInvalidRequestContent, body->error());
  if (!reserved) {
    return ex->Fail(LambdaErrc::kInvalidParameterValue,
                    "ReservedConcurrentExecutions is required.");
  }
  f->reserved_concurrency = *reserved;
  auto updated = s.registry->UpdateFunction(std::move(*f));
  if (!updated.ok()) return FailRegistry(s, *ex, updated.error());
  ex->Reply(200, boost::json::object{{"ReservedConcurrentExecutions", *reserved}});
}

void GetConcurrency(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  boost::json::object out;
  if (f->reserved_concurrency) out["ReservedConcurrentExecutions"] = *f->reserved_concurrency;
  ex->Reply(200, out);
}

void DeleteConcurrency(const Services& s, const ExchangePtr& ex) {
  auto f = Existing(s, ex);
  if (!f) return;
  f->reserved_concurrency.reset();
  auto updated = s.registry->UpdateFunction(std::move(*f));
  if (!updated.ok()) return FailRegistry(s, *ex, updated.error());
  ex->ReplyEmpty(204);
}

}  // namespace

void RunFunctionAction(const Services& services, const ExchangePtr& exchange) {
  switch (exchange->route.action) {
    case Action::kCreateFunction:
      return CreateFunction(services, exchange);
    case Action::kListFunctions:
      return ListFunctions(services, exchange);
    case Action::kGetFunction:
      return GetFunction(services, exchange);
    case Action::kGetFunctionConfiguration: {
      auto f = Existing(services, exchange);
      if (f) exchange->Reply(200, FunctionConfigurationJson(services.scope, *f));
      return;
    }
    case Action::kUpdateFunctionConfiguration:
      return UpdateConfiguration(services, exchange);
    case Action::kUpdateFunctionCode:
      return UpdateCode(services, exchange);
    case Action::kGetFunctionCode:
      return GetCode(services, exchange);
    case Action::kDeleteFunction:
      return DeleteFunction(services, exchange);
    case Action::kPutFunctionConcurrency:
      return PutConcurrency(services, exchange);
    case Action::kGetFunctionConcurrency:
      return GetConcurrency(services, exchange);
    case Action::kDeleteFunctionConcurrency:
      return DeleteConcurrency(services, exchange);
    default:
      exchange->Fail(LambdaErrc::kService, "not a function action");
  }
}

}  // namespace spool::lambda
