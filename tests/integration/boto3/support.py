"""Helpers shared by the boto3 suite: the server process, clients, raw HTTP and digests.

Importing this module pins the AWS environment to dummy values so that no client ever reads
real AWS configuration or asks a metadata service for credentials.
"""

import hashlib
import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import uuid
from urllib.parse import quote, urlencode

os.environ["AWS_ACCESS_KEY_ID"] = "test"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"):
    os.environ.pop(_var, None)

import sys  # noqa: E402

import boto3  # noqa: E402  (after the environment is pinned)
from botocore.config import Config  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from spool_signing import ROOT_ENV, signed_headers  # noqa: E402  (tests/integration)

ACCOUNT_ID = "000000000000"
REGION = "us-east-1"
LISTEN_RE = re.compile(r"listening on (http://[^\s]+)")
STARTUP_TIMEOUT_S = 20
SHUTDOWN_TIMEOUT_S = 30


class SpoolServer:
    """A running `spool serve --listen 127.0.0.1:0` child process."""

    def __init__(self, binary, workdir, extra_args=()):
        self.workdir = workdir
        self.log_path = os.path.join(workdir, "spool-stderr.log")
        self._log = open(self.log_path, "wb")
        self.stdout_lines = []
        # Hermetic: a fresh working directory (the default data directory lives there) and no
        # SPOOL_* settings from the caller's environment except the log level.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SPOOL_") or k == "SPOOL_LOG_LEVEL"}
        env.update(ROOT_ENV)  # the root key the clients sign with
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", *extra_args],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self.endpoint = None
        found = threading.Event()

        def pump():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                if self.endpoint is None:
                    m = LISTEN_RE.search(line)
                    if m:
                        self.endpoint = m.group(1).rstrip("/")
                        found.set()
            found.set()

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        found.wait(STARTUP_TIMEOUT_S)
        if self.endpoint is None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(5)
            raise RuntimeError(
                "spool serve did not print 'listening on http://...' within %ss (exit code %s)\n"
                "stdout:\n%s\nstderr:\n%s" % (STARTUP_TIMEOUT_S, self.proc.returncode,
                                             "\n".join(self.stdout_lines), self.log_text()))
        m = re.match(r"http://([^:/]+):(\d+)$", self.endpoint)
        if not m:
            raise RuntimeError("unexpected endpoint %r" % self.endpoint)
        self.host = m.group(1)
        self.port = int(m.group(2))
        if self.host not in ("127.0.0.1", "localhost"):
            raise RuntimeError("server must listen on loopback, printed %r" % self.endpoint)

    def log_size(self):
        if not self._log.closed:
            self._log.flush()
        return os.path.getsize(self.log_path)

    def log_text(self, start=0, limit=20000):
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, "rb") as f:
            f.seek(start)
            text = f.read().decode("utf-8", "replace")
        if len(text) > limit:
            text = "...(earlier lines cut)...\n" + text[-limit:]
        return text

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=SHUTDOWN_TIMEOUT_S):
        """Signals the server and waits; returns its exit code, or None if it had to be killed."""
        code = self.proc.poll()
        if code is None:
            self.proc.send_signal(sig)
            try:
                code = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                code = None
        self._pump.join(5)
        if not self._log.closed:
            self._log.close()
        return code


def spool_binary():
    binary = os.environ.get("SPOOL_BIN", "")
    if not binary or not os.path.isabs(binary) or not os.access(binary, os.X_OK):
        raise RuntimeError("SPOOL_BIN must be the absolute path of the spool binary (got %r)"
                           % binary)
    return binary


def start_server(extra_args=()):
    return SpoolServer(spool_binary(), tempfile.mkdtemp(prefix="spool-it-"), extra_args)


def session_server(extra_args=()):
    """A pytest session fixture's body: yields a started server and, after the session, checks
    that it was still alive and exited 0 on SIGTERM."""
    import pytest

    try:
        srv = start_server(extra_args)
    except RuntimeError as e:
        pytest.exit(str(e), returncode=2)
    yield srv
    alive_at_end = srv.alive()
    code = srv.stop()
    assert alive_at_end, "spool serve died during the suite; its log:\n" + srv.log_text()
    assert code == 0, "spool serve did not exit 0 after SIGTERM (got %r); its log:\n%s" % (
        code, srv.log_text())


def make_client(endpoint, read_timeout=40):
    """A boto3 SQS client (Query protocol) with no client-side validation and no retries."""
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            parameter_validation=False,  # every check is the server's job
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=5,
            read_timeout=read_timeout,
            max_pool_connections=20,
        ),
    )


