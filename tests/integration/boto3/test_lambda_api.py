"""The Lambda API subset through boto3's Lambda client (REST-JSON, signed for "lambda"):
functions, concurrency, Invoke without workers, event source mappings on SQS queues, Lambda's
errors, and authorisation of IAM users.

Spool takes a function's code from a directory on the server host (Code.SpoolCodeDirectory, a
Spool extension botocore does not know), so functions are created with signed raw requests;
everything else goes through boto3."""

import http.client
import json
import os
import sys

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import REGION, queue_arn, unique_name

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from spool_signing import signed_headers  # noqa: E402

ACCOUNT = "000000000000"


def function_arn(name):
    return "arn:aws:lambda:%s:%s:function:%s" % (REGION, ACCOUNT, name)


def client(service, endpoint, key="test", secret="test"):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture(scope="module")
def lam(endpoint):
    return client("lambda", endpoint)


@pytest.fixture(scope="module")
def code_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("code")
    (d / "index.js").write_text("exports.handler = async (event) => event;\n")
    return str(d)


class LambdaRaw:
    """Signed raw requests to the Lambda API (for Spool's extensions and malformed bodies)."""

    def __init__(self, server):
        self.host, self.port = server.host, server.port

    def request(self, method, path, body=b"", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        headers = signed_headers(method, "%s:%d" % (self.host, self.port), path, body,
                                 dict(headers or {}, **{"Content-Type": "application/json"}),
                                 "lambda")
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def create_function(self, name, code_dir, **members):
        body = {"FunctionName": name, "Runtime": "nodejs20.x", "Handler": "index.handler",
                "Role": "arn:aws:iam::000000000000:role/ignored",
                "Code": {"SpoolCodeDirectory": code_dir}}
        body.update(members)
        return self.request("POST", "/2015-03-31/functions", body)


@pytest.fixture(scope="module")
def raw_lambda(server):
    return LambdaRaw(server)


@pytest.fixture
def function(raw_lambda, code_dir):
    """make(**members) -> the name of a new function."""

    def make(**members):
        name = unique_name("fn")
        status, _, body = raw_lambda.create_function(name, code_dir, **members)
        assert status == 201, body
        return name

    return make


def error(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


# --- functions ----------------------------------------------------------------------------------

def test_create_function_answers_the_function_configuration(raw_lambda, code_dir):
    name = unique_name("fn")
    status, headers, body = raw_lambda.create_function(
        name, code_dir, Timeout=20, MemorySize=256, Description="orders worker",
        Environment={"Variables": {"STAGE": "test"}})
    assert status == 201, body
    assert headers["content-type"] == "application/json"
    assert "x-amzn-requestid" in headers
    f = json.loads(body)
    assert f["FunctionName"] == name
    assert f["FunctionArn"] == function_arn(name)
    assert f["Runtime"] == "nodejs20.x", "the runtime as given"
    assert f["Handler"] == "index.handler"
    assert (f["Timeout"], f["MemorySize"]) == (20, 256)
    assert f["Description"] == "orders worker"
    assert f["Environment"] == {"Variables": {"STAGE": "test"}}
    assert (f["Version"], f["State"], f["LastUpdateStatus"], f["PackageType"]) == \
        ("$LATEST", "Active", "Successful", "Zip")
    assert f["CodeSize"] == 0 and f["RevisionId"]
    # Lambda's time format: 2026-11-29T10:00:00.000+0000
    assert len(f["LastModified"]) == 28 and f["LastModified"].endswith("+0000")


def test_get_list_update_and_delete_functions(lam, function, code_dir, tmp_path):
    name = function(Timeout=5)
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["FunctionArn"] == function_arn(name)
    assert got["Code"] == {"RepositoryType": "Directory", "Location": code_dir}
    assert "Concurrency" not in got
    config = lam.get_function_configuration(FunctionName=function_arn(name))
    assert config["Timeout"] == 5 and config["Runtime"] == "nodejs20.x"

    updated = lam.update_function_configuration(
        FunctionName=name, Timeout=30, MemorySize=512, Runtime="python3.12",
        Handler="app.handler", Environment={"Variables": {"A": "1"}}, Description="d")
    assert (updated["Timeout"], updated["MemorySize"], updated["Runtime"]) == (30, 512, "python3.12")
    assert updated["Environment"]["Variables"] == {"A": "1"}
    assert updated["RevisionId"] != config["RevisionId"]
    # A stale RevisionId is refused.
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=name, Timeout=9,
                                          RevisionId=config["RevisionId"])
    assert error(e) == ("PreconditionFailedException", 412)

    names = set()
    marker = None
    while True:
        kwargs = {"MaxItems": 1}
        if marker:
            kwargs["Marker"] = marker
        page = lam.list_functions(**kwargs)
        assert len(page["Functions"]) <= 1
        names.update(f["FunctionName"] for f in page["Functions"])
        marker = page.get("NextMarker")
        if not marker:
            break
    assert name in names
    assert name in [f["FunctionName"] for f in lam.list_functions()["Functions"]]

    lam.delete_function(FunctionName=name)
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName=name)
    assert error(e) == ("ResourceNotFoundException", 404)
    assert e.value.response["Error"]["Message"] == "Function not found: " + function_arn(name)


