#!/usr/bin/python3
"""Crash test: `kill -9` the real `spool serve` under concurrent load, restart it on the same
data directory, and check every durability promise against a ledger of what was acknowledged.

    SPOOL_BIN=/abs/path/spool /usr/bin/python3 tests/integration/crash_test.py [--cycles N]
        [--seed S] [--spool BIN] [--fsync MODE] [--fail-fast]

One data directory for the whole run. Setup creates three standard queues (with attributes).
Each cycle:

1. start `spool serve --data-dir DIR` (default `--fsync always`);
2. load for a random 0.2-1.5 s: sender threads (SendMessageBatch, some SendMessage) with unique
   messages whose body is `<uid>|<payload>|<sha256 of "<uid>|<payload>">` (random sizes up to
   ~16 KB, ASCII and non-ASCII, some with String/Number/Binary message attributes); receiver
   threads (VisibilityTimeout 0, 2, 3 or 5 s, short and 1 s long polls) that verify what they get
   and delete some of it (DeleteMessageBatch and DeleteMessage); one thread creating queues with
   attributes and tags. Variants alternate: "single" loads one queue, "multi" spreads the load
   over all three;
3. SIGKILL the server at that moment; every request without a response is "unacknowledged";
4. restart on the same directory, delete a few messages with receipt handles minted before the
   crash, then drain every queue (ReceiveMessage, VisibilityTimeout 900, until three empty
   answers in a row; bounded) and check:
   - every acknowledged send, every message received under load, every message known from the
     previous cycle is present, unless a delete of it was attempted (in flight at the crash
     included: such messages are visible again after a restart);
   - no acknowledged delete is present, none is received after its delete was acknowledged;
   - every message is byte-exact: body equals what was sent, embedded sha256 and MD5OfBody,
     message attributes and MD5OfMessageAttributes, MessageId as acknowledged, right queue;
   - no unknown message, no failed batch entry, no message that was already known to be gone,
     no message twice;
   - receive counts: at least one more than the count seen when the previous cycle ended (the
     server stopped gracefully then) and at least every count returned by a receive that was
     acknowledged before an acknowledged send was started (receive counts are journaled
     lazily, but in journal order, so such a receive is on disk once that send is);
   - approximate counts after the drain match (0 visible, all drained ones in flight);
   - queues from acknowledged CreateQueue calls exist with their attributes and tags; queues
     deleted in an earlier cycle stay deleted; the base queues keep their attributes;
5. the ledger carries over: what the drain saw is what must exist next cycle (the drain's
   visibility timeout ends with the restart). A queue above 1500 messages is cut to 800 with
   acknowledged deletes; this cycle's extra queues are deleted; the server is stopped with
   SIGTERM (exit 0 expected), which also flushes the lazily journaled receive counts.

`--seed` fixes every random choice (sizes, kill moment, variants); thread interleaving is not
reproducible, so a violation is reported with the seed and the cycle, and the data directory is
kept for inspection. Prints one stats line per cycle and ends with `crash: N passed, M failed`.
"""

import argparse
import atexit
import base64
import hashlib
import http.client
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spool_signing import ROOT_ENV, signed_headers  # noqa: E402

BASE_QUEUES = {
    "crash-q0": {},
    "crash-q1": {"VisibilityTimeout": "7", "MessageRetentionPeriod": "864000"},
    "crash-q2": {"MaximumMessageSize": "262144", "ReceiveMessageWaitTimeSeconds": "0"},
}
EXTRA_PREFIX = "crash-x"
ACCOUNT = "000000000000"
SENDERS = 4
RECEIVERS = 3
REQUEST_TIMEOUT = 20.0  # seconds; no request of this test should take longer
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
DRAIN_VT = 900
CAP, CAP_TO = 1500, 800  # messages per queue kept across cycles
MAX_LISTED_VIOLATIONS = 40

_servers = []  # every Popen started, for the exit handler


def _kill_leftovers():
    for p in _servers:
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=10)
            except Exception:
                pass


atexit.register(_kill_leftovers)


def _on_signal(signum, _frame):
    _kill_leftovers()
    sys.exit(128 + signum)


# --- digests ------------------------------------------------------------------------------------

def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def attributes_md5(attrs):
    """MD5OfMessageAttributes (sqs-api.md 8.2) of {name: (data_type, value)}; value is str for
    String/Number types, bytes for Binary types."""
    buf = bytearray()
    for name in sorted(attrs, key=lambda n: n.encode("utf-8")):
        dtype, value = attrs[name]
        for part in (name.encode("utf-8"), dtype.encode("utf-8")):
            buf += len(part).to_bytes(4, "big") + part
        if isinstance(value, bytes):
            buf += b"\x02" + len(value).to_bytes(4, "big") + value
        else:
            v = value.encode("utf-8")
            buf += b"\x01" + len(v).to_bytes(4, "big") + v
    return md5_hex(bytes(buf))


# --- HTTP (AWS JSON 1.0) ------------------------------------------------------------------------

class CallFailed(Exception):
    """No response: the connection broke or timed out."""


