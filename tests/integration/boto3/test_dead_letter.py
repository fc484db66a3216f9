"""Dead-letter queues: RedrivePolicy, the move on receive, RedriveAllowPolicy,
ListDeadLetterSourceQueues (reference sections 4.16, 6.2, 7.8)."""

import json

import pytest
from botocore.exceptions import ClientError

from support import attrs, counts, error_of, name_of, queue_arn, unique_name


def redrive(dlq_url, max_receive_count=2):
    return json.dumps({"deadLetterTargetArn": queue_arn(name_of(dlq_url)),
                       "maxReceiveCount": max_receive_count})


def receive(sqs, url, **kwargs):
    kwargs.setdefault("WaitTimeSeconds", 0)
    return sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", [])


def test_message_moves_to_dlq_after_max_receive_count(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    src = make_queue({"RedrivePolicy": redrive(dlq, 2)}, prefix="src")
    attributes = {"k": {"DataType": "String", "StringValue": "v"}}
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison", MessageAttributes=attributes)

    first = receive(sqs, src, VisibilityTimeout=0, AttributeNames=["All"])
    assert [m["MessageId"] for m in first] == [sent["MessageId"]]
    assert first[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    second = receive(sqs, src, VisibilityTimeout=0, AttributeNames=["ApproximateReceiveCount"])
    assert second[0]["Attributes"]["ApproximateReceiveCount"] == "2"

    # The third receive finds the count at maxReceiveCount: the message moves instead.
    assert receive(sqs, src, VisibilityTimeout=0) == []
    assert counts(sqs, src) == (0, 0, 0)
    assert counts(sqs, dlq) == (1, 0, 0)

    moved = receive(sqs, dlq, AttributeNames=["All"], MessageAttributeNames=["All"])
    assert len(moved) == 1
    m = moved[0]
    assert m["MessageId"] == sent["MessageId"]
    assert m["Body"] == "poison"
    assert m["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert m["MessageAttributes"] == attributes
    assert m["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert m["Attributes"]["DeadLetterQueueSourceArn"] == queue_arn(name_of(src))
    assert m["Attributes"]["SentTimestamp"] == first[0]["Attributes"]["SentTimestamp"]
    # Only when asked for.
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=m["ReceiptHandle"],
                                  VisibilityTimeout=0)
    again = receive(sqs, dlq, AttributeNames=["SentTimestamp"])
    assert again[0]["Attributes"] == {"SentTimestamp": m["Attributes"]["SentTimestamp"]}


def test_max_receive_count_one_moves_several_messages(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    src = make_queue({"RedrivePolicy": redrive(dlq, 1)}, prefix="src")
    sqs.send_message_batch(QueueUrl=src, Entries=[
        {"Id": "e%d" % i, "MessageBody": "m%d" % i} for i in range(3)])
    seen = []
    for _ in range(5):
        got = receive(sqs, src, VisibilityTimeout=0, MaxNumberOfMessages=10)
        seen += [m["Body"] for m in got]
        if len(seen) >= 3:
            break
    assert sorted(seen) == ["m0", "m1", "m2"]
    assert receive(sqs, src, VisibilityTimeout=0, MaxNumberOfMessages=10) == []
    assert counts(sqs, src) == (0, 0, 0)
    assert counts(sqs, dlq) == (3, 0, 0)


def test_redrive_after_visibility_timeout_expiry(sqs, make_queue):
    # The realistic path: a consumer that never deletes, the timeout expiring each time.
    dlq = make_queue(prefix="dlq")
    src = make_queue({"RedrivePolicy": redrive(dlq, 1), "VisibilityTimeout": 1}, prefix="src")
    sqs.send_message(QueueUrl=src, MessageBody="fails")
    assert len(receive(sqs, src)) == 1
    assert not sqs.receive_message(QueueUrl=src, WaitTimeSeconds=2).get("Messages")
    assert counts(sqs, dlq)[0] == 1


def test_redrive_policy_round_trip_and_removal(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    src = make_queue(prefix="src")
    assert "RedrivePolicy" not in attrs(sqs, src)
    # maxReceiveCount may be given as a numeric string too.
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": queue_arn(name_of(dlq)), "maxReceiveCount": "5"})})
    policy = json.loads(attrs(sqs, src, "RedrivePolicy")["RedrivePolicy"])
    assert policy["deadLetterTargetArn"] == queue_arn(name_of(dlq))
    # Reference 6.2: returned as a number (marked unconfirmed there, so a string is tolerated).
    assert policy["maxReceiveCount"] in (5, "5")
    assert "RedrivePolicy" in attrs(sqs, src, "All")
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in attrs(sqs, src, "All")
    assert not sqs.list_dead_letter_source_queues(QueueUrl=dlq).get("queueUrls")


def test_list_dead_letter_source_queues(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    s1 = make_queue({"RedrivePolicy": redrive(dlq)}, prefix="src")
    s2 = make_queue(prefix="src")
    sqs.set_queue_attributes(QueueUrl=s2, Attributes={"RedrivePolicy": redrive(dlq, 3)})
    make_queue(prefix="unrelated")
    assert set(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == {s1, s2}
    assert not sqs.list_dead_letter_source_queues(QueueUrl=s1).get("queueUrls")

    page1 = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1)
    assert len(page1["queueUrls"]) == 1 and page1.get("NextToken")
    page2 = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1,
                                               NextToken=page1["NextToken"])
    assert len(page2["queueUrls"]) == 1 and not page2.get("NextToken")
    assert set(page1["queueUrls"] + page2["queueUrls"]) == {s1, s2}


@pytest.mark.parametrize("bad", [0, 1001])
def test_list_dead_letter_source_queues_max_results_range(sqs, queue, bad):
    with pytest.raises(ClientError) as ei:
        sqs.list_dead_letter_source_queues(QueueUrl=queue, MaxResults=bad)
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)


def test_redrive_policy_naming_missing_queue_is_rejected(sqs, name):
    policy = json.dumps({"deadLetterTargetArn": queue_arn(unique_name("missing")),
                         "maxReceiveCount": 3})
    with pytest.raises(ClientError) as ei:
        sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": policy})
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)


def bad_policies(dlq_arn):
    return [
        json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 0}),
        json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1001}),
        json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "many"}),
        json.dumps({"deadLetterTargetArn": dlq_arn}),
        json.dumps({"maxReceiveCount": 3}),
        json.dumps({"deadLetterTargetArn": "not-an-arn", "maxReceiveCount": 3}),
        "{not json",
        "[]",
    ]


