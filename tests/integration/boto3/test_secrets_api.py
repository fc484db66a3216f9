"""The Secrets Manager API (src/secrets) through boto3's `secretsmanager` client: every action,
versions and staging labels, deletion with a recovery window and restore, forced deletion, bad
input, and what an IAM user may and may not do with a policy on one secret's ARN."""

import base64
import json
import os
import tempfile
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import support
from spool_signing import signed_headers

ARN_PREFIX = "arn:aws:secretsmanager:%s:%s:secret:" % (support.REGION, support.ACCOUNT_ID)


def secrets_client(endpoint, key="test", secret="test", validate=True):
    return boto3.client("secretsmanager", endpoint_url=endpoint, region_name=support.REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(parameter_validation=validate,
                                      retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture(scope="module")
def sm(endpoint):
    return secrets_client(endpoint)


@pytest.fixture(scope="module")
def sm_unchecked(endpoint):
    """No client-side validation: every check is the server's."""
    return secrets_client(endpoint, validate=False)


def raw_call(server, target, body, service="secretsmanager"):
    """A signed Secrets Manager request by hand: (status, parsed JSON or raw bytes)."""
    data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    headers = signed_headers("POST", "%s:%d" % (server.host, server.port), "/", data,
                             {"Content-Type": "application/x-amz-json-1.1",
                              "X-Amz-Target": "secretsmanager." + target}, service)
    status, _, out = support.Raw(server.host, server.port).request("POST", "/", data, headers,
                                                                   sign=False)
    return status, json.loads(out) if out.startswith(b"{") else out


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def new_name(prefix="app"):
    return "%s/%s" % (prefix, uuid.uuid4().hex[:10])


def test_create_get_describe_list(sm):
    name = new_name()
    created = sm.create_secret(Name=name, SecretString='{"user":"orders","password":"s3cr3t"}',
                               Description="orders database", KmsKeyId="alias/orders",
                               Tags=[{"Key": "team", "Value": "web"}])
    arn = created["ARN"]
    assert created["Name"] == name
    assert arn.startswith(ARN_PREFIX + name + "-") and len(arn) == len(ARN_PREFIX + name) + 7
    assert arn[-6:].isalnum()

    got = sm.get_secret_value(SecretId=name)
    assert json.loads(got["SecretString"]) == {"user": "orders", "password": "s3cr3t"}
    assert got["ARN"] == arn and got["VersionId"] == created["VersionId"]
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert got["CreatedDate"].year >= 2024
    # By full ARN and by the ARN without its random suffix.
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == got["SecretString"]
    assert sm.get_secret_value(SecretId=ARN_PREFIX + name)["ARN"] == arn

    d = sm.describe_secret(SecretId=arn)
    assert d["Name"] == name and d["Description"] == "orders database"
    assert d["KmsKeyId"] == "alias/orders"
    assert d["Tags"] == [{"Key": "team", "Value": "web"}]
    assert d["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert "LastAccessedDate" in d and "DeletedDate" not in d

    listed = [s for s in sm.list_secrets()["SecretList"] if s["Name"] == name]
    assert len(listed) == 1 and listed[0]["ARN"] == arn
    assert listed[0]["SecretVersionsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}


def test_binary_secret(sm):
    name = new_name("bin")
    raw = bytes(range(256))
    sm.create_secret(Name=name, SecretBinary=raw)
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretBinary"] == raw and "SecretString" not in got


def test_versions_and_staging_labels(sm):
    name = new_name("rot")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")
    assert v2["VersionStages"] == ["AWSCURRENT"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"
    previous = sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "one" and previous["VersionId"] == v1

    # A pending version does not move AWSCURRENT.
    token = str(uuid.uuid4())
    pending = sm.put_secret_value(SecretId=name, SecretString="three", ClientRequestToken=token,
                                  VersionStages=["AWSPENDING"])
    assert pending["VersionId"] == token
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")["SecretString"] == "three"
    assert sm.get_secret_value(SecretId=name, VersionId=token)["SecretString"] == "three"
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {v1: ["AWSPREVIOUS"], v2["VersionId"]: ["AWSCURRENT"], token: ["AWSPENDING"]}

    # UpdateSecret with a value makes a new AWSCURRENT; without one it changes metadata only.
    updated = sm.update_secret(SecretId=name, SecretString="four")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "four"
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "two"
    assert "VersionId" in updated
    meta = sm.update_secret(SecretId=name, Description="rotated")
    assert "VersionId" not in meta
    assert sm.describe_secret(SecretId=name)["Description"] == "rotated"

    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=name, VersionId=str(uuid.uuid4()))
    assert code_of(e) == "ResourceNotFoundException"


def test_client_request_token_is_idempotent(sm):
    name = new_name("idem")
    create_token = str(uuid.uuid4())
    created = sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=create_token)
    # The SDK's retry of a CreateSecret whose answer was lost succeeds as the first call did.
    retried = sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=create_token)
    assert retried["ARN"] == created["ARN"] and retried["VersionId"] == create_token
    token = str(uuid.uuid4())
    first = sm.put_secret_value(SecretId=name, SecretString="v2", ClientRequestToken=token)
    again = sm.put_secret_value(SecretId=name, SecretString="v2", ClientRequestToken=token)
    assert first["VersionId"] == again["VersionId"] == token
    assert len(sm.describe_secret(SecretId=name)["VersionIdsToStages"]) == 2
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId=name, SecretString="other", ClientRequestToken=token)
    assert code_of(e) == "ResourceExistsException"
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v2"


def test_delete_with_recovery_window_then_restore(server, sm):
    name = new_name("del")
    arn = sm.create_secret(Name=name, SecretString="keep me")["ARN"]
    deleted = sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    assert deleted["ARN"] == arn and deleted["Name"] == name
    days = (deleted["DeletionDate"] - sm.describe_secret(SecretId=name)["CreatedDate"]).days
    assert 6 <= days <= 7

    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=name)
    assert code_of(e) == "InvalidRequestException"
    assert "marked for deletion" in e.value.response["Error"]["Message"]
    for call in (lambda: sm.put_secret_value(SecretId=name, SecretString="x"),
                 lambda: sm.create_secret(Name=name, SecretString="x"),
                 lambda: sm.delete_secret(SecretId=name)):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == "InvalidRequestException"
    assert "DeletedDate" in sm.describe_secret(SecretId=name)
    assert name not in [s["Name"] for s in sm.list_secrets()["SecretList"]]
    # IncludePlannedDeletion is newer than Debian's botocore: sent by hand.
    status, out = raw_call(server, "ListSecrets", {"IncludePlannedDeletion": True})
    assert status == 200 and name in [s["Name"] for s in out["SecretList"]]

    restored = sm.restore_secret(SecretId=name)
    assert restored["ARN"] == arn
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "keep me"
    assert "DeletedDate" not in sm.describe_secret(SecretId=name)


