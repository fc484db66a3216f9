"""Fixtures for the boto3 suite: one real `spool serve` per test session, a boto3 SQS client
pointed at it (Query protocol, as Debian's botocore speaks it), and raw-HTTP access.

The server's stderr is captured to a file; when a test fails, the server log lines written
during that test are attached to the failure report.
"""

import pytest

import support

_server = None


@pytest.fixture(scope="session")
def server():
    global _server
    for srv in support.session_server():
        _server = srv
        yield srv
    _server = None


@pytest.fixture(scope="session")
def endpoint(server):
    return server.endpoint


@pytest.fixture(scope="session")
def sqs(server):
    return support.make_client(server.endpoint)


@pytest.fixture(scope="session")
def raw(server):
    return support.Raw(server.host, server.port)


@pytest.fixture
def name():
    """A fresh queue name for this test."""
    return support.unique_name("t")


@pytest.fixture
def make_queue(sqs):
    """make_queue(attributes=None, prefix='q', tags=None, name=None) -> URL of a new queue."""

    def make(attributes=None, prefix="q", tags=None, name=None):
        kwargs = {"QueueName": name or support.unique_name(prefix)}
        if attributes:
            kwargs["Attributes"] = {k: str(v) for k, v in attributes.items()}
        if tags:
            kwargs["tags"] = tags
        return sqs.create_queue(**kwargs)["QueueUrl"]

    return make


@pytest.fixture
def queue(make_queue):
    """URL of a new queue with default attributes."""
    return make_queue()


@pytest.fixture(scope="session", autouse=True)
def retention_probe(request, server):
    """Messages that retention must expire, sent when the session starts so that the rest of
    the suite runs while they age (checked by test_retention.py, which runs last)."""
    import time

    probe = {"error": None}
    if not any(item.get_closest_marker("run_last") for item in request.session.items):
        return probe
    try:
        sqs = support.make_client(server.endpoint)
        short = sqs.create_queue(QueueName=support.unique_name("ret60"),
                                 Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
        lowered = sqs.create_queue(QueueName=support.unique_name("retlow"))["QueueUrl"]
        keep = sqs.create_queue(QueueName=support.unique_name("retkeep"))["QueueUrl"]
        inflight = sqs.create_queue(QueueName=support.unique_name("retfly"),
                                    Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
        probe["sent_at"] = time.monotonic()
        for url in (short, lowered, keep, inflight):
            sqs.send_message(QueueUrl=url, MessageBody="retention probe")
        # A lowered retention applies to messages already stored (reference 4.6).
        sqs.set_queue_attributes(QueueUrl=lowered, Attributes={"MessageRetentionPeriod": "60"})
        # An in-flight message expires too; its visibility outlasts its retention.
        sqs.receive_message(QueueUrl=inflight, VisibilityTimeout=600)
        probe.update(short=short, lowered=lowered, keep=keep, inflight=inflight)
    except Exception as e:  # reported by the retention test, not by every test
        probe["error"] = repr(e)
    return probe


def pytest_collection_modifyitems(items):
    # The retention-expiry check waits for messages sent at session start to age past 60 s;
    # running it last lets the rest of the suite pay for that wait.
    items.sort(key=lambda item: 1 if item.get_closest_marker("run_last") else 0)


def pytest_configure(config):
    config.addinivalue_line("markers", "run_last: run after every other test")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    item._spool_log_start = _server.log_size() if _server is not None else 0
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    srv = _server
    if report.failed and srv is not None and call.when == "call":
        text = srv.log_text(getattr(item, "_spool_log_start", 0))
        if not srv.alive():
            text += "\n*** spool serve is no longer running (exit code %s) ***" % (
                srv.proc.returncode,)
        report.sections.append(("spool serve stderr during this test", text or "(empty)"))
