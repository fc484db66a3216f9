#pragma once
// spool::Error and spool::Result<T>: how every operation of the client reports its outcome.
//
// The client never throws (except std::bad_alloc): an operation returns Result<T>, which holds
// either the value or an Error. Result is a small look-alike of C++23's std::expected:
//
//   spool::Result<std::string> url = client.GetQueueUrl("orders");
//   if (!url) {
//     if (url.error().Is("QueueDoesNotExist")) ...;  // Query code or JSON shape, either spelling
//     std::fprintf(stderr, "%s\n", url.error().ToString().c_str());
//   }
//   Send(*url);
//
// value() (and * and ->) on a Result holding an error throws BadResultAccess, as std::expected
// does; check ok() first.
//
// Threading: plain values; const members may be called from any thread.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace spool {

enum class ErrorKind {
  kService,          // the server answered with an AWS error (code, message, status, request id)
  kNetwork,          // could not connect, or the connection broke before a whole answer came
  kTimeout,          // connecting, or the exchange, took longer than its timeout
  kCredentials,      // no credentials could be found or fetched
  kInvalidArgument,  // refused before sending (a bad endpoint, an empty batch, ...)
  kChecksum,         // an MD5 the server returned does not match the data (code ChecksumMismatch)
  kResponse,         // the server's answer does not parse as the operation's output
};

// The kind's name: "service", "network", "timeout", ...
std::string_view ToString(ErrorKind kind);

class Error {
 public:
  Error() = default;
  Error(ErrorKind kind, std::string code, std::string message)
      : kind_(kind), code_(std::move(code)), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  // The AWS error code as the Query protocol spells it and botocore reports it
  // ("AWS.SimpleQueueService.NonExistentQueue", "InvalidParameterValue", "RequestThrottled"):
  // the server's x-amzn-query-error header when sent, else the JSON shape name. For errors
  // the client makes itself: "NetworkError", "RequestTimeout", "MissingCredentials",
  // "InvalidArgument", "ChecksumMismatch", "MalformedResponse".
  const std::string& code() const { return code_; }
  // The JSON shape name from `__type` without its namespace ("QueueDoesNotExist"); equals
  // code() when the server sent no separate Query code, "" for the client's own errors.
  const std::string& type() const { return type_; }
  const std::string& message() const { return message_; }
  int http_status() const { return http_status_; }               // 0 when no answer came
  const std::string& request_id() const { return request_id_; }  // x-amzn-RequestId, or ""
  // Whether the retry policy treats this error as transient (it was retried, if attempts
  // were left). A caller may choose to try again later.
  bool retryable() const { return retryable_; }
  int attempts() const { return attempts_; }  // requests sent, retries included

  // True when `code_or_type` equals code() or type().
  bool Is(std::string_view code_or_type) const {
    return code_or_type == code_ || (!type_.empty() && code_or_type == type_);
  }
  // The queue named by the request does not exist (either spelling of the code).
  bool IsQueueDoesNotExist() const {
    return Is("AWS.SimpleQueueService.NonExistentQueue") || Is("QueueDoesNotExist");
  }
  // "CODE: message (HTTP 400, request id ..., after N attempts)".
  std::string ToString() const;

  Error& set_type(std::string type) {
    type_ = std::move(type);
    return *this;
  }
  Error& set_http_status(int status) {
    http_status_ = status;
    return *this;
  }
  Error& set_request_id(std::string id) {
    request_id_ = std::move(id);
    return *this;
  }
  Error& set_retryable(bool retryable) {
    retryable_ = retryable;
    return *this;
  }
  Error& set_attempts(int attempts) {
    attempts_ = attempts;
    return *this;
  }

 private:
  ErrorKind kind_ = ErrorKind::kService;
  std::string code_;
  std::string type_;
  std::string message_;
  int http_status_ = 0;
  std::string request_id_;
  bool retryable_ = false;
  int attempts_ = 0;
};

// Thrown by Result::value() (and * and ->) when the result holds an error.
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& error)
      : std::logic_error("spool::Result holds an error: " + error.ToString()), error_(error) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    Check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    Check();
    return std::get<0>(v_);
  }
  T&& value() && {
    Check();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; must only be called when !ok() (an empty Error otherwise).
  const Error& error() const {
    static const Error kNone;
    return ok() ? kNone : std::get<1>(v_);
  }

 private:
  void Check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

// The outcome of an operation without output.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {
    if (!ok_) throw BadResultAccess(error_);
  }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace spool
