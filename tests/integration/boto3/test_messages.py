"""Message actions: SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch),
ChangeMessageVisibility(Batch); digests, attributes, limits, delays, visibility, long polling
(reference sections 4.8-4.14, 6.1, 6.3, 7.2-7.6, 8.1-8.3)."""

import threading
import time

import pytest
from botocore.exceptions import ClientError

from support import attributes_md5, counts, error_of, make_client, md5_hex, receive_all

# Reference 8.2 worked example.
EXAMPLE_ATTRS = {
    "Population": {"DataType": "Number", "StringValue": "1250800"},
    "City": {"DataType": "String", "StringValue": "Any City"},
    "Blob": {"DataType": "Binary.gif", "BinaryValue": b"\x00\x01\x02\xff"},
}
EXAMPLE_MD5 = "be82f2459e3d22b68a4de6786fdc1c27"
CITY_MD5 = "0c32cb5c844c01fbd5b6b434b52cf670"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
TRACE_MD5 = "5ae4d5d7636402d80f4eb6d213245a88"
STANDARD_SYSTEM_ATTRS = {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                         "ApproximateFirstReceiveTimestamp"}
MIB = 1048576


def now_ms():
    return int(time.time() * 1000)


def receive_one(sqs, url, wait=2, **kwargs):
    msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait, **kwargs).get("Messages", [])
    assert len(msgs) == 1, "expected exactly one message, got %r" % (msgs,)
    return msgs[0]


def assert_no_message(sqs, url, **kwargs):
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0, MaxNumberOfMessages=10,
                              **kwargs).get("Messages", [])
    assert got == [], "expected no message, got %r" % [m.get("Body", "")[:80] for m in got]


def assert_error(excinfo, code, status=400):
    got = error_of(excinfo)
    assert got[:2] == (code, status), "expected %s/%d, got %r" % (code, status, got)


def test_digest_helper_matches_reference_examples():
    # Guards the test's own implementation of reference 8.2 against the worked examples.
    assert attributes_md5(EXAMPLE_ATTRS) == EXAMPLE_MD5
    assert attributes_md5({"City": EXAMPLE_ATTRS["City"]}) == CITY_MD5
    assert attributes_md5({"AWSTraceHeader": {"DataType": "String",
                                              "StringValue": TRACE}}) == TRACE_MD5
    assert md5_hex("hello") == "5d41402abc4b2a76b9719d911017c592"


# --- send / receive / delete ------------------------------------------------------------------

def test_send_receive_delete_round_trip(sqs, queue):
    sent = sqs.send_message(QueueUrl=queue, MessageBody="hello")
    assert sent["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert 0 < len(sent["MessageId"]) <= 100
    assert "MD5OfMessageAttributes" not in sent
    assert "MD5OfMessageSystemAttributes" not in sent
    assert "SequenceNumber" not in sent
    assert counts(sqs, queue) == (1, 0, 0)

    msg = receive_one(sqs, queue)
    assert msg["MessageId"] == sent["MessageId"]
    assert msg["Body"] == "hello"
    assert msg["MD5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert 0 < len(msg["ReceiptHandle"]) <= 1024
    assert "MessageAttributes" not in msg and "MD5OfMessageAttributes" not in msg
    assert not msg.get("Attributes")
    assert counts(sqs, queue) == (0, 1, 0)

    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])
    assert counts(sqs, queue) == (0, 0, 0)
    assert_no_message(sqs, queue)


def test_message_ids_are_unique(sqs, queue):
    ids = {sqs.send_message(QueueUrl=queue, MessageBody="same")["MessageId"] for _ in range(5)}
    assert len(ids) == 5


BODIES = [
    "h\u00e9llo\r\nworld",
    "line1\r\nline2 & <x> ]]> \"q\" 'a'",
    "\t\n\r ",
    "\r",
    "  spaces at both ends  ",
    "\ud7ff\ue000\ufffd\U00010000\U0010ffff",
    "\U0001f600" * 10,
    "<?xml version=\"1.0\"?><a>&amp;</a>",
    '{"json": [1, 2, {"k": "v"}]}',
    "plus+percent%20equals=amp&semicolon;",
]


def test_body_characters_round_trip_with_digests(sqs, queue):
    sent = {}
    for body in BODIES:
        r = sqs.send_message(QueueUrl=queue, MessageBody=body)
        assert r["MD5OfMessageBody"] == md5_hex(body), repr(body)
        sent[r["MessageId"]] = body
    got = receive_all(sqs, queue, len(sent))
    assert set(got) == set(sent)
    for mid, m in got.items():
        assert m["Body"] == sent[mid]
        assert m["MD5OfBody"] == md5_hex(sent[mid])


