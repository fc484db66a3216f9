"""SendMessage, ReceiveMessage, DeleteMessage: bodies, size limits, message and system
attributes, MD5 digests (reference sections 4.8, 4.10, 4.11, 6.1, 6.3, 7.3, 8.1-8.3)."""

import pytest
from botocore.exceptions import ClientError

from support import (CITY_MD5, EXAMPLE_ATTRS, EXAMPLE_MD5, MIB, STANDARD_SYSTEM_ATTRS, TRACE,
                     TRACE_MD5, assert_error, assert_no_message, attributes_md5, counts,
                     error_of, md5_hex, now_ms, receive_all, receive_one)


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