def test_force_delete(sm):
    name = new_name("force")
    first_arn = sm.create_secret(Name=name, SecretString="x")["ARN"]
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId=name)
    assert code_of(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        sm.restore_secret(SecretId=name)
    assert code_of(e) == "ResourceNotFoundException"
    # The name is free at once, and the new secret has another ARN.
    assert sm.create_secret(Name=name, SecretString="y")["ARN"] != first_arn
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId=name, RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    assert code_of(e) == "InvalidParameterException"


def test_list_filters_and_paging(sm):
    tag = uuid.uuid4().hex[:8]
    names = []
    for i in range(5):
        name = "list-%s/%d" % (tag, i)
        sm.create_secret(Name=name, Description="Payments key %d" % i,
                         Tags=[{"Key": "suite-" + tag, "Value": "even" if i % 2 == 0 else "odd"}])
        names.append(name)
    by_name = sm.list_secrets(Filters=[{"Key": "name", "Values": ["list-" + tag]}])["SecretList"]
    assert [s["Name"] for s in by_name] == names
    evens = sm.list_secrets(Filters=[{"Key": "tag-key", "Values": ["suite-" + tag]},
                                     {"Key": "tag-value", "Values": ["even"]}])["SecretList"]
    assert [s["Name"] for s in evens] == names[0::2]
    not_evens = sm.list_secrets(Filters=[{"Key": "name", "Values": ["list-" + tag]},
                                         {"Key": "tag-value", "Values": ["!even"]}])["SecretList"]
    assert [s["Name"] for s in not_evens] == names[1::2]

    pages = sm.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": ["list-" + tag]}], PaginationConfig={"PageSize": 2})
    seen = [s["Name"] for page in pages for s in page["SecretList"]]
    assert seen == names

    with pytest.raises(ClientError) as e:
        sm.list_secrets(NextToken="bm90IGEgdG9rZW4=")
    assert code_of(e) == "InvalidNextTokenException"


def test_tag_and_untag(sm):
    name = new_name("tags")
    sm.create_secret(Name=name)
    sm.tag_resource(SecretId=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    sm.untag_resource(SecretId=name, TagKeys=["a"])
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_a_secret_without_value(sm):
    name = new_name("empty")
    created = sm.create_secret(Name=name)
    assert "VersionId" not in created
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=name)
    assert code_of(e) == "ResourceNotFoundException"
    sm.put_secret_value(SecretId=name, SecretString="now")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "now"


def test_bad_input(sm, sm_unchecked):
    def error(call):
        with pytest.raises(ClientError) as e:
            call()
        return code_of(e), e.value.response["ResponseMetadata"]["HTTPStatusCode"]

    assert error(lambda: sm.create_secret(Name="has spaces!")) == ("ValidationException", 400)
    assert error(lambda: sm_unchecked.create_secret(Name="")) == ("ValidationException", 400)
    assert error(lambda: sm_unchecked.create_secret(Name="x" * 513)) == ("ValidationException", 400)
    assert error(lambda: sm_unchecked.get_secret_value()) == ("ValidationException", 400)
    too_large = "x" * 65537
    assert error(lambda: sm_unchecked.create_secret(Name=new_name("big"), SecretString=too_large)) \
        == ("ValidationException", 400)
    sm.create_secret(Name=new_name("max"), SecretString="x" * 65536)  # the limit itself is fine
    assert error(lambda: sm.create_secret(Name=new_name("both"), SecretString="a",
                                          SecretBinary=b"b")) == ("InvalidParameterException", 400)
    name = new_name("bad")
    sm.create_secret(Name=name, SecretString="v")
    assert error(lambda: sm.create_secret(Name=name)) == ("ResourceExistsException", 400)
    assert error(lambda: sm_unchecked.put_secret_value(SecretId=name)) == \
        ("InvalidParameterException", 400)
    assert error(lambda: sm.delete_secret(SecretId=name, RecoveryWindowInDays=3)) == \
        ("InvalidParameterException", 400)
    assert error(lambda: sm.get_secret_value(SecretId="no/such/secret")) == \
        ("ResourceNotFoundException", 400)
    assert error(lambda: sm_unchecked.list_secrets(MaxResults=101)) == ("ValidationException", 400)
    assert error(lambda: sm.list_secrets(Filters=[{"Key": "primary-region", "Values": ["x"]}])) \
        == ("InvalidParameterException", 400)


def test_raw_requests_errors(server):
    status, out = raw_call(server, "RotateSecret", "{}")
    assert status == 400 and out["__type"] == "UnknownOperationException"
    status, out = raw_call(server, "GetSecretValue", "not json")
    assert status == 400 and out["__type"] == "SerializationException"
    status, out = raw_call(server, "GetSecretValue", '{"SecretId": 5}')
    assert status == 400 and out["__type"] == "SerializationException"
    status, out = raw_call(server, "ListSecrets", "{}", service="sqs")  # signed for another service
    assert status in (400, 403)


def test_iam_user_with_a_policy_on_one_secret(endpoint, sm):
    allowed = sm.create_secret(Name=new_name("granted"), SecretString="for the web app")
    other = sm.create_secret(Name=new_name("other"), SecretString="not for the web app")
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=support.REGION,
                       aws_access_key_id="test", aws_secret_access_key="test")
    user = support.unique_name("webapp")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="read-one-secret", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": allowed["ARN"]}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    app = secrets_client(endpoint, key["AccessKeyId"], key["SecretAccessKey"])

    assert app.get_secret_value(SecretId=allowed["Name"])["SecretString"] == "for the web app"
    assert app.get_secret_value(SecretId=allowed["ARN"])["SecretString"] == "for the web app"
    for call in (lambda: app.get_secret_value(SecretId=other["Name"]),
                 lambda: app.put_secret_value(SecretId=allowed["Name"], SecretString="changed"),
                 lambda: app.describe_secret(SecretId=allowed["Name"]),
                 lambda: app.list_secrets(),
                 lambda: app.get_secret_value(SecretId="does/not/exist")):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == "AccessDeniedException"
        assert user in e.value.response["Error"]["Message"]
    assert sm.get_secret_value(SecretId=allowed["Name"])["SecretString"] == "for the web app"


