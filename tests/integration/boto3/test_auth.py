"""Authentication (SigV4) and authorisation (IAM-style policies) end to end, the AWS way: a key
made with `iam` calls, limited by its policies and by queue policies (reference section 10)."""

import datetime
import json
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import ACCOUNT_ID, REGION, queue_arn, signed_headers, unique_name


def client(endpoint, service, key, secret, token=None):
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token,
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture(scope="module")
def iam(endpoint):
    return client(endpoint, "iam", "test", "test")


def error(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def user_with_policy(iam, endpoint, document):
    """A new IAM user with one inline policy; -> (name, sqs client signed with its key)."""
    name = unique_name("u")
    iam.create_user(UserName=name)
    if document is not None:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, key, client(endpoint, "sqs", key["AccessKeyId"], key["SecretAccessKey"])


def test_unsigned_and_badly_signed_requests_are_refused(raw, endpoint):
    form = "Action=ListQueues&Version=2012-11-05"
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = raw.request("POST", "/", form, ctype, sign=False)
    assert status == 403 and b"MissingAuthenticationToken" in body, body

    host = "%s:%d" % (raw.host, raw.port)
    wrong = signed_headers("POST", host, "/", form, ctype, secret_key="not-the-secret")
    status, _, body = raw.request("POST", "/", form, wrong, sign=False)
    assert status == 403 and b"SignatureDoesNotMatch" in body, body

    unknown = signed_headers("POST", host, "/", form, ctype, access_key="SPAKUNKNOWN000000000")
    status, _, body = raw.request("POST", "/", form, unknown, sign=False)
    assert status == 403 and b"InvalidClientTokenId" in body, body

    an_hour_ago = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    stale = signed_headers("POST", host, "/", form, ctype, at=an_hour_ago)
    status, _, body = raw.request("POST", "/", form, stale, sign=False)
    assert status == 400 and b"RequestExpired" in body, body

    with pytest.raises(ClientError) as e:
        client(endpoint, "sqs", "test", "test", token="a-session-token").list_queues()
    assert error(e)[0] == "InvalidClientTokenId"


def test_presigned_url_works(endpoint, raw):
    sqs = client(endpoint, "sqs", "test", "test")
    url = sqs.generate_presigned_url("list_queues", Params={}, ExpiresIn=60, HttpMethod="GET")
    target = url[len(endpoint):]
    status, _, body = raw.request("GET", target, sign=False)
    assert status == 200, body


def test_send_only_key_can_send_and_nothing_else(iam, endpoint, sqs):
    orders = sqs.create_queue(QueueName=unique_name("orders"))["QueueUrl"]
    other = sqs.create_queue(QueueName=unique_name("other"))["QueueUrl"]
    arn = queue_arn(orders.rsplit("/", 1)[1])
    _, _, web = user_with_policy(iam, endpoint, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"], "Resource": arn}]})
    assert web.get_queue_url(QueueName=orders.rsplit("/", 1)[1])["QueueUrl"] == orders
    web.send_message(QueueUrl=orders, MessageBody="order 1")
    web.send_message_batch(QueueUrl=orders, Entries=[{"Id": "a", "MessageBody": "order 2"}])
    for call in (lambda: web.receive_message(QueueUrl=orders),
                 lambda: web.purge_queue(QueueUrl=orders),
                 lambda: web.delete_queue(QueueUrl=orders),
                 lambda: web.send_message(QueueUrl=other, MessageBody="x"),
                 lambda: web.list_queues(),
                 lambda: web.get_queue_url(QueueName=other.rsplit("/", 1)[1]),
                 lambda: web.create_queue(QueueName=unique_name("mine"))):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("AccessDenied", 403)
    # The messages did arrive (the root can see them).
    assert sqs.get_queue_attributes(QueueUrl=orders, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "2"


def test_user_keys_cannot_manage_identities_and_disabled_keys_stop_working(iam, endpoint):
    name, key, sqs_user = user_with_policy(iam, endpoint, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})
    sqs_user.list_queues()
    user_iam = client(endpoint, "iam", key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as e:
        user_iam.create_user(UserName=unique_name("evil"))
    assert error(e) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        user_iam.list_access_keys()
    assert error(e) == ("AccessDenied", 403)
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as e:
        sqs_user.list_queues()
    assert error(e)[0] == "InvalidClientTokenId"


def test_iam_policies_govern_iam_actions(iam, endpoint):
    """A user allowed to manage its own keys (the usual self-service policy) may list and make
    its own keys, and nothing about other users."""
    name = unique_name("self")
    iam.create_user(UserName=name)
    arn = "arn:aws:iam::%s:user/%s" % (ACCOUNT_ID, name)
    iam.put_user_policy(UserName=name, PolicyName="own-keys", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": ["iam:ListAccessKeys", "iam:CreateAccessKey", "iam:UpdateAccessKey"],
            "Resource": "arn:aws:iam::*:user/${aws:username}"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    me = client(endpoint, "iam", key["AccessKeyId"], key["SecretAccessKey"])
    mine = me.list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in mine] == [key["AccessKeyId"]]
    assert all(k["UserName"] == name for k in mine)
    me.create_access_key(UserName=name)
    other = unique_name("other")
    iam.create_user(UserName=other)
    for call in (lambda: me.list_access_keys(UserName=other),
                 lambda: me.create_access_key(UserName=other),
                 lambda: me.delete_user(UserName=other),
                 lambda: me.put_user_policy(UserName=name, PolicyName="more",
                                            PolicyDocument='{"Statement":[]}')):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("AccessDenied", 403), arn


def test_queue_policy_grants_and_explicit_deny_wins(iam, endpoint, sqs):
    url = sqs.create_queue(QueueName=unique_name("shared"))["QueueUrl"]
    arn = queue_arn(url.rsplit("/", 1)[1])
    name, _, reader = user_with_policy(iam, endpoint, None)  # no identity policy at all
    user_arn = "arn:aws:iam::%s:user/%s" % (ACCOUNT_ID, name)
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    with pytest.raises(ClientError) as e:
        reader.receive_message(QueueUrl=url)
    assert error(e)[0] == "AccessDenied"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "read", "Effect": "Allow", "Principal": {"AWS": user_arn},
             "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": arn},
            {"Sid": "no-send", "Effect": "Deny", "Principal": "*",
             "Action": "sqs:SendMessage", "Resource": arn}]})})
    got = reader.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    reader.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    # An identity policy allowing everything does not beat the queue's explicit Deny.
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}))
    with pytest.raises(ClientError) as e:
        reader.send_message(QueueUrl=url, MessageBody="x")
    assert error(e)[0] == "AccessDenied"


