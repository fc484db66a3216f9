#!/usr/bin/python3
"""FIFO crash test: `kill -9` the real `spool serve` while producers and consumers use a FIFO
queue, restart it on the same data directory, and check FIFO's promises against a ledger.

    SPOOL_BIN=/abs/path/spool /usr/bin/python3 tests/integration/fifo_crash_test.py [--cycles N]
        [--seed S]

One FIFO queue (explicit deduplication ids), G message groups. Each producer thread owns some
groups and sends each group's messages in order, one at a time: body "g:n", deduplication id
"g-n". A send without an answer (the server was killed) is sent again, with the same id, after
the restart, until it is acknowledged: the deduplication window must make that exactly one
message. Consumer threads receive batches (visibility timeout 5 s) and delete what they got, in
order. Checked throughout, across every restart:

- order: a receive's messages of one group are consecutive, and the first is the message after
  the last one whose delete was acknowledged, or at most the one after the last whose delete was
  sent (a delete lost in the crash brings its message back; nothing is skipped and nothing goes
  back behind an acknowledged delete);
- no duplicate: one (group, n) always has the same MessageId (a second enqueue of a resent
  message would have another);
- nothing lost: at the end (graceful restart, drain) every acknowledged send was received, and
  each group was received up to its last acknowledged send.

Prints one line per cycle and ends with `fifo-crash: N cycles passed` (exit 0) or the first
violation (exit 1).
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

QUEUE = "crash.fifo"
REGION = "us-east-1"


def client(port):
    return boto3.client(
        "sqs", endpoint_url="http://127.0.0.1:%d" % port, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"},
                      connect_timeout=2, read_timeout=10, max_pool_connections=4))


class Server:
    def __init__(self, binary, data_dir, log):
        self.binary, self.data_dir, self.log = binary, data_dir, log
        self.proc, self.port = None, None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPOOL_")}
        env.update({"SPOOL_ROOT_ACCESS_KEY_ID": "test", "SPOOL_ROOT_SECRET_ACCESS_KEY": "test"})
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        deadline = time.monotonic() + 30
        for line in iter(self.proc.stdout.readline, b""):
            text = line.decode()
            if "listening on http://" in text:
                self.port = int(text.strip().rsplit(":", 1)[1])
                return
            if time.monotonic() > deadline:
                break
        raise RuntimeError("spool serve did not start (exit %s)" % self.proc.poll())

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


class Ledger:
    """What the clients know, shared by every thread (one lock)."""

    def __init__(self, groups):
        self.lock = threading.Lock()
        self.next_send = {g: 0 for g in range(groups)}     # next n to send (acknowledged below)
        self.acked_send = {g: -1 for g in range(groups)}   # highest acknowledged send
        self.del_sent = {g: -1 for g in range(groups)}     # highest n whose delete was sent
        self.del_acked = {g: -1 for g in range(groups)}    # highest n whose delete was acked
        self.ids = {}                                       # (g, n) -> MessageId
        self.received = set()
        self.violation = None

    def fail(self, text):
        with self.lock:
            if self.violation is None:
                self.violation = text


def producer(port, ledger, groups, stop, rng):
    sqs = client(port)
    while not stop.is_set() and ledger.violation is None:
        g = rng.choice(groups)
        n = ledger.next_send[g]
        try:
            out = sqs.send_message(QueueUrl="http://127.0.0.1:%d/000000000000/%s" % (port, QUEUE),
                                   MessageBody="%d:%d" % (g, n), MessageGroupId="g%d" % g,
                                   MessageDeduplicationId="g%d-%d" % (g, n))
        except Exception:  # noqa: BLE001 - unanswered: resent after the restart
            time.sleep(0.05)
            continue
        with ledger.lock:
            known = ledger.ids.setdefault((g, n), out["MessageId"])
            if known != out["MessageId"]:
                ledger.violation = "send of %d:%d answered %s, earlier %s" % (
                    g, n, out["MessageId"], known)
            ledger.acked_send[g] = n
            ledger.next_send[g] = n + 1


def consume_batch(sqs, url, ledger, wait):
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                              VisibilityTimeout=5).get("Messages", [])
    by_group = {}
    with ledger.lock:
        for m in got:
            g, n = (int(x) for x in m["Body"].split(":"))
            by_group.setdefault(g, []).append(n)
            known = ledger.ids.setdefault((g, n), m["MessageId"])
            if known != m["MessageId"]:
                ledger.violation = "duplicate: %d:%d has ids %s and %s" % (
                    g, n, known, m["MessageId"])
            ledger.received.add((g, n))
        for g, ns in by_group.items():
            if ns != list(range(ns[0], ns[0] + len(ns))):
                ledger.violation = "group %d: one receive returned %r (not consecutive)" % (g, ns)
            lo, hi = ledger.del_acked[g] + 1, ledger.del_sent[g] + 1
            if not lo <= ns[0] <= hi:
                ledger.violation = ("group %d: received %d, but deletes were acknowledged up to "
                                    "%d and sent up to %d" % (g, ns[0], lo - 1, hi - 1))
    for m in got:
        g, n = (int(x) for x in m["Body"].split(":"))
        with ledger.lock:
            ledger.del_sent[g] = max(ledger.del_sent[g], n)
        try:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        except Exception:  # noqa: BLE001 - expired or unanswered: it comes back
            return len(got)
        with ledger.lock:
            ledger.del_acked[g] = max(ledger.del_acked[g], n)
    return len(got)


def consumer(port, ledger, stop):
    sqs = client(port)
    url = "http://127.0.0.1:%d/000000000000/%s" % (port, QUEUE)
    while not stop.is_set() and ledger.violation is None:
        try:
            consume_batch(sqs, url, ledger, wait=1)
        except Exception:  # noqa: BLE001 - the server went away
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=10)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--groups", type=int, default=12)
    args = ap.parse_args()
    binary = os.environ.get("SPOOL_BIN", "")
    if not os.path.isabs(binary):
        print("fifo-crash: set SPOOL_BIN to the absolute path of the spool binary")
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="spool-fifo-crash-")
    data_dir = os.path.join(work, "data")
    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(binary, data_dir, log)
    ledger = Ledger(args.groups)
    server.start()
    client(server.port).create_queue(QueueName=QUEUE, Attributes={"FifoQueue": "true"})
    all_groups = list(range(args.groups))
    ok = True
    try:
        for cycle in range(1, args.cycles + 1):
            if cycle > 1:
                server.start()
            stop = threading.Event()
            owners = [all_groups[i::3] for i in range(3)]  # each group has one producer
            threads = [threading.Thread(target=producer, args=(
                server.port, ledger, owners[i], stop, random.Random(rng.random())))
                for i in range(3)]
            threads += [threading.Thread(target=consumer, args=(server.port, ledger, stop))
                        for _ in range(3)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.5, 2.0))
            server.kill9()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            if ledger.violation:
                raise AssertionError("cycle %d (seed %d): %s" % (cycle, seed, ledger.violation))
            print("fifo-crash: cycle %d: %d sends acknowledged, %d messages received so far" % (
                cycle, sum(v + 1 for v in ledger.acked_send.values()), len(ledger.received)),
                flush=True)
        # Final: resend what was never acknowledged, then drain everything.
        server.start()
        port = server.port
        sqs = client(port)
        url = "http://127.0.0.1:%d/000000000000/%s" % (port, QUEUE)
        for g in all_groups:
            # The last send of each group may have gone unanswered (stored or not): send it
            # again with its deduplication id; a stored one must not be enqueued twice.
            n = ledger.next_send[g]
            out = sqs.send_message(QueueUrl=url, MessageBody="%d:%d" % (g, n),
                                   MessageGroupId="g%d" % g, MessageDeduplicationId="g%d-%d" % (g, n))
            with ledger.lock:
                known = ledger.ids.setdefault((g, n), out["MessageId"])
                if known != out["MessageId"]:
                    ledger.violation = "resend of %d:%d got a new id" % (g, n)
                ledger.acked_send[g] = n
        empty = 0
        deadline = time.monotonic() + 120
        while empty < 3 and time.monotonic() < deadline:
            empty = empty + 1 if consume_batch(sqs, url, ledger, wait=1) == 0 else 0
        if ledger.violation:
            raise AssertionError("drain (seed %d): %s" % (seed, ledger.violation))
        for g in all_groups:
            for n in range(ledger.acked_send[g] + 1):
                if (g, n) not in ledger.received:
                    raise AssertionError("seed %d: acknowledged send %d:%d never received" % (
                        seed, g, n))
        code = server.stop()
        if code != 0:
            raise AssertionError("spool serve exited %s on SIGTERM" % code)
        total = sum(v + 1 for v in ledger.acked_send.values())
        print("fifo-crash: %d cycles passed (seed %d): %d acknowledged sends, each received in "
              "group order, none twice" % (args.cycles, seed, total))
    except AssertionError as e:
        ok = False
        print("fifo-crash: VIOLATION: %s\nserver log and data kept in %s" % (e, work))
    finally:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
        log.close()
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
