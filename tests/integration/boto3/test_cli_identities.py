"""`spool users|keys|policies` against the running server (they use its IAM API, signed with the
root key from the environment), and the keys they make used through boto3."""

import json
import os
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import REGION, queue_arn, spool_binary, unique_name


def spool(endpoint, *args, check=True):
    env = dict(os.environ, SPOOL_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")
    r = subprocess.run([spool_binary(), *args], env=env, capture_output=True, text=True,
                       timeout=30)
    if check:
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def keys_of(output):
    pairs = dict(line.split("=", 1) for line in output.splitlines() if "=" in line and
                 not line.startswith("#"))
    return pairs["AWS_ACCESS_KEY_ID"], pairs["AWS_SECRET_ACCESS_KEY"]


def sqs_as(endpoint, key, secret):
    return boto3.client("sqs", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def test_users_keys_and_policies_from_the_command_line(endpoint, sqs, tmp_path):
    url = sqs.create_queue(QueueName=unique_name("cli"))["QueueUrl"]
    user = unique_name("cli-user")
    assert user in spool(endpoint, "users", "create", user).stdout
    assert user in spool(endpoint, "users", "list").stdout
    doc = tmp_path / "send.json"
    doc.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sqs:SendMessage",
        "Resource": queue_arn(url.rsplit("/", 1)[1])}]}))
    spool(endpoint, "policies", "put", user, "send", str(doc))
    assert "inline\tsend" in spool(endpoint, "policies", "list", user).stdout
    assert json.loads(spool(endpoint, "policies", "get", user, "send").stdout) == \
        json.loads(doc.read_text())

    key, secret = keys_of(spool(endpoint, "keys", "create", user).stdout)
    web = sqs_as(endpoint, key, secret)
    web.send_message(QueueUrl=url, MessageBody="from the cli's key")
    with pytest.raises(ClientError) as e:
        web.receive_message(QueueUrl=url)
    assert e.value.response["Error"]["Code"] == "AccessDenied"

    # Rotation: a new key works, the old one is disabled.
    new_key, new_secret = keys_of(spool(endpoint, "keys", "rotate", user, key).stdout)
    sqs_as(endpoint, new_key, new_secret).send_message(QueueUrl=url, MessageBody="rotated")
    with pytest.raises(ClientError) as e:
        web.send_message(QueueUrl=url, MessageBody="old key")
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
    listed = spool(endpoint, "keys", "list", user).stdout
    assert key + "\tInactive" in listed and new_key + "\tActive" in listed

    # Deleting a user with keys fails with IAM's error and exit status 1.
    r = spool(endpoint, "users", "delete", user, check=False)
    assert r.returncode == 1 and "DeleteConflict" in r.stderr
    for k in (key, new_key):
        spool(endpoint, "keys", "delete", user, k)
    spool(endpoint, "policies", "delete", user, "send")
    spool(endpoint, "users", "delete", user)
    r = spool(endpoint, "users", "get", user, check=False)
    assert r.returncode == 1 and "NoSuchEntity" in r.stderr


def test_cli_errors(endpoint):
    r = spool(endpoint, "users", "frobnicate", check=False)
    assert r.returncode == 2
    env = dict(os.environ, SPOOL_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="nope",
               AWS_SECRET_ACCESS_KEY="nope")
    r = subprocess.run([spool_binary(), "users", "list"], env=env, capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 1 and "InvalidClientTokenId" in r.stderr
    r = spool("http://127.0.0.1:1", "users", "list", check=False)
    assert r.returncode == 2 and "cannot reach" in r.stderr