class Client:
    """One keep-alive connection; never retries (a retried send would blur the ledger)."""

    def __init__(self, port, rng=None):
        self.port = port
        self.conn = None
        self.rng = rng or random.Random(0)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, action, payload):
        """-> (status, parsed JSON). Raises CallFailed when no complete response came."""
        # Both JSON spellings of non-ASCII text: raw UTF-8 and \\u escapes (surrogate pairs).
        body = json.dumps(payload, ensure_ascii=self.rng.random() < 0.3).encode("utf-8")
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=REQUEST_TIMEOUT)
            self.conn.request("POST", "/", body, signed_headers(
                "POST", "127.0.0.1:%d" % self.port, "/", body, {
                    "X-Amz-Target": "AmazonSQS." + action,
                    "Content-Type": "application/x-amz-json-1.0",
                }))
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise CallFailed("%s: %s: %s" % (action, type(e).__name__, e)) from None
        try:
            parsed = json.loads(data.decode("utf-8")) if data else {}
        except ValueError as e:
            return resp.status, {"__unparseable__": "%s: %r" % (e, data[:300])}
        return resp.status, parsed


def queue_url(port, name):
    return "http://127.0.0.1:%d/%s/%s" % (port, ACCOUNT, name)


# --- messages -----------------------------------------------------------------------------------

def _alphabet():
    ascii_part = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n\r"
    latin = "äöüßéèçñøåÆΩλπЖжШщ"
    cjk = "".join(chr(0x4E00 + i * 37) for i in range(60))
    emoji = "".join(chr(0x1F600 + i) for i in range(40)) + "".join(
        chr(0x10000 + i * 911) for i in range(20))
    edges = "\u00a0\u2028\ud7ff\ue000\ufffd\U0010fffd"
    return ascii_part, ascii_part * 3 + latin * 2 + cjk + emoji + edges


ASCII_CHARS, MIXED_CHARS = _alphabet()
ATTR_TYPES = ["String", "Number", "Binary", "String.json", "Number.int", "Binary.gif"]


class Msg:
    """Everything sent for one message, and what became of the send."""
    __slots__ = ("uid", "queue", "body", "attrs", "wire_attrs", "md5_body", "md5_attrs",
                 "message_id", "send", "t_ack")

    def __init__(self, uid, queue_name, body, attrs):
        self.uid = uid
        self.queue = queue_name
        self.body = body
        self.attrs = attrs
        self.wire_attrs = {}
        for name, (dtype, value) in attrs.items():
            if isinstance(value, bytes):
                self.wire_attrs[name] = {"DataType": dtype,
                                         "BinaryValue": base64.b64encode(value).decode()}
            else:
                self.wire_attrs[name] = {"DataType": dtype, "StringValue": value}
        self.md5_body = md5_hex(body.encode("utf-8"))
        self.md5_attrs = attributes_md5(attrs) if attrs else None
        self.message_id = None
        self.send = "attempted"  # attempted (no response) | acked | failed
        self.t_ack = None


class TextSource:
    """Random text to cut payloads from (cheap, so senders mostly wait on the server)."""

    def __init__(self, rng):
        self.ascii = "".join(rng.choices(ASCII_CHARS, k=40000))
        self.mixed = "".join(rng.choices(MIXED_CHARS, k=40000))

    def take(self, rng, n):
        text = self.ascii if rng.random() < 0.4 else self.mixed
        start = rng.randrange(len(text) - n)
        return text[start:start + n]


def make_message(rng, texts, uid, queue_name):
    r = rng.random()
    if r < 0.55:
        n = rng.randint(0, 200)
    elif r < 0.9:
        n = rng.randint(200, 3000)
    else:
        n = rng.randint(3000, 16000)
    payload = texts.take(rng, n)
    prefix = uid + "|" + payload
    body = prefix + "|" + hashlib.sha256(prefix.encode("utf-8")).hexdigest()
    attrs = {}
    if rng.random() < 0.3:
        for i in range(rng.randint(1, 4)):
            dtype = rng.choice(ATTR_TYPES)
            name = rng.choice(["a", "trace.id", "Num", "bin_x", "s-2", "k"]) + str(i)
            if dtype.startswith("Binary"):
                value = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
            elif dtype.startswith("Number"):
                value = rng.choice([str(rng.randint(-10**12, 10**12)),
                                    "%d.%03d" % (rng.randint(0, 9999), rng.randint(0, 999))])
            else:
                value = "".join(rng.choices(MIXED_CHARS, k=rng.randint(1, 40)))
            attrs[name] = (dtype, value)
    return Msg(uid, queue_name, body, attrs)