@pytest.mark.parametrize("body", ["\x00", "a\x08b", "\x1f", "ok\x0bno", "\x0c", "\ufffe",
                                  "\uffff", "x\x7f\x00"])
def test_invalid_body_characters_raise_invalid_message_contents(sqs, queue, body):
    with pytest.raises(sqs.exceptions.InvalidMessageContents) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert_error(ei, "InvalidMessageContents")
    assert counts(sqs, queue) == (0, 0, 0)


def test_empty_body_is_missing_parameter(sqs, queue):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="")
    assert_error(ei, "MissingParameter")


def test_message_size_limit_default_1mib(sqs, queue):
    body = "a" * MIB
    r = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert r["MD5OfMessageBody"] == md5_hex(body)
    msg = receive_one(sqs, queue)
    assert len(msg["Body"]) == MIB and msg["MD5OfBody"] == md5_hex(body)
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="a" * (MIB + 1))
    assert_error(ei, "InvalidParameterValue")


def test_message_size_counts_utf8_bytes(sqs, make_queue):
    url = make_queue({"MaximumMessageSize": 1024})
    sqs.send_message(QueueUrl=url, MessageBody="\u00e9" * 512)  # 1024 bytes
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=url, MessageBody="\u00e9" * 512 + "a")  # 1025 bytes
    assert_error(ei, "InvalidParameterValue")


def test_message_size_limit_includes_attributes_not_system_attributes(sqs, make_queue):
    url = make_queue({"MaximumMessageSize": 1024})
    sqs.send_message(QueueUrl=url, MessageBody="b" * 1024)
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=url, MessageBody="b" * 1025)
    assert_error(ei, "InvalidParameterValue")
    # name (1) + type (6) + value (17) = 24 bytes: exactly at the limit with a 1000-byte body.
    ok = {"n": {"DataType": "String", "StringValue": "v" * 17}}
    sqs.send_message(QueueUrl=url, MessageBody="b" * 1000, MessageAttributes=ok)
    over = {"n": {"DataType": "String", "StringValue": "v" * 18}}
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=url, MessageBody="b" * 1000, MessageAttributes=over)
    assert_error(ei, "InvalidParameterValue")
    # The AWSTraceHeader system attribute does not count.
    sqs.send_message(QueueUrl=url, MessageBody="b" * 1024, MessageSystemAttributes={
        "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})
    assert counts(sqs, url)[0] == 3


# --- message attributes and digests -----------------------------------------------------------

def test_attribute_digest_matches_reference_example(sqs, queue):
    r = sqs.send_message(QueueUrl=queue, MessageBody="attrs", MessageAttributes=EXAMPLE_ATTRS)
    assert r["MD5OfMessageAttributes"] == EXAMPLE_MD5
    assert r["MD5OfMessageBody"] == md5_hex("attrs")
    assert "MD5OfMessageSystemAttributes" not in r

    msg = receive_one(sqs, queue, MessageAttributeNames=["All"], VisibilityTimeout=0)
    assert msg["MessageAttributes"] == EXAMPLE_ATTRS
    assert msg["MD5OfMessageAttributes"] == EXAMPLE_MD5

    # Only City requested: the digest covers the returned subset.
    msg = receive_one(sqs, queue, MessageAttributeNames=["City"], VisibilityTimeout=0)
    assert msg["MessageAttributes"] == {"City": EXAMPLE_ATTRS["City"]}
    assert msg["MD5OfMessageAttributes"] == CITY_MD5


def test_custom_types_and_non_ascii_values_digest(sqs, queue):
    a = {
        "n": {"DataType": "Number.int", "StringValue": "42"},
        "f": {"DataType": "Number", "StringValue": "-0.000123"},
        "s": {"DataType": "String.json", "StringValue": '{"caf\u00e9": "\u2713 \U0001f600"}'},
        "b": {"DataType": "Binary", "BinaryValue": bytes(range(256))},
        "under_score-dash.dot": {"DataType": "String", "StringValue": "x y&z<>"},
    }
    r = sqs.send_message(QueueUrl=queue, MessageBody="typed", MessageAttributes=a)
    assert r["MD5OfMessageAttributes"] == attributes_md5(a)
    msg = receive_one(sqs, queue, MessageAttributeNames=["All"])
    assert msg["MessageAttributes"] == a
    assert msg["MD5OfMessageAttributes"] == attributes_md5(a)


def test_message_attribute_name_filters(sqs, queue):
    a = {
        "foo.a": {"DataType": "String", "StringValue": "1"},
        "foo.b": {"DataType": "Number", "StringValue": "2"},
        "foobar": {"DataType": "String", "StringValue": "3"},
        "bar": {"DataType": "Binary", "BinaryValue": b"\x04"},
    }
    sqs.send_message(QueueUrl=queue, MessageBody="filters", MessageAttributes=a)
    cases = [
        (["All"], set(a)),
        ([".*"], set(a)),
        (["bar"], {"bar"}),
        (["foo.*"], {"foo.a", "foo.b"}),
        (["foo.a", "bar"], {"foo.a", "bar"}),
        (["bar", "foo.*"], {"foo.a", "foo.b", "bar"}),
        (["nope"], set()),
        (["Bar"], set()),
        (["foo"], set()),
        ([], set()),
        (None, set()),
    ]
    for names, expected in cases:
        kwargs = {"VisibilityTimeout": 0}
        if names is not None:
            kwargs["MessageAttributeNames"] = names
        msg = receive_one(sqs, queue, **kwargs)
        got = msg.get("MessageAttributes", {})
        assert set(got) == expected, names
        if expected:
            assert got == {k: a[k] for k in expected}
            assert msg["MD5OfMessageAttributes"] == attributes_md5(got), names
        else:
            assert "MD5OfMessageAttributes" not in msg, names


def test_ten_attributes_allowed_eleven_rejected(sqs, queue):
    ten = {"a%d" % i: {"DataType": "String", "StringValue": "v"} for i in range(10)}
    r = sqs.send_message(QueueUrl=queue, MessageBody="ten", MessageAttributes=ten)
    assert r["MD5OfMessageAttributes"] == attributes_md5(ten)
    eleven = dict(ten, a10={"DataType": "String", "StringValue": "v"})
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="eleven", MessageAttributes=eleven)
    assert_error(ei, "InvalidParameterValue")
    assert counts(sqs, queue)[0] == 1


@pytest.mark.parametrize("attr_name", ["AWS.x", "aws.x", "Amazon.x", "amazon.X", ".a", "a.",
                                       "a..b", "a b", "caf\u00e9", "a/b", "x" * 257])
def test_invalid_attribute_names(sqs, queue, attr_name):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes={
            attr_name: {"DataType": "String", "StringValue": "v"}})
    assert_error(ei, "InvalidParameterValue")


