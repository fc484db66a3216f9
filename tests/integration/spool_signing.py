"""SigV4 signing for the tests' hand-made HTTP requests, with botocore's own signer (the real
client code, not ours), so raw requests authenticate like an SDK's.

    from spool_signing import signed_headers, ROOT_ENV
    headers = signed_headers("POST", "127.0.0.1:9324", "/", body, {"Content-Type": ...})

ROOT_ENV is the environment that makes `spool serve` use the tests' root key (test/test).
"""

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"
ROOT_ENV = {"SPOOL_ROOT_ACCESS_KEY_ID": ACCESS_KEY, "SPOOL_ROOT_SECRET_ACCESS_KEY": SECRET_KEY}


def signed_headers(method, host, target, body=b"", headers=None, service="sqs",
                   access_key=ACCESS_KEY, secret_key=SECRET_KEY, at=None):
    """`headers` plus Host, X-Amz-Date and Authorization for a request to http://HOST/TARGET
    (TARGET: path and query as sent), signed now or at `at` (a UTC datetime)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    request = AWSRequest(method=method, url="http://%s%s" % (host, target), data=body,
                         headers=dict(headers or {}))
    signer = SigV4Auth(Credentials(access_key, secret_key), service, REGION)
    if at is None:
        signer.add_auth(request)
    else:
        import unittest.mock
        with unittest.mock.patch("botocore.auth.datetime") as fake:
            fake.datetime.utcnow.return_value = at
            signer.add_auth(request)
    out = dict(headers or {})
    for name in ("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256"):
        if name in request.headers:
            out[name] = request.headers[name]
    out["Host"] = host
    return out
