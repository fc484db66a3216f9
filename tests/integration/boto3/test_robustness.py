"""Bad input of every kind over raw HTTP: malformed HTTP, JSON and form bodies, unknown and
missing actions, wrong types, truncated and oversized bodies. Each gets a proper error, and the
server never crashes or hangs and keeps serving other clients meanwhile (reference sections 1-3,
5.2). Also the Query protocol's alternative addressing: the queue URL path and GET."""

import json
import re
import socket
import threading
import time

import pytest

from support import (ACCOUNT_ID, make_client, md5_hex, signed_headers, start_server, unique_name,
                     xml_code)

XMLNS = b'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"'
QUERY_ERROR_RE = re.compile(r"^[A-Za-z0-9.]+;(Sender|Receiver)$")


@pytest.fixture
def qurl(sqs, name):
    return sqs.create_queue(QueueName=name)["QueueUrl"]


def path_of(url):
    return "/" + url.split("/", 3)[3]


def assert_json_error(status, headers, body, expected_status=400, code=None, shape=None):
    assert status == expected_status, (status, body[:300])
    assert headers.get("content-type", "").startswith("application/x-amz-json-1.0"), headers
    qe = headers.get("x-amzn-query-error")
    assert qe and QUERY_ERROR_RE.match(qe), "x-amzn-query-error header: %r" % qe
    doc = json.loads(body)
    assert isinstance(doc, dict) and doc.get("__type"), body[:300]
    assert "message" in doc or "Message" in doc, body[:300]
    if code:
        assert qe == code + ";Sender", qe
    if shape:
        assert doc["__type"] == "com.amazonaws.sqs#" + shape, doc["__type"]
    assert headers.get("x-amzn-requestid"), headers
    return qe.split(";")[0], doc


def assert_xml_error(status, headers, body, expected_status=400, code=None):
    assert status == expected_status, (status, body[:300])
    assert headers.get("content-type", "").startswith("text/xml"), headers
    assert b"<ErrorResponse" in body and b"<Type>Sender</Type>" in body, body[:300]
    assert b"<RequestId>" in body, body[:300]
    got = xml_code(body)
    if code:
        assert got == code, body[:400]
    return got


def exchange(raw, data, shutdown=False, timeout=5):
    """Sends raw bytes on a fresh connection; returns what came back until EOF or timeout."""
    s = raw.socket(timeout)
    try:
        s.sendall(data)
        if shutdown:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        s.close()


def status_of(response_bytes):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", response_bytes)
    return int(m.group(1)) if m else None


def assert_serving(sqs):
    t = time.monotonic()
    sqs.list_queues(MaxResults=1)
    assert time.monotonic() - t < 2.0, "server slow to answer a normal request"


# --- JSON protocol ----------------------------------------------------------------------------

def test_json_round_trip_and_headers(raw, endpoint, name):
    status, headers, body = raw.json("CreateQueue", {"QueueName": name})
    assert status == 200, body
    assert headers["content-type"].startswith("application/x-amz-json-1.0")
    assert headers.get("x-amzn-requestid")
    assert headers.get("date")
    url = json.loads(body)["QueueUrl"]
    assert url == "%s/%s/%s" % (endpoint, ACCOUNT_ID, name)

    status, _, body = raw.json("SendMessage", {"QueueUrl": url, "MessageBody": "hello"})
    assert status == 200, body
    assert json.loads(body)["MD5OfMessageBody"] == md5_hex("hello")

    status, _, body = raw.json("ReceiveMessage", {"QueueUrl": url, "AttributeNames": ["All"],
                                                  "MessageSystemAttributeNames": ["SenderId"]})
    assert status == 200, body
    msgs = json.loads(body)["Messages"]
    assert msgs[0]["Body"] == "hello"
    assert isinstance(msgs[0]["Attributes"]["SentTimestamp"], str)

    status, _, body = raw.json("GetQueueAttributes", {"QueueUrl": url,
                                                      "AttributeNames": ["All"]})
    assert status == 200, body
    a = json.loads(body)["Attributes"]
    assert all(isinstance(v, str) for v in a.values())
    assert a["ApproximateNumberOfMessagesNotVisible"] == "1"

    status, _, body = raw.json("ReceiveMessage", {"QueueUrl": url})
    assert status == 200 and not json.loads(body).get("Messages")

    status, _, body = raw.json("DeleteQueue", {"QueueUrl": url})
    assert status == 200 and json.loads(body) == {}