def test_update_function_code(raw_lambda, lam, function, tmp_path):
    name = function()
    new_dir = tmp_path / "v2"
    new_dir.mkdir()
    status, _, body = raw_lambda.request("PUT", "/2015-03-31/functions/%s/code" % name,
                                         {"SpoolCodeDirectory": str(new_dir)})
    assert status == 200, body
    assert lam.get_function(FunctionName=name)["Code"]["Location"] == str(new_dir)
    status, headers, body = raw_lambda.request("PUT", "/2015-03-31/functions/%s/code" % name,
                                               {"SpoolCodeDirectory": str(tmp_path / "none")})
    assert status == 400 and headers["x-amzn-errortype"] == "InvalidParameterValueException"
    # boto3's own UpdateFunctionCode sends a zip (test_lambda_packages.py): an empty one is
    # refused.
    with pytest.raises(ClientError) as e:
        lam.update_function_code(FunctionName=name, ZipFile=b"PK\x05\x06" + b"\0" * 18)
    assert error(e) == ("InvalidParameterValueException", 400)
    assert "Could not unzip uploaded file" in e.value.response["Error"]["Message"]


def test_function_concurrency(lam, function):
    name = function()
    assert lam.get_function_concurrency(FunctionName=name).get(
        "ReservedConcurrentExecutions") is None
    assert lam.put_function_concurrency(
        FunctionName=name, ReservedConcurrentExecutions=3)["ReservedConcurrentExecutions"] == 3
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 3
    assert lam.get_function(FunctionName=name)["Concurrency"] == \
        {"ReservedConcurrentExecutions": 3}
    lam.delete_function_concurrency(FunctionName=name)
    assert "Concurrency" not in lam.get_function(FunctionName=name)
    with pytest.raises(ClientError) as e:
        lam.put_function_concurrency(FunctionName="nope-" + name, ReservedConcurrentExecutions=1)
    assert error(e) == ("ResourceNotFoundException", 404)


def test_function_errors(raw_lambda, lam, function, code_dir):
    name = function()
    status, headers, body = raw_lambda.create_function(name, code_dir)
    assert status == 409
    assert headers["x-amzn-errortype"] == "ResourceConflictException"
    assert json.loads(body) == {"Type": "User", "message": "Function already exist: " + name}

    def refused(members, code="InvalidParameterValueException", status=400):
        s, h, b = raw_lambda.create_function(unique_name("bad"), code_dir, **members)
        assert (s, h.get("x-amzn-errortype")) == (status, code), b
        return json.loads(b)["message"]

    assert "runtime" in refused({"Runtime": "java21"})
    assert "timeout" in refused({"Timeout": 901})
    assert "memorySize" in refused({"MemorySize": 64})
    assert "reserved keys" in refused({"Environment": {"Variables": {"_HANDLER": "x"}}})
    assert refused({"Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}).startswith(
        "Could not unzip uploaded file")
    refused({"Code": {"ZipFile": "not base64!"}}, "InvalidRequestContentException")
    refused({"Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==", "SpoolCodeDirectory": "/"}})
    refused({"Code": {"SpoolCodeDirectory": "relative/dir"}})
    refused({"Code": {"S3Bucket": "b", "S3Key": "k"}})
    refused({"Timeout": "ten"}, "InvalidRequestContentException")
    s, h, b = raw_lambda.request("POST", "/2015-03-31/functions", "{not json")
    assert (s, h["x-amzn-errortype"]) == (400, "InvalidRequestContentException")
    s, h, b = raw_lambda.request("POST", "/2015-03-31/functions", {"FunctionName": "bad name!"})
    assert (s, h["x-amzn-errortype"]) == (400, "InvalidParameterValueException")
    s, h, b = raw_lambda.request("GET", "/2015-03-31/functions/%s/policy" % name)
    assert s == 404

    for call in (lambda: lam.get_function(FunctionName="missing-fn"),
                 lambda: lam.get_function_configuration(FunctionName="missing-fn"),
                 lambda: lam.delete_function(FunctionName="missing-fn"),
                 lambda: lam.update_function_configuration(FunctionName="missing-fn", Timeout=3),
                 lambda: lam.get_function(FunctionName=name + ":prod"),
                 lambda: lam.get_function(FunctionName=name, Qualifier="prod")):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName="arn:aws:lambda:eu-west-1:%s:function:%s" % (ACCOUNT, name))
    assert error(e)[1] == 400