def test_attribute_name_of_256_characters_is_allowed(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes={
        "n" * 256: {"DataType": "String", "StringValue": "v"}})


@pytest.mark.parametrize("value", [
    {"DataType": "Foo", "StringValue": "v"},
    {"DataType": "", "StringValue": "v"},
    {"DataType": "String." + "x" * 250, "StringValue": "v"},
    {"DataType": "String", "StringValue": ""},
    {"DataType": "String"},
    {"DataType": "Binary"},
    {"DataType": "Binary", "StringValue": "v"},
    {"DataType": "Number", "StringValue": "abc"},
    {"DataType": "Number", "StringValue": "1.2.3"},
    {"StringValue": "no type"},
])
def test_invalid_attribute_values(sqs, queue, value):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes={"a": value})
    assert_error(ei, "InvalidParameterValue")
    assert counts(sqs, queue)[0] == 0


def test_string_attribute_value_with_invalid_characters_rejected(sqs, queue):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes={
            "a": {"DataType": "String", "StringValue": "bad\x00value"}})
    # The reference says String values obey the body's character rules but names no code.
    assert error_of(ei)[0] in ("InvalidParameterValue", "InvalidMessageContents")
    assert error_of(ei)[1] == 400


# --- system attributes ------------------------------------------------------------------------

