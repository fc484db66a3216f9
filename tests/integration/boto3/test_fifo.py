"""FIFO queues and fair queues through boto3 (reference section 7.7): order within a group, the
group lock, deduplication (explicit, content-based, per group), sequence numbers, receive
attempt ids, FIFO dead-letter queues, and many concurrent consumers."""

import hashlib
import json
import threading

import pytest
from botocore.exceptions import ClientError

from support import attrs, counts, error_of, make_client, queue_arn, name_of, unique_name


def fifo_queue(sqs, **attributes):
    attributes = {"FifoQueue": "true", **{k: str(v) for k, v in attributes.items()}}
    return sqs.create_queue(QueueName=unique_name("f") + ".fifo", Attributes=attributes)["QueueUrl"]


def receive(sqs, url, n=10, **kwargs):
    kwargs.setdefault("WaitTimeSeconds", 0)
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=n, **kwargs).get("Messages", [])


def bodies(messages):
    return [m["Body"] for m in messages]


def delete_all(sqs, url, messages):
    for m in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def test_fifo_queue_attributes_and_name_rules(sqs):
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    a = attrs(sqs, url, "All")
    assert a["FifoQueue"] == "true"
    assert a["ContentBasedDeduplication"] == "true"
    assert a["DeduplicationScope"] == "queue"
    assert a["FifoThroughputLimit"] == "perQueue"
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=unique_name("f"), Attributes={"FifoQueue": "true"})
    assert error_of(e)[0] == "InvalidParameterValue"  # a FIFO name must end in .fifo
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "false"})
    assert error_of(e)[0] in ("InvalidAttributeName", "InvalidAttributeValue")


def test_send_rules(sqs):
    url = fifo_queue(sqs)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="b", MessageDeduplicationId="d")
    assert error_of(e)[0] == "MissingParameter"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="b", MessageGroupId="g")
    assert error_of(e)[0] == "InvalidParameterValue"
    assert "ContentBasedDeduplication" in error_of(e)[2]
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="b", MessageGroupId="g",
                         MessageDeduplicationId="d", DelaySeconds=3)
    assert error_of(e)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="b", MessageGroupId="g",
                         MessageDeduplicationId="has space")
    assert error_of(e)[0] == "InvalidParameterValue"
    assert counts(sqs, url) == (0, 0, 0)


def test_order_within_group_and_group_lock(sqs):
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    entries = [{"Id": str(i), "MessageBody": "a%d" % i, "MessageGroupId": "A"} for i in range(5)]
    entries.append({"Id": "b", "MessageBody": "b0", "MessageGroupId": "B"})
    sent = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert len(sent["Successful"]) == 6
    seqs = [int(s["SequenceNumber"]) for s in sorted(sent["Successful"], key=lambda s: s["Id"])
            if s["Id"] != "b"]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5

    first = receive(sqs, url, 3, AttributeNames=["All"])
    assert bodies(first) == ["a0", "a1", "a2"]
    assert first[0]["Attributes"]["MessageGroupId"] == "A"
    assert first[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"a0").hexdigest()
    assert int(first[0]["Attributes"]["SequenceNumber"]) == seqs[0]
    # Group A is locked: only B comes next.
    assert bodies(receive(sqs, url)) == ["b0"]
    assert receive(sqs, url) == []
    delete_all(sqs, url, first)
    assert bodies(receive(sqs, url)) == ["a3", "a4"]


def test_visibility_timeout_returns_messages_in_order(sqs):
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody="m%d" % i, MessageGroupId="g")
    got = receive(sqs, url, 2, VisibilityTimeout=1)
    assert bodies(got) == ["m0", "m1"]
    again = receive(sqs, url, 10, WaitTimeSeconds=5, AttributeNames=["ApproximateReceiveCount"])
    assert bodies(again) == ["m0", "m1", "m2"]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in again] == ["2", "2", "1"]
    # The first receive's handles have expired.
    with pytest.raises(ClientError) as e:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert error_of(e)[0] == "InvalidParameterValue"
    assert "expired" in error_of(e)[2]
    delete_all(sqs, url, again)
    assert counts(sqs, url) == (0, 0, 0)


def test_deduplication(sqs):
    url = fifo_queue(sqs)
    a = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                         MessageDeduplicationId="order-1")
    b = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                         MessageDeduplicationId="order-1")
    assert b["MessageId"] == a["MessageId"]
    assert b["SequenceNumber"] == a["SequenceNumber"]
    assert counts(sqs, url)[0] == 1
    # Remembered after the delete, too.
    delete_all(sqs, url, receive(sqs, url))
    c = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                         MessageDeduplicationId="order-1")
    assert c["MessageId"] == a["MessageId"]
    assert counts(sqs, url) == (0, 0, 0)


