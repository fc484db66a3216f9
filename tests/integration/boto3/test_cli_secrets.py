"""`spool secrets ...` against the running server (a client of its Secrets Manager API, signed
with the root key from the environment), checked against what boto3 sees."""

import json
import os
import subprocess
import uuid

import boto3
from botocore.config import Config

from support import REGION, spool_binary


def spool(endpoint, *args, stdin=None, check=True):
    env = dict(os.environ, SPOOL_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test")
    r = subprocess.run([spool_binary(), "secrets", *args], env=env, input=stdin,
                       capture_output=True, timeout=30)
    if check:
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def secrets_client(endpoint):
    return boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def test_secrets_from_the_command_line(endpoint, tmp_path):
    name = "cli/%s" % uuid.uuid4().hex[:10]
    value = tmp_path / "db.json"
    value.write_text('{"user": "orders", "password": "p@ss word"}\n')
    out = spool(endpoint, "create", name, "--from-file", str(value), "--description",
                "orders db", "--tag", "team=web").stdout.decode()
    arn = out.split("\t")[0]
    assert arn.startswith("arn:aws:secretsmanager:us-east-1:000000000000:secret:" + name + "-")

    # get prints the value raw: exactly the file's bytes, trailing newline included.
    assert spool(endpoint, "get", name).stdout == value.read_bytes()
    sm = secrets_client(endpoint)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == value.read_text()

    # A new value from standard input; the old one stays as AWSPREVIOUS.
    spool(endpoint, "put", name, "--value", "-", stdin=b"rotated")
    assert spool(endpoint, "get", name).stdout == b"rotated"
    assert spool(endpoint, "get", name, "--stage", "AWSPREVIOUS").stdout == value.read_bytes()
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == "rotated"

    # $(spool secrets get NAME) in a shell is the secret.
    shell = subprocess.run(["bash", "-c", 'printf "[%s]" "$("$SPOOL" secrets get "$NAME")"'],
                           env=dict(os.environ, SPOOL=spool_binary(), NAME=name,
                                    SPOOL_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID="test",
                                    AWS_SECRET_ACCESS_KEY="test"),
                           capture_output=True, text=True, timeout=30)
    assert shell.stdout == "[rotated]"

    described = json.loads(spool(endpoint, "describe", name).stdout)
    assert described["Description"] == "orders db"
    assert described["Tags"] == [{"Key": "team", "Value": "web"}]
    listed = spool(endpoint, "list", "--filter", "name=" + name).stdout.decode()
    assert listed == "%s\torders db\n" % name

    spool(endpoint, "update", name, "--description", "the orders database")
    assert sm.describe_secret(SecretId=name)["Description"] == "the orders database"

    # Delete with a window, restore, then delete for good.
    assert "deleted on" in spool(endpoint, "delete", name, "--recovery-days", "7").stdout.decode()
    r = spool(endpoint, "get", name, check=False)
    assert r.returncode == 1 and b"InvalidRequestException" in r.stderr and r.stdout == b""
    assert name not in spool(endpoint, "list").stdout.decode()
    assert name in spool(endpoint, "list", "--include-deleted").stdout.decode()
    spool(endpoint, "restore", name)
    assert spool(endpoint, "get", name).stdout == b"rotated"
    spool(endpoint, "delete", name, "--force")
    r = spool(endpoint, "get", name, check=False)
    assert r.returncode == 1 and b"ResourceNotFoundException" in r.stderr


def test_binary_values_and_secrets_made_elsewhere(endpoint, tmp_path):
    name = "cli-bin/%s" % uuid.uuid4().hex[:10]
    blob = tmp_path / "key.der"
    blob.write_bytes(bytes(range(256)))
    spool(endpoint, "create", name, "--from-file", str(blob), "--binary")
    assert spool(endpoint, "get", name).stdout == bytes(range(256))
    assert secrets_client(endpoint).get_secret_value(SecretId=name)["SecretBinary"] == \
        bytes(range(256))
    other = "sdk/%s" % uuid.uuid4().hex[:10]
    secrets_client(endpoint).create_secret(Name=other, SecretString="made by boto3")
    assert spool(endpoint, "get", other).stdout == b"made by boto3"


def test_cli_errors(endpoint):
    r = spool(endpoint, "frobnicate", check=False)
    assert r.returncode == 2 and b"unknown verb" in r.stderr
    r = spool(endpoint, "get", check=False)
    assert r.returncode == 2
    r = spool(endpoint, "put", "x", check=False)
    assert r.returncode == 2 and b"--value" in r.stderr
    r = spool(endpoint, "create", "bad name", "--value", "v", check=False)
    assert r.returncode == 1 and b"ValidationException" in r.stderr
    r = spool("http://127.0.0.1:9", "list", check=False)
    assert r.returncode == 2