def test_aws_trace_header_digest_and_receive(sqs, queue):
    r = sqs.send_message(QueueUrl=queue, MessageBody="traced", MessageSystemAttributes={
        "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}})
    assert r["MD5OfMessageSystemAttributes"] == TRACE_MD5
    assert "MD5OfMessageAttributes" not in r
    msg = receive_one(sqs, queue, AttributeNames=["AWSTraceHeader"], VisibilityTimeout=0)
    assert msg["Attributes"] == {"AWSTraceHeader": TRACE}
    msg = receive_one(sqs, queue, AttributeNames=["All"])
    assert set(msg["Attributes"]) == STANDARD_SYSTEM_ATTRS | {"AWSTraceHeader"}


def test_only_aws_trace_header_system_attribute_is_accepted(sqs, queue):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageSystemAttributes={
            "SenderId": {"DataType": "String", "StringValue": "me"}})
    assert_error(ei, "InvalidParameterValue")


def test_system_attributes_on_receive(sqs, queue):
    t0 = now_ms()
    mid = sqs.send_message(QueueUrl=queue, MessageBody="sys")["MessageId"]
    t1 = now_ms()
    msg = receive_one(sqs, queue, AttributeNames=["All"], VisibilityTimeout=0)
    t2 = now_ms()
    a = msg["Attributes"]
    assert set(a) == STANDARD_SYSTEM_ATTRS
    assert a["SenderId"]
    sent = int(a["SentTimestamp"])
    assert t0 - 1000 <= sent <= t1 + 1000, "SentTimestamp must be epoch milliseconds"
    first = int(a["ApproximateFirstReceiveTimestamp"])
    assert sent - 1000 <= first <= t2 + 1000
    assert a["ApproximateReceiveCount"] == "1"

    msg = receive_one(sqs, queue, AttributeNames=["ApproximateReceiveCount",
                                                  "ApproximateFirstReceiveTimestamp"],
                      VisibilityTimeout=0)
    assert msg["MessageId"] == mid
    assert msg["Attributes"] == {"ApproximateReceiveCount": "2",
                                 "ApproximateFirstReceiveTimestamp": str(first)}

    msg = receive_one(sqs, queue, AttributeNames=["SentTimestamp"], VisibilityTimeout=0)
    assert msg["Attributes"] == {"SentTimestamp": str(sent)}

    msg = receive_one(sqs, queue, VisibilityTimeout=0)
    assert not msg.get("Attributes")


def test_message_group_id_accepted_on_standard_queue(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="grouped", MessageGroupId="g1")
    msg = receive_one(sqs, queue, AttributeNames=["MessageGroupId"])
    assert msg["Attributes"] == {"MessageGroupId": "g1"}


def test_deduplication_id_rejected_on_standard_queue(sqs, queue):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageDeduplicationId="d1")
    assert_error(ei, "InvalidParameterValue")


# --- SendMessageBatch -------------------------------------------------------------------------

