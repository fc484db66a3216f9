#!/usr/bin/python3
"""CPU per invocation of the Node bootstrap alone: one runtime process against a minimal Runtime
API server on 127.0.0.1, fed N invocations of an SQS-shaped event (10 records, 256-byte bodies,
about 8 KB of JSON) for a no-op handler, one at a time, as Spool's server would.

    /usr/bin/python3 src/workers/bootstrap/loop_bench.py [--invocations 20000]
        [--bootstrap src/workers/bootstrap/node.mjs] [-- NODE_FLAG ...]

Prints the process's CPU time (user + system, from /proc) per invocation from its first /next
to its last post, and its CPU time before the first /next (start-up). The server answers the
/next after the last invocation with 500, so the runtime exits (status 1): a flag such as
`--cpu-prof --cpu-prof-dir=DIR` then writes its profile. Needs `node` on PATH.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks  # utime, stime


def sqs_event(n):
    def record(i):
        return {"messageId": "%08d-0000-4000-8000-%012d" % (n, i), "receiptHandle": "AQEB" + "x" * 180,
                "body": "b" * 256,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000",
                               "SenderId": "000000000000",
                               "ApproximateFirstReceiveTimestamp": "1700000000001"},
                "messageAttributes": {}, "md5OfBody": "0" * 32, "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:drain-0",
                "awsRegion": "us-east-1"}
    return json.dumps({"Records": [record(i) for i in range(10)]}).encode()


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def read_request(self):
        while b"\r\n\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        while len(self.buf) < length:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        body, self.buf = self.buf[:length], self.buf[length:]
        return lines[0], body

    def respond(self, status, body, headers=()):
        head = "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n" % (
            status, "OK" if status == 200 else "Accepted" if status == 202 else "Error")
        head += "".join("%s: %s\r\n" % h for h in headers)
        head += "Content-Length: %d\r\n\r\n" % len(body)
        self.sock.sendall(head.encode("latin1") + body)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--invocations", type=int, default=20000)
    ap.add_argument("--bootstrap", default=os.path.join(here, "node.mjs"))
    ap.add_argument("node_flags", nargs="*")
    args = ap.parse_args()

    code = tempfile.mkdtemp(prefix="spool-loop-bench-")
    with open(os.path.join(code, "index.js"), "w") as f:
        f.write("exports.handler = async () => {};\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % listener.getsockname()[1],
               _HANDLER="index.handler", AWS_LAMBDA_FUNCTION_NAME="noop",
               AWS_LAMBDA_FUNCTION_VERSION="$LATEST", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_LOG_GROUP_NAME="/aws/lambda/noop", AWS_LAMBDA_LOG_STREAM_NAME="loop",
               TZ="UTC", LANG="C.UTF-8")
    runtime = subprocess.Popen(["node", "--max-old-space-size=115", *args.node_flags,
                                os.path.abspath(args.bootstrap)], cwd=code, env=env,
                               stderr=subprocess.DEVNULL)
    listener.settimeout(30)
    sock, _ = listener.accept()
    sock.settimeout(30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn = Connection(sock)
    arn = "arn:aws:lambda:us-east-1:000000000000:function:noop"
    event = sqs_event(0)
    served = posted = 0
    start = end = None
    while True:
        request = conn.read_request()
        if request is None:
            break
        line, body = request
        if line.startswith("GET ") and line.split(" ")[1].endswith("/invocation/next"):
            if start is None:
                start = (cpu_seconds(runtime.pid), time.monotonic())
            if served == args.invocations:
                conn.respond(500, b'{"errorType":"Runtime.ExitError","errorMessage":"done"}')
                continue
            served += 1
            conn.respond(200, event, [("Lambda-Runtime-Aws-Request-Id", "req-%d" % served),
                                      ("Lambda-Runtime-Deadline-Ms",
                                       str(int(time.time() * 1000) + 60000)),
                                      ("Lambda-Runtime-Invoked-Function-Arn", arn),
                                      ("Lambda-Runtime-Trace-Id", "")])
        elif line.startswith("POST "):
            if body != b"null":
                sys.exit("unexpected post %s: %r" % (line, body[:200]))
            conn.respond(202, b'{"status":"OK"}')
            posted += 1
            if posted == args.invocations:
                end = (cpu_seconds(runtime.pid), time.monotonic())
        else:
            conn.respond(404, b"{}")
    runtime.wait(30)
    shutil.rmtree(code, ignore_errors=True)
    if end is None:
        sys.exit("the runtime stopped after %d invocations (exit %s)" % (posted, runtime.returncode))
    n = args.invocations
    user = end[0][0] - start[0][0]
    system = end[0][1] - start[0][1]
    print(json.dumps({
        "invocations": n,
        "cpu_us_per_invocation": round((user + system) / n * 1e6, 1),
        "user_us_per_invocation": round(user / n * 1e6, 1),
        "system_us_per_invocation": round(system / n * 1e6, 1),
        "wall_us_per_invocation": round((end[1] - start[1]) / n * 1e6, 1),
        "startup_cpu_ms": round(sum(start[0]) * 1000),
    }))


if __name__ == "__main__":
    main()
