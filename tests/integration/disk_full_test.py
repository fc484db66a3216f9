#!/usr/bin/env python3
"""Disk full, for real: the data directory on a small tmpfs that fills up.

  SPOOL_BIN=/abs/path/to/spool /usr/bin/python3 tests/integration/disk_full_test.py

What it checks, with boto3 against `spool serve --data-dir` (default `--fsync always`):
  1. Sends fail with a server error (HTTP 5xx, InternalError) once the file system is full;
     the server stays up and keeps answering (receives, attributes).
  2. Nothing half-written is ever served: every message received is one whose send was
     acknowledged, with its body intact (checked against the acknowledged MD5).
  3. When space returns (the tmpfs is grown with `mount -o remount,size=`), sends succeed again
     without a restart.
  4. After a restart, every acknowledged message is there exactly once, intact.

Mounting a tmpfs needs root (CAP_SYS_ADMIN). Without it the test says why and exits 0 without
running: the same path is covered in the storage unit tests by the fault-injecting file system.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import boto3
import botocore.config
import botocore.exceptions

START_TIMEOUT = 30
SMALL = "2m"   # the full file system
LARGE = "64m"  # after space returns
BODY_BYTES = 60 * 1024


def log(msg):
    print("disk_full: " + msg, flush=True)


def mount_tmpfs(path, size):
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path],
                          capture_output=True, text=True)


class Server:
    def __init__(self, binary, data_dir, log_path):
        self.binary, self.data_dir, self.log_path = binary, data_dir, log_path
        self.proc = None
        self.port = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPOOL_")}
        env.update({"SPOOL_ROOT_ACCESS_KEY_ID": "test", "SPOOL_ROOT_SECRET_ACCESS_KEY": "test"})
        log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log_file, env=env,
            cwd=os.path.dirname(self.log_path), start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode("utf-8", "replace")
            if not line:
                break
            if "listening on http://" in line:
                self.port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
                return
        raise RuntimeError("spool serve did not start; its log:\n" +
                           open(self.log_path, encoding="utf-8", errors="replace").read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None

    def alive(self):
        return self.proc.poll() is None


def client(port):
    return boto3.client(
        "sqs", endpoint_url="http://127.0.0.1:%d" % port, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                      connect_timeout=5, read_timeout=30))


def body_for(i):
    # Distinct, checkable, not compressible into a few pages by accident.
    seed = hashlib.sha256(str(i).encode()).hexdigest()
    return ("msg-%06d " % i) + (seed * (BODY_BYTES // len(seed) + 1))[:BODY_BYTES]


def drain(sqs, url, acked, seen):
    """Receives until the queue is empty; checks every message against the acknowledged set."""
    empty_polls = 0
    while empty_polls < 2:
        r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                VisibilityTimeout=600)
        msgs = r.get("Messages", [])
        if not msgs:
            empty_polls += 1
            continue
        empty_polls = 0
        for m in msgs:
            body = m["Body"]
            md5 = hashlib.md5(body.encode("utf-8")).hexdigest()
            if m["MD5OfBody"] != md5:
                raise AssertionError("MD5OfBody does not match the body received")
            if md5 not in acked:
                raise AssertionError("received a message whose send was never acknowledged: " +
                                     body[:20])
            if acked[md5] != body[:20]:
                raise AssertionError("received body differs from the acknowledged one")
            seen[md5] = seen.get(md5, 0) + 1


def send_until_full(sqs, url, acked, start, limit):
    """Sends until a send fails; -> (next index, the error)."""
    i = start
    while i < limit:
        body = body_for(i)
        try:
            r = sqs.send_message(QueueUrl=url, MessageBody=body)
        except botocore.exceptions.ClientError as e:
            return i, e
        md5 = hashlib.md5(body.encode("utf-8")).hexdigest()
        if r["MD5OfMessageBody"] != md5:
            raise AssertionError("MD5OfMessageBody does not match")
        acked[md5] = body[:20]
        i += 1
    return i, None


def main():
    binary = os.environ.get("SPOOL_BIN")
    if not binary or not os.path.isabs(binary):
        print("disk_full: set SPOOL_BIN to the absolute path of the spool binary")
        return 2
    work = tempfile.mkdtemp(prefix="spool-diskfull-")
    data = os.path.join(work, "data")
    os.mkdir(data)
    mounted = mount_tmpfs(data, SMALL)
    if mounted.returncode != 0:
        log("SKIPPED: cannot mount a tmpfs here (needs root): " + mounted.stderr.strip() +
            "; the fault-injecting file system in the storage unit tests covers ENOSPC")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    server = None
    try:
        server = Server(binary, data, os.path.join(work, "server.log"))
        server.start()
        sqs = client(server.port)
        url = sqs.create_queue(QueueName="full")["QueueUrl"]
        acked, seen = {}, {}

        # 1. Fill the file system.
        n, err = send_until_full(sqs, url, acked, 0, 1000)
        if err is None:
            raise AssertionError("1000 sends of %d bytes fit in a %s tmpfs" % (BODY_BYTES, SMALL))
        status = err.response["ResponseMetadata"]["HTTPStatusCode"]
        code = err.response["Error"]["Code"]
        log("file system full after %d acknowledged sends: HTTP %d %s: %s" % (
            len(acked), status, code, err.response["Error"].get("Message", "")))
        assert status >= 500, "a full disk must be a server error, got HTTP %d" % status
        assert code == "InternalError", code
        # More sends keep failing cleanly; the server stays up and answers other calls.
        for _ in range(3):
            n2, err2 = send_until_full(sqs, url, acked, n, n + 1)
            assert err2 is not None or n2 == n + 1
            n = n2
        assert server.alive(), "the server exited on a full disk"
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        log("queue while full: %s messages" % attrs["ApproximateNumberOfMessages"])

        # 2. Nothing half-written is served.
        drain(sqs, url, acked, seen)
        assert set(seen) <= set(acked)
        log("received %d messages while full, each acknowledged and intact" % len(seen))

        # 3. Space returns: sends succeed again, no restart.
        grown = subprocess.run(["mount", "-o", "remount,size=" + LARGE, data],
                               capture_output=True, text=True)
        assert grown.returncode == 0, grown.stderr
        before = len(acked)
        n, err = send_until_full(sqs, url, acked, n, n + 20)
        assert err is None, "sends still fail after space returned: %s" % err
        log("space returned: %d more sends acknowledged without a restart" % (len(acked) - before))
        assert server.alive()

        # 4. Restart: every acknowledged message is there, once, intact. (The ones received
        # above were left in flight, so after the restart they are visible again.)
        assert server.stop() == 0, "the server did not stop cleanly"
        server.start()
        sqs = client(server.port)
        seen = {}
        drain(sqs, url, acked, seen)
        missing = set(acked) - set(seen)
        assert not missing, "%d acknowledged messages lost across the restart" % len(missing)
        dups = [k for k, v in seen.items() if v > 1]
        assert not dups, "%d messages received twice after the restart" % len(dups)
        log("after a restart all %d acknowledged messages are back, once each" % len(acked))
        print("disk_full: 4 passed, 0 failed")
        return 0
    finally:
        if server is not None and server.alive():
            server.stop()
        subprocess.run(["umount", data], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
