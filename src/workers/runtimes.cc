#include "workers/runtimes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "common/file_util.h"
#include "common/uuid.h"
#include "workers/bootstrap_files.h"

namespace spool::workers {

bool WriteBootstraps(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  for (const auto& file : BootstrapFiles()) {
    if (!common::WriteFileAtomically(dir + "/" + std::string(file.name), std::string(file.text),
                                     0644, error)) {
      return false;
    }
  }
  return true;
}

namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::vector<std::string> RuntimeCommand(const FunctionConfig& function,
                                        const RuntimeContext& context) {
  switch (function.runtime) {
    case Runtime::kNodejs: {
      // As Lambda does: the heap is sized from the function's memory.
      int64_t heap = function.memory_mb * 9 / 10;
      return {"node", "--max-old-space-size=" + std::to_string(heap),
              context.bootstrap_dir + "/node.mjs"};
    }
    case Runtime::kPython:
      return {"python3", context.bootstrap_dir + "/python.py"};
    case Runtime::kProvided: {
      std::string bootstrap = function.code_dir + "/bootstrap";
      if (!IsExecutableFile(bootstrap) &&
          IsExecutableFile(function.code_dir + "/" + function.handler)) {
        return {function.code_dir + "/" + function.handler};
      }
      return {bootstrap};
    }
    case Runtime::kExec:
      return {context.spool_binary, "exec-runtime"};
  }
  return {};
}

std::map<std::string, std::string> RuntimeEnvironment(const FunctionConfig& function,
                                                      const RuntimeContext& context,
                                                      const std::string& log_stream) {
  std::map<std::string, std::string> env = function.environment;
  auto set = [&](const std::string& k, const std::string& v) { env[k] = v; };
  const char* path = std::getenv("PATH");
  set("PATH", path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  set("LANG", "C.UTF-8");
  set("TZ", "UTC");
  set("_HANDLER", function.handler);
  set("LAMBDA_TASK_ROOT", function.code_dir);
  set("LAMBDA_RUNTIME_DIR", context.bootstrap_dir);
  set("AWS_LAMBDA_FUNCTION_NAME", function.name);
  set("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
  set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(function.memory_mb));
  set("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name);
  set("AWS_LAMBDA_LOG_STREAM_NAME", log_stream);
  set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  set("AWS_REGION", context.region);
  set("AWS_DEFAULT_REGION", context.region);
  switch (function.runtime) {
    case Runtime::kNodejs:
      set("AWS_EXECUTION_ENV", "AWS_Lambda_nodejs20.x");
      break;
    case Runtime::kPython:
      set("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11");
      set("PYTHONUNBUFFERED", "1");
      break;
    default:
      env.erase("AWS_EXECUTION_ENV");
  }
  if (!context.sqs_endpoint.empty() && !env.contains("AWS_ENDPOINT_URL_SQS")) {
    set("AWS_ENDPOINT_URL_SQS", context.sqs_endpoint);
  }
  return env;
}

std::string NewLogStreamName() {
  char date[16];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%Y/%m/%d", &tm);
  std::string hex;
  for (char c : common::NewUuid()) {
    if (c != '-') hex.push_back(c);
  }
  return std::string(date) + "/[$LATEST]" + hex;
}

std::string FunctionArn(const RuntimeContext& context, const std::string& name) {
  return "arn:aws:lambda:" + context.region + ":" + context.account_id + ":function:" + name;
}

}  // namespace spool::workers