def test_send_message_batch_success(sqs, queue):
    entries = [
        {"Id": "plain", "MessageBody": "one"},
        {"Id": "with_attrs-2", "MessageBody": "two", "MessageAttributes": EXAMPLE_ATTRS},
        {"Id": "traced", "MessageBody": "three", "MessageSystemAttributes": {
            "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE}}},
        {"Id": "x" * 80, "MessageBody": "four"},
    ]
    r = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert r.get("Failed", []) == []
    ok = {e["Id"]: e for e in r["Successful"]}
    assert set(ok) == {e["Id"] for e in entries}
    for e in entries:
        assert ok[e["Id"]]["MD5OfMessageBody"] == md5_hex(e["MessageBody"])
        assert ok[e["Id"]]["MessageId"]
    assert ok["with_attrs-2"]["MD5OfMessageAttributes"] == EXAMPLE_MD5
    assert "MD5OfMessageAttributes" not in ok["plain"]
    assert ok["traced"]["MD5OfMessageSystemAttributes"] == TRACE_MD5
    assert len({e["MessageId"] for e in ok.values()}) == 4
    got = receive_all(sqs, queue, 4, MessageAttributeNames=["All"])
    assert {m["Body"] for m in got.values()} == {"one", "two", "three", "four"}
    two = [m for m in got.values() if m["Body"] == "two"][0]
    assert two["MessageId"] == ok["with_attrs-2"]["MessageId"]
    assert two["MessageAttributes"] == EXAMPLE_ATTRS


def test_send_message_batch_partial_failure(sqs, make_queue):
    url = make_queue({"MaximumMessageSize": 1024})
    eleven = {"a%d" % i: {"DataType": "String", "StringValue": "v"} for i in range(11)}
    entries = [
        {"Id": "ok1", "MessageBody": "fine"},
        {"Id": "badchars", "MessageBody": "nul\x00"},
        {"Id": "toolong", "MessageBody": "x" * 1025},
        {"Id": "baddelay", "MessageBody": "d", "DelaySeconds": 901},
        {"Id": "attrs", "MessageBody": "a", "MessageAttributes": eleven},
        {"Id": "ok2", "MessageBody": "also fine", "DelaySeconds": 0},
    ]
    r = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert {e["Id"] for e in r["Successful"]} == {"ok1", "ok2"}
    failed = {e["Id"]: e for e in r["Failed"]}
    assert {k: v["Code"] for k, v in failed.items()} == {
        "badchars": "InvalidMessageContents",
        "toolong": "InvalidParameterValue",
        "baddelay": "InvalidParameterValue",
        "attrs": "InvalidParameterValue",
    }
    for f in failed.values():
        assert f["SenderFault"] is True
        assert f.get("Message")
    assert counts(sqs, url)[0] == 2


def entries_for(action, n, handle="h"):
    if action == "send":
        return [{"Id": "e%d" % i, "MessageBody": "b%d" % i} for i in range(n)]
    if action == "delete":
        return [{"Id": "e%d" % i, "ReceiptHandle": handle} for i in range(n)]
    return [{"Id": "e%d" % i, "ReceiptHandle": handle, "VisibilityTimeout": 0} for i in range(n)]


def call_batch(sqs, action, url, entries):
    if action == "send":
        return sqs.send_message_batch(QueueUrl=url, Entries=entries)
    if action == "delete":
        return sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    return sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)


BATCH_ACTIONS = ["send", "delete", "change"]


@pytest.mark.parametrize("action", BATCH_ACTIONS)
def test_batch_empty_raises_empty_batch_request(sqs, queue, action):
    with pytest.raises(sqs.exceptions.EmptyBatchRequest) as ei:
        call_batch(sqs, action, queue, [])
    assert_error(ei, "AWS.SimpleQueueService.EmptyBatchRequest")


@pytest.mark.parametrize("action", BATCH_ACTIONS)
def test_batch_of_eleven_raises_too_many_entries(sqs, queue, action):
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest) as ei:
        call_batch(sqs, action, queue, entries_for(action, 11))
    assert_error(ei, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
    assert counts(sqs, queue) == (0, 0, 0)


@pytest.mark.parametrize("action", BATCH_ACTIONS)
def test_batch_duplicate_ids_raise_batch_entry_ids_not_distinct(sqs, queue, action):
    entries = entries_for(action, 3)
    entries[2]["Id"] = entries[0]["Id"]
    with pytest.raises(sqs.exceptions.BatchEntryIdsNotDistinct) as ei:
        call_batch(sqs, action, queue, entries)
    assert_error(ei, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
    assert counts(sqs, queue) == (0, 0, 0)


@pytest.mark.parametrize("action", BATCH_ACTIONS)
@pytest.mark.parametrize("bad_id", ["bad id", "a.b", "x" * 81, "caf\u00e9"])
def test_batch_invalid_id_raises_invalid_batch_entry_id(sqs, queue, action, bad_id):
    entries = entries_for(action, 2)
    entries[1]["Id"] = bad_id
    with pytest.raises(sqs.exceptions.InvalidBatchEntryId) as ei:
        call_batch(sqs, action, queue, entries)
    assert_error(ei, "AWS.SimpleQueueService.InvalidBatchEntryId")
    assert counts(sqs, queue) == (0, 0, 0)


def test_send_batch_over_1mib_raises_batch_request_too_long(sqs, queue):
    entries = [{"Id": "e%d" % i, "MessageBody": "z" * 110000} for i in range(10)]
    with pytest.raises(sqs.exceptions.BatchRequestTooLong) as ei:
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert_error(ei, "AWS.SimpleQueueService.BatchRequestTooLong")
    assert counts(sqs, queue) == (0, 0, 0)
    # Just under the limit is fine: 10 x 104857 bytes.
    entries = [{"Id": "e%d" % i, "MessageBody": "z" * 104857} for i in range(10)]
    r = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert len(r["Successful"]) == 10


# --- DeleteMessage(Batch) and receipt handles -------------------------------------------------

def test_delete_message_batch_partial(sqs, queue):
    sqs.send_message_batch(QueueUrl=queue, Entries=entries_for("send", 3))
    got = list(receive_all(sqs, queue, 3).values())
    assert len(got) == 3
    r = sqs.delete_message_batch(QueueUrl=queue, Entries=[
        {"Id": "a", "ReceiptHandle": got[0]["ReceiptHandle"]},
        {"Id": "b", "ReceiptHandle": got[1]["ReceiptHandle"]},
        {"Id": "c", "ReceiptHandle": "not-a-receipt-handle"},
    ])
    assert {e["Id"] for e in r["Successful"]} == {"a", "b"}
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in r["Failed"]] == [
        ("c", "ReceiptHandleIsInvalid", True)]
    assert counts(sqs, queue) == (0, 1, 0)


@pytest.mark.parametrize("handle", ["garbage", "AQEB" + "A" * 40, "x" * 2000, "%%%"])
def test_invalid_receipt_handle(sqs, queue, handle):
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as ei:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)
    assert_error(ei, "ReceiptHandleIsInvalid", 404)
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as ei:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=0)
    assert_error(ei, "ReceiptHandleIsInvalid", 404)