def test_invalid_redrive_policies_are_rejected(sqs, make_queue):
    dlq = make_queue(prefix="dlq")
    src = make_queue(prefix="src")
    for policy in bad_policies(queue_arn(name_of(dlq))):
        with pytest.raises(ClientError) as ei:
            sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": policy})
        code, status, _ = error_of(ei)
        # The reference does not pin the code for malformed policies (section 12).
        assert code in ("InvalidParameterValue", "InvalidAttributeValue"), policy
        assert status == 400
    assert "RedrivePolicy" not in attrs(sqs, src)


def test_redrive_allow_policy_deny_all(sqs, make_queue, name):
    dlq = make_queue({"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})},
                     prefix="dlq")
    with pytest.raises(ClientError) as ei:
        sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive(dlq)})
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)
    src = make_queue(prefix="src")
    with pytest.raises(ClientError) as ei:
        sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": redrive(dlq)})
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)
    assert "RedrivePolicy" not in attrs(sqs, src)


def test_redrive_allow_policy_by_queue(sqs, make_queue):
    allowed_name = unique_name("allowed")
    allow = {"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn(allowed_name)]}
    dlq = make_queue({"RedriveAllowPolicy": json.dumps(allow)}, prefix="dlq")
    got = json.loads(attrs(sqs, dlq, "RedriveAllowPolicy")["RedriveAllowPolicy"])
    assert got == allow

    allowed = make_queue({"RedrivePolicy": redrive(dlq)}, name=allowed_name)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [allowed]

    other = make_queue(prefix="other")
    with pytest.raises(ClientError) as ei:
        sqs.set_queue_attributes(QueueUrl=other, Attributes={"RedrivePolicy": redrive(dlq)})
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)


def test_redrive_allow_policy_allow_all_and_removal(sqs, make_queue):
    dlq = make_queue({"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})},
                     prefix="dlq")
    make_queue({"RedrivePolicy": redrive(dlq)}, prefix="src")
    assert "RedriveAllowPolicy" in attrs(sqs, dlq, "All")
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": ""})
    assert "RedriveAllowPolicy" not in attrs(sqs, dlq, "All")


@pytest.mark.parametrize("policy", [
    {"redrivePermission": "maybe"},
    {"redrivePermission": "denyAll", "sourceQueueArns": [queue_arn("x")]},
    {"redrivePermission": "allowAll", "sourceQueueArns": [queue_arn("x")]},
    {"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn("q%d" % i) for i in range(11)]},
    {"sourceQueueArns": [queue_arn("x")]},
    "{broken",
])
def test_invalid_redrive_allow_policies_are_rejected(sqs, queue, policy):
    value = policy if isinstance(policy, str) else json.dumps(policy)
    with pytest.raises(ClientError) as ei:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedriveAllowPolicy": value})
    code, status, _ = error_of(ei)
    assert code in ("InvalidParameterValue", "InvalidAttributeValue") and status == 400
    assert "RedriveAllowPolicy" not in attrs(sqs, queue)
