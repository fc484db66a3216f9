"""Message retention expiry (reference 6.1, 7.1): MessageRetentionPeriod's minimum is 60 s, so
the messages are sent when the session starts (conftest's retention_probe) and checked here, at
the end. Set SPOOL_IT_SKIP_RETENTION=1 to skip the wait when running a few tests alone."""

import os
import time

import pytest

from support import counts, wait_until

RETENTION_S = 60
MAX_WAIT_S = 70


@pytest.mark.run_last
def test_messages_expire_after_retention_period(sqs, retention_probe):
    if os.environ.get("SPOOL_IT_SKIP_RETENTION"):
        pytest.skip("SPOOL_IT_SKIP_RETENTION is set: not waiting 60 s for retention expiry")
    assert retention_probe["error"] is None, "setup failed: " + retention_probe["error"]
    remaining = retention_probe["sent_at"] + RETENTION_S + 1 - time.monotonic()
    assert remaining < MAX_WAIT_S
    if remaining > 0:
        time.sleep(remaining)

    def gone(url):
        return counts(sqs, url) == (0, 0, 0)

    for key in ("short", "lowered", "inflight"):
        url = retention_probe[key]
        wait_until(lambda: gone(url), 5, interval=0.5, what="%s queue to be empty" % key)
        assert not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages"), key
    # The control queue (default retention, 4 days) still has its message.
    assert counts(sqs, retention_probe["keep"]) == (1, 0, 0)
    assert sqs.receive_message(QueueUrl=retention_probe["keep"])["Messages"][0]["Body"] == \
        "retention probe"