def test_json_error_for_unknown_queue(raw):
    status, headers, body = raw.json("GetQueueUrl", {"QueueName": unique_name("ghost")})
    assert_json_error(status, headers, body, code="AWS.SimpleQueueService.NonExistentQueue",
                      shape="QueueDoesNotExist")


def test_json_error_for_invalid_receipt_handle_is_404(raw, qurl):
    status, headers, body = raw.json("DeleteMessage", {"QueueUrl": qurl,
                                                       "ReceiptHandle": "garbage"})
    assert_json_error(status, headers, body, 404, code="ReceiptHandleIsInvalid",
                      shape="ReceiptHandleIsInvalid")


def test_json_too_many_message_attributes(raw, qurl):
    many = {"a%d" % i: {"DataType": "String", "StringValue": "v"} for i in range(11)}
    status, headers, body = raw.json("SendMessage", {"QueueUrl": qurl, "MessageBody": "x",
                                                     "MessageAttributes": many})
    assert_json_error(status, headers, body, code="InvalidParameterValue")


@pytest.mark.parametrize("payload", [
    b'{"QueueNamePrefix": ',
    b"{",
    b"not json at all",
    b'{"QueueNamePrefix": "a",}',
    b'{"QueueNamePrefix": "\xff\xfe"}',
    b"\x00\x01\x02",
])
def test_json_malformed_body(raw, sqs, payload):
    status, headers, body = raw.json("ListQueues", payload)
    assert_json_error(status, headers, body)
    assert_serving(sqs)


@pytest.mark.parametrize("payload", [b"[]", b'"text"', b"42", b"null", b"true"])
def test_json_body_not_an_object(raw, payload):
    status, headers, body = raw.json("ListQueues", payload)
    assert_json_error(status, headers, body)


def test_json_wrong_member_types(raw, qurl, sqs):
    cases = [
        ("CreateQueue", {"QueueName": 123}),
        ("CreateQueue", {"QueueName": ["a"]}),
        ("CreateQueue", {"QueueName": "x", "Attributes": ["VisibilityTimeout"]}),
        ("ReceiveMessage", {"QueueUrl": qurl, "MaxNumberOfMessages": "ten"}),
        ("ReceiveMessage", {"QueueUrl": qurl, "MaxNumberOfMessages": 1.5}),
        ("ReceiveMessage", {"QueueUrl": qurl, "AttributeNames": "All"}),
        ("SendMessage", {"QueueUrl": qurl, "MessageBody": {"nested": True}}),
        ("SendMessage", {"QueueUrl": qurl, "MessageBody": "x", "MessageAttributes": []}),
        ("SendMessage", {"QueueUrl": qurl, "MessageBody": "x",
                         "MessageAttributes": {"a": "not a struct"}}),
        ("SendMessage", {"QueueUrl": qurl, "MessageBody": "x",
                         "MessageAttributes": {"b": {"DataType": "Binary",
                                                     "BinaryValue": "***not base64***"}}}),
        ("SendMessageBatch", {"QueueUrl": qurl, "Entries": {"Id": "a"}}),
        ("SendMessageBatch", {"QueueUrl": qurl, "Entries": ["a", "b"]}),
        ("DeleteMessage", {"QueueUrl": 7, "ReceiptHandle": "x"}),
        ("SetQueueAttributes", {"QueueUrl": qurl, "Attributes": None}),
    ]
    for op, payload in cases:
        status, headers, body = raw.json(op, payload)
        try:
            assert_json_error(status, headers, body)
        except AssertionError as e:
            raise AssertionError("%s %s: %s" % (op, json.dumps(payload), e)) from None
    assert sqs.receive_message(QueueUrl=qurl).get("Messages") is None
    assert_serving(sqs)