def test_source_ip_condition(iam, endpoint, sqs):
    url = sqs.create_queue(QueueName=unique_name("ip"))["QueueUrl"]
    _, _, inside = user_with_policy(iam, endpoint, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]})
    inside.send_message(QueueUrl=url, MessageBody="from loopback")
    _, _, outside = user_with_policy(iam, endpoint, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    with pytest.raises(ClientError) as e:
        outside.send_message(QueueUrl=url, MessageBody="x")
    assert error(e)[0] == "AccessDenied"


def test_bad_policies_are_refused(iam, sqs):
    name = unique_name("bad")
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "sqs:*",
                                                      "Resource": "*"}]}))
    assert error(e) == ("MalformedPolicyDocument", 400)
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=unique_name("q"), Attributes={"Policy": "{nope"})
    assert error(e)[0] == "InvalidAttributeValue"


def test_add_and_remove_permission_edit_the_queue_policy(sqs):
    url = sqs.create_queue(QueueName=unique_name("perm"))["QueueUrl"]
    arn = queue_arn(url.rsplit("/", 1)[1])
    sqs.add_permission(QueueUrl=url, Label="partner", AWSAccountIds=["111122223333"],
                       Actions=["SendMessage", "ReceiveMessage"])
    policy = json.loads(sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    [statement] = policy["Statement"]
    assert statement["Sid"] == "partner"
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root"]}
    assert statement["Action"] == ["SQS:SendMessage", "SQS:ReceiveMessage"]
    assert statement["Resource"] == arn
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=url, Label="partner", AWSAccountIds=["111122223333"],
                           Actions=["SendMessage"])
    assert error(e)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=url, Label="many", AWSAccountIds=["111122223333"],
                           Actions=["SendMessage"] * 8)
    assert error(e)[0] == "OverLimit"
    sqs.remove_permission(QueueUrl=url, Label="partner")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    assert "Policy" not in attrs
    with pytest.raises(ClientError) as e:
        sqs.remove_permission(QueueUrl=url, Label="partner")
    assert error(e)[0] == "InvalidParameterValue"


def test_replayed_requests(endpoint, raw, sqs):
    """A captured request cannot be reused for another body, and a presigned URL stops working
    when it expires."""
    url = sqs.create_queue(QueueName=unique_name("replay"))["QueueUrl"]
    host = "%s:%d" % (raw.host, raw.port)
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    form = raw.form({"Action": "SendMessage", "Version": "2012-11-05", "QueueUrl": url,
                     "MessageBody": "pay 10"})
    captured = signed_headers("POST", host, "/", form, ctype)
    status, _, body = raw.request("POST", "/", form, captured, sign=False)
    assert status == 200, body
    tampered = form.replace("pay+10", "pay+1000").replace("pay%2010", "pay%201000")
    assert tampered != form
    status, _, body = raw.request("POST", "/", tampered, captured, sign=False)
    assert status == 403 and b"SignatureDoesNotMatch" in body, body

    presigned = sqs.generate_presigned_url("list_queues", Params={}, ExpiresIn=1,
                                           HttpMethod="GET")
    time.sleep(2.1)
    status, _, body = raw.request("GET", presigned[len(endpoint):], sign=False)
    assert status in (400, 403) and b"RequestExpired" in body, body
