"""`spool functions ...` and `spool mappings ...` against the running server (they use its
Lambda API, signed with the root key from the environment); what they make is checked through
boto3's Lambda client."""

import json
import os
import subprocess

import boto3
import pytest
from botocore.config import Config

from support import REGION, queue_arn, spool_binary, unique_name


def spool(endpoint, *args, check=True, cwd=None):
    env = dict(os.environ, SPOOL_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")
    r = subprocess.run([spool_binary(), *args], env=env, capture_output=True, text=True,
                       timeout=30, cwd=cwd)
    if check:
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


@pytest.fixture(scope="module")
def lam(endpoint):
    return boto3.client("lambda", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def test_functions_from_the_command_line(endpoint, lam, tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "app.py").write_text(
        "def handler(event, context):\n    return {'got': event}\n")
    name = unique_name("clifn")
    # The code directory is made absolute on the client side.
    out = spool(endpoint, "functions", "create", name, "--runtime", "python", "--handler",
                "app.handler", "--code", "code", "--timeout", "20", "--memory", "256",
                "--env", "STAGE=test", "--env", "URL=http://x/?a=b", "--concurrency", "4",
                "--description", "from the cli", cwd=tmp_path).stdout
    assert "Name:         " + name in out and "Concurrency:  4" in out
    got = lam.get_function(FunctionName=name)
    c = got["Configuration"]
    assert (c["Runtime"], c["Handler"], c["Timeout"], c["MemorySize"]) == \
        ("python", "app.handler", 20, 256)
    assert c["Environment"]["Variables"] == {"STAGE": "test", "URL": "http://x/?a=b"}
    assert c["Description"] == "from the cli"
    assert got["Code"]["Location"] == str(tmp_path / "code")
    assert got["Concurrency"]["ReservedConcurrentExecutions"] == 4

    # Invoke: the result on stdout, the log tail on stderr; a server without workers answers
    # ServiceException (exit status 1).
    r = spool(endpoint, "functions", "invoke", name, "--payload", '{"a": 1}', "--log",
              check=False)
    if r.returncode == 1 and "ServiceException" in r.stderr:
        pass  # no workers in this server
    elif r.returncode == 1:
        # The function failed: its error payload on stdout, the log tail and the failure on
        # stderr (how the workers run it is their suite's business).
        assert "errorType" in json.loads(r.stdout), r.stdout
        assert "REPORT RequestId" in r.stderr and "the function failed" in r.stderr
    else:
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == {"got": {"a": 1}}
        assert "START RequestId" in r.stderr and "REPORT RequestId" in r.stderr

    listed = spool(endpoint, "functions", "list").stdout
    assert listed.splitlines()[0].split()[:3] == ["NAME", "RUNTIME", "HANDLER"]
    assert any(line.split()[:3] == [name, "python", "app.handler"]
               for line in listed.splitlines())
    as_json = json.loads(spool(endpoint, "functions", "list", "--json").stdout)
    assert name in [f["FunctionName"] for f in as_json["Functions"]]
    assert json.loads(spool(endpoint, "functions", "get", name, "--json").stdout)[
        "Configuration"]["FunctionName"] == name

    (tmp_path / "v2").mkdir()
    spool(endpoint, "functions", "update", name, "--timeout", "30", "--env", "ONLY=this",
          "--code", str(tmp_path / "v2"), "--concurrency", "0")
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["Timeout"] == 30
    assert got["Configuration"]["Environment"]["Variables"] == {"ONLY": "this"}
    assert got["Code"]["Location"] == str(tmp_path / "v2")
    assert got["Concurrency"]["ReservedConcurrentExecutions"] == 0

    spool(endpoint, "functions", "delete", name)
    r = spool(endpoint, "functions", "get", name, check=False)
    assert r.returncode == 1 and "ResourceNotFoundException" in r.stderr


def test_mappings_from_the_command_line(endpoint, lam, sqs, tmp_path):
    name = unique_name("climap")
    spool(endpoint, "functions", "create", name, "--runtime", "exec", "--handler", "run.sh",
          "--code", str(tmp_path))
    queue = unique_name("cliq")
    sqs.create_queue(QueueName=queue)
    out = spool(endpoint, "mappings", "create", "--queue", queue, "--function", name,
                "--batch-size", "50", "--batching-window", "2", "--report-batch-item-failures",
                "--max-concurrency", "3", "--filter", '{"body": {"kind": ["order"]}}',
                "--retry-backoff", "5:300", "--disabled").stdout
    uuid = out.splitlines()[0].split()[-1]
    assert "State:          Disabled" in out
    m = lam.get_event_source_mapping(UUID=uuid)
    assert m["EventSourceArn"] == queue_arn(queue)
    assert (m["BatchSize"], m["MaximumBatchingWindowInSeconds"]) == (50, 2)
    assert m["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert m["FilterCriteria"]["Filters"] == [{"Pattern": '{"body": {"kind": ["order"]}}'}]
    assert m["State"] == "Disabled"
    raw = json.loads(spool(endpoint, "mappings", "get", uuid, "--json").stdout)
    assert raw["ScalingConfig"] == {"MaximumConcurrency": 3}
    assert raw["SpoolRetryBackoff"] == {"BaseSeconds": 5, "MaxSeconds": 300}

    listed = spool(endpoint, "mappings", "list", "--function", name).stdout.splitlines()
    assert listed[0].split() == ["UUID", "FUNCTION", "QUEUE", "STATE", "BATCH"]
    assert listed[1].split() == [uuid, name, queue, "Disabled", "50"]
    assert uuid in spool(endpoint, "mappings", "list", "--queue", queue).stdout
    assert uuid in spool(endpoint, "mappings", "list").stdout

    spool(endpoint, "mappings", "enable", uuid)
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    spool(endpoint, "mappings", "disable", uuid)
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    spool(endpoint, "mappings", "update", uuid, "--batch-size", "7", "--no-filters",
          "--no-retry-backoff", "--no-report-batch-item-failures")
    raw = json.loads(spool(endpoint, "mappings", "get", uuid, "--json").stdout)
    assert raw["BatchSize"] == 7 and raw["FunctionResponseTypes"] == []
    assert "FilterCriteria" not in raw and "SpoolRetryBackoff" not in raw

    # Lambda's checks come back as the command's error.
    r = spool(endpoint, "mappings", "update", uuid, "--batch-size", "11", "--batching-window",
              "0", check=False)
    assert r.returncode == 1 and "InvalidParameterValueException" in r.stderr
    r = spool(endpoint, "mappings", "create", "--queue", unique_name("missing"), "--function",
              name, check=False)
    assert r.returncode == 1 and "does not exist" in r.stderr

    spool(endpoint, "mappings", "delete", uuid)
    r = spool(endpoint, "mappings", "get", uuid, check=False)
    assert r.returncode == 1 and "ResourceNotFoundException" in r.stderr
    spool(endpoint, "functions", "delete", name)


def test_cli_usage_errors(endpoint):
    for args in (["functions", "frobnicate"], ["functions", "create", "f"],
                 ["functions", "get"], ["mappings", "create", "--queue", "q"],
                 ["mappings", "update", "u"],
                 ["mappings", "create", "--queue", "q", "--function", "f", "--retry-backoff",
                  "5"]):
        r = spool(endpoint, *args, check=False)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
    r = spool("http://127.0.0.1:1", "functions", "list", check=False)
    assert r.returncode == 2 and "cannot reach" in r.stderr
