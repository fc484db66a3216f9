"""Fixtures for the workers suite: a real `spool serve` whose workers keep idle environments
for 3 seconds (so that scaling down is seen quickly), clients for SQS, Lambda and CloudWatch
Logs, and helpers to make functions with the `spool functions` CLI."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "boto3"))

import support  # noqa: E402


@pytest.fixture(scope="session")
def server():
    yield from support.session_server(["--worker-idle-timeout", "3", "--worker-concurrency", "4"])


@pytest.fixture(scope="session")
def sqs(server):
    return support.make_client(server.endpoint)


@pytest.fixture(scope="session")
def workers(server):
    import workers_support
    return workers_support.Workers(server)