def test_receipt_handle_of_another_queue_is_invalid(sqs, make_queue):
    q1, q2 = make_queue(), make_queue()
    sqs.send_message(QueueUrl=q1, MessageBody="x")
    handle = receive_one(sqs, q1)["ReceiptHandle"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=q2, ReceiptHandle=handle)
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=q2, ReceiptHandle=handle, VisibilityTimeout=0)
    assert counts(sqs, q1) == (0, 1, 0)


def test_stale_receipt_handles_delete_without_error(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    first = receive_one(sqs, queue, VisibilityTimeout=0)["ReceiptHandle"]
    second = receive_one(sqs, queue, VisibilityTimeout=0)["ReceiptHandle"]
    assert first != second, "every receive must mint a new receipt handle"
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=second)
    # Deleting again, and with the older handle, is still a success (reference 7.5).
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=second)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first)
    assert counts(sqs, queue) == (0, 0, 0)


# --- visibility -------------------------------------------------------------------------------

def test_visibility_timeout_expiry_redelivers(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    first = receive_one(sqs, queue, VisibilityTimeout=1, AttributeNames=["All"])
    t = time.monotonic()
    assert_no_message(sqs, queue)
    assert counts(sqs, queue) == (0, 1, 0)
    again = receive_one(sqs, queue, wait=5, AttributeNames=["ApproximateReceiveCount"])
    elapsed = time.monotonic() - t
    assert 0.5 <= elapsed <= 3.0, elapsed
    assert again["MessageId"] == first["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again["ReceiptHandle"] != first["ReceiptHandle"]


def test_queue_visibility_timeout_is_the_default(sqs, make_queue):
    url = make_queue({"VisibilityTimeout": 1})
    sqs.send_message(QueueUrl=url, MessageBody="v")
    receive_one(sqs, url)
    assert_no_message(sqs, url)
    t = time.monotonic()
    receive_one(sqs, url, wait=5)
    assert time.monotonic() - t <= 3.0


def test_receive_with_visibility_timeout_zero_leaves_message_visible(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    receive_one(sqs, queue, VisibilityTimeout=0)
    assert counts(sqs, queue)[0] == 1
    receive_one(sqs, queue, wait=0, VisibilityTimeout=0)


def test_change_message_visibility_to_zero_and_longer(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="c")
    h = receive_one(sqs, queue, VisibilityTimeout=30)["ReceiptHandle"]
    assert_no_message(sqs, queue)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h, VisibilityTimeout=0)
    h2 = receive_one(sqs, queue, wait=0, VisibilityTimeout=1)["ReceiptHandle"]
    # Extend past the original 1 s: still hidden after it would have expired.
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h2, VisibilityTimeout=10)
    time.sleep(1.5)
    assert_no_message(sqs, queue)
    assert counts(sqs, queue) == (0, 1, 0)
    # Shorten it again: visible after about 1 s.
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h2, VisibilityTimeout=1)
    t = time.monotonic()
    receive_one(sqs, queue, wait=5)
    assert time.monotonic() - t <= 3.0


@pytest.mark.parametrize("vt", [-1, 43201])
def test_change_message_visibility_range(sqs, queue, vt):
    sqs.send_message(QueueUrl=queue, MessageBody="c")
    h = receive_one(sqs, queue)["ReceiptHandle"]
    with pytest.raises(ClientError) as ei:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h, VisibilityTimeout=vt)
    assert_error(ei, "InvalidParameterValue")


def test_change_visibility_of_deleted_message_is_invalid_parameter_value(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="c")
    h = receive_one(sqs, queue)["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=h)
    with pytest.raises(ClientError) as ei:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h, VisibilityTimeout=5)
    assert_error(ei, "InvalidParameterValue")


def test_change_message_visibility_batch(sqs, queue):
    sqs.send_message_batch(QueueUrl=queue, Entries=entries_for("send", 3))
    got = list(receive_all(sqs, queue, 3, VisibilityTimeout=30).values())
    assert len(got) == 3
    r = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
        {"Id": "zero", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "long", "ReceiptHandle": got[1]["ReceiptHandle"], "VisibilityTimeout": 60},
        {"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
        {"Id": "range", "ReceiptHandle": got[2]["ReceiptHandle"], "VisibilityTimeout": 43201},
    ])
    assert {e["Id"] for e in r["Successful"]} == {"zero", "long"}
    failed = {f["Id"]: f for f in r["Failed"]}
    assert failed["bad"]["Code"] == "ReceiptHandleIsInvalid"
    assert failed["range"]["Code"] == "InvalidParameterValue"
    assert all(f["SenderFault"] is True for f in failed.values())
    msg = receive_one(sqs, queue, wait=0, MaxNumberOfMessages=10)
    assert msg["MessageId"] == got[0]["MessageId"]


