"""Spool's Python runtime.

Started as `python3 python.py` with the function's code directory as the working directory, it
imports the handler named by _HANDLER (or argv[1]) and serves invocations over the Lambda
Runtime API (2018-06-01) at AWS_LAMBDA_RUNTIME_API, behaving towards handler code like AWS's
Python runtime client (awslambdaric): handler resolution, the context object, logging, error
shapes. Standard library only. README.md beside this file lists the rules and differences.
"""

import decimal
import http.client
import importlib
import json
import logging
import os
import struct
import sys
import time
import traceback
import urllib.parse

API_BASE = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
NEXT_ATTEMPTS = 3  # consecutive failed /next requests before giving up
EXIT_INIT_ERROR = 1
EXIT_RUNTIME_API_FAILURE = 1
THIS_FILE = os.path.abspath(__file__)

# Per invocation, for log lines (the logging filter reads them).
_current_request_id = None
_current_tenant_id = None


# ---------------------------------------------------------------------------------------------
# Errors: {"errorMessage", "errorType", "requestId", "stackTrace"}.


class Fault(Exception):
    """An error the runtime reports with its own type (Runtime.*)."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


class RuntimeApiError(Exception):
    """The Runtime API is unreachable or refused us; the process cannot go on."""


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def _is_runtime_frame(frame):
    return (os.path.abspath(frame.filename) == THIS_FILE
            or frame.filename.startswith("<frozen importlib"))


def error_from_exception(exc_info, request_id=None):
    """The error body for an exception raised by user code: the runtime's frames are left out."""
    etype, value, tb = exc_info
    frames = [f for f in traceback.extract_tb(tb) if not _is_runtime_frame(f)]
    return make_error(str(value), etype.__name__, traceback.format_list(frames), request_id)


# ---------------------------------------------------------------------------------------------
# Logging: the root logger in Lambda's text or JSON shape, to stdout or to the telemetry fd.

# Level bits of a telemetry frame (workers.md 5.5).
_FRAME_TEXT = 0xA55A0003
_FRAME_JSON = 0xA55A0002
_FRAME_LEVEL_BITS = {logging.DEBUG: 8, logging.INFO: 12, logging.WARNING: 16,
                     logging.ERROR: 20, logging.CRITICAL: 24}
_JSON_LEVEL_NAMES = {"WARNING": "WARN", "CRITICAL": "FATAL"}
_LOG_LEVELS = {"TRACE": "DEBUG", "DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARNING",
               "ERROR": "ERROR", "FATAL": "CRITICAL"}
_STANDARD_RECORD_FIELDS = set(logging.makeLogRecord({}).__dict__) | {
    "message", "asctime", "aws_request_id", "tenant_id"}


def _iso_time(seconds):
    return "%s.%03dZ" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)),
                         int(seconds * 1000) % 1000)


class LogSink:
    """Where log records go: stdout lines (newlines as '\\r'), or frames on a telemetry fd."""

    def __init__(self, json_format):
        self.json_format = json_format
        fd_text = os.environ.pop("_LAMBDA_TELEMETRY_LOG_FD", None)
        self.fd = int(fd_text) if fd_text is not None else None

    def write(self, text, level=logging.INFO):
        if self.fd is None:
            sys.stdout.write(text.replace("\n", "\r") + "\n")
            return
        payload = (text + "\n").encode("utf-8")
        frame_type = (_FRAME_JSON if self.json_format else _FRAME_TEXT) | _FRAME_LEVEL_BITS.get(
            level, _FRAME_LEVEL_BITS[logging.INFO])
        header = struct.pack(">IIQ", frame_type, len(payload), int(time.time() * 1_000_000))
        os.write(self.fd, header + payload)

    def write_error(self, error):
        """An unhandled error: `[ERROR] Type: message` and its traceback, as one event."""
        if self.json_format:
            record = {"timestamp": _iso_time(time.time()), "level": "ERROR",
                      "message": error["errorMessage"], "errorType": error["errorType"],
                      "errorMessage": error["errorMessage"], "requestId": error["requestId"],
                      "stackTrace": error["stackTrace"]}
            self.write(json.dumps(record, ensure_ascii=False, default=str), logging.ERROR)
            return
        description = "[ERROR]"
        if error["errorType"]:
            description += " " + error["errorType"]
        if error["errorMessage"]:
            description += (":" if error["errorType"] else "") + " " + error["errorMessage"]
        lines = [description, "Traceback (most recent call last):"]
        for element in error["stackTrace"]:
            lines.extend(element.splitlines() or [""])
        self.write("\n".join(lines), logging.ERROR)


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_request_id or ""
        record.tenant_id = _current_tenant_id
        return True


