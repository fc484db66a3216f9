"""SendMessageBatch, DeleteMessageBatch and the batch-wide errors shared with
ChangeMessageVisibilityBatch (reference sections 4.9, 4.12, 4.14, 5.1)."""

import pytest

from support import (EXAMPLE_ATTRS, EXAMPLE_MD5, TRACE, TRACE_MD5, assert_error, counts,
                     entries_for, md5_hex, receive_all)


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


def call_batch(sqs, action, url, entries):
    if action == "send":
        return sqs.send_message_batch(QueueUrl=url, Entries=entries)
    if action == "delete":
        return sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    return sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)


BATCH_ACTIONS = ["send", "delete", "change"]


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
