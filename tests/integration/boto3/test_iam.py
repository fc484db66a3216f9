"""The IAM API subset through boto3's IAM client (IAM's Query protocol): users, inline and
managed policies, access keys, and IAM's errors. Signatures are not checked yet, so any
credentials reach it (the server refuses non-loopback addresses meanwhile)."""

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import REGION, unique_name

SEND_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sqs:SendMessage",
    "Resource": "arn:aws:sqs:us-east-1:000000000000:orders"}]})


@pytest.fixture(scope="module")
def iam(endpoint):
    return boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], \
        excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_user_policy_and_key_lifecycle(iam):
    name = unique_name("user")
    user = iam.create_user(UserName=name)["User"]
    assert user["Arn"] == "arn:aws:iam::000000000000:user/" + name
    assert user["UserId"].startswith("AIDA")
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    assert name in [u["UserName"] for u in iam.list_users()["Users"]]

    iam.put_user_policy(UserName=name, PolicyName="send-orders", PolicyDocument=SEND_ONLY)
    got = iam.get_user_policy(UserName=name, PolicyName="send-orders")
    assert got["PolicyDocument"] == json.loads(SEND_ONLY)
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["send-orders"]

    policy = iam.create_policy(PolicyName=unique_name("P"), PolicyDocument=SEND_ONLY,
                               Description="send to orders")["Policy"]
    iam.attach_user_policy(UserName=name, PolicyArn=policy["Arn"])
    attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [policy["Arn"]]
    assert iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["AttachmentCount"] == 1

    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert len(key["SecretAccessKey"]) == 40
    keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(key["AccessKeyId"], "Active")]
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"

    # A user with keys or policies cannot be deleted (as IAM).
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=name)
    assert code_of(e) == ("DeleteConflict", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=policy["Arn"])
    assert code_of(e) == ("DeleteConflict", 409)

    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName=name, PolicyName="send-orders")
    iam.detach_user_policy(UserName=name, PolicyArn=policy["Arn"])
    iam.delete_policy(PolicyArn=policy["Arn"])
    iam.delete_user(UserName=name)
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName=name)
    assert code_of(e) == ("NoSuchEntity", 404)


def test_iam_errors(iam):
    name = unique_name("dup")
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=name)
    assert code_of(e) == ("EntityAlreadyExists", 409)
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="has space")
    assert code_of(e)[0] == "ValidationError"
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument="{not json")
    assert code_of(e) == ("MalformedPolicyDocument", 400)
    iam.create_access_key(UserName=name)
    iam.create_access_key(UserName=name)
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName=name)
    assert code_of(e) == ("LimitExceeded", 400)
    with pytest.raises(ClientError) as e:
        iam.attach_user_policy(UserName=name,
                               PolicyArn="arn:aws:iam::000000000000:policy/none")
    assert code_of(e) == ("NoSuchEntity", 404)
