"""Deployment packages through boto3's Lambda client: CreateFunction and UpdateFunctionCode
with ZipFile (the bytes `aws lambda create-function --zip-file fileb://...` sends), CodeSha256
and CodeSize, the package behind GetFunction's Code.Location, and bad archives answered with
Lambda's errors. (That an unpacked package runs is the workers suite's business.)"""

import base64
import hashlib
import http.client
import json
import os
import stat
import sys
import urllib.parse

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import REGION, make_zip, unique_name

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from spool_signing import signed_headers  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/ignored"


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


HANDLER_V1 = make_zip([("index.js", "exports.handler = async () => 'v1';\n",
                        stat.S_IFREG | 0o644)])
HANDLER_V2 = make_zip([("index.js", "exports.handler = async () => 'v2';\n",
                        stat.S_IFREG | 0o644),
                       ("lib/", "", stat.S_IFDIR | 0o755)])


@pytest.fixture(scope="module")
def lam(endpoint):
    return boto3.client("lambda", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def create(lam, name, zip_bytes, **members):
    args = dict(FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                Code={"ZipFile": zip_bytes})
    args.update(members)
    return lam.create_function(**args)


def error(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]


def signed_get(url, service="lambda"):
    parts = urllib.parse.urlsplit(url)
    headers = signed_headers("GET", parts.netloc, parts.path, b"", {}, service)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_create_function_from_a_zip_file(lam):
    name = unique_name("zip")
    f = create(lam, name, HANDLER_V1)
    assert f["CodeSha256"] == sha256_b64(HANDLER_V1)
    assert f["CodeSize"] == len(HANDLER_V1)
    assert f["PackageType"] == "Zip" and f["Runtime"] == "nodejs20.x"
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["CodeSha256"] == f["CodeSha256"]
    assert got["Code"]["RepositoryType"] == "S3"
    # Code.Location serves the package as uploaded, to a signed GET.
    status, headers, body = signed_get(got["Code"]["Location"])
    assert status == 200
    assert headers["content-type"] == "application/zip"
    assert body == HANDLER_V1
    assert headers["x-spool-code-sha256"] == f["CodeSha256"]
    lam.delete_function(FunctionName=name)


def test_update_function_code_replaces_the_package(lam):
    name = unique_name("zip")
    first = create(lam, name, HANDLER_V1)
    dry = lam.update_function_code(FunctionName=name, ZipFile=HANDLER_V2, DryRun=True)
    assert dry["CodeSha256"] == sha256_b64(HANDLER_V2)
    assert lam.get_function(FunctionName=name)["Configuration"]["CodeSha256"] == \
        first["CodeSha256"], "a dry run changes nothing"
    updated = lam.update_function_code(FunctionName=name, ZipFile=HANDLER_V2)
    assert updated["CodeSha256"] == sha256_b64(HANDLER_V2)
    assert updated["CodeSize"] == len(HANDLER_V2)
    assert updated["RevisionId"] != first["RevisionId"]
    status, _, body = signed_get(lam.get_function(FunctionName=name)["Code"]["Location"])
    assert (status, body) == (200, HANDLER_V2)
    # From a package back to a directory is allowed too (Spool's extension, raw JSON).
    lam.delete_function(FunctionName=name)


@pytest.mark.parametrize("archive,message", [
    (b"this is not a zip file", "Could not unzip uploaded file"),
    (HANDLER_V1[: len(HANDLER_V1) // 2], "Could not unzip uploaded file"),
    (make_zip([("../../escape.js", "x", None)]), "outside the package"),
    (make_zip([("link", "/etc/passwd", stat.S_IFLNK | 0o777)]), "outside the package"),
])
def test_bad_archives_are_refused(lam, archive, message):
    name = unique_name("zip")
    with pytest.raises(ClientError) as e:
        create(lam, name, archive)
    code, status, text = error(e)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message in text
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName=name)
    assert error(e)[0] == "ResourceNotFoundException", "nothing half-created"


def test_a_damaged_entry_is_refused(lam):
    good = make_zip([("index.js", "exports.handler = async () => '" + "x" * 2000 + "';\n",
                      None)])
    # Flip a byte inside the compressed data of the only entry (after its 30-byte header and
    # 8-byte name): the CRC-32 check or the inflater refuses it.
    damaged = bytearray(good)
    damaged[30 + 8 + 5] ^= 0xFF
    name = unique_name("zip")
    with pytest.raises(ClientError) as e:
        create(lam, name, bytes(damaged))
    assert error(e)[:2] == ("InvalidParameterValueException", 400)


def test_a_zip_bomb_is_refused_by_its_unpacked_size(lam):
    bomb = make_zip([("zeros.bin", b"\0" * (263 * 1024 * 1024), None)])
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ClientError) as e:
        create(lam, unique_name("zip"), bomb)
    code, status, text = error(e)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "Unzipped size must be smaller than 262144000 bytes" in text


def test_an_unknown_runtime_is_refused(lam):
    with pytest.raises(ClientError) as e:
        create(lam, unique_name("zip"), HANDLER_V1, Runtime="cobol85")
    code, status, text = error(e)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "nodejs20.x" in text


def test_update_of_a_missing_function_and_missing_code(lam):
    with pytest.raises(ClientError) as e:
        lam.update_function_code(FunctionName=unique_name("nofn"), ZipFile=HANDLER_V1)
    assert error(e)[:2] == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName=unique_name("zip"), Runtime="nodejs20.x",
                            Handler="index.handler", Role=ROLE,
                            Code={"S3Bucket": "my-bucket", "S3Key": "code.zip"})
    code, status, text = error(e)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "ZipFile" in text


def test_a_package_download_needs_get_function_permission(endpoint, lam):
    name = unique_name("zip")
    create(lam, name, HANDLER_V1)
    location = lam.get_function(FunctionName=name)["Code"]["Location"]
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test")
    user = unique_name("u")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    try:
        parts = urllib.parse.urlsplit(location)
        headers = signed_headers("GET", parts.netloc, parts.path, b"", {}, "lambda",
                                 access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", parts.path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 403
        assert resp.getheader("X-Amzn-ErrorType") == "AccessDeniedException"
    finally:
        iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=user)
        lam.delete_function(FunctionName=name)


def test_a_body_over_the_upload_limit_gets_413(server):
    # Content-Length alone decides: the server answers before reading the body.
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.putrequest("POST", "/2015-03-31/functions")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(70_167_212))
        conn.endheaders()
        resp = conn.getresponse()
        assert resp.status == 413
    finally:
        conn.close()