# --- delays -----------------------------------------------------------------------------------

def test_queue_delay(sqs, make_queue):
    url = make_queue({"DelaySeconds": 1})
    t = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="later")
    assert_no_message(sqs, url)
    assert counts(sqs, url) == (0, 0, 1)
    receive_one(sqs, url, wait=5)
    elapsed = time.monotonic() - t
    assert 0.7 <= elapsed <= 3.0, elapsed


def test_per_message_delay_overrides_queue_delay(sqs, make_queue):
    delayed_q = make_queue({"DelaySeconds": 2})
    sqs.send_message(QueueUrl=delayed_q, MessageBody="now", DelaySeconds=0)
    assert receive_one(sqs, delayed_q, wait=0)["Body"] == "now"

    url = make_queue()
    t = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=1)
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "d", "MessageBody": "batch later", "DelaySeconds": 1},
        {"Id": "n", "MessageBody": "batch now"}])
    assert receive_one(sqs, url, wait=0)["Body"] == "batch now"
    assert counts(sqs, url)[2] == 2
    got = receive_all(sqs, url, 2, timeout=5)
    assert {m["Body"] for m in got.values()} == {"later", "batch later"}
    assert time.monotonic() - t >= 0.7


@pytest.mark.parametrize("delay", [-1, 901])
def test_delay_seconds_range(sqs, queue, delay):
    with pytest.raises(ClientError) as ei:
        sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=delay)
    assert_error(ei, "InvalidParameterValue")


def test_delay_seconds_bounds_accepted(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=900)
    sqs.send_message(QueueUrl=queue, MessageBody="y", DelaySeconds=0)
    assert counts(sqs, queue) == (1, 0, 1)


# --- ReceiveMessage parameters ----------------------------------------------------------------

def test_max_number_of_messages(sqs, queue):
    for start in (0, 10):
        sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": "e%d" % i, "MessageBody": "m%d" % (start + i)}
            for i in range(10 if start == 0 else 5)])
    one = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert len(one) == 1
    ten = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert 1 <= len(ten) <= 10
    seen = {m["MessageId"] for m in one + ten}
    assert len(seen) == len(one) + len(ten)
    rest = receive_all(sqs, queue, 15 - len(seen))
    assert not (set(rest) & seen), "in-flight messages must not be delivered twice"
    assert len(seen | set(rest)) == 15
    assert counts(sqs, queue) == (0, 15, 0)


@pytest.mark.parametrize("param,value", [
    ("MaxNumberOfMessages", 0), ("MaxNumberOfMessages", 11), ("MaxNumberOfMessages", -1),
    ("WaitTimeSeconds", -1), ("WaitTimeSeconds", 21),
    ("VisibilityTimeout", -1), ("VisibilityTimeout", 43201),
])
def test_receive_parameter_ranges(sqs, queue, param, value):
    with pytest.raises(ClientError) as ei:
        sqs.receive_message(QueueUrl=queue, **{param: value})
    assert_error(ei, "InvalidParameterValue")


def test_receive_parameter_bounds_accepted(sqs, queue):
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=0,
                        VisibilityTimeout=43200)
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                        VisibilityTimeout=0)


# --- long polling -----------------------------------------------------------------------------

class Background:
    """Runs fn() on a thread; result() returns (value, seconds it took) or re-raises."""

    def __init__(self, fn):
        self.value = self.error = None
        self.start = time.monotonic()
        self.end = None

        def run():
            try:
                self.value = fn()
            except BaseException as e:  # noqa: BLE001 - re-raised in result()
                self.error = e
            self.end = time.monotonic()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def result(self, timeout):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "background call still running after %ss" % timeout
        if self.error:
            raise self.error
        return self.value, self.end - self.start


def test_long_poll_returns_as_soon_as_a_message_is_sent(sqs, endpoint, queue):
    poller = make_client(endpoint)
    bg = Background(lambda: poller.receive_message(QueueUrl=queue, WaitTimeSeconds=10,
                                                   MaxNumberOfMessages=10))
    time.sleep(1.0)
    assert bg.thread.is_alive(), "long poll returned before any message was sent"
    sent_at = time.monotonic()
    sqs.send_message(QueueUrl=queue, MessageBody="wake up")
    resp, _ = bg.result(15)
    woke_after = bg.end - sent_at
    assert [m["Body"] for m in resp.get("Messages", [])] == ["wake up"]
    assert woke_after < 1.5, "long poll returned %.2fs after the send" % woke_after