def test_content_based_and_group_scoped_deduplication(sqs):
    cbd = fifo_queue(sqs, ContentBasedDeduplication="true")
    one = sqs.send_message(QueueUrl=cbd, MessageBody="same body", MessageGroupId="g1")
    two = sqs.send_message(QueueUrl=cbd, MessageBody="same body", MessageGroupId="g2")
    assert one["MessageId"] == two["MessageId"]
    scoped = fifo_queue(sqs, DeduplicationScope="messageGroup",
                        FifoThroughputLimit="perMessageGroupId")
    ids = [sqs.send_message(QueueUrl=scoped, MessageBody="b", MessageGroupId=g,
                            MessageDeduplicationId="d")["MessageId"] for g in ("g1", "g2", "g1")]
    assert ids[0] != ids[1] and ids[0] == ids[2]
    assert counts(sqs, scoped)[0] == 2


def test_receive_request_attempt_id(sqs):
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody="m%d" % i, MessageGroupId="g")
    first = receive(sqs, url, 2, ReceiveRequestAttemptId="try-1")
    retry = receive(sqs, url, 2, ReceiveRequestAttemptId="try-1")
    assert [m["ReceiptHandle"] for m in retry] == [m["ReceiptHandle"] for m in first]
    assert [m["MessageId"] for m in retry] == [m["MessageId"] for m in first]
    delete_all(sqs, url, first)
    assert bodies(receive(sqs, url, 2, ReceiveRequestAttemptId="try-2")) == ["m2"]


def test_fifo_dead_letter_queue(sqs):
    dlq = fifo_queue(sqs)
    src = fifo_queue(sqs, RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": queue_arn(name_of(dlq)), "maxReceiveCount": 1}))
    for i in range(2):
        sqs.send_message(QueueUrl=src, MessageBody="p%d" % i, MessageGroupId="g",
                         MessageDeduplicationId="p%d" % i)
    assert bodies(receive(sqs, src, VisibilityTimeout=0)) == ["p0", "p1"]
    assert receive(sqs, src) == []
    moved = receive(sqs, dlq, AttributeNames=["All"])
    assert bodies(moved) == ["p0", "p1"]
    assert moved[0]["Attributes"]["DeadLetterQueueSourceArn"] == queue_arn(name_of(src))
    assert moved[0]["Attributes"]["MessageGroupId"] == "g"
    standard = sqs.create_queue(QueueName=unique_name("std"))["QueueUrl"]
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": queue_arn(name_of(standard)), "maxReceiveCount": 1})})
    assert error_of(e)[0] == "InvalidParameterValue"


def test_many_consumers_never_see_a_group_out_of_order(sqs, endpoint):
    url = fifo_queue(sqs, ContentBasedDeduplication="true")
    groups, per_group = 8, 40
    for n in range(per_group):
        entries = [{"Id": "g%d" % g, "MessageBody": "%d:%d" % (g, n), "MessageGroupId": "g%d" % g}
                   for g in range(groups)]
        for i in range(0, len(entries), 10):
            assert len(sqs.send_message_batch(QueueUrl=url, Entries=entries[i:i + 10])
                       ["Successful"]) == len(entries[i:i + 10])
    seen = []  # (group, n) in the order processing finished, under the lock
    lock = threading.Lock()
    errors = []

    def consume():
        client = make_client(endpoint)
        idle = 0
        try:
            while idle < 3:
                got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                             WaitTimeSeconds=1, VisibilityTimeout=30)
                msgs = got.get("Messages", [])
                if not msgs:
                    idle += 1
                    continue
                idle = 0
                with lock:
                    for m in msgs:
                        g, n = m["Body"].split(":")
                        seen.append((int(g), int(n)))
                for m in msgs:
                    client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=consume) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(seen) == groups * per_group, "lost or duplicated messages"
    for g in range(groups):
        order = [n for (gg, n) in seen if gg == g]
        assert order == list(range(per_group)), "group %d out of order: %r" % (g, order[:20])


def test_fair_queue_keeps_quiet_tenants_prompt(sqs):
    url = sqs.create_queue(QueueName=unique_name("fair"))["QueueUrl"]
    for i in range(0, 2000, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(j), "MessageBody": "noisy-%d" % (i + j), "MessageGroupId": "noisy"}
            for j in range(10)])
    sqs.send_message(QueueUrl=url, MessageBody="quiet", MessageGroupId="tenant-q")
    first = bodies(receive(sqs, url, 10, AttributeNames=["MessageGroupId"]))
    assert "quiet" in first, "the quiet tenant waited behind 2,000 noisy messages"
