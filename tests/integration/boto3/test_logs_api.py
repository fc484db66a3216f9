"""The CloudWatch Logs API (src/logs) through boto3's `logs` client, and `spool logs`.

How the logs get there: this module starts its own server on a data directory whose log store
was written beforehand, in the store's documented on-disk format (src/logs/README.md:
DATA_DIR/logs/<function>/<first sequence, 20 digits>.log, one escaped line per event). That is
the format the real server reads at startup and writes when functions run, so the API is tested
on what it will really serve; nothing in the server is a test-only path. The last `--follow`
test runs a real function instead (as the workers suite does), so new lines arrive while it
follows.
"""

import json
import os
import signal
import subprocess
import tempfile
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import support
from spool_signing import signed_headers

STREAM_A = "2026/01/31/[$LATEST]" + "a" * 32
STREAM_B = "2026/01/31/[$LATEST]" + "b" * 32
NOW = int(time.time() * 1000)
BULK = 2500


def escape(text):
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def write_segment(data_dir, function, first_sequence, events):
    """events: (timestamp ms, stream, message); ingestion is timestamp + 3 ms."""
    path = os.path.join(data_dir, "logs", function, "%020d.log" % first_sequence)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for ts, stream, message in events:
            f.write("%d\t%d\t%s\t%s\n" % (ts, ts + 3, escape(stream), escape(message)))


def orders_events():
    t = NOW - 20 * 60 * 1000  # twenty minutes ago, one event a second
    lines = [
        (STREAM_A, "START RequestId: 11111111-1111-1111-1111-111111111111 Version: $LATEST"),
        (STREAM_A, "2026-01-31T10:00:00.000Z\t11111111\tINFO\torder 17 accepted"),
        (STREAM_A, '{"level":"ERROR","message":"card declined","order":17,"ms":120}'),
        (STREAM_A, "[ERROR] ValueError: bad\rTraceback (most recent call last):\r  line 3"),
        (STREAM_A, "END RequestId: 11111111-1111-1111-1111-111111111111"),
        (STREAM_A, "REPORT RequestId: 11111111-1111-1111-1111-111111111111\tDuration: 12.50 ms"
                   "\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"),
        (STREAM_B, "START RequestId: 22222222-2222-2222-2222-222222222222 Version: $LATEST"),
        (STREAM_B, '{"level":"INFO","message":"order 18 accepted","order":18,"ms":30}'),
        (STREAM_B, "WARN slow downstream healthcheck"),
        (STREAM_B, "END RequestId: 22222222-2222-2222-2222-222222222222"),
    ]
    return [(t + i * 1000, stream, message) for i, (stream, message) in enumerate(lines)]


@pytest.fixture(scope="module")
def seeded():
    workdir = tempfile.mkdtemp(prefix="spool-logs-it-")
    data = os.path.join(workdir, "spool-data")
    write_segment(data, "orders", 1, orders_events())
    # Two hours ago: outside `--since 1h`.
    write_segment(data, "billing", 1, [(NOW - 2 * 3600 * 1000, STREAM_A, "billing ran")])
    # Enough events for several pages, in two segments.
    bulk = [(NOW - 600_000 + i, STREAM_A if i % 2 else STREAM_B, "bulk %05d" % i)
            for i in range(BULK)]
    write_segment(data, "bulk", 1, bulk[:1500])
    write_segment(data, "bulk", 1501, bulk[1500:])
    seeded = Seeded(workdir)
    yield seeded
    alive = seeded.server.alive()
    code = seeded.server.stop()
    assert alive and code == 0, seeded.server.log_text()