def test_json_huge_and_odd_numbers(raw, qurl):
    for number in [b"1e400", b"99999999999999999999999", b"-0", b"1e1", b"NaN", b"0x10"]:
        payload = b'{"QueueUrl": "' + qurl.encode() + b'", "MaxNumberOfMessages": ' + number + b"}"
        status, headers, body = raw.json("ReceiveMessage", payload)
        assert status in (200, 400), (number, status, body[:200])
        if status == 400:
            assert_json_error(status, headers, body)


def test_json_missing_required_member(raw):
    status, headers, body = raw.json("SendMessage", {"MessageBody": "no queue url"})
    assert_json_error(status, headers, body, code="MissingParameter")
    status, headers, body = raw.json("CreateQueue", {})
    assert_json_error(status, headers, body, code="MissingParameter")


def test_json_unknown_operation(raw, sqs):
    status, headers, body = raw.json("Frobnicate", {})
    code, doc = assert_json_error(status, headers, body)
    # The reference names no code for this in JSON (Query has InvalidAction; section 1.2
    # suggests UnknownOperationException for non-Query requests).
    assert code in ("InvalidAction", "UnknownOperationException"), code
    assert_serving(sqs)


def test_json_deeply_nested_body(raw, sqs):
    status, headers, body = raw.json("ListQueues", b"[" * 200000 + b"]" * 200000)
    assert status == 400 or status == 413, status
    status, headers, body = raw.json("ListQueues", b'{"a":' * 100000 + b"1" + b"}" * 100000)
    assert status in (200, 400, 413), status
    assert_serving(sqs)


# --- Query protocol ---------------------------------------------------------------------------

def test_query_round_trip_envelope(raw, name):
    status, headers, body = raw.query({"Action": "CreateQueue", "Version": "2012-11-05",
                                       "QueueName": name})
    assert status == 200, body
    assert headers["content-type"].startswith("text/xml")
    assert headers.get("x-amzn-requestid")
    assert b"<CreateQueueResponse" in body and XMLNS in body
    assert b"<CreateQueueResult><QueueUrl>" in body.replace(b"\n", b"").replace(b" ", b"")
    assert re.search(rb"<ResponseMetadata>\s*<RequestId>[^<]+</RequestId>", body)

    url = re.search(rb"<QueueUrl>([^<]+)</QueueUrl>", body).group(1).decode()
    status, _, body = raw.query({"Action": "ReceiveMessage", "Version": "2012-11-05",
                                 "QueueUrl": url})
    assert status == 200, body
    # Empty result element must be present (botocore needs it).
    assert re.search(rb"<ReceiveMessageResult\s*/>|<ReceiveMessageResult>\s*"
                     rb"</ReceiveMessageResult>", body), body

    status, _, body = raw.query({"Action": "DeleteQueue", "Version": "2012-11-05",
                                 "QueueUrl": url})
    assert status == 200 and b"<DeleteQueueResponse" in body and b"<ResponseMetadata>" in body


def test_query_xml_escaping_of_body(raw, qurl, sqs):
    body_text = "line1\r\nline2 & <x> ]]>"
    sqs.send_message(QueueUrl=qurl, MessageBody=body_text)
    status, _, body = raw.query({"Action": "ReceiveMessage", "Version": "2012-11-05",
                                 "QueueUrl": qurl})
    assert status == 200, body
    m = re.search(rb"<Body>(.*?)</Body>", body, re.S)
    assert m, body
    assert b"\r" not in m.group(1), "a raw CR in XML text reads back as LF; write &#xD;"
    assert b"&amp;" in m.group(1) and b"&lt;x" in m.group(1)


def test_query_unknown_action(raw, sqs):
    status, headers, body = raw.query({"Action": "Frobnicate", "Version": "2012-11-05"})
    assert_xml_error(status, headers, body, code="InvalidAction")
    assert_serving(sqs)