# --- Invoke ---------------------------------------------------------------------------------------

def test_invoke_without_workers(lam, function):
    name = function()
    # DryRun checks the function and the permission only.
    r = lam.invoke(FunctionName=name, InvocationType="DryRun", Payload=b"{}")
    assert r["StatusCode"] == 204
    # Without workers in the server, Invoke cannot run anything (the workers' suite invokes).
    try:
        r = lam.invoke(FunctionName=name, Payload=b'{"a": 1}')
        assert r["StatusCode"] == 200  # a server with workers ran it
    except ClientError as e:
        assert (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]) \
            == ("ServiceException", 500)
    # Event: accepted for the background (202), or no workers to run it.
    try:
        assert lam.invoke(FunctionName=name, InvocationType="Event",
                          Payload=b"{}")["StatusCode"] == 202
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ServiceException"
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName="missing-fn", Payload=b"{}")
    assert error(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=b"{not json")
    assert error(e) == ("InvalidRequestContentException", 400)


# --- event source mappings -----------------------------------------------------------------------

@pytest.fixture
def mapped(function, make_queue):
    """(function name, queue URL, queue ARN): a function with timeout 10 and a fresh queue."""
    name = function(Timeout=10)
    url = make_queue()
    return name, url, queue_arn(url.rsplit("/", 1)[1])


