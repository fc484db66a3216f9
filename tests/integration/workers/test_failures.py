"""Failures keep Lambda's semantics: partial batch responses, errors, timeouts and crashes
leave messages to come back, poison messages reach the dead-letter queue."""

import json
import os

import support
from workers_support import FUNCTIONS, queue_counts, wait_for


def make_queue(sqs, prefix, visibility=2, dlq_max=None):
    attrs = {"VisibilityTimeout": str(visibility)}
    dlq_url = None
    if dlq_max:
        dlq_url = sqs.create_queue(QueueName=support.unique_name(prefix + "-dlq"))["QueueUrl"]
        dlq_arn = support.queue_arn(support.name_of(dlq_url))
        attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn,
                                             "maxReceiveCount": dlq_max})
    url = sqs.create_queue(QueueName=support.unique_name(prefix), Attributes=attrs)["QueueUrl"]
    return url, dlq_url


def test_partial_batch_response_keeps_only_the_failed_items(sqs, workers):
    url, dlq = make_queue(sqs, "partial", visibility=2, dlq_max=2)
    fn = workers.function("nodejs", "index.partial", os.path.join(FUNCTIONS, "node-cjs"),
                          timeout=2)
    workers.mapping(support.name_of(url), fn, "--report-batch-item-failures",
                    "--batch-size", "10")
    entries = [{"Id": str(i), "MessageBody": "ok %d" % i} for i in range(8)]
    entries += [{"Id": "f%d" % i, "MessageBody": "fail %d" % i} for i in range(2)]
    sqs.send_message_batch(QueueUrl=url, Entries=entries)
    # The two failing items are retried until maxReceiveCount, then dead-lettered; the eight
    # good ones were deleted at their first success.
    wait_for("the failing items in the DLQ", lambda: queue_counts(sqs, dlq)[0] == 2, timeout=40)
    wait_for("the source to drain", lambda: queue_counts(sqs, url) == (0, 0))
    got = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in got) == ["fail 0", "fail 1"]


def test_partial_batch_response_ignored_without_report_batch_item_failures(sqs, workers):
    url, _ = make_queue(sqs, "nobif", visibility=30)
    fn = workers.function("nodejs", "index.partial", os.path.join(FUNCTIONS, "node-cjs"))
    workers.mapping(support.name_of(url), fn)
    sqs.send_message(QueueUrl=url, MessageBody="fail but counted as success")
    wait_for("the message deleted", lambda: queue_counts(sqs, url) == (0, 0))


def test_throwing_handler_dead_letters_poison_messages(sqs, workers):
    url, dlq = make_queue(sqs, "throw", visibility=1, dlq_max=3)
    fn = workers.function("nodejs", "index.throws", os.path.join(FUNCTIONS, "node-cjs"),
                          timeout=1)
    workers.mapping(support.name_of(url), fn)
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"poison": True}))
    wait_for("the poison message in the DLQ", lambda: queue_counts(sqs, dlq)[0] == 1,
             timeout=40)
    m = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
    assert int(m["Attributes"]["ApproximateReceiveCount"]) >= 3
    errors = wait_for("the error logged", lambda: workers.events(fn, "fixture failure"))
    assert errors
    reports = workers.events(fn, "REPORT RequestId:")
    assert any("Status: error" in r for r in reports), reports


def test_hanging_handler_is_killed_at_its_timeout(sqs, workers):
    url, _ = make_queue(sqs, "hang", visibility=30)
    fn = workers.function("nodejs", "index.hangs", os.path.join(FUNCTIONS, "node-cjs"),
                          timeout=1)
    workers.mapping(support.name_of(url), fn)
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    line = wait_for("the timeout line", lambda: workers.events(fn, "Task timed out after 1.00 "
                                                                   "seconds"))
    assert line
    reports = wait_for("a timeout REPORT", lambda: [r for r in workers.events(fn, "REPORT")
                                                      if "Status: timeout" in r])
    assert "Duration: 1" in reports[0]
    # Not deleted: it is in flight until its visibility timeout ends.
    assert queue_counts(sqs, url) == (0, 1)