def check_received(catalog, m, queue_name):
    """Checks one received message. -> (uid or None, receive count or None, [problems])."""
    problems = []
    body = m.get("Body")
    mid = m.get("MessageId")
    if not isinstance(body, str):
        return None, None, ["message %s in %s has no Body: %r" % (mid, queue_name, m)]
    try:
        raw = body.encode("utf-8")
    except UnicodeEncodeError as e:
        return None, None, ["message %s in %s: body is not valid Unicode (%s)" % (
            mid, queue_name, e)]
    if m.get("MD5OfBody") != md5_hex(raw):
        problems.append("message %s in %s: MD5OfBody %r, body's MD5 is %s" % (
            mid, queue_name, m.get("MD5OfBody"), md5_hex(raw)))
    prefix, _, digest = body.rpartition("|")
    if hashlib.sha256(prefix.encode("utf-8")).hexdigest() != digest:
        problems.append("message %s in %s: body corrupted (embedded sha256 does not match; "
                        "%d bytes, starts %r)" % (mid, queue_name, len(raw), body[:60]))
        return None, None, problems
    uid = prefix.split("|", 1)[0]
    count = None
    try:
        count = int(m.get("Attributes", {}).get("ApproximateReceiveCount"))
    except (TypeError, ValueError):
        problems.append("%s: no ApproximateReceiveCount in %r" % (uid, m.get("Attributes")))
    sent = catalog.get(uid)
    if sent is None:
        # The catalog holds every message of this cycle and every one that must exist; any other
        # message of this run was deleted or found absent by an earlier check.
        if re.fullmatch(r"c\d+t\d+n\d+", uid):
            problems.append("message %s (MessageId %s) in %s is back, although an earlier check "
                            "found it deleted or absent" % (uid, mid, queue_name))
        else:
            problems.append("unknown message %r (MessageId %s) in %s: never sent by this test" % (
                uid[:100], mid, queue_name))
        return uid, count, problems
    if sent.body != body:
        problems.append("%s: body differs from the one sent (%d vs %d chars)" % (
            uid, len(body), len(sent.body)))
    if sent.queue != queue_name:
        problems.append("%s: sent to %s, received from %s" % (uid, sent.queue, queue_name))
    if sent.message_id is not None and sent.message_id != mid:
        problems.append("%s: MessageId %s, but the send was answered with %s" % (
            uid, mid, sent.message_id))
    got = {}
    for name, v in (m.get("MessageAttributes") or {}).items():
        if "BinaryValue" in v:
            try:
                got[name] = (v.get("DataType"), base64.b64decode(v["BinaryValue"], validate=True))
            except ValueError:
                got[name] = (v.get("DataType"), "<bad base64 %r>" % v["BinaryValue"])
        else:
            got[name] = (v.get("DataType"), v.get("StringValue"))
    if got != sent.attrs:
        problems.append("%s: message attributes %r, sent %r" % (uid, got, sent.attrs))
    if m.get("MD5OfMessageAttributes") != sent.md5_attrs:
        problems.append("%s: MD5OfMessageAttributes %r, expected %r" % (
            uid, m.get("MD5OfMessageAttributes"), sent.md5_attrs))
    return uid, count, problems


# --- the server ---------------------------------------------------------------------------------