def test_mapping_lifecycle(lam, raw_lambda, mapped):
    name, _, arn = mapped
    created = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName=name, BatchSize=100, MaximumBatchingWindowInSeconds=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = created["UUID"]
    # ScalingConfig is newer than Debian's botocore: raw requests.
    path = "/2015-03-31/event-source-mappings/" + uuid
    status, _, body = raw_lambda.request("PUT", path, {"ScalingConfig": {"MaximumConcurrency": 5}})
    assert status == 202, body
    assert json.loads(body)["ScalingConfig"] == {"MaximumConcurrency": 5}
    status, headers, _ = raw_lambda.request("PUT", path,
                                            {"ScalingConfig": {"MaximumConcurrency": 1}})
    assert (status, headers["x-amzn-errortype"]) == (400, "InvalidParameterValueException")
    assert created["EventSourceArn"] == arn
    assert created["FunctionArn"] == function_arn(name)
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (100, 2)
    assert created["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert created["FilterCriteria"]["Filters"][0]["Pattern"] == '{"body": {"kind": ["order"]}}'
    assert created["State"] == "Enabled"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["LastModified"].year >= 2024

    got = lam.get_event_source_mapping(UUID=uuid)
    assert got["UUID"] == uuid and got["BatchSize"] == 100
    assert [m["UUID"] for m in lam.list_event_source_mappings(FunctionName=name)[
        "EventSourceMappings"]] == [uuid]
    assert [m["UUID"] for m in lam.list_event_source_mappings(EventSourceArn=arn)[
        "EventSourceMappings"]] == [uuid]
    assert lam.list_event_source_mappings(
        FunctionName=name, EventSourceArn=arn + "-other")["EventSourceMappings"] == []
    assert uuid in [m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"]]

    status, _, body = raw_lambda.request("PUT", path, {"ScalingConfig": {}})
    assert status == 202 and "ScalingConfig" not in json.loads(body)
    updated = lam.update_event_source_mapping(UUID=uuid, Enabled=False, BatchSize=5,
                                              FunctionResponseTypes=[],
                                              FilterCriteria={"Filters": []})
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (updated["State"], updated["BatchSize"]) == ("Disabled", 5)
    assert updated["FunctionResponseTypes"] == []
    assert "FilterCriteria" not in updated and "ScalingConfig" not in updated
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"

    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    with pytest.raises(ClientError) as e:
        lam.get_event_source_mapping(UUID=uuid)
    assert error(e) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        lam.delete_event_source_mapping(UUID=uuid)
    assert error(e) == ("ResourceNotFoundException", 404)


def test_mapping_defaults_listing_pages_and_cascade(lam, function, make_queue):
    name = function()
    uuids = []
    for _ in range(3):
        arn = queue_arn(make_queue().rsplit("/", 1)[1])
        m = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=function_arn(name))
        assert (m["BatchSize"], m["MaximumBatchingWindowInSeconds"]) == (10, 0)
        assert m["FunctionResponseTypes"] == []
        uuids.append(m["UUID"])
    seen = []
    marker = None
    while True:
        kwargs = {"FunctionName": name, "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = lam.list_event_source_mappings(**kwargs)
        seen += [m["UUID"] for m in page["EventSourceMappings"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert sorted(seen) == sorted(uuids)
    # Deleting the function deletes its mappings.
    lam.delete_function(FunctionName=name)
    for uuid in uuids:
        with pytest.raises(ClientError) as e:
            lam.get_event_source_mapping(UUID=uuid)
        assert error(e) == ("ResourceNotFoundException", 404)


def test_spool_retry_backoff_extension(raw_lambda, mapped):
    name, _, arn = mapped
    status, _, body = raw_lambda.request(
        "POST", "/2015-03-31/event-source-mappings/",
        {"EventSourceArn": arn, "FunctionName": name,
         "SpoolRetryBackoff": {"BaseSeconds": 2, "MaxSeconds": 60}})
    assert status == 202, body
    m = json.loads(body)
    assert m["SpoolRetryBackoff"] == {"BaseSeconds": 2, "MaxSeconds": 60}
    path = "/2015-03-31/event-source-mappings/" + m["UUID"]
    status, headers, body = raw_lambda.request(
        "PUT", path, {"SpoolRetryBackoff": {"BaseSeconds": 100, "MaxSeconds": 10}})
    assert (status, headers["x-amzn-errortype"]) == (400, "InvalidParameterValueException")
    status, _, body = raw_lambda.request("PUT", path, {"SpoolRetryBackoff": None})
    assert status == 202 and "SpoolRetryBackoff" not in json.loads(body)


def test_mapping_errors(lam, mapped, make_queue, sqs):
    name, url, arn = mapped

    def refused(code, status=400, **kwargs):
        args = {"EventSourceArn": arn, "FunctionName": name}
        args.update(kwargs)
        with pytest.raises(ClientError) as e:
            lam.create_event_source_mapping(**args)
        assert error(e) == (code, status), e.value.response
        return e.value.response["Error"]["Message"]

    # The queue must exist.
    assert "NonExistentQueue" in refused("InvalidParameterValueException",
                                         EventSourceArn=queue_arn(unique_name("missing")))
    refused("InvalidParameterValueException",
            EventSourceArn="arn:aws:kinesis:us-east-1:000000000000:stream/s")
    refused("ResourceNotFoundException", 404, FunctionName="missing-fn")
    # The function's timeout must fit in the queue's visibility timeout.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})
    assert refused("InvalidParameterValueException") == (
        "Invalid request provided: Queue visibility timeout: 5 seconds is less than Function "
        "timeout: 10 seconds")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "30"})
    # Batch rules.
    assert "Maximum batch window" in refused("InvalidParameterValueException", BatchSize=11)
    refused("InvalidParameterValueException", BatchSize=20000, MaximumBatchingWindowInSeconds=1)
    refused("InvalidParameterValueException", MaximumBatchingWindowInSeconds=301)
    # FIFO queues: at most 10 per batch, no batching window.
    fifo = make_queue(name=unique_name("f") + ".fifo", attributes={"FifoQueue": "true"})
    fifo_arn = queue_arn(fifo.rsplit("/", 1)[1])
    refused("InvalidParameterValueException", EventSourceArn=fifo_arn, BatchSize=11,
            MaximumBatchingWindowInSeconds=1)
    refused("InvalidParameterValueException", EventSourceArn=fifo_arn,
            MaximumBatchingWindowInSeconds=1)
    assert lam.create_event_source_mapping(EventSourceArn=fifo_arn, FunctionName=name,
                                           BatchSize=10)["BatchSize"] == 10
    # Filters must be patterns.
    refused("InvalidParameterValueException", FilterCriteria={"Filters": [{"Pattern": "{nope"}]})
    assert "Filters[1]" in refused("InvalidParameterValueException", FilterCriteria={"Filters": [
        {"Pattern": "{}"}, {"Pattern": json.dumps({"body": {"n": [{"numeric": [">"]}]}})}]})
    refused("InvalidParameterValueException",
            FilterCriteria={"Filters": [{"Pattern": json.dumps({"headers": ["x"]})}]})
    refused("InvalidParameterValueException",
            FilterCriteria={"Filters": [{"Pattern": "{}"}] * 11})
    # Stream-only parameters do not apply to SQS.
    assert "StartingPosition" in refused("InvalidParameterValueException",
                                         StartingPosition="LATEST")
    refused("InvalidParameterValueException", MaximumRetryAttempts=2)
    refused("InvalidParameterValueException",
            DestinationConfig={"OnFailure": {"Destination": arn}})
    # One mapping per function and queue.
    first = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    assert first["UUID"] in refused("ResourceConflictException", 409)
    # Updates are checked the same way.
    with pytest.raises(ClientError) as e:
        lam.update_event_source_mapping(UUID=first["UUID"], BatchSize=50)
    assert error(e) == ("InvalidParameterValueException", 400)
    with pytest.raises(ClientError) as e:
        lam.update_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000",
                                        Enabled=False)
    assert error(e) == ("ResourceNotFoundException", 404)


def test_bad_json_bodies(raw_lambda, mapped):
    name, _, arn = mapped
    for path in ("/2015-03-31/event-source-mappings/", "/2015-03-31/functions"):
        status, headers, body = raw_lambda.request("POST", path, "[1, 2")
        assert (status, headers["x-amzn-errortype"]) == (400, "InvalidRequestContentException")
        assert json.loads(body)["Type"] == "User"
    status, headers, _ = raw_lambda.request(
        "POST", "/2015-03-31/event-source-mappings/",
        {"EventSourceArn": arn, "FunctionName": name, "BatchSize": "ten"})
    assert (status, headers["x-amzn-errortype"]) == (400, "InvalidRequestContentException")


# --- authorisation ------------------------------------------------------------------------------

def test_iam_users_need_lambda_permissions(endpoint, lam, function, make_queue):
    name = function()
    other = function()
    arn = queue_arn(make_queue().rsplit("/", 1)[1])
    iam = client("iam", endpoint)
    user = unique_name("lambda-user")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="read-one", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["lambda:GetFunction", "lambda:InvokeFunction"],
             "Resource": function_arn(name)},
            {"Effect": "Allow", "Action": "lambda:ListEventSourceMappings", "Resource": "*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = client("lambda", endpoint, key["AccessKeyId"], key["SecretAccessKey"])

    assert as_user.get_function(FunctionName=name)["Configuration"]["FunctionName"] == name
    assert as_user.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204
    as_user.list_event_source_mappings()
    for call in (lambda: as_user.get_function(FunctionName=other),
                 lambda: as_user.get_function_configuration(FunctionName=name),
                 lambda: as_user.list_functions(),
                 lambda: as_user.delete_function(FunctionName=name),
                 lambda: as_user.create_event_source_mapping(EventSourceArn=arn,
                                                             FunctionName=name)):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("AccessDeniedException", 403)
        assert "lambda:" in e.value.response["Error"]["Message"]
    mapping = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    with pytest.raises(ClientError) as e:
        as_user.delete_event_source_mapping(UUID=mapping["UUID"])
    assert error(e) == ("AccessDeniedException", 403)
    assert lam.get_function(FunctionName=name)  # nothing was deleted

    iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName=user, PolicyName="read-one")
    iam.delete_user(UserName=user)