def unique_name(prefix="q"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def queue_arn(name):
    return "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT_ID, name)


def name_of(url):
    return url.rstrip("/").rsplit("/", 1)[1]


def attrs(sqs, url, *names):
    resp = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"])
    return resp.get("Attributes", {})


def counts(sqs, url):
    """(visible, in flight, delayed) approximate counts of a queue."""
    a = attrs(sqs, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
              "ApproximateNumberOfMessagesDelayed")
    return (int(a["ApproximateNumberOfMessages"]),
            int(a["ApproximateNumberOfMessagesNotVisible"]),
            int(a["ApproximateNumberOfMessagesDelayed"]))


def wait_until(predicate, timeout, interval=0.1, what="condition"):
    """Polls predicate() until it returns something truthy, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last value %r)"
                                 % (timeout, what, last))
        time.sleep(interval)


def error_of(excinfo):
    """(code, HTTP status, message) of a botocore ClientError caught by pytest.raises."""
    e = excinfo.value
    return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"],
            e.response["Error"].get("Message", ""))


def receive_all(sqs, url, expected, timeout=10, **kwargs):
    """Receives until `expected` messages were collected (by MessageId) or timeout passes."""
    got = {}
    deadline = time.monotonic() + timeout
    while len(got) < expected and time.monotonic() < deadline:
        resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   **kwargs)
        for m in resp.get("Messages", []):
            got[m["MessageId"]] = m
    return got


# --- digests (reference section 8), computed independently of the server ---------------------

def md5_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.md5(data).hexdigest()


def _len_prefixed(b):
    return struct.pack(">I", len(b)) + b


def attributes_md5(attributes):
    """MD5OfMessageAttributes of a boto3-style map name -> {DataType, StringValue|BinaryValue}."""
    buf = b""
    for name in sorted(attributes, key=lambda n: n.encode("utf-8")):
        value = attributes[name]
        buf += _len_prefixed(name.encode("utf-8"))
        buf += _len_prefixed(value["DataType"].encode("utf-8"))
        if "StringValue" in value:
            buf += b"\x01" + _len_prefixed(value["StringValue"].encode("utf-8"))
        elif "BinaryValue" in value:
            raw = value["BinaryValue"]
            buf += b"\x02" + _len_prefixed(raw if isinstance(raw, bytes) else raw.encode())
        elif "StringListValues" in value:
            buf += b"\x03" + b"".join(_len_prefixed(s.encode("utf-8"))
                                      for s in value["StringListValues"])
        else:
            buf += b"\x04" + b"".join(_len_prefixed(b) for b in value["BinaryListValues"])
    return hashlib.md5(buf).hexdigest()


# --- raw HTTP ---------------------------------------------------------------------------------

class Raw:
    """Raw HTTP/1.1 requests with http.client (no SDK in the way), plus socket-level access."""

    def __init__(self, host, port):
        self.host = host
        self.port = port

    def request(self, method, path, body=b"", headers=None, timeout=10, sign=True):
        """Signed with the root key (SigV4, by botocore's signer) unless sign=False."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if sign:
            service = "iam" if "Version=2010-05-08" in (path + body.decode("latin-1")) else "sqs"
            headers = signed_headers(method, "%s:%d" % (self.host, self.port), path, body,
                                     headers, service)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    @staticmethod
    def form(params):
        return urlencode(params, safe="", quote_via=quote)

    def query(self, params, path="/", method="POST", timeout=10):
        """A Query-protocol request; params is a dict or a list of pairs."""
        form = self.form(params)
        if method == "GET":
            return self.request("GET", path + "?" + form, timeout=timeout)
        return self.request(method, path, form,
                            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                            timeout=timeout)

    def json(self, op, payload, timeout=10):
        """A JSON 1.0 request; payload is a dict (serialised) or raw bytes/str (sent as is)."""
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return self.request("POST", "/", body,
                            {"Content-Type": "application/x-amz-json-1.0",
                             "X-Amz-Target": "AmazonSQS." + op, "x-amzn-query-mode": "true"},
                            timeout=timeout)

    def socket(self, timeout=10):
        return socket.create_connection((self.host, self.port), timeout=timeout)


def xml_code(body):
    """The <Code> of a Query XML error body, or None."""
    m = re.search(rb"<Code>([^<]*)</Code>", body)
    return m.group(1).decode() if m else None


# --- message constants and assertions shared by the message modules ---------------------------

# Reference 8.2 worked example and 8.3 system-attribute example.
EXAMPLE_ATTRS = {
    "Population": {"DataType": "Number", "StringValue": "1250800"},
    "City": {"DataType": "String", "StringValue": "Any City"},
    "Blob": {"DataType": "Binary.gif", "BinaryValue": b"\x00\x01\x02\xff"},
}
EXAMPLE_MD5 = "be82f2459e3d22b68a4de6786fdc1c27"
CITY_MD5 = "0c32cb5c844c01fbd5b6b434b52cf670"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
TRACE_MD5 = "5ae4d5d7636402d80f4eb6d213245a88"
STANDARD_SYSTEM_ATTRS = {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                         "ApproximateFirstReceiveTimestamp"}
MIB = 1048576


def now_ms():
    return int(time.time() * 1000)


def receive_one(sqs, url, wait=2, **kwargs):
    msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait, **kwargs).get("Messages", [])
    assert len(msgs) == 1, "expected exactly one message, got %r" % (msgs,)
    return msgs[0]


def assert_no_message(sqs, url, **kwargs):
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0, MaxNumberOfMessages=10,
                              **kwargs).get("Messages", [])
    assert got == [], "expected no message, got %r" % [m.get("Body", "")[:80] for m in got]


def assert_error(excinfo, code, status=400):
    got = error_of(excinfo)
    assert got[:2] == (code, status), "expected %s/%d, got %r" % (code, status, got)


def entries_for(action, n, handle="h"):
    if action == "send":
        return [{"Id": "e%d" % i, "MessageBody": "b%d" % i} for i in range(n)]
    if action == "delete":
        return [{"Id": "e%d" % i, "ReceiptHandle": handle} for i in range(n)]
    return [{"Id": "e%d" % i, "ReceiptHandle": handle, "VisibilityTimeout": 0} for i in range(n)]


def make_zip(entries):
    """A zip archive (bytes) of entries [(name, bytes or str, unix mode or None)]: Python's
    zipfile, deflated; a mode marks the entry as made on Unix with those permissions (and type:
    S_IFREG, S_IFDIR, S_IFLNK with the link's target as its data)."""
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode is not None:
                info.create_system = 3
                info.external_attr = mode << 16
            z.writestr(info, data)
    return buf.getvalue()