def test_query_missing_action(raw):
    status, headers, body = raw.query({"Version": "2012-11-05", "QueueName": "x"})
    assert_xml_error(status, headers, body, code="MissingAction")


@pytest.mark.parametrize("params", [
    {"Action": "CreateQueue"},
    {"Action": "GetQueueUrl"},
    {"Action": "SendMessage", "MessageBody": "x"},
    {"Action": "DeleteQueue"},
])
def test_query_missing_parameter(raw, params):
    status, headers, body = raw.query(dict(params, Version="2012-11-05"))
    assert_xml_error(status, headers, body, code="MissingParameter")


def test_query_missing_message_body_and_receipt_handle(raw, qurl):
    status, headers, body = raw.query({"Action": "SendMessage", "Version": "2012-11-05",
                                       "QueueUrl": qurl})
    assert_xml_error(status, headers, body, code="MissingParameter")
    status, headers, body = raw.query({"Action": "DeleteMessage", "Version": "2012-11-05",
                                       "QueueUrl": qurl})
    assert_xml_error(status, headers, body, code="MissingParameter")


@pytest.mark.parametrize("param,value", [
    ("MaxNumberOfMessages", "abc"), ("MaxNumberOfMessages", "1.5"),
    ("WaitTimeSeconds", "-"), ("VisibilityTimeout", "99999999999999999999999"),
])
def test_query_wrong_types(raw, qurl, param, value):
    status, headers, body = raw.query({"Action": "ReceiveMessage", "Version": "2012-11-05",
                                       "QueueUrl": qurl, param: value})
    assert_xml_error(status, headers, body)


def test_query_on_queue_url_path_without_queue_url_param(raw, qurl, sqs):
    path = path_of(qurl)
    status, _, body = raw.query({"Action": "SendMessage", "Version": "2012-11-05",
                                 "MessageBody": "via path"}, path=path)
    assert status == 200, body
    assert ("<MD5OfMessageBody>%s</MD5OfMessageBody>" % md5_hex("via path")).encode() in body
    status, _, body = raw.query({"Action": "GetQueueAttributes", "Version": "2012-11-05",
                                 "AttributeName.1": "ApproximateNumberOfMessages"}, path=path)
    assert status == 200, body
    assert re.search(rb"<Name>ApproximateNumberOfMessages</Name>\s*<Value>1</Value>", body), body
    got = sqs.receive_message(QueueUrl=qurl)["Messages"]
    assert got[0]["Body"] == "via path"


def test_query_as_get_with_query_string(raw, qurl, name):
    status, headers, body = raw.query({"Action": "ListQueues", "Version": "2012-11-05",
                                       "QueueNamePrefix": name}, method="GET")
    assert status == 200, body
    assert ("<QueueUrl>%s</QueueUrl>" % qurl).encode() in body
    status, _, body = raw.query({"Action": "GetQueueAttributes", "Version": "2012-11-05",
                                 "AttributeName.1": "All"}, path=path_of(qurl), method="GET")
    assert status == 200, body
    assert b"<Name>QueueArn</Name>" in body