def test_invoke_with_log_tail(raw_lambda, function):
    name = function()
    status, headers, body = raw_lambda.request(
        "POST", "/2015-03-31/functions/%s/invocations" % name, b"{}",
        {"X-Amz-Invocation-Type": "RequestResponse", "X-Amz-Log-Type": "Tail"})
    if status == 500:
        assert headers["x-amzn-errortype"] == "ServiceException"
        assert "x-amz-log-result" not in headers
    else:  # a server with workers ran it: the log tail comes back
        assert status == 200 and "x-amz-log-result" in headers, body


def test_invoke_parameter_errors(raw_lambda, function):
    name = function()
    path = "/2015-03-31/functions/%s/invocations" % name
    for headers in ({"X-Amz-Invocation-Type": "Sometimes"}, {"X-Amz-Log-Type": "All"}):
        status, h, body = raw_lambda.request("POST", path, b"{}", headers)
        assert (status, h["x-amzn-errortype"]) == (400, "InvalidParameterValueException"), body


def test_requests_signed_for_another_service_are_refused(server, function):
    name = function()
    path = "/2015-03-31/functions/" + name
    headers = signed_headers("GET", "%s:%d" % (server.host, server.port), path, b"", {}, "sqs")
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    assert resp.status == 403 and b"lambda" in resp.read()
    conn.close()
