"""Helpers for the workers suite: functions and mappings through the `spool` CLI, logs through
boto3's CloudWatch Logs client, and waiting for conditions with a deadline."""

import json
import os
import subprocess
import time
import uuid

import boto3
from botocore.config import Config

import support

HERE = os.path.dirname(os.path.abspath(__file__))
FUNCTIONS = os.path.abspath(os.path.join(HERE, "..", "..", "workers", "functions"))
RIC = os.path.abspath(os.path.join(HERE, "..", "..", "js", "node_modules", "aws-lambda-ric"))


def wait_for(what, check, timeout=30, every=0.2):
    """Calls check() until it returns something true; fails with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)" % (timeout, what, last))


class Workers:
    def __init__(self, server):
        self.server = server
        self.endpoint = server.endpoint
        config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=60)
        self.logs = boto3.client("logs", endpoint_url=self.endpoint, region_name=support.REGION,
                                 config=config)
        self.lambda_ = boto3.client("lambda", endpoint_url=self.endpoint,
                                    region_name=support.REGION, config=config)

    def spool(self, *args, check=True):
        env = dict(os.environ, SPOOL_ENDPOINT=self.endpoint, AWS_ACCESS_KEY_ID="test",
                   AWS_SECRET_ACCESS_KEY="test")
        r = subprocess.run([support.spool_binary(), *args], env=env, capture_output=True,
                           text=True, timeout=60)
        if check:
            assert r.returncode == 0, (args, r.stdout, r.stderr)
        return r

    def function(self, runtime, handler, code, timeout=3, memory=128, env=None, name=None):
        name = name or "f-" + uuid.uuid4().hex[:10]
        args = ["functions", "create", name, "--runtime", runtime, "--handler", handler,
                "--code", code, "--timeout", str(timeout), "--memory", str(memory)]
        for k, v in (env or {}).items():
            args += ["--env", "%s=%s" % (k, v)]
        self.spool(*args)
        return name

    def mapping(self, queue, function, *flags):
        r = self.spool("mappings", "create", "--queue", queue, "--function", function,
                       "--json", *flags)
        return json.loads(r.stdout)["UUID"]

    def events(self, function, contains=None):
        """Every log line of the function so far (oldest first)."""
        out = []
        kwargs = {"logGroupName": "/aws/lambda/" + function, "startTime": 0}
        while True:
            try:
                page = self.logs.filter_log_events(**kwargs)
            except self.logs.exceptions.ResourceNotFoundException:
                return []
            out += page.get("events", [])
            token = page.get("nextToken")
            if not token:
                break
            kwargs["nextToken"] = token
        lines = [e["message"] for e in out]
        return [l for l in lines if contains is None or contains in l]

    def streams(self, function):
        try:
            r = self.logs.describe_log_streams(logGroupName="/aws/lambda/" + function)
        except self.logs.exceptions.ResourceNotFoundException:
            return []
        return [s["logStreamName"] for s in r["logStreams"]]


def queue_counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"]))


def ric_function_dir(tmp_path, source):
    """A code directory for runtime 'provided' whose bootstrap starts the real aws-lambda-ric
    (npm) on the handler: Lambda's custom-runtime convention."""
    code = tmp_path / "ric"
    code.mkdir()
    (code / "app.js").write_text(source)
    bootstrap = code / "bootstrap"
    bootstrap.write_text("#!/bin/sh\nexec node %s/bin/index.mjs \"$_HANDLER\"\n" % RIC)
    bootstrap.chmod(0o755)
    return str(code)