def test_handler_that_kills_its_process_fails_its_batch(sqs, workers):
    url, _ = make_queue(sqs, "exit", visibility=30)
    fn = workers.function("nodejs", "index.exits", os.path.join(FUNCTIONS, "node-cjs"))
    workers.mapping(support.name_of(url), fn)
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    line = wait_for("the exit line", lambda: workers.events(
        fn, "Error: Runtime exited with error: exit status 3"))
    assert line
    assert queue_counts(sqs, url) == (0, 1)


def test_retry_backoff_hides_failed_messages_longer(sqs, workers):
    url, _ = make_queue(sqs, "backoff", visibility=1)
    fn = workers.function("nodejs", "index.throws", os.path.join(FUNCTIONS, "node-cjs"),
                          timeout=1)
    workers.mapping(support.name_of(url), fn, "--retry-backoff", "20:40")
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    wait_for("one failed invocation", lambda: workers.events(fn, "fixture failure"))
    import time
    time.sleep(3)  # far past the queue's 1 s visibility timeout
    # Hidden for at least 10 s (half of the 20 s cap): still in flight, received once.
    assert queue_counts(sqs, url) == (0, 1)
    assert len(workers.events(fn, "START RequestId")) == 1


def test_a_batch_waiting_behind_a_timeout_runs_on_a_fresh_environment(sqs, workers, tmp_path):
    # One environment at most: the second batch waits while the first hangs. When the first
    # times out its environment is killed, and the waiting batch must run on a new one (not be
    # failed along with the dying one).
    code = tmp_path / "hang-then-ok"
    code.mkdir()
    (code / "index.js").write_text(
        "exports.handler = async (event) => {\n"
        "  for (const r of event.Records) {\n"
        "    if (r.body === 'hang') await new Promise(() => setInterval(() => {}, 1000));\n"
        "    console.log('handled', r.body, r.attributes.ApproximateReceiveCount);\n"
        "  }\n};\n")
    url, _ = make_queue(sqs, "waiting", visibility=30)
    fn = workers.function("nodejs", "index.handler", str(code), timeout=2)
    workers.spool("functions", "update", fn, "--concurrency", "1")
    workers.mapping(support.name_of(url), fn, "--batch-size", "1")
    sqs.send_message(QueueUrl=url, MessageBody="hang")
    wait_for("the hanging invocation", lambda: workers.events(fn, "START RequestId"))
    sqs.send_message(QueueUrl=url, MessageBody="ok")
    line = wait_for("the waiting batch handled", lambda: workers.events(fn, "handled ok"),
                    timeout=20)
    assert line[0].endswith("handled ok 1"), line  # its first and only delivery
    assert workers.events(fn, "Task timed out after 2.00 seconds")
    wait_for("only the hung message left in flight", lambda: queue_counts(sqs, url) == (0, 1))


def test_runtimes_inherit_no_sockets_of_the_server(sqs, workers, tmp_path):
    code = tmp_path / "fds"
    code.mkdir()
    (code / "app.py").write_text(
        "import os\n"
        "def handler(event, context):\n"
        "    links = [os.readlink('/proc/self/fd/' + f) for f in os.listdir('/proc/self/fd')\n"
        "             if os.path.exists('/proc/self/fd/' + f)]\n"
        "    sockets = [l for l in links if l.startswith('socket:')]\n"
        "    print('sockets', len(sockets))\n")
    url, _ = make_queue(sqs, "fds", visibility=30)
    fn = workers.function("python", "app.handler", str(code))
    workers.mapping(support.name_of(url), fn)
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    line = wait_for("the count", lambda: workers.events(fn, "sockets "))
    # Its own Runtime API connection only: not the API listener, nor other environments'.
    assert line[0].endswith("sockets 1"), line