def test_long_poll_returns_empty_after_wait_time(sqs, queue):
    t = time.monotonic()
    resp = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    elapsed = time.monotonic() - t
    assert not resp.get("Messages")
    assert 0.9 <= elapsed <= 3.0, elapsed


def test_queue_receive_wait_time_is_the_default_wait(sqs, make_queue):
    url = make_queue({"ReceiveMessageWaitTimeSeconds": 1})
    t = time.monotonic()
    assert not sqs.receive_message(QueueUrl=url).get("Messages")
    assert 0.9 <= time.monotonic() - t <= 3.0
    t = time.monotonic()
    assert not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages")
    assert time.monotonic() - t < 0.8


def test_long_poll_does_not_wait_to_fill_max(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="only one")
    t = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5,
                               MaxNumberOfMessages=10)["Messages"]
    assert len(msgs) == 1 and time.monotonic() - t < 1.0


def test_long_poll_wakes_when_delay_ends(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=1)
    t = time.monotonic()
    msg = receive_one(sqs, queue, wait=5)
    assert msg["Body"] == "delayed"
    assert 0.5 <= time.monotonic() - t <= 2.5


def test_long_poll_wakes_on_change_visibility_zero(sqs, endpoint, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="hidden")
    h = receive_one(sqs, queue, VisibilityTimeout=60)["ReceiptHandle"]
    poller = make_client(endpoint)
    bg = Background(lambda: poller.receive_message(QueueUrl=queue, WaitTimeSeconds=10))
    time.sleep(0.7)
    changed_at = time.monotonic()
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h, VisibilityTimeout=0)
    resp, _ = bg.result(15)
    assert [m["Body"] for m in resp.get("Messages", [])] == ["hidden"]
    assert bg.end - changed_at < 1.5


def test_concurrent_long_polls_each_get_a_message(sqs, endpoint, queue):
    pollers = [make_client(endpoint) for _ in range(3)]
    bgs = [Background(lambda p=p: p.receive_message(QueueUrl=queue, WaitTimeSeconds=10,
                                                    MaxNumberOfMessages=1))
           for p in pollers]
    time.sleep(1.0)
    # The server keeps serving other requests while the polls wait.
    t = time.monotonic()
    sqs.list_queues(MaxResults=1)
    assert time.monotonic() - t < 1.0
    sent_at = time.monotonic()
    sqs.send_message_batch(QueueUrl=queue, Entries=entries_for("send", 3))
    bodies = []
    for bg in bgs:
        resp, _ = bg.result(15)
        bodies += [m["Body"] for m in resp.get("Messages", [])]
        assert bg.end - sent_at < 2.0
    assert sorted(bodies) == ["b0", "b1", "b2"]


def test_long_polls_on_many_queues_do_not_block_each_other(sqs, endpoint, make_queue):
    urls = [make_queue() for _ in range(6)]
    pollers = [make_client(endpoint) for _ in urls]
    bgs = [Background(lambda p=p, u=u: p.receive_message(QueueUrl=u, WaitTimeSeconds=10))
           for p, u in zip(pollers, urls)]
    time.sleep(0.7)
    sent_at = time.monotonic()
    for u in reversed(urls):
        sqs.send_message(QueueUrl=u, MessageBody=u)
    for u, bg in zip(urls, bgs):
        resp, _ = bg.result(15)
        assert [m["Body"] for m in resp.get("Messages", [])] == [u]
        assert bg.end - sent_at < 2.5


def test_message_deleted_while_in_flight_is_never_redelivered(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="once")
    h = receive_one(sqs, queue, VisibilityTimeout=1)["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=h)
    assert not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2).get("Messages")
    assert counts(sqs, queue) == (0, 0, 0)


def test_approximate_counts_follow_message_states(sqs, make_queue):
    url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=entries_for("send", 4))
    sqs.send_message(QueueUrl=url, MessageBody="d", DelaySeconds=30)
    assert counts(sqs, url) == (4, 0, 1)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2,
                              VisibilityTimeout=30)["Messages"]
    assert 1 <= len(got) <= 2
    assert counts(sqs, url) == (4 - len(got), len(got), 1)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert counts(sqs, url) == (4 - len(got), len(got) - 1, 1)
