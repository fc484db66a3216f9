"""Concurrency follows the backlog and returns when idle; FIFO order holds per group."""

import json
import os
import time

import support
from workers_support import queue_counts, wait_for


def slow_function(workers, tmp_path, name, ms):
    code = tmp_path / name
    code.mkdir()
    (code / "index.js").write_text(
        "exports.handler = async (event) => {\n"
        "  for (const r of event.Records) console.log('seen', r.body, "
        "r.attributes.MessageGroupId || '-');\n"
        "  await new Promise((ok) => setTimeout(ok, %d));\n"
        "};\n" % ms)
    return str(code)


def test_scales_up_under_a_backlog_and_back_down(sqs, workers, tmp_path):
    url = sqs.create_queue(QueueName=support.unique_name("scale"),
                           Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    fn = workers.function("nodejs", "index.handler", slow_function(workers, tmp_path, "slow", 300))
    workers.mapping(support.name_of(url), fn, "--batch-size", "1")
    for i in range(0, 120, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(j), "MessageBody": "m%d" % (i + j)} for j in range(10)])
    # The server runs at most 4 environments per function (--worker-concurrency 4): it grows
    # from its start (2) to the cap while the backlog lasts.
    peak = [0]

    def environments():
        s = json.loads(workers.spool("functions", "get", fn, "--json").stdout)
        n = s.get("SpoolStatus", {}).get("Environments", 0)
        peak[0] = max(peak[0], n)
        return n

    wait_for("4 environments", lambda: environments() >= 4, timeout=30)
    wait_for("the backlog to drain", lambda: queue_counts(sqs, url) == (0, 0), timeout=60)
    assert peak[0] <= 4
    assert len(workers.streams(fn)) >= 4  # one log stream per environment
    # Idle environments stop after the server's --worker-idle-timeout (3 s).
    wait_for("the environments to stop", lambda: environments() == 0, timeout=30)


def test_fifo_order_is_kept_per_group(sqs, workers, tmp_path):
    name = support.unique_name("order") + ".fifo"
    url = sqs.create_queue(QueueName=name, Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true",
        "VisibilityTimeout": "30"})["QueueUrl"]
    fn = workers.function("nodejs", "index.handler", slow_function(workers, tmp_path, "fifo", 5))
    workers.mapping(name, fn, "--batch-size", "3")
    groups = ["g1", "g2", "g3"]
    for i in range(12):
        for g in groups:
            sqs.send_message(QueueUrl=url, MessageBody="%s-%02d" % (g, i), MessageGroupId=g)
    wait_for("the queue to drain", lambda: queue_counts(sqs, url) == (0, 0), timeout=60)
    seen = [l.split()[-2] for l in workers.events(fn, "seen")]
    assert len(seen) == 36, seen
    for g in groups:
        mine = [s for s in seen if s.startswith(g + "-")]
        assert mine == sorted(mine), (g, mine)


def test_disabled_mapping_leaves_messages_and_enabling_resumes(sqs, workers, tmp_path):
    url = sqs.create_queue(QueueName=support.unique_name("toggle"))["QueueUrl"]
    fn = workers.function("nodejs", "index.handler", slow_function(workers, tmp_path, "t", 1))
    uuid = workers.mapping(support.name_of(url), fn, "--disabled")
    sqs.send_message(QueueUrl=url, MessageBody="waiting")
    time.sleep(2)
    assert queue_counts(sqs, url) == (1, 0)
    workers.spool("mappings", "enable", uuid)
    wait_for("the message processed", lambda: queue_counts(sqs, url) == (0, 0))