def test_query_action_in_url_and_parameters_in_body_are_merged(raw, qurl, name):
    status, _, body = raw.request(
        "POST", "/?Action=GetQueueUrl&Version=2012-11-05", "QueueName=" + name,
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    assert ("<QueueUrl>%s</QueueUrl>" % qurl).encode() in body


def test_query_form_decoding_plus_and_percent(raw, qurl, sqs):
    form = "Action=SendMessage&Version=2012-11-05&QueueUrl=%s&MessageBody=hello+world%%21%%2B" % (
        raw.form({"u": qurl})[2:])
    status, _, body = raw.request("POST", "/", form,
                                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    assert md5_hex("hello world!+").encode() in body
    assert sqs.receive_message(QueueUrl=qurl)["Messages"][0]["Body"] == "hello world!+"


def test_query_list_indexes_need_not_be_contiguous(raw, qurl):
    status, _, body = raw.query({"Action": "GetQueueAttributes", "Version": "2012-11-05",
                                 "QueueUrl": qurl, "AttributeName.3": "DelaySeconds",
                                 "AttributeName.10": "VisibilityTimeout"})
    assert status == 200, body
    assert b"<Name>DelaySeconds</Name>" in body and b"<Name>VisibilityTimeout</Name>" in body


@pytest.mark.parametrize("form", [
    b"Action=ListQueues&QueueNamePrefix=%zz",
    b"Action=ListQueues&QueueNamePrefix=%",
    b"Action=ListQueues&&&==&=x&y",
    b"Action=%FF%FE",
])
def test_query_malformed_encoding_never_5xx(raw, sqs, form):
    status, _, body = raw.request("POST", "/", form,
                                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert status < 500, (status, body[:300])
    assert_serving(sqs)


def test_query_invalid_utf8_message_body(raw, qurl, sqs):
    form = "Action=SendMessage&Version=2012-11-05&QueueUrl=%s&MessageBody=ok%%FF%%FE" % (
        raw.form({"u": qurl})[2:])
    status, _, body = raw.request("POST", "/", form,
                                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400, body
    assert sqs.receive_message(QueueUrl=qurl).get("Messages") is None


def test_query_very_many_parameters(raw, sqs, name):
    params = [("Action", "CreateQueue"), ("Version", "2012-11-05"), ("QueueName", name)]
    for i in range(1, 20001):
        params += [("Attribute.%d.Name" % i, "VisibilityTimeout"),
                   ("Attribute.%d.Value" % i, "5")]
    t = time.monotonic()
    status, _, body = raw.query(params, timeout=15)
    assert status < 500, (status, body[:300])
    assert time.monotonic() - t < 10
    assert_serving(sqs)


# --- not SQS at all ---------------------------------------------------------------------------

@pytest.mark.parametrize("content_type,payload", [
    ("application/octet-stream", bytes(range(256)) * 16),
    ("text/plain", b"hello server"),
    ("application/x-www-form-urlencoded", b"\x00\xff\x10garbage&&=="),
    (None, b""),
])
def test_non_sqs_bodies_get_400(raw, sqs, content_type, payload):
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, body = raw.request("POST", "/", payload, headers)
    assert 400 <= status < 500, (status, body[:300])
    assert_serving(sqs)


# --- HTTP level -------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"HELLO\r\n\r\n",
    b"GET / HTTP/1.1\r\nthis header has no colon\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS ClientHello
])
def test_malformed_http_gets_400_and_close(raw, sqs, data):
    resp = exchange(raw, data, shutdown=False, timeout=5)
    assert status_of(resp) == 400, resp[:200]
    assert_serving(sqs)


def test_truncated_body_is_not_a_hang(raw, sqs):
    s = raw.socket(timeout=5)
    try:
        s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 1000\r\n\r\nAction=ListQ")
        # While that request waits for its body, other clients are served.
        assert_serving(sqs)
        s.shutdown(socket.SHUT_WR)
        t = time.monotonic()
        data = b""
        while True:
            chunk = s.recv(65536)  # raises socket.timeout if the server hangs on
            if not chunk:
                break
            data += chunk
        assert time.monotonic() - t < 5
        assert data == b"" or status_of(data) == 400, data[:200]
    finally:
        s.close()
    assert_serving(sqs)


def test_declared_oversized_body_gets_413(raw, sqs):
    resp = exchange(raw, b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 104857600\r\n\r\n", timeout=5)
    assert status_of(resp) == 413, resp[:200]
    assert_serving(sqs)


def test_sent_oversized_body_is_refused(raw, sqs):
    body = b"Action=ListQueues&Junk=" + b"a" * (6 * 1024 * 1024)
    try:
        status, _, _ = raw.request("POST", "/", body,
                                   {"Content-Type": "application/x-www-form-urlencoded"},
                                   timeout=10)
        assert status == 413
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before the whole body was read: also fine
    assert_serving(sqs)


def test_oversized_headers_are_refused(raw, sqs):
    resp = exchange(raw, b"GET /?Action=ListQueues HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + b"h" * (128 * 1024) + b"\r\n\r\n", timeout=5)
    assert status_of(resp) in (400, 431), resp[:200]
    assert_serving(sqs)


def test_slow_and_idle_connections_do_not_block_others(raw, sqs):
    idle = [raw.socket() for _ in range(50)]
    partial = raw.socket()
    try:
        partial.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-")
        for _ in range(5):
            assert_serving(sqs)
    finally:
        for s in idle + [partial]:
            s.close()
    assert_serving(sqs)


def test_keep_alive_and_pipelining(raw, sqs):
    import http.client
    conn = http.client.HTTPConnection(raw.host, raw.port, timeout=5)
    try:
        for _ in range(20):
            body = "Action=ListQueues&Version=2012-11-05&MaxResults=1"
            conn.request("POST", "/", body, signed_headers(
                "POST", "%s:%d" % (raw.host, raw.port), "/", body,
                {"Content-Type": "application/x-www-form-urlencoded"}))
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
    finally:
        conn.close()

    form = b"Action=ListQueues&Version=2012-11-05"
    auth = b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in signed_headers(
        "POST", "127.0.0.1", "/", form,
        {"Content-Type": "application/x-www-form-urlencoded"}).items())
    first = (b"POST / HTTP/1.1\r\n" + auth +
             b"Content-Length: %d\r\n\r\n%s" % (len(form), form))
    last = (b"POST / HTTP/1.1\r\nConnection: close\r\n" + auth +
            b"Content-Length: %d\r\n\r\n%s" % (len(form), form))
    resp = exchange(raw, first + last, timeout=5)
    assert resp.count(b"HTTP/1.1 200") == 2, resp[:500]


def test_chunked_request_body(raw, qurl):
    body = raw.form({"Action": "SendMessage", "Version": "2012-11-05", "QueueUrl": qurl,
                     "MessageBody": "chunked"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7])
                      for i in range(0, len(body), 7)) + b"0\r\n\r\n"
    auth = b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in signed_headers(
        "POST", "127.0.0.1", "/", body,
        {"Content-Type": "application/x-www-form-urlencoded"}).items())
    resp = exchange(raw, b"POST / HTTP/1.1\r\nConnection: close\r\n" + auth +
                         b"Transfer-Encoding: chunked\r\n\r\n" + chunks, timeout=5)
    assert status_of(resp) == 200, resp[:300]
    assert md5_hex("chunked").encode() in resp


def test_server_survives_everything(server, sqs, raw):
    assert server.alive()
    assert_serving(sqs)
    status, _, _ = raw.query({"Action": "ListQueues", "Version": "2012-11-05"}, method="GET")
    assert status == 200


def test_sigterm_with_a_long_poll_pending_exits_zero():
    # A second server of its own, so the session's server is untouched.
    srv = start_server()
    try:
        client = make_client(srv.endpoint)
        url = client.create_queue(QueueName=unique_name("term"))["QueueUrl"]
        outcome = {}

        def poll():
            try:
                outcome["resp"] = client.receive_message(QueueUrl=url, WaitTimeSeconds=20)
            except Exception as e:  # noqa: BLE001 - a closed connection is acceptable here
                outcome["error"] = e

        t = threading.Thread(target=poll, daemon=True)
        t.start()
        time.sleep(0.5)
        started = time.monotonic()
        code = srv.stop()
        assert code == 0, "exit code %r after SIGTERM; log:\n%s" % (code, srv.log_text())
        assert time.monotonic() - started < 26, "shutdown exceeded the drain timeout"
        t.join(5)
        assert not t.is_alive(), "the pending long poll was never answered nor closed"
        assert "resp" not in outcome or not outcome["resp"].get("Messages")
    finally:
        srv.stop()
