"""Functions deployed as zip archives (deployment packages) run: through boto3's CreateFunction
with ZipFile, through `spool functions create --zip`, after UpdateFunctionCode (new
environments run the new code), with an executable whose mode the archive carries, and in `spool worker` on another process, which downloads the package."""

import json
import os
import signal
import stat
import subprocess
import tempfile

import support
from support import make_zip
from workers_support import queue_counts, wait_for

ROLE = "arn:aws:iam::000000000000:role/ignored"


def node_package(version):
    return make_zip([
        ("index.js", "const { tag } = require('./lib/tag');\n"
                     "exports.handler = async (event) => {\n"
                     "  for (const r of event.Records || []) console.log(tag, r.body);\n"
                     "  return tag;\n};\n", stat.S_IFREG | 0o644),
        ("lib/tag.js", "exports.tag = 'package-%s';\n" % version, stat.S_IFREG | 0o644),
    ])


def invoke(workers, fn):
    r = workers.lambda_.invoke(FunctionName=fn, Payload=b"{}")
    assert "FunctionError" not in r, r["Payload"].read()
    return json.loads(r["Payload"].read())


def test_a_zip_deployed_function_runs_and_its_code_can_be_replaced(sqs, workers):
    fn = "zip-" + os.urandom(4).hex()
    created = workers.lambda_.create_function(
        FunctionName=fn, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
        Code={"ZipFile": node_package(1)})
    assert created["CodeSize"] > 0
    assert invoke(workers, fn) == "package-1"
    url = sqs.create_queue(QueueName=fn)["QueueUrl"]
    workers.mapping(fn, fn)
    sqs.send_message(QueueUrl=url, MessageBody="order-a")
    wait_for("the packaged handler's log line", lambda: workers.events(fn, "package-1 order-a"))
    workers.lambda_.update_function_code(FunctionName=fn, ZipFile=node_package(2))
    wait_for("the new code to answer", lambda: invoke(workers, fn) == "package-2")
    sqs.send_message(QueueUrl=url, MessageBody="order-b")
    wait_for("the queue to drain", lambda: queue_counts(sqs, url) == (0, 0))
    wait_for("the new code's log line", lambda: [
        line for line in workers.events(fn) if "package-2" in line and "order-b" in line])


def test_an_executable_in_the_archive_keeps_its_mode(workers, tmp_path):
    # An exec function's handler (as a provided runtime's bootstrap) must be executable: the
    # archive's Unix mode says so.
    package = make_zip([
        ("handle.sh", "#!/bin/sh\nread event\necho '{\"ran\": \"from the package\"}'\n",
         stat.S_IFREG | 0o755),
    ])
    archive = tmp_path / "exec.zip"
    archive.write_bytes(package)
    fn = "zipx-" + os.urandom(4).hex()
    workers.spool("functions", "create", fn, "--runtime", "exec", "--handler", "handle.sh",
                  "--zip", str(archive))
    got = workers.spool("functions", "get", fn)
    assert "Package:" in got.stdout and str(len(package)) in got.stdout, got.stdout
    assert invoke(workers, fn) == {"ran": "from the package"}
    # The same archive without the executable bit cannot be started.
    plain = tmp_path / "plain.zip"
    plain.write_bytes(make_zip([("handle.sh", "#!/bin/sh\necho '{}'\n", stat.S_IFREG | 0o644)]))
    workers.spool("functions", "update", fn, "--zip", str(plain))
    r = workers.lambda_.invoke(FunctionName=fn, Payload=b"{}")
    assert r.get("FunctionError"), "a non-executable handler fails"


def test_cli_refuses_a_corrupt_zip(workers, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 definitely not a zip archive")
    r = workers.spool("functions", "create", "zipbad-" + os.urandom(4).hex(), "--runtime",
                      "nodejs", "--handler", "index.handler", "--zip", str(bad), check=False)
    assert r.returncode != 0
    assert "Could not unzip uploaded file" in r.stderr, r.stderr


def test_spool_worker_downloads_a_package():
    remote = support.start_server(["--no-workers"])
    try:
        rsqs = support.make_client(remote.endpoint)
        rurl = rsqs.create_queue(QueueName="remote-zip")["QueueUrl"]
        env = dict(os.environ, SPOOL_ENDPOINT=remote.endpoint, AWS_ACCESS_KEY_ID="test",
                   AWS_SECRET_ACCESS_KEY="test")
        with tempfile.TemporaryDirectory() as tmp:
            archive = os.path.join(tmp, "fn.zip")
            with open(archive, "wb") as f:
                f.write(node_package("remote"))
            subprocess.run([support.spool_binary(), "functions", "create", "remote-zip-fn",
                            "--runtime", "nodejs", "--handler", "index.handler", "--zip",
                            archive], env=env, check=True, capture_output=True)
            subprocess.run([support.spool_binary(), "mappings", "create", "--queue",
                            "remote-zip", "--function", "remote-zip-fn"], env=env, check=True,
                           capture_output=True)
            for i in range(3):
                rsqs.send_message(QueueUrl=rurl, MessageBody="parcel-%d" % i)
            out = tempfile.TemporaryFile()
            worker = subprocess.Popen([support.spool_binary(), "worker", "--data-dir",
                                       os.path.join(tmp, "worker")], env=env, stdout=out,
                                      stderr=subprocess.STDOUT)
            try:
                wait_for("the worker to drain the queue",
                         lambda: queue_counts(rsqs, rurl) == (0, 0))
                wait_for("the packaged handler's lines", lambda: (
                    out.seek(0) or out.read().decode().count("package-remote") >= 3))
            finally:
                worker.send_signal(signal.SIGTERM)
                assert worker.wait(30) == 0
            unpacked = os.listdir(os.path.join(tmp, "worker", "functions", "remote-zip-fn"))
            assert any(name.endswith(".zip") for name in unpacked), unpacked
    finally:
        remote.stop()