class Server:
    def __init__(self, binary, data_dir, log_path, fsync=None):
        self.binary = binary
        self.fsync = fsync
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc = None
        self.port = None
        self.log_offset = 0
        self.startup_seconds = None

    def start(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SPOOL_") or k == "SPOOL_LOG_LEVEL"}
        env.update(ROOT_ENV)  # the key requests are signed with
        argv = [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir]
        if self.fsync:
            argv += ["--fsync", self.fsync]
        with open(self.log_path, "ab") as log:
            self.log_offset = log.tell()
            t0 = time.monotonic()
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env,
                start_new_session=True)
        _servers.append(self.proc)
        lines = queue.Queue()

        def pump(stream):
            for line in iter(stream.readline, b""):
                lines.put(line.decode("utf-8", "replace"))
            lines.put(None)

        threading.Thread(target=pump, args=(self.proc.stdout,), daemon=True).start()
        deadline = t0 + START_TIMEOUT
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError("spool serve printed no 'listening' line within %.0f s" %
                                   START_TIMEOUT)
            if line is None:
                self.proc.wait(timeout=10)
                raise RuntimeError("spool serve exited with %s before listening:\n%s" % (
                    self.proc.returncode, self.log_since_start()))
            if "listening on http://" in line:
                self.startup_seconds = time.monotonic() - t0
                self.port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
                return

    def log_since_start(self):
        with open(self.log_path, "rb") as f:
            f.seek(self.log_offset)
            return f.read().decode("utf-8", "replace")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=STOP_TIMEOUT)

    def stop(self):
        """SIGTERM; -> exit code (None if it had to be killed)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None


# --- one cycle's load ---------------------------------------------------------------------------

class Load:
    """The concurrent load of one cycle and everything it observed."""

    def __init__(self, port, cycle, seed, queues, catalog, t0):
        self.port = port
        self.cycle = cycle
        self.seed = seed
        self.queues = queues
        self.catalog = catalog
        self.t0 = t0
        self.killing = threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.violations = []
        self.sent = []          # Msg attempted this cycle
        self.send_barrier = None  # latest start time of an acknowledged send
        self.receives = []      # (uid, count, t_start, t_ack, receipt_handle, queue, vt)
        self.deletes = []       # (uid, t_start, t_ack or None, queue)
        self.created = []       # (name, attributes, tags, acked)

    def rel(self, t):
        return "+%.3fs" % (t - self.t0)

    def violation(self, text):
        with self.lock:
            self.violations.append(text)

    def failed_without_kill(self, what):
        if not self.killing.is_set():
            self.violation("request failed while the server was running: %s" % what)

    def run(self, duration):
        threads = []
        for i in range(SENDERS):
            threads.append(threading.Thread(target=self.sender, args=(i,), daemon=True))
        for i in range(RECEIVERS):
            threads.append(threading.Thread(target=self.receiver, args=(i,), daemon=True))
        threads.append(threading.Thread(target=self.creator, daemon=True))
        for t in threads:
            t.start()
        time.sleep(duration)
        return threads

    def join(self, threads):
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT + 10)
            if t.is_alive():
                self.violation("a load thread did not finish within %.0f s after the kill" %
                               (REQUEST_TIMEOUT + 10))

    def sender(self, idx):
        rng = random.Random("%s/send/%d" % (self.seed, idx))
        client = Client(self.port, rng)
        texts = TextSource(rng)
        n = 0
        try:
            while not self.stop.is_set():
                qname = rng.choice(self.queues)
                single = rng.random() < 0.15  # SendMessage instead of SendMessageBatch
                batch = []
                for _ in range(1 if single else rng.randint(1, 10)):
                    uid = "c%dt%dn%d" % (self.cycle, idx, n)
                    n += 1
                    msg = make_message(rng, texts, uid, qname)
                    self.catalog[uid] = msg
                    batch.append(msg)
                with self.lock:
                    self.sent.extend(batch)
                if not self.send_once(client, qname, batch, single):
                    return
        finally:
            client.close()

    def send_once(self, client, qname, batch, single):
        """-> False when the thread should stop (the connection broke)."""
        url = queue_url(self.port, qname)
        t_start = time.monotonic()
        try:
            if single:
                m = batch[0]
                req = {"QueueUrl": url, "MessageBody": m.body}
                if m.attrs:
                    req["MessageAttributes"] = m.wire_attrs
                status, out = client.call("SendMessage", req)
                results = [dict(out, Id="e0")] if status == 200 else None
            else:
                entries = []
                for i, m in enumerate(batch):
                    e = {"Id": "e%d" % i, "MessageBody": m.body}
                    if m.attrs:
                        e["MessageAttributes"] = m.wire_attrs
                    entries.append(e)
                status, out = client.call("SendMessageBatch", {"QueueUrl": url,
                                                               "Entries": entries})
                results = out.get("Successful", []) if status == 200 else None
                for f in (out.get("Failed") or []) if status == 200 else []:
                    i = int(f.get("Id", "e-1")[1:])
                    if 0 <= i < len(batch):
                        batch[i].send = "failed"
                    self.violation("SendMessageBatch entry failed: %r" % f)
        except CallFailed as e:
            self.failed_without_kill(str(e))
            return False
        t_ack = time.monotonic()
        if results is None:
            self.violation("send to %s answered HTTP %d: %r" % (qname, status, out))
            return not self.killing.is_set()
        acked = False
        for r in results:
            try:
                m = batch[int(r.get("Id", "e-1")[1:])]
            except (ValueError, IndexError):
                self.violation("send result with an unknown Id: %r" % r)
                continue
            if r.get("MD5OfMessageBody") != m.md5_body:
                self.violation("%s: send answered MD5OfMessageBody %r, expected %s" % (
                    m.uid, r.get("MD5OfMessageBody"), m.md5_body))
            if r.get("MD5OfMessageAttributes") != m.md5_attrs:
                self.violation("%s: send answered MD5OfMessageAttributes %r, expected %r" % (
                    m.uid, r.get("MD5OfMessageAttributes"), m.md5_attrs))
            if not r.get("MessageId"):
                self.violation("%s: send answered without a MessageId: %r" % (m.uid, r))
            m.message_id = r.get("MessageId")
            m.send = "acked"
            m.t_ack = t_ack
            acked = True
        if acked:
            with self.lock:
                if self.send_barrier is None or t_start > self.send_barrier:
                    self.send_barrier = t_start
        return True

    def receiver(self, idx):
        rng = random.Random("%s/recv/%d" % (self.seed, idx))
        client = Client(self.port, rng)
        try:
            while not self.stop.is_set():
                qname = rng.choice(self.queues)
                vt = rng.choice([0, 2, 2, 3, 5, 5])
                req = {"QueueUrl": queue_url(self.port, qname),
                       "MaxNumberOfMessages": rng.randint(1, 10),
                       "VisibilityTimeout": vt,
                       "WaitTimeSeconds": rng.choice([0, 0, 1]),
                       "AttributeNames": ["All"], "MessageAttributeNames": ["All"]}
                t_start = time.monotonic()
                try:
                    status, out = client.call("ReceiveMessage", req)
                except CallFailed as e:
                    self.failed_without_kill(str(e))
                    return
                t_ack = time.monotonic()
                if status != 200:
                    self.violation("ReceiveMessage on %s answered HTTP %d: %r" % (
                        qname, status, out))
                    if self.killing.is_set():
                        return
                    continue
                got = []
                for m in out.get("Messages", []):
                    uid, count, problems = check_received(self.catalog, m, qname)
                    for p in problems:
                        self.violation("under load, " + p)
                    if uid is None or count is None or uid not in self.catalog:
                        continue
                    with self.lock:
                        self.receives.append((uid, count, t_start, t_ack, m["ReceiptHandle"],
                                              qname, vt))
                    got.append((uid, m["ReceiptHandle"]))
                chosen = [g for g in got if rng.random() < 0.6]
                if chosen and not self.delete(client, rng, qname, chosen):
                    return
        finally:
            client.close()

    def delete(self, client, rng, qname, chosen):
        url = queue_url(self.port, qname)
        single = len(chosen) == 1 or rng.random() < 0.25
        try:
            if single:
                for uid, handle in chosen:
                    attempt = [uid, time.monotonic(), None, qname]
                    with self.lock:
                        self.deletes.append(attempt)
                    status, out = client.call("DeleteMessage",
                                              {"QueueUrl": url, "ReceiptHandle": handle})
                    if status == 200:
                        attempt[2] = time.monotonic()
                    else:
                        self.violation("DeleteMessage of %s answered HTTP %d: %r" % (
                            uid, status, out))
            else:
                attempts = [[uid, time.monotonic(), None, qname] for uid, _ in chosen]
                with self.lock:
                    self.deletes.extend(attempts)
                entries = [{"Id": "d%d" % i, "ReceiptHandle": h} for i, (_, h) in
                           enumerate(chosen)]
                status, out = client.call("DeleteMessageBatch",
                                          {"QueueUrl": url, "Entries": entries})
                t_ack = time.monotonic()
                if status != 200:
                    self.violation("DeleteMessageBatch answered HTTP %d: %r" % (status, out))
                else:
                    for s in out.get("Successful", []):
                        attempts[int(s["Id"][1:])][2] = t_ack
                    for f in out.get("Failed") or []:
                        self.violation("DeleteMessageBatch entry failed: %r" % f)
        except CallFailed as e:
            self.failed_without_kill(str(e))
            return False
        return True

    def creator(self):
        rng = random.Random("%s/create" % self.seed)
        client = Client(self.port, rng)
        k = 0
        try:
            while not self.stop.is_set() and k < 30:
                name = "%s%d-%d" % (EXTRA_PREFIX, self.cycle, k)
                k += 1
                attrs = {"VisibilityTimeout": str(rng.randint(0, 600)),
                         "MessageRetentionPeriod": str(rng.randint(60, 1209600)),
                         "MaximumMessageSize": str(rng.randint(1024, 1048576)),
                         "DelaySeconds": str(rng.randint(0, 900))}
                tags = {"cycle": str(self.cycle), "n": str(k), "note": "crash ü %d" % k}
                entry = [name, attrs, tags, False]
                with self.lock:
                    self.created.append(entry)
                try:
                    status, out = client.call("CreateQueue", {"QueueName": name,
                                                              "Attributes": attrs,
                                                              "tags": tags})
                except CallFailed as e:
                    self.failed_without_kill(str(e))
                    return
                if status == 200 and out.get("QueueUrl", "").endswith("/" + name):
                    entry[3] = True
                else:
                    self.violation("CreateQueue %s answered HTTP %d: %r" % (name, status, out))
                time.sleep(rng.uniform(0.02, 0.15))
        finally:
            client.close()


# --- the run ------------------------------------------------------------------------------------

class CrashTest:
    def __init__(self, args):
        self.args = args
        # uid -> Msg: every message that must exist, and every message of the current cycle.
        # Any other uid of this run is known to be gone (deleted, or absent after a restart).
        self.catalog = {}
        self.present = {}       # uid -> receive count seen by the last drain (must exist)
        self.deleted_queues = set()
        self.work = tempfile.mkdtemp(prefix="spool-crash.")
        self.data_dir = os.path.join(self.work, "data")
        self.log_path = os.path.join(self.work, "server.log")
        self.server = Server(args.spool, self.data_dir, self.log_path, args.fsync)
        self.totals = dict(acked=0, unacked=0, deletes=0, del_unacked=0, recovered=0,
                           torn=0, restart=0.0, cycles_time=0.0)

    def setup(self):
        self.server.start()
        client = Client(self.server.port)
        try:
            for name, attrs in BASE_QUEUES.items():
                status, out = client.call("CreateQueue", {"QueueName": name, "Attributes": attrs})
                if status != 200:
                    raise RuntimeError("setup: CreateQueue %s answered %d: %r" % (
                        name, status, out))
        finally:
            client.close()
        code = self.server.stop()
        if code != 0:
            raise RuntimeError("setup: spool serve exited %r after SIGTERM:\n%s" % (
                code, self.server.log_since_start()))

    def cycle(self, cycle):
        seed = "%s/%d" % (self.args.seed, cycle)
        rng = random.Random(seed)
        variant = "multi" if cycle % 2 == 0 else "single"
        queues = sorted(BASE_QUEUES) if variant == "multi" else [sorted(BASE_QUEUES)[cycle % 3]]
        duration = rng.uniform(0.2, 1.5)
        violations = []
        t_cycle = time.monotonic()

        self.server.start()
        t0 = time.monotonic()
        load = Load(self.server.port, cycle, seed, queues, self.catalog, t0)
        threads = load.run(duration)
        load.killing.set()
        t_kill = time.monotonic()
        self.server.kill9()
        load.stop.set()
        load.join(threads)
        violations += load.violations

        self.server.start()
        restart = self.server.startup_seconds
        startup_log = self.server.log_since_start()
        torn = "torn_tail_truncated" in startup_log
        port = self.server.port
        client = Client(port, random.Random(seed + "/verify"))
        try:
            stats = self.verify(client, load, t_kill, violations)
        except CallFailed as e:
            violations.append("verification request failed: %s" % e)
            stats = {}
        finally:
            client.close()
        if self.server.proc.poll() is not None:
            violations.append("the restarted server died during verification (exit %s)" %
                              self.server.proc.returncode)
        else:
            code = self.server.stop()
            if code != 0:
                violations.append("the restarted server exited %r after SIGTERM" % code)

        acked = sum(1 for m in load.sent if m.send == "acked")
        unacked = sum(1 for m in load.sent if m.send == "attempted")
        dels = sum(1 for d in load.deletes if d[2] is not None)
        del_unacked = len(load.deletes) - dels
        secs = time.monotonic() - t_cycle
        for k, v in (("acked", acked), ("unacked", unacked), ("deletes", dels),
                     ("del_unacked", del_unacked), ("recovered", stats.get("present", 0)),
                     ("torn", int(torn)), ("restart", restart), ("cycles_time", secs)):
            self.totals[k] += v
        print("cycle %d/%d %-6s load=%.2fs sends: acked=%d unacked=%d | deletes: acked=%d "
              "unacked=%d | receives=%d | recovered=%d (unacked sends present=%d, in flight=%d) "
              "queues+%d | restart=%.2fs%s drain=%.2fs | %s" % (
                  cycle, self.args.cycles, variant, duration, acked, unacked, dels, del_unacked,
                  len(load.receives), stats.get("present", 0), stats.get("unacked_present", 0),
                  stats.get("in_flight", 0), sum(1 for c in load.created if c[3]), restart,
                  " torn-tail" if torn else "", stats.get("drain", 0.0),
                  "OK" if not violations else "FAILED (%d violations)" % len(violations)),
              flush=True)
        if violations:
            print("  cycle %d violations (seed %r, data dir %s):" % (cycle, self.args.seed,
                                                                     self.data_dir))
            for v in violations[:MAX_LISTED_VIOLATIONS]:
                print("  - " + v)
            if len(violations) > MAX_LISTED_VIOLATIONS:
                print("  - ... and %d more" % (len(violations) - MAX_LISTED_VIOLATIONS))
            sys.stdout.flush()
        return not violations

    def verify(self, client, load, t_kill, violations):
        port = self.server.port
        rel = load.rel
        stats = {}
        deleted_acked = {}   # uid -> when the delete was acknowledged
        delete_tried = set()
        for uid, _ts, t_ack, _q in load.deletes:
            delete_tried.add(uid)
            if t_ack is not None:
                deleted_acked[uid] = t_ack
        last_recv = {}
        barrier = load.send_barrier
        durable_count = {}  # uid -> highest count of a receive known to be on disk
        for rec in load.receives:
            uid, count, t_start, t_ack = rec[:4]
            if uid in deleted_acked and t_start > deleted_acked[uid]:
                violations.append("%s was received by a ReceiveMessage started at %s, after its "
                                  "delete was acknowledged at %s" % (
                                      uid, rel(t_start), rel(deleted_acked[uid])))
            if uid not in last_recv or t_ack > last_recv[uid][3]:
                last_recv[uid] = rec
            if barrier is not None and t_ack < barrier and count > durable_count.get(uid, (0,))[0]:
                durable_count[uid] = (count, t_ack)
            m = self.catalog.get(uid)
            if m is not None and m.send == "failed":
                violations.append("%s was received under load, but its batch entry failed" % uid)

        # Receipt handles minted before the crash still delete after the restart.
        old_handles = [r for u, r in last_recv.items() if u not in delete_tried]
        random.Random(load.seed + "/old").shuffle(old_handles)
        for uid, _c, _ts, _ta, handle, qname, _vt in old_handles[:5]:
            status, out = client.call("DeleteMessage", {"QueueUrl": queue_url(port, qname),
                                                        "ReceiptHandle": handle})
            if status != 200:
                violations.append("DeleteMessage after the restart with %s's receipt handle "
                                  "from before the crash answered HTTP %d: %r" % (
                                      uid, status, out))
                delete_tried.add(uid)
            else:
                delete_tried.add(uid)
                deleted_acked[uid] = time.monotonic()

        # Drain every queue.
        t_drain = time.monotonic()
        observed = {}  # uid -> (count, receipt handle, queue)
        for qname in sorted(BASE_QUEUES):
            self.drain(client, qname, observed, violations)
        stats["drain"] = time.monotonic() - t_drain

        # What must be there, what must not.
        must = {}  # uid -> why
        for uid in self.present:
            must[uid] = "known from the previous cycle"
        for m in load.sent:
            if m.send == "acked":
                must[m.uid] = "send acknowledged at %s (MessageId %s)" % (rel(m.t_ack),
                                                                         m.message_id)
        for uid, rec in last_recv.items():
            must.setdefault(uid, "received under load at %s (send not acknowledged)" % rel(
                rec[3]))
        in_flight = 0
        for uid, why in sorted(must.items()):
            if uid in delete_tried:
                continue
            if uid not in observed:
                detail = ""
                if uid in last_recv:
                    r = last_recv[uid]
                    detail = "; last received at %s with VisibilityTimeout %d (kill at %s)" % (
                        rel(r[3]), r[6], rel(t_kill))
                violations.append("%s in %s is missing after the restart: %s; no delete was "
                                  "attempted%s" % (uid, self.catalog[uid].queue, why, detail))
            elif uid in last_recv and last_recv[uid][3] + last_recv[uid][6] > t_kill:
                in_flight += 1
        stats["in_flight"] = in_flight
        for uid, t_ack in sorted(deleted_acked.items()):
            if uid in observed:
                violations.append("%s came back after the restart although its delete was "
                                  "acknowledged at %s" % (uid, rel(t_ack)))
        this_cycle = {m.uid for m in load.sent}
        unacked_present = 0
        for uid in sorted(observed):
            m = self.catalog.get(uid)
            if m is None:
                continue  # reported by the drain
            if m.send == "failed":
                violations.append("%s is in the queue although its batch entry failed" % uid)
            elif uid not in self.present and uid not in this_cycle:
                violations.append("%s appeared, but it was neither known nor sent this cycle" %
                                  uid)
            if m.send == "attempted" and uid in this_cycle:
                unacked_present += 1
        stats["unacked_present"] = unacked_present
        stats["present"] = len(observed)

        # Receive counts.
        for uid, (count, _h, _q) in sorted(observed.items()):
            floor, why = 0, None
            if uid in self.present:
                floor, why = self.present[uid], "the previous cycle ended with it"
            if uid in durable_count and durable_count[uid][0] > floor:
                c, t_ack = durable_count[uid]
                floor, why = c, ("a receive acknowledged at %s (before an acknowledged send "
                                 "started at %s) returned it" % (rel(t_ack), rel(barrier)))
            if count - 1 < floor:
                violations.append("%s: receive count %d after the restart (so %d stored), but %s "
                                  "with count %d" % (uid, count, count - 1, why, floor))

        self.check_queues(client, load, observed, violations)

        # Carry the ledger over: what the drain saw must exist; everything else is gone.
        self.present = {uid: v[0] for uid, v in observed.items() if uid in self.catalog}
        self.trim(client, load.cycle, observed, violations)
        for uid in [u for u in self.catalog if u not in self.present]:
            del self.catalog[uid]
        return stats

    def drain(self, client, qname, observed, violations):
        url = queue_url(self.server.port, qname)
        expected = sum(1 for u in self.present if self.catalog[u].queue == qname) + len(
            self.catalog)
        max_calls = min(expected, 100000) // 10 * 2 + 100
        deadline = time.monotonic() + 300
        empty = 0
        drained = 0
        for _ in range(max_calls):
            if empty >= 3 or time.monotonic() > deadline:
                break
            status, out = client.call("ReceiveMessage", {
                "QueueUrl": url, "MaxNumberOfMessages": 10, "VisibilityTimeout": DRAIN_VT,
                "WaitTimeSeconds": 0, "AttributeNames": ["All"],
                "MessageAttributeNames": ["All"]})
            if status != 200:
                violations.append("drain of %s: ReceiveMessage answered HTTP %d: %r" % (
                    qname, status, out))
                return
            msgs = out.get("Messages", [])
            empty = 0 if msgs else empty + 1
            for m in msgs:
                uid, count, problems = check_received(self.catalog, m, qname)
                violations.extend("after the restart, " + p for p in problems)
                if uid is None:
                    continue
                drained += 1
                if uid in observed:
                    violations.append("%s was returned twice by the drain of %s (visibility "
                                      "timeout %d s): duplicated" % (uid, qname, DRAIN_VT))
                    continue
                observed[uid] = (count or 0, m.get("ReceiptHandle"), qname)
        if empty < 3:
            violations.append("drain of %s did not end (%d calls, %d messages)" % (
                qname, max_calls, drained))
        status, out = client.call("GetQueueAttributes", {"QueueUrl": url,
                                                         "AttributeNames": ["All"]})
        if status != 200:
            violations.append("GetQueueAttributes %s after the restart answered HTTP %d: %r" % (
                qname, status, out))
            return
        attrs = out.get("Attributes", {})
        for name, value in BASE_QUEUES[qname].items():
            if attrs.get(name) != value:
                violations.append("queue %s: attribute %s is %r after the restart, created "
                                  "with %r" % (qname, name, attrs.get(name), value))
        want = {"ApproximateNumberOfMessages": "0",
                "ApproximateNumberOfMessagesNotVisible": str(drained),
                "ApproximateNumberOfMessagesDelayed": "0"}
        for name, value in want.items():
            if attrs.get(name) != value:
                violations.append("queue %s after the drain: %s is %r, expected %s" % (
                    qname, name, attrs.get(name), value))

    def check_queues(self, client, load, observed, violations):
        port = self.server.port
        names, token = [], None
        for _ in range(100):
            req = {"QueueNamePrefix": EXTRA_PREFIX, "MaxResults": 1000}
            if token:
                req["NextToken"] = token
            status, out = client.call("ListQueues", req)
            if status != 200:
                violations.append("ListQueues answered HTTP %d: %r" % (status, out))
                return
            names += [u.rsplit("/", 1)[1] for u in out.get("QueueUrls", [])]
            token = out.get("NextToken")
            if not token:
                break
        created = {c[0]: c for c in load.created}
        for name in names:
            if name in self.deleted_queues:
                violations.append("queue %s is back although its DeleteQueue was acknowledged "
                                  "in an earlier cycle" % name)
            elif name not in created:
                violations.append("unknown queue %s after the restart" % name)
        for name, attrs, tags, acked in load.created:
            if name not in names:
                if acked:
                    violations.append("queue %s is missing after the restart although its "
                                      "CreateQueue was acknowledged" % name)
                continue
            url = queue_url(port, name)
            status, out = client.call("GetQueueAttributes", {"QueueUrl": url,
                                                             "AttributeNames": ["All"]})
            got = out.get("Attributes", {}) if status == 200 else {}
            for k, v in attrs.items():
                if got.get(k) != v:
                    violations.append("queue %s: %s is %r after the restart, created with %r" % (
                        name, k, got.get(k), v))
            status, out = client.call("ListQueueTags", {"QueueUrl": url})
            if status != 200 or out.get("Tags", {}) != tags:
                violations.append("queue %s: tags %r after the restart, created with %r" % (
                    name, out, tags))
            status, out = client.call("DeleteQueue", {"QueueUrl": url})
            if status == 200:
                self.deleted_queues.add(name)
            else:
                violations.append("DeleteQueue %s answered HTTP %d: %r" % (name, status, out))

    def trim(self, client, cycle, observed, violations):
        """Keeps each queue at most CAP messages with acknowledged deletes (checked next cycle)."""
        port = self.server.port
        rng = random.Random("%s/trim/%d" % (self.args.seed, cycle))
        for qname in sorted(BASE_QUEUES):
            uids = sorted(u for u in self.present if observed[u][2] == qname)
            if len(uids) <= CAP:
                continue
            victims = rng.sample(uids, len(uids) - CAP_TO)
            for i in range(0, len(victims), 10):
                chunk = victims[i:i + 10]
                entries = [{"Id": "t%d" % j, "ReceiptHandle": observed[u][1]}
                           for j, u in enumerate(chunk)]
                status, out = client.call("DeleteMessageBatch", {
                    "QueueUrl": queue_url(port, qname), "Entries": entries})
                ok = {int(s["Id"][1:]) for s in out.get("Successful", [])} if status == 200 \
                    else set()
                for j, u in enumerate(chunk):
                    if j in ok:
                        self.present.pop(u, None)
                    else:
                        violations.append("trimming %s: delete of %s failed: %r" % (
                            qname, u, out))

    def run(self):
        print("crash: seed %r, %d cycles, server %s%s" % (
            self.args.seed, self.args.cycles, self.args.spool,
            " --fsync " + self.args.fsync if self.args.fsync else ""), flush=True)
        self.setup()
        passed = failed = 0
        t0 = time.monotonic()
        for cycle in range(1, self.args.cycles + 1):
            try:
                ok = self.cycle(cycle)
            except (RuntimeError, CallFailed, subprocess.TimeoutExpired) as e:
                print("cycle %d/%d FAILED: %s" % (cycle, self.args.cycles, e), flush=True)
                print("  (seed %r, data dir %s)" % (self.args.seed, self.data_dir))
                failed += 1
                if self.server.proc is not None and self.server.proc.poll() is None:
                    self.server.proc.kill()
                    self.server.proc.wait(timeout=10)
                break  # the ledger is no longer trustworthy
            if ok:
                passed += 1
            else:
                failed += 1
                if self.args.fail_fast:
                    break
        t = self.totals
        n = max(1, passed + failed)
        print("crash: totals: acked sends=%d unacked sends=%d acked deletes=%d unacked deletes=%d "
              "recovered (sum over cycles)=%d torn tails=%d; mean restart %.2f s; %.1f s in all "
              "(%.1f s per cycle)" % (t["acked"], t["unacked"], t["deletes"], t["del_unacked"],
                                      t["recovered"], t["torn"], t["restart"] / n,
                                      time.monotonic() - t0, t["cycles_time"] / n))
        if failed:
            print("crash: data directory kept for inspection: %s (server log %s)" % (
                self.data_dir, self.log_path))
        else:
            shutil.rmtree(self.work, ignore_errors=True)
        print("crash: %d passed, %d failed" % (passed, failed), flush=True)
        return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--seed", default=None, help="default: random, printed")
    parser.add_argument("--spool", default=os.environ.get("SPOOL_BIN"),
                        help="the spool binary (default: $SPOOL_BIN)")
    parser.add_argument("--fsync", choices=["always", "batch", "never"],
                        help="passed to spool serve (default: its default, always); every mode "
                             "writes before it acknowledges, so a process crash loses nothing")
    parser.add_argument("--fail-fast", action="store_true",
                        help="stop at the first cycle with a violation")
    args = parser.parse_args()
    if not args.spool or not os.path.isabs(args.spool) or not os.access(args.spool, os.X_OK):
        print("crash_test: --spool or SPOOL_BIN must be the absolute path of the spool binary",
              file=sys.stderr)
        return 2
    if args.cycles < 1:
        print("crash_test: --cycles must be at least 1", file=sys.stderr)
        return 2
    if args.seed is None:
        args.seed = str(random.SystemRandom().randrange(10**9))
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    return CrashTest(args).run()


if __name__ == "__main__":
    sys.exit(main())
