#!/usr/bin/python3
"""Drain benchmark for the workers: how fast a mapping empties a backlog through a no-op Node
handler, and what Spool adds per invocation.

Starts `spool serve` (durable, in a fresh temporary data directory) on a loopback port, fills
queue `drain-0` with `spool bench produce`, then creates a no-op function and its mapping and
times the queue from the mapping's creation until it is empty. Prints messages/s, invocations,
the server's CPU seconds and the mapping's overhead percentiles (SpoolStatus).

    SPOOL_BIN=build/release/src/server/spool /usr/bin/python3 scripts/bench_workers.py \
        [--messages 200000] [--batch-size 10] [--concurrency 10] [--in-memory]

Bounded: it gives up after --timeout seconds (default 300).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                  AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
                  AWS_SHARED_CREDENTIALS_FILE="/dev/null")
import boto3  # noqa: E402


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def children_cpu_seconds(pid):
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                text = f.read()
            ppid = int(text.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                total += cpu_seconds(int(entry))
        except (OSError, ValueError, IndexError):
            pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=200000)
    ap.add_argument("--batch-size", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--in-memory", action="store_true")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    spool = os.path.abspath(os.environ.get("SPOOL_BIN", "build/release/src/server/spool"))
    work = tempfile.mkdtemp(prefix="spool-bench-workers-")
    code = os.path.join(work, "noop")
    os.mkdir(code)
    with open(os.path.join(code, "index.js"), "w") as f:
        f.write("exports.handler = async () => {};\n")
    serve = [spool, "serve", "--listen", "127.0.0.1:0", "--threads", "1",
             "--worker-concurrency", str(args.concurrency)]
    serve += ["--in-memory"] if args.in_memory else ["--data-dir", os.path.join(work, "data")]
    env = dict(os.environ, SPOOL_ROOT_ACCESS_KEY_ID="test", SPOOL_ROOT_SECRET_ACCESS_KEY="test",
               SPOOL_LOG_LEVEL="warn")
    server = subprocess.Popen(serve, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              cwd=work)
    endpoint = None
    for raw in server.stdout:
        m = re.search(r"listening on (http://\S+)", raw.decode())
        if m:
            endpoint = m.group(1)
            break
    if endpoint is None:
        sys.exit("the server did not start")
    cli_env = dict(os.environ, SPOOL_ENDPOINT=endpoint)
    try:
        subprocess.run([spool, "bench", "produce", "--endpoint", endpoint, "--messages",
                        str(args.messages), "--queue-prefix", "drain", "--json"], check=True,
                       env=cli_env, stdout=subprocess.DEVNULL)
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
        url = sqs.get_queue_url(QueueName="drain-0")["QueueUrl"]
        subprocess.run([spool, "functions", "create", "noop", "--runtime", "nodejs", "--handler",
                        "index.handler", "--code", code], check=True, env=cli_env,
                       stdout=subprocess.DEVNULL)
        cpu0 = cpu_seconds(server.pid)
        start = time.monotonic()
        r = subprocess.run([spool, "mappings", "create", "--queue", "drain-0", "--function",
                            "noop", "--batch-size", str(args.batch_size), "--json"], check=True,
                           env=cli_env, capture_output=True, text=True)
        uuid = json.loads(r.stdout)["UUID"]
        runtimes_cpu = 0.0
        while time.monotonic() - start < args.timeout:
            a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            runtimes_cpu = max(runtimes_cpu, children_cpu_seconds(server.pid))
            if a["ApproximateNumberOfMessages"] == "0" and \
                    a["ApproximateNumberOfMessagesNotVisible"] == "0":
                break
            time.sleep(0.05)
        else:
            sys.exit("the queue did not drain within %ss" % args.timeout)
        elapsed = time.monotonic() - start
        cpu = cpu_seconds(server.pid) - cpu0
        time.sleep(1.2)  # one status tick
        m = json.loads(subprocess.run([spool, "mappings", "get", uuid, "--json"], check=True,
                                      env=cli_env, capture_output=True, text=True).stdout)
        status = m.get("SpoolStatus", {})
        result = {
            "messages": args.messages,
            "batch_size": args.batch_size,
            "seconds": round(elapsed, 2),
            "messages_per_second": round(args.messages / elapsed),
            "invocations": status.get("Invocations"),
            "peak_batches": status.get("TargetConcurrency"),
            "server_cpu_seconds": round(cpu, 2),
            "runtime_cpu_seconds_seen": round(runtimes_cpu, 2),
            "overhead_us_p50": status.get("OverheadMicrosP50"),
            "overhead_us_p99": status.get("OverheadMicrosP99"),
            "storage": "in memory" if args.in_memory else "durable",
        }
        print(json.dumps(result, indent=2))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