class Seeded:
    """The module's server; test_logs_survive_a_restart replaces it with a restarted one."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.server = support.SpoolServer(support.spool_binary(), workdir)

    def restart(self):
        code = self.server.stop()
        self.server = support.SpoolServer(support.spool_binary(), self.workdir)
        return code

    endpoint = property(lambda self: self.server.endpoint)
    host = property(lambda self: self.server.host)
    port = property(lambda self: self.server.port)


def logs_client(endpoint, key="test", secret="test"):
    return boto3.client("logs", endpoint_url=endpoint, region_name=support.REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture(scope="module")
def logs(seeded):
    return logs_client(seeded.endpoint)


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_describe_log_groups(logs):
    groups = logs.describe_log_groups()["logGroups"]
    names = [g["logGroupName"] for g in groups]
    assert names == ["/aws/lambda/billing", "/aws/lambda/bulk", "/aws/lambda/orders"]
    orders = groups[2]
    assert orders["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/orders:*"
    assert orders["creationTime"] == orders_events()[0][0] + 3  # the oldest ingestion kept
    assert orders["storedBytes"] > 0
    assert [g["logGroupName"] for g in
            logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/b")["logGroups"]] == \
        ["/aws/lambda/billing", "/aws/lambda/bulk"]
    paged = [g["logGroupName"] for page in
             logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 1})
             for g in page["logGroups"]]
    assert paged == names


def test_describe_log_streams(logs):
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/orders")["logStreams"]
    assert [s["logStreamName"] for s in streams] == [STREAM_A, STREAM_B]
    events = orders_events()
    assert streams[0]["firstEventTimestamp"] == events[0][0]
    assert streams[0]["lastEventTimestamp"] == events[5][0]
    assert streams[1]["lastIngestionTime"] == events[9][0] + 3
    newest = logs.describe_log_streams(logGroupName="/aws/lambda/orders",
                                       orderBy="LastEventTime", descending=True, limit=1)
    assert newest["logStreams"][0]["logStreamName"] == STREAM_B
    rest = logs.describe_log_streams(logGroupName="/aws/lambda/orders", orderBy="LastEventTime",
                                     descending=True, limit=1, nextToken=newest["nextToken"])
    assert [s["logStreamName"] for s in rest["logStreams"]] == [STREAM_A]
    assert "nextToken" not in rest
    with pytest.raises(ClientError) as e:
        logs.describe_log_streams(logGroupName="/aws/lambda/nope")
    assert code_of(e) == "ResourceNotFoundException"
    assert e.value.response["Error"]["Message"] == "The specified log group does not exist."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_get_log_events_tail_head_and_tokens(logs):
    kw = {"logGroupName": "/aws/lambda/bulk", "logStreamName": STREAM_A}
    tail = logs.get_log_events(limit=100, **kw)
    assert [e["message"] for e in tail["events"]][-1] == "bulk %05d" % (BULK - 1)
    assert len(tail["events"]) == 100
    assert tail["nextForwardToken"].startswith("f/")
    assert tail["nextBackwardToken"].startswith("b/")
    # Forward from the tail: nothing new, the same token back (how clients know to stop).
    again = logs.get_log_events(nextToken=tail["nextForwardToken"], **kw)
    assert again["events"] == [] and again["nextForwardToken"] == tail["nextForwardToken"]
    # Backwards through the whole stream.
    seen, token = [], tail["nextBackwardToken"]
    seen += tail["events"]
    for _ in range(50):
        page = logs.get_log_events(limit=400, nextToken=token, **kw)
        if not page["events"]:
            break
        seen = page["events"] + seen
        token = page["nextBackwardToken"]
    assert [e["message"] for e in seen] == ["bulk %05d" % i for i in range(1, BULK, 2)]
    head = logs.get_log_events(startFromHead=True, limit=3, **kw)
    assert [e["message"] for e in head["events"]] == ["bulk 00001", "bulk 00003", "bulk 00005"]
    with pytest.raises(ClientError) as e:
        logs.get_log_events(logGroupName="/aws/lambda/bulk", logStreamName="nope")
    assert code_of(e) == "ResourceNotFoundException"


def messages(logs, pattern=None, **kw):
    if pattern is not None:
        kw["filterPattern"] = pattern
    return [e["message"] for e in
            logs.filter_log_events(logGroupName="/aws/lambda/orders", **kw)["events"]]


def test_filter_patterns(logs):
    assert len(messages(logs)) == 10
    assert messages(logs, "accepted 17") == [
        "2026-01-31T10:00:00.000Z\t11111111\tINFO\torder 17 accepted"]
    assert messages(logs, '"card declined"') == [orders_events()[2][2]]
    assert len(messages(logs, "?ERROR ?WARN")) == 3
    assert messages(logs, "WARN -healthcheck") == []
    assert messages(logs, "error") == []  # case-sensitive
    assert messages(logs, '{ $.level = "ERROR" }') == [orders_events()[2][2]]
    assert messages(logs, "{ $.ms > 100 || $.order = 18 }") == [orders_events()[2][2],
                                                                orders_events()[7][2]]
    assert messages(logs, '{ $.level != "ERROR" && $.ms < 100 }') == [orders_events()[7][2]]
    for bad in ("[ip, user]", '{ $.level = "x"', "%regex%"):
        with pytest.raises(ClientError) as e:
            messages(logs, bad)
        assert code_of(e) == "InvalidParameterException", bad


def test_filter_by_time_and_stream(logs):
    events = orders_events()
    got = logs.filter_log_events(logGroupName="/aws/lambda/orders", startTime=events[2][0],
                                 endTime=events[4][0], interleaved=True)["events"]
    assert [e["timestamp"] for e in got] == [events[2][0], events[3][0], events[4][0]]
    assert got[0]["logStreamName"] == STREAM_A and got[0]["ingestionTime"] == events[2][0] + 3
    assert len({e["eventId"] for e in got}) == 3
    only_b = logs.filter_log_events(logGroupName="/aws/lambda/orders",
                                    logStreamNames=[STREAM_B])
    assert len(only_b["events"]) == 4
    assert [s["logStreamName"] for s in only_b["searchedLogStreams"]] == [STREAM_B]
    # Debian's botocore still requires logGroupName; newer ones send logGroupIdentifier alone.
    unchecked = boto3.client("logs", endpoint_url=logs.meta.endpoint_url,
                             region_name=support.REGION, aws_access_key_id="test",
                             aws_secret_access_key="test",
                             config=Config(parameter_validation=False))
    by_prefix = unchecked.filter_log_events(
        logGroupIdentifier="arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/orders",
        logStreamNamePrefix=STREAM_A[:-5])
    assert len(by_prefix["events"]) == 6


def test_filter_paging_with_the_paginator(logs):
    pages = list(logs.get_paginator("filter_log_events").paginate(
        logGroupName="/aws/lambda/bulk", PaginationConfig={"PageSize": 300}))
    got = [e["message"] for page in pages for e in page["events"]]
    assert got == ["bulk %05d" % i for i in range(BULK)]
    assert len(pages) == 9
    ids = [int(e["eventId"]) for page in pages for e in page["events"]]
    assert ids == sorted(ids) and len(set(ids)) == BULK


def test_errors_through_raw_requests(seeded):
    raw = support.Raw(seeded.host, seeded.port)

    def call(target, body, service="logs"):
        data = body.encode()
        headers = signed_headers("POST", "%s:%d" % (seeded.host, seeded.port), "/", data,
                                 {"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": "Logs_20140328." + target}, service)
        status, _, out = raw.request("POST", "/", data, headers, sign=False)
        return status, json.loads(out) if out.startswith(b"{") else out

    status, out = call("PutLogEvents", "{}")
    assert status == 400 and out["__type"] == "UnknownOperationException"
    status, out = call("FilterLogEvents", "not json")
    assert status == 400 and out["__type"] == "SerializationException"
    status, out = call("FilterLogEvents", '{"logGroupName": "/aws/lambda/orders", "limit": "x"}')
    assert status == 400 and out["__type"] == "SerializationException"
    status, out = call("FilterLogEvents", '{"logGroupName": "/aws/lambda/orders", "limit": 0}')
    assert status == 400 and out["__type"] == "InvalidParameterException"
    status, out = call("FilterLogEvents", '{"logGroupName": "/aws/lambda/orders",'
                                          ' "nextToken": "garbage"}')
    assert status == 400 and out["__type"] == "InvalidParameterException"
    # Signed for another service: refused before the Logs API sees it.
    status, out = call("DescribeLogGroups", "{}", service="sqs")
    assert status in (400, 403)


def test_iam_users_need_logs_permissions(seeded, logs):
    iam = boto3.client("iam", endpoint_url=seeded.endpoint, region_name=support.REGION,
                       aws_access_key_id="test", aws_secret_access_key="test")
    user = support.unique_name("logreader")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="orders-logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["logs:FilterLogEvents", "logs:GetLogEvents"],
            "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/orders:*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    reader = logs_client(seeded.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    assert len(reader.filter_log_events(logGroupName="/aws/lambda/orders")["events"]) == 10
    for call in (lambda: reader.filter_log_events(logGroupName="/aws/lambda/billing"),
                 lambda: reader.describe_log_groups(),
                 lambda: reader.describe_log_streams(logGroupName="/aws/lambda/orders")):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == "AccessDeniedException"
        assert user in e.value.response["Error"]["Message"]


# --- spool logs -----------------------------------------------------------------------------

def spool_logs(seeded, *args, timeout=30):
    env = dict(os.environ, SPOOL_ENDPOINT=seeded.endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")
    return subprocess.run([support.spool_binary(), "logs", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_spool_logs_prints_time_stream_message(seeded):
    r = spool_logs(seeded, "orders", "--since", "1h")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # Ten events; the traceback's '\r' are shown as newlines (two more lines).
    assert len(lines) == 12
    first = lines[0].split(" ", 2)
    assert first[0].endswith("Z") and first[1] == STREAM_A and first[2].startswith("START ")
    assert lines[4] == "Traceback (most recent call last):"
    assert spool_logs(seeded, "billing", "--since", "1h").stdout == ""
    assert "billing ran" in spool_logs(seeded, "billing", "--since", "3h").stdout


def test_spool_logs_filters_streams_and_json(seeded):
    r = spool_logs(seeded, "orders", "--since", "1d", "--filter", '{ $.order = 18 }', "--json")
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert [e["logStreamName"] for e in events] == [STREAM_B]
    assert json.loads(events[0]["message"])["order"] == 18
    r = spool_logs(seeded, "orders", "--since", "1d", "--stream", STREAM_B)
    assert len(r.stdout.splitlines()) == 4
    r = spool_logs(seeded, "bulk", "--since", "1d")
    assert len(r.stdout.splitlines()) == BULK  # every page


def test_spool_logs_errors(seeded):
    r = spool_logs(seeded, "nope")
    assert r.returncode == 1 and "ResourceNotFoundException" in r.stderr
    r = spool_logs(seeded, "orders", "--since", "10 minutes")
    assert r.returncode == 2
    r = spool_logs(seeded, "orders", "--filter", "[a, b]")
    assert r.returncode == 1 and "InvalidParameterException" in r.stderr


def test_spool_logs_follow_stops_on_ctrl_c(seeded):
    env = dict(os.environ, SPOOL_ENDPOINT=seeded.endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")
    p = subprocess.Popen([support.spool_binary(), "logs", "orders", "--since", "1h", "--follow"],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # the first read and a couple of polls
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    assert len(out.splitlines()) == 12  # each event once, however many polls


def test_spool_logs_follow_shows_a_function_s_new_lines(seeded, tmp_path):
    """A real function this time: what its invocations print while `spool logs --follow` runs
    appears, each line once, with the platform's START/END/REPORT lines."""
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text(
        "def handler(event, context):\n"
        "    print('invoked with', event['n'])\n"
        "    return {}\n")
    name = support.unique_name("follow")
    env = dict(os.environ, SPOOL_ENDPOINT=seeded.endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")

    def spool(*args):
        r = subprocess.run([support.spool_binary(), *args], env=env, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, (args, r.stdout, r.stderr)

    spool("functions", "create", name, "--runtime", "python", "--handler", "app.handler",
          "--code", str(code))
    out_path = tmp_path / "follow.out"
    with open(out_path, "w") as out:
        p = subprocess.Popen([support.spool_binary(), "logs", name, "--follow", "--since", "1m"],
                             env=env, stdout=out, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1)  # following before the function has logged anything
            for n in (1, 2):
                spool("functions", "invoke", name, "--payload", json.dumps({"n": n}))
            support.wait_until(lambda: out_path.read_text().count("REPORT RequestId") == 2,
                               timeout=15, what="both invocations in the follower's output")
        finally:
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    lines = out_path.read_text().splitlines()
    messages = [line.split(" ", 2)[2] for line in lines]
    assert [m for m in messages if m.startswith("invoked with")] == ["invoked with 1",
                                                                    "invoked with 2"]
    assert sum(m.startswith("START RequestId") for m in messages) == 2
    assert len({line.split(" ", 2)[1] for line in lines}) == 1  # one environment, one stream


def test_logs_survive_a_restart(seeded, logs):
    before = logs.filter_log_events(logGroupName="/aws/lambda/orders")["events"]
    assert seeded.restart() == 0
    after = logs_client(seeded.endpoint).filter_log_events(
        logGroupName="/aws/lambda/orders")["events"]
    assert after == before  # the same events with the same eventIds
