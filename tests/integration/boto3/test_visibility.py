"""Receipt handles, visibility timeouts, ChangeMessageVisibility(Batch), delays and the
ReceiveMessage parameters (reference sections 4.10, 4.13, 4.14, 7.2, 7.4-7.6)."""

import time

import pytest
from botocore.exceptions import ClientError

from support import (assert_error, assert_no_message, counts, entries_for, receive_all,
                     receive_one)


# --- receipt handles -------------------------------------------------------------------------

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