def test_secrets_survive_a_restart_and_are_sealed_on_disk():
    workdir = tempfile.mkdtemp(prefix="spool-secrets-it-")
    plaintext = "PLAINTEXT-" + uuid.uuid4().hex
    srv = support.SpoolServer(support.spool_binary(), workdir)
    try:
        sm = secrets_client(srv.endpoint)
        arn = sm.create_secret(Name="restart/me", SecretString=plaintext)["ARN"]
        sm.put_secret_value(SecretId=arn, SecretBinary=b"\x00RAWBYTES\xff")
    finally:
        assert srv.stop() == 0
    data = os.path.join(workdir, "spool-data")
    assert oct(os.stat(os.path.join(data, "secrets.key")).st_mode & 0o777) == "0o600"
    with open(os.path.join(data, "secrets.json"), "rb") as f:
        on_disk = f.read()
    assert b"restart/me" in on_disk
    assert plaintext.encode() not in on_disk and b"RAWBYTES" not in on_disk
    assert base64.b64encode(plaintext.encode()) not in on_disk
    with open(srv.log_path, "rb") as f:
        assert plaintext.encode() not in f.read()

    srv = support.SpoolServer(support.spool_binary(), workdir)
    try:
        sm = secrets_client(srv.endpoint)
        assert sm.get_secret_value(SecretId="restart/me")["SecretBinary"] == b"\x00RAWBYTES\xff"
        previous = sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")
        assert previous["SecretString"] == plaintext
    finally:
        assert srv.stop() == 0
