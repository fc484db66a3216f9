"""Handlers written for Lambda's SQS trigger run unchanged: Spool's Node and Python bootstraps,
the real aws-lambda-ric from npm behind runtime 'provided', and 'exec' programs."""

import json
import os

import support
from workers_support import FUNCTIONS, queue_counts, ric_function_dir, wait_for


def send_orders(sqs, url, n, prefix="order"):
    bodies = [json.dumps({"orderId": "%s-%d" % (prefix, i), "quantity": i}) for i in range(n)]
    for i in range(0, n, 10):
        entries = [{"Id": str(j), "MessageBody": b} for j, b in enumerate(bodies[i:i + 10])]
        assert not sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed")
    return bodies


def drained(sqs, url):
    return queue_counts(sqs, url) == (0, 0)


def test_node_handler_in_lambdas_documented_shape(sqs, workers):
    url = sqs.create_queue(QueueName=support.unique_name("node"))["QueueUrl"]
    fn = workers.function("nodejs", "index.handler", os.path.join(FUNCTIONS, "node-cjs"))
    workers.mapping(support.name_of(url), fn, "--batch-size", "10")
    send_orders(sqs, url, 25)
    wait_for("the queue to drain", lambda: drained(sqs, url))
    # Every order was logged by the handler, with Lambda's START/END/REPORT around it.
    lines = wait_for("25 order lines", lambda: (lambda l: l if len(
        [x for x in l if "orderId" in x]) >= 25 else None)(workers.events(fn)))
    orders = [l for l in lines if "orderId" in l]
    assert len(orders) == 25
    assert all("\tINFO\t" in l for l in orders), orders[:3]
    starts = [l for l in lines if l.startswith("START RequestId: ")]
    reports = [l for l in lines if l.startswith("REPORT RequestId: ")]
    assert starts and len(starts) == len(reports)
    assert "Version: $LATEST" in starts[0]
    r = reports[0]
    for field in ("\tDuration: ", " ms\tBilled Duration: ", "\tMemory Size: 128 MB\t",
                  "\tMax Memory Used: "):
        assert field in r, r
    assert any("Init Duration: " in r for r in reports)


def test_node_esm_and_callback_handlers(sqs, workers):
    for code, handler in (("node-esm", "index.handler"), ("node-callback", "index.handler")):
        url = sqs.create_queue(QueueName=support.unique_name("nodestyle"))["QueueUrl"]
        fn = workers.function("nodejs", handler, os.path.join(FUNCTIONS, code))
        workers.mapping(support.name_of(url), fn)
        send_orders(sqs, url, 3, prefix=code)
        wait_for("%s to drain its queue" % code, lambda: drained(sqs, url))


def test_real_aws_lambda_ric_from_npm(sqs, workers, tmp_path):
    code = ric_function_dir(tmp_path, """
exports.handler = async (event, context) => {
  for (const record of event.Records) {
    console.log('ric got', JSON.parse(record.body).orderId, context.functionName,
                context.getRemainingTimeInMillis() > 0);
  }
  return { batchItemFailures: [] };
};
""")
    url = sqs.create_queue(QueueName=support.unique_name("ric"))["QueueUrl"]
    fn = workers.function("provided", "app.handler", code, timeout=5, memory=256)
    workers.mapping(support.name_of(url), fn, "--report-batch-item-failures")
    send_orders(sqs, url, 5, prefix="ric")
    wait_for("the queue to drain", lambda: drained(sqs, url))
    lines = wait_for("ric lines", lambda: (lambda l: l if len(l) >= 5 else None)(
        workers.events(fn, "ric got")))
    assert all(fn in l and "true" in l for l in lines), lines


def test_python_handler(sqs, workers):
    url = sqs.create_queue(QueueName=support.unique_name("py"))["QueueUrl"]
    fn = workers.function("python", "app.handler", os.path.join(FUNCTIONS, "python-basic"))
    workers.mapping(support.name_of(url), fn)
    send_orders(sqs, url, 4, prefix="py")
    wait_for("the queue to drain", lambda: drained(sqs, url))
    wait_for("python lines", lambda: len(workers.events(fn, "py-")) >= 4)


def test_exec_runtime_program_gets_the_event_on_stdin(sqs, workers, tmp_path):
    code = tmp_path / "exec"
    code.mkdir()
    script = code / "handle.sh"
    script.write_text("#!/bin/sh\nevent=$(cat)\necho \"exec saw $(echo \"$event\" | "
                      "grep -o orderId | wc -l) records\" >&2\necho '{}'\n")
    script.chmod(0o755)
    url = sqs.create_queue(QueueName=support.unique_name("exec"))["QueueUrl"]
    fn = workers.function("exec", "handle.sh", str(code))
    workers.mapping(support.name_of(url), fn, "--batch-size", "5")
    send_orders(sqs, url, 5, prefix="exec")
    wait_for("the queue to drain", lambda: drained(sqs, url))
    lines = workers.events(fn, "exec saw")
    assert sum(int(l.split()[2]) for l in lines) == 5, lines
