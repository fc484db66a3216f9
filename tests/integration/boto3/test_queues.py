"""Queue actions: CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, Get/SetQueueAttributes,
PurgeQueue, TagQueue/UntagQueue/ListQueueTags (reference sections 4.1-4.7, 4.15, 6.2, 6.4)."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from support import ACCOUNT_ID, attrs, counts, error_of, queue_arn, unique_name

DEFAULTS = {
    "VisibilityTimeout": "30",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
    "ApproximateNumberOfMessages": "0",
    "ApproximateNumberOfMessagesNotVisible": "0",
    "ApproximateNumberOfMessagesDelayed": "0",
}
ALL_STANDARD = set(DEFAULTS) | {"CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"}


# --- CreateQueue / GetQueueUrl ----------------------------------------------------------------

def test_create_queue_returns_url_under_endpoint(sqs, endpoint, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url == "%s/%s/%s" % (endpoint, ACCOUNT_ID, name)
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url


def test_create_queue_is_idempotent_with_same_attributes(sqs, name):
    a = {"VisibilityTimeout": "45", "DelaySeconds": "1"}
    url1 = sqs.create_queue(QueueName=name, Attributes=a)["QueueUrl"]
    url2 = sqs.create_queue(QueueName=name, Attributes=dict(a))["QueueUrl"]
    assert url1 == url2


def test_create_queue_with_name_only_on_existing_queue_returns_it(sqs, name):
    # Reference 7.10 recommendation: only supplied attributes are compared ("get or create").
    url1 = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == url1


def test_create_queue_with_different_attribute_raises_queue_name_exists(sqs, name):
    sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})
    with pytest.raises(sqs.exceptions.QueueNameExists) as ei:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})
    code, status, _ = error_of(ei)
    assert (code, status) == ("QueueAlreadyExists", 400)
    # The existing queue is unchanged.
    assert attrs(sqs, sqs.get_queue_url(QueueName=name)["QueueUrl"],
                 "VisibilityTimeout")["VisibilityTimeout"] == "45"


@pytest.mark.parametrize("good", ["a", "A-b_9", "x" * 80, "Q-" + "7" * 78])
def test_queue_name_rules_accept(sqs, good):
    # The server is fresh for this session, so these fixed names are free.
    url = sqs.create_queue(QueueName=good)["QueueUrl"]
    assert url.endswith("/" + good)
    assert sqs.get_queue_url(QueueName=good)["QueueUrl"] == url


@pytest.mark.parametrize("bad", ["x" * 81, "bad name", "bad.name", "bad/name", "bad:name",
                                 "caf\u00e9", "q.fifo", "tab\tname", "star*"])
def test_queue_name_rules_reject(sqs, bad):
    with pytest.raises(ClientError) as ei:
        sqs.create_queue(QueueName=bad)
    code, status, _ = error_of(ei)
    assert (code, status) == ("InvalidParameterValue", 400)


def test_empty_queue_name_is_rejected(sqs):
    with pytest.raises(ClientError) as ei:
        sqs.create_queue(QueueName="")
    code, status, _ = error_of(ei)
    # Empty value: either "missing" or "out of range 1..80"; the reference does not say which.
    assert code in ("MissingParameter", "InvalidParameterValue") and status == 400


def test_get_queue_url_of_unknown_queue_raises_queue_does_not_exist(sqs):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as ei:
        sqs.get_queue_url(QueueName=unique_name("nope"))
    code, status, _ = error_of(ei)
    assert (code, status) == ("AWS.SimpleQueueService.NonExistentQueue", 400)


def test_get_queue_url_is_case_sensitive(sqs, name):
    sqs.create_queue(QueueName=name)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name.upper())


def test_get_queue_url_with_own_account_id(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=ACCOUNT_ID)["QueueUrl"] == url


def test_actions_on_unknown_queue_raise_queue_does_not_exist(sqs, endpoint):
    url = "%s/%s/%s" % (endpoint, ACCOUNT_ID, unique_name("ghost"))
    calls = [
        lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
        lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1"}),
        lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
        lambda: sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}]),
        lambda: sqs.receive_message(QueueUrl=url),
        lambda: sqs.purge_queue(QueueUrl=url),
        lambda: sqs.delete_queue(QueueUrl=url),
        lambda: sqs.tag_queue(QueueUrl=url, Tags={"a": "b"}),
        lambda: sqs.untag_queue(QueueUrl=url, TagKeys=["a"]),
        lambda: sqs.list_queue_tags(QueueUrl=url),
        lambda: sqs.list_dead_letter_source_queues(QueueUrl=url),
    ]
    for i, call in enumerate(calls):
        with pytest.raises(sqs.exceptions.QueueDoesNotExist) as ei:
            call()
        assert error_of(ei)[:2] == ("AWS.SimpleQueueService.NonExistentQueue", 400), i


@pytest.mark.parametrize("bad_url", ["not a url", "http://127.0.0.1/", "http://x/123/"])
def test_unparseable_queue_url_is_invalid_address(sqs, bad_url):
    # Reference 1.3: a QueueUrl that cannot be parsed is InvalidAddress (404).
    with pytest.raises(ClientError) as ei:
        sqs.get_queue_attributes(QueueUrl=bad_url, AttributeNames=["All"])
    assert error_of(ei)[:2] == ("InvalidAddress", 404)


def test_queue_url_host_is_ignored(sqs, name):
    # Clients reach the server under many names: only the account and name path parts count.
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    other = "http://localhost:1/%s/%s" % (ACCOUNT_ID, name)
    sqs.send_message(QueueUrl=other, MessageBody="via another host name")
    assert counts(sqs, url)[0] == 1


# --- DeleteQueue ------------------------------------------------------------------------------

def test_delete_queue_then_recreate_is_blocked(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="goes with the queue")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert url not in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])
    with pytest.raises(sqs.exceptions.QueueDeletedRecently) as ei:
        sqs.create_queue(QueueName=name)
    code, status, _ = error_of(ei)
    assert (code, status) == ("AWS.SimpleQueueService.QueueDeletedRecently", 400)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.delete_queue(QueueUrl=url)


# --- ListQueues -------------------------------------------------------------------------------

def test_list_queues_prefix_and_pagination(sqs):
    prefix = unique_name("lst")
    urls = {sqs.create_queue(QueueName="%s-%d" % (prefix, i))["QueueUrl"] for i in range(5)}
    other = sqs.create_queue(QueueName=unique_name("zzz"))["QueueUrl"]

    resp = sqs.list_queues(QueueNamePrefix=prefix)
    assert set(resp["QueueUrls"]) == urls
    assert "NextToken" not in resp

    everything = sqs.list_queues()
    assert urls | {other} <= set(everything["QueueUrls"])
    assert "NextToken" not in everything

    # Case-sensitive prefix, and an empty result.
    assert not sqs.list_queues(QueueNamePrefix=prefix.upper()).get("QueueUrls")
    assert not sqs.list_queues(QueueNamePrefix=unique_name("none")).get("QueueUrls")

    seen, pages, token = [], [], None
    for _ in range(10):
        kwargs = {"QueueNamePrefix": prefix, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        resp = sqs.list_queues(**kwargs)
        page = resp.get("QueueUrls", [])
        pages.append(len(page))
        seen += page
        token = resp.get("NextToken")
        if not token:
            break
    assert pages == [2, 2, 1]
    assert sorted(seen) == sorted(urls)


@pytest.mark.parametrize("bad", [0, 1001, -1])
def test_list_queues_max_results_range(sqs, bad):
    with pytest.raises(ClientError) as ei:
        sqs.list_queues(MaxResults=bad)
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)


def test_list_queues_max_results_bounds_accepted(sqs, queue):
    assert len(sqs.list_queues(MaxResults=1).get("QueueUrls", [])) == 1
    sqs.list_queues(MaxResults=1000)


# --- GetQueueAttributes -----------------------------------------------------------------------

def test_get_all_attributes_of_new_queue_has_every_default(sqs, name):
    t0 = int(time.time())
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    t1 = int(time.time())
    a = attrs(sqs, url, "All")
    assert set(a) == ALL_STANDARD
    for k, v in DEFAULTS.items():
        assert a[k] == v, k
    assert a["QueueArn"] == queue_arn(name)
    created = int(a["CreatedTimestamp"])
    assert t0 - 2 <= created <= t1 + 2, "CreatedTimestamp must be epoch seconds"
    assert created <= int(a["LastModifiedTimestamp"]) <= t1 + 2


def test_get_attributes_by_name(sqs, queue):
    a = attrs(sqs, queue, "VisibilityTimeout", "QueueArn")
    assert set(a) == {"VisibilityTimeout", "QueueArn"}
    # No names at all: no attributes.
    assert not sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[]).get("Attributes")
    assert not sqs.get_queue_attributes(QueueUrl=queue).get("Attributes")
    # All mixed with names is still everything.
    assert set(attrs(sqs, queue, "All", "DelaySeconds")) == ALL_STANDARD


def test_unset_optional_attributes_are_absent(sqs, queue):
    a = attrs(sqs, queue, "Policy", "RedrivePolicy", "RedriveAllowPolicy")
    assert a == {}


@pytest.mark.parametrize("bad", ["Nope", "visibilitytimeout", "FifoQueueX"])
def test_get_unknown_attribute_raises_invalid_attribute_name(sqs, queue, bad):
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as ei:
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[bad])
    assert error_of(ei)[:2] == ("InvalidAttributeName", 400)


# --- SetQueueAttributes / attribute validation ------------------------------------------------

SETTABLE = {
    "VisibilityTimeout": ["0", "43200", "7"],
    "MaximumMessageSize": ["1024", "1048576", "2048"],
    "MessageRetentionPeriod": ["60", "1209600", "3600"],
    "DelaySeconds": ["0", "900", "2"],
    "ReceiveMessageWaitTimeSeconds": ["0", "20", "3"],
    "SqsManagedSseEnabled": ["false", "true"],
}

INVALID_VALUES = [
    ("VisibilityTimeout", "-1"), ("VisibilityTimeout", "43201"), ("VisibilityTimeout", "abc"),
    ("VisibilityTimeout", ""), ("VisibilityTimeout", "1.5"),
    ("MaximumMessageSize", "1023"), ("MaximumMessageSize", "1048577"),
    ("MessageRetentionPeriod", "59"), ("MessageRetentionPeriod", "1209601"),
    ("DelaySeconds", "-1"), ("DelaySeconds", "901"),
    ("ReceiveMessageWaitTimeSeconds", "-1"), ("ReceiveMessageWaitTimeSeconds", "21"),
    ("SqsManagedSseEnabled", "maybe"),
]


def test_set_attributes_round_trip(sqs, queue):
    for attr, values in SETTABLE.items():
        for v in values:
            sqs.set_queue_attributes(QueueUrl=queue, Attributes={attr: v})
            assert attrs(sqs, queue, attr) == {attr: v}, attr


def test_create_with_attributes(sqs, name):
    a = {"VisibilityTimeout": "5", "MaximumMessageSize": "4096",
         "MessageRetentionPeriod": "120", "DelaySeconds": "3",
         "ReceiveMessageWaitTimeSeconds": "2"}
    url = sqs.create_queue(QueueName=name, Attributes=a)["QueueUrl"]
    got = attrs(sqs, url)
    for k, v in a.items():
        assert got[k] == v, k


def test_set_several_attributes_at_once_and_last_modified(sqs, queue):
    before = attrs(sqs, queue)
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "11",
                                                         "DelaySeconds": "4"})
    after = attrs(sqs, queue)
    assert after["VisibilityTimeout"] == "11" and after["DelaySeconds"] == "4"
    assert after["CreatedTimestamp"] == before["CreatedTimestamp"]
    assert int(after["LastModifiedTimestamp"]) >= int(before["LastModifiedTimestamp"])
    assert int(after["LastModifiedTimestamp"]) <= int(time.time()) + 2


def test_policy_set_and_removed(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "s1", "Effect": "Allow", "Principal": "*",
                       "Action": "sqs:SendMessage", "Resource": queue_arn(name)}]})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    got = attrs(sqs, url, "Policy")["Policy"]
    assert json.loads(got) == json.loads(policy)
    assert "Policy" in attrs(sqs, url, "All")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert "Policy" not in attrs(sqs, url, "All")


@pytest.mark.parametrize("attr,value", INVALID_VALUES)
def test_set_invalid_attribute_value(sqs, queue, attr, value):
    with pytest.raises(ClientError) as ei:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={attr: value})
    assert error_of(ei)[:2] == ("InvalidAttributeValue", 400)


@pytest.mark.parametrize("attr,value", INVALID_VALUES[::3])
def test_create_with_invalid_attribute_value(sqs, name, attr, value):
    with pytest.raises(ClientError) as ei:
        sqs.create_queue(QueueName=name, Attributes={attr: value})
    assert error_of(ei)[:2] == ("InvalidAttributeValue", 400)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)


@pytest.mark.parametrize("attr,value", [
    ("QueueArn", "arn:aws:sqs:us-east-1:000000000000:x"),
    ("ApproximateNumberOfMessages", "5"),
    ("ApproximateNumberOfMessagesNotVisible", "0"),
    ("ApproximateNumberOfMessagesDelayed", "0"),
    ("CreatedTimestamp", "1"),
    ("LastModifiedTimestamp", "1"),
    ("All", "1"),
    ("Bogus", "1"),
    # FIFO-only attributes on a standard queue.
    ("ContentBasedDeduplication", "true"),
    ("DeduplicationScope", "queue"),
    ("FifoThroughputLimit", "perQueue"),
])
def test_set_read_only_or_unknown_attribute_raises_invalid_attribute_name(sqs, queue, attr,
                                                                          value):
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as ei:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={attr: value})
    assert error_of(ei)[:2] == ("InvalidAttributeName", 400)


@pytest.mark.parametrize("attr", ["QueueArn", "Bogus", "ContentBasedDeduplication"])
def test_create_with_read_only_or_unknown_attribute_raises_invalid_attribute_name(sqs, name,
                                                                                 attr):
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.create_queue(QueueName=name, Attributes={attr: "true"})


def test_invalid_set_leaves_queue_unchanged(sqs, queue):
    with pytest.raises(ClientError):
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "12",
                                                             "DelaySeconds": "9999"})
    assert attrs(sqs, queue, "VisibilityTimeout")["VisibilityTimeout"] == "30"


# --- PurgeQueue -------------------------------------------------------------------------------

def test_purge_removes_visible_in_flight_and_delayed_messages(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody="m%d" % i)
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=60)
    assert len(sqs.receive_message(QueueUrl=queue, VisibilityTimeout=60)["Messages"]) == 1
    assert counts(sqs, queue) == (2, 1, 1)
    sqs.purge_queue(QueueUrl=queue)
    assert counts(sqs, queue) == (0, 0, 0)
    assert not sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages")
    # The queue itself stays usable.
    sqs.send_message(QueueUrl=queue, MessageBody="after purge")
    got = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in got] == ["after purge"]


def test_second_purge_within_60s_raises_purge_queue_in_progress(sqs, queue, make_queue):
    sqs.purge_queue(QueueUrl=queue)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as ei:
        sqs.purge_queue(QueueUrl=queue)
    assert error_of(ei)[:2] == ("AWS.SimpleQueueService.PurgeQueueInProgress", 403)
    # The cool-down is per queue.
    sqs.purge_queue(QueueUrl=make_queue())


# --- Tags -------------------------------------------------------------------------------------

def test_tags_create_tag_untag_list(sqs, name):
    url = sqs.create_queue(QueueName=name, tags={"k1": "v1", "team": "a b_.:/=+-@"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"k1": "v1", "team": "a b_.:/=+-@"}
    sqs.tag_queue(QueueUrl=url, Tags={"k1": "v1b", "k3": ""})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"k1": "v1b", "team": "a b_.:/=+-@",
                                                        "k3": ""}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "not-there"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"k1": "v1b", "k3": ""}
    sqs.untag_queue(QueueUrl=url, TagKeys=["k1", "k3"])
    assert not sqs.list_queue_tags(QueueUrl=url).get("Tags")


def test_tags_are_case_sensitive(sqs, queue):
    sqs.tag_queue(QueueUrl=queue, Tags={"Env": "1", "env": "2"})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"Env": "1", "env": "2"}


def test_new_queue_has_no_tags(sqs, queue):
    assert not sqs.list_queue_tags(QueueUrl=queue).get("Tags")


@pytest.mark.parametrize("tags", [
    {"aws:reserved": "x"},
    {"k" * 129: "x"},
    {"k": "v" * 257},
    {"": "x"},
    {"bad\u0001key": "x"},
])
def test_invalid_tags_rejected(sqs, queue, tags):
    with pytest.raises(ClientError) as ei:
        sqs.tag_queue(QueueUrl=queue, Tags=tags)
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)
    assert not sqs.list_queue_tags(QueueUrl=queue).get("Tags")


def test_more_than_50_tags_rejected(sqs, queue):
    sqs.tag_queue(QueueUrl=queue, Tags={"t%02d" % i: "v" for i in range(50)})
    with pytest.raises(ClientError) as ei:
        sqs.tag_queue(QueueUrl=queue, Tags={"one-too-many": "v"})
    assert error_of(ei)[:2] == ("InvalidParameterValue", 400)
    assert len(sqs.list_queue_tags(QueueUrl=queue)["Tags"]) == 50
