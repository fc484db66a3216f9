"""Direct invocation through the Lambda API, and `spool worker` running a mapping from a second
process against the server."""

import base64
import json
import os
import signal
import subprocess
import tempfile

import support
from workers_support import FUNCTIONS, queue_counts, wait_for


def test_invoke_with_log_tail(workers, tmp_path):
    code = tmp_path / "inv"
    code.mkdir()
    (code / "index.js").write_text(
        "exports.handler = async (event, context) => {\n"
        "  console.log('invoked with', event.x);\n"
        "  return { doubled: event.x * 2, fn: context.functionName };\n};\n")
    fn = workers.function("nodejs", "index.handler", str(code))
    r = workers.lambda_.invoke(FunctionName=fn, Payload=json.dumps({"x": 21}), LogType="Tail")
    assert r["StatusCode"] == 200
    assert "FunctionError" not in r
    assert json.loads(r["Payload"].read()) == {"doubled": 42, "fn": fn}
    tail = base64.b64decode(r["LogResult"]).decode()
    assert "invoked with 21" in tail and "REPORT RequestId:" in tail, tail


def test_invoke_function_error(workers):
    fn = workers.function("nodejs", "index.throws", os.path.join(FUNCTIONS, "node-cjs"))
    r = workers.lambda_.invoke(FunctionName=fn, Payload=b"{}")
    assert r["FunctionError"] == "Unhandled"
    body = json.loads(r["Payload"].read())
    assert body["errorMessage"] == "fixture failure"


def test_spool_worker_in_a_second_process():
    # A server that runs no functions itself; `spool worker` runs its mapping.
    remote = support.start_server(["--no-workers"])
    try:
        rsqs = support.make_client(remote.endpoint)
        rurl = rsqs.create_queue(QueueName="remote-orders")["QueueUrl"]
        env = dict(os.environ, SPOOL_ENDPOINT=remote.endpoint, AWS_ACCESS_KEY_ID="test",
                   AWS_SECRET_ACCESS_KEY="test")
        subprocess.run([support.spool_binary(), "functions", "create", "remote-fn", "--runtime",
                        "nodejs", "--handler", "index.handler", "--code",
                        os.path.join(FUNCTIONS, "node-cjs")], env=env, check=True,
                       capture_output=True)
        subprocess.run([support.spool_binary(), "mappings", "create", "--queue", "remote-orders",
                        "--function", "remote-fn"], env=env, check=True, capture_output=True)
        for i in range(7):
            rsqs.send_message(QueueUrl=rurl, MessageBody=json.dumps({"remote": i}))
        import time
        time.sleep(1)
        assert queue_counts(rsqs, rurl) == (7, 0)  # the server itself runs nothing
        out = tempfile.TemporaryFile()
        worker = subprocess.Popen([support.spool_binary(), "worker"], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
        try:
            wait_for("the worker to drain the queue", lambda: queue_counts(rsqs, rurl) == (0, 0))
            wait_for("the handler's lines printed", lambda: (
                out.seek(0) or out.read().decode().count("{ remote: ") >= 7))
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(30) == 0
        out.seek(0)
        text = out.read().decode()
        assert "remote-fn START RequestId:" in text, text
    finally:
        remote.stop()