class _TextFormatter(logging.Formatter):
    converter = time.gmtime

    def __init__(self):
        super().__init__("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                         "%Y-%m-%dT%H:%M:%S")


class _JsonFormatter(logging.Formatter):
    def format(self, record):
        result = {
            "timestamp": _iso_time(record.created),
            "level": _JSON_LEVEL_NAMES.get(record.levelname, record.levelname),
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": _current_request_id,
        }
        if _current_tenant_id is not None:
            result["tenantId"] = _current_tenant_id
        if record.exc_info and record.exc_info[0] is not None:
            etype, value, tb = record.exc_info
            result["errorType"] = etype.__name__
            result["errorMessage"] = str(value)
            result["stackTrace"] = traceback.format_tb(tb)
        result["location"] = "%s:%s:%d" % (record.pathname, record.funcName, record.lineno)
        for key, value in record.__dict__.items():
            if key not in _STANDARD_RECORD_FIELDS and not key.startswith("_"):
                result[key] = value
        return json.dumps(result, ensure_ascii=False, default=str)


class _SinkHandler(logging.Handler):
    def __init__(self, sink):
        super().__init__()
        self.sink = sink

    def emit(self, record):
        try:
            self.sink.write(self.format(record), record.levelno)
        except Exception:
            self.handleError(record)


def setup_logging(sink):
    handler = _SinkHandler(sink)
    handler.setFormatter(_JsonFormatter() if sink.json_format else _TextFormatter())
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = _LOG_LEVELS.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper())
    if level:
        root.setLevel(level)


# ---------------------------------------------------------------------------------------------
# The Runtime API client: one persistent HTTP/1.1 connection, reopened when it drops.


class RuntimeApi:
    def __init__(self, host_port):
        host, sep, port = host_port.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise RuntimeApiError("AWS_LAMBDA_RUNTIME_API is not host:port: %r" % host_port)
        self.host = host.strip("[]")
        self.port = int(port)
        self.conn = None

    def _request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes). No timeout: /next may wait indefinitely. A request that
        fails on a connection already used once (the server closed it while idle) is resent."""
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1 or not reused:
                    raise

    def next(self):
        """(headers, body) of the next event. Connection failures and answers without a request
        id are retried; an HTTP error status means the server wants this process gone."""
        last = None
        for attempt in range(NEXT_ATTEMPTS):
            if attempt:
                time.sleep(0.1 * attempt)
            try:
                status, headers, body = self._request("GET", API_BASE + "/invocation/next")
            except (http.client.HTTPException, OSError) as e:
                last = e
                continue
            if status != 200:
                raise RuntimeApiError("GET /next answered %d: %r" % (status, body[:200]))
            if headers.get("Lambda-Runtime-Aws-Request-Id"):
                return headers, body
            last = "GET /next answered without Lambda-Runtime-Aws-Request-Id"
        raise RuntimeApiError(str(last))

    def _post(self, path, body, headers):
        try:
            self._request("POST", path, body, headers)
        except (http.client.HTTPException, OSError) as e:
            raise RuntimeApiError("POST %s failed: %s" % (path, e)) from e

    def post_response(self, request_id, body, content_type):
        self._post("%s/invocation/%s/response" % (API_BASE, _quote(request_id)), body,
                   {"Content-Type": content_type})

    def post_error(self, request_id, error):
        self._post_error("%s/invocation/%s/error" % (API_BASE, _quote(request_id)), error)

    def post_init_error(self, error):
        self._post_error(API_BASE + "/init/error", error)

    def _post_error(self, path, error):
        headers = {"Content-Type": "application/json"}
        error_type = error.get("errorType")
        if error_type and error_type.isascii() and error_type.isprintable():
            headers[ERROR_TYPE_HEADER] = error_type
        self._post(path, json.dumps(error, ensure_ascii=False, default=str).encode("utf-8"), headers)


def _quote(request_id):
    return urllib.parse.quote(request_id, safe="")


# ---------------------------------------------------------------------------------------------
# The context object.


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, data):
        self.cognito_identity_id = data.get("cognitoIdentityId")
        self.cognito_identity_pool_id = data.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name"]

    def __init__(self, data):
        for name in self.__slots__:
            setattr(self, name, data.get(name))


class ClientContext:
    __slots__ = ["client", "custom", "env"]

    def __init__(self, data):
        client = data.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = data.get("custom")
        self.env = data.get("env")


def _json_header(headers, name, what):
    text = headers.get(name)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as e:
        raise Fault("Runtime.LambdaContextUnmarshalError",
                    "Unable to parse %s JSON: %s" % (what, e)) from e
    return value if isinstance(value, dict) else {}


class LambdaContext:
    def __init__(self, request_id, headers):
        self.aws_request_id = request_id
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        identity = _json_header(headers, "Lambda-Runtime-Cognito-Identity", "Cognito Identity")
        self.identity = CognitoIdentity(identity) if identity is not None else None
        client_context = _json_header(headers, "Lambda-Runtime-Client-Context", "Client Context")
        self.client_context = ClientContext(client_context) if client_context is not None else None
        try:
            self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        except ValueError:
            self._deadline_ms = 0

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
                "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
                "invoked_function_arn=%s,client_context=%s,identity=%s,tenant_id=%s])" % (
                    self.aws_request_id, self.log_group_name, self.log_stream_name,
                    self.function_name, self.memory_limit_in_mb, self.function_version,
                    self.invoked_function_arn, self.client_context, self.identity,
                    self.tenant_id))


# ---------------------------------------------------------------------------------------------
# Loading the handler.


def load_handler(handler):
    """The callable named by "module.function"; the module part may carry a directory prefix
    ("lib/jobs.handler" imports lib.jobs). Raises Fault for the runtime's init errors."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e)) from None
    module_path = module_name.replace("/", ".")
    if not function_name or any(not part for part in module_path.split(".")):
        raise Fault("Runtime.MalformedHandlerName",
                    "Bad handler '%s': expected module.function" % handler)
    if module_path.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict",
                    "Cannot use built-in module %s as a handler module" % module_name)
    try:
        module = importlib.import_module(module_path)
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError",
                    "Unable to import module '%s': %s" % (module_name, e)) from None
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, (e.text or "").strip())]
        raise Fault("Runtime.UserCodeSyntaxError",
                    "Syntax error in module '%s': %s" % (module_name, e), trace) from None
    function = getattr(module, function_name, None)
    if function is None:
        raise Fault("Runtime.HandlerNotFound",
                    "Handler '%s' missing on module '%s'" % (function_name, module_name))
    if not callable(function):
        raise Fault("Runtime.HandlerNotFound",
                    "Handler '%s' on module '%s' is not callable" % (function_name, module_name))
    return function


# ---------------------------------------------------------------------------------------------
# Invocations.


def _json_default(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def unmarshal_event(body, content_type):
    if content_type and content_type.split(";")[0].strip().lower() != "application/json":
        return body  # not JSON: the handler gets the bytes
    try:
        return json.loads(body)
    except ValueError as e:
        raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e) from None


def marshal_result(result):
    """(body bytes, content type) of a handler's result."""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result), "application/unknown"
    try:
        text = json.dumps(result, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e) from None
    return text.encode("utf-8"), "application/json"


def invoke(api, handler, headers, body, sink):
    global _current_request_id, _current_tenant_id
    request_id = headers["Lambda-Runtime-Aws-Request-Id"]
    _current_request_id = request_id
    _current_tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
    trace = headers.get("Lambda-Runtime-Trace-Id")
    if trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error = None
    try:
        context = LambdaContext(request_id, headers)
        event = unmarshal_event(body, headers.get("Content-Type"))
        payload, content_type = marshal_result(handler(event, context))
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, request_id)
    except Exception:
        error = error_from_exception(sys.exc_info(), request_id)
    if error is not None:
        sink.write_error(error)
        _flush()
        api.post_error(request_id, error)
    else:
        _flush()
        api.post_response(request_id, payload, content_type)


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _fail(message):
    _flush()
    sys.stderr.write("Spool Python runtime: %s\n" % message)
    sys.stderr.flush()
    sys.exit(EXIT_RUNTIME_API_FAILURE)


def main():
    # The parent reads stdout line by line: hand over each line as it is printed.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except (AttributeError, ValueError):
            pass
    sink = LogSink(os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON")
    setup_logging(sink)
    try:
        api = RuntimeApi(os.environ.get("AWS_LAMBDA_RUNTIME_API", ""))
    except RuntimeApiError as e:
        _fail(str(e))

    # User modules come from the code directory, never from this file's directory.
    app_root = os.getcwd()
    here = os.path.dirname(THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here or p == app_root]
    sys.path.insert(0, app_root)

    handler_name = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("_HANDLER", "")
    error = None
    try:
        handler = load_handler(handler_name)
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace)
    except Exception:
        error = error_from_exception(sys.exc_info())
    if error is not None:
        sink.write_error(error)
        _flush()
        try:
            api.post_init_error(error)
        except RuntimeApiError as e:
            sys.stderr.write("Spool Python runtime: %s\n" % e)
        _flush()
        sys.exit(EXIT_INIT_ERROR)

    try:
        while True:
            headers, body = api.next()
            invoke(api, handler, headers, body, sink)
            _flush()
    except RuntimeApiError as e:
        _fail(str(e))


if __name__ == "__main__":
    main()
