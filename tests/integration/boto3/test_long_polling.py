"""Long polling: ReceiveMessage with WaitTimeSeconds returns as soon as a message is
available (send, delay end, visibility change), returns empty after the wait, and many polls wait
at once without blocking the server (reference section 7.2)."""

import threading
import time

from support import counts, entries_for, make_client, receive_one


class Background:
    """Runs fn() on a thread; result() returns (value, seconds it took) or re-raises."""

    def __init__(self, fn):
        self.value = self.error = None
        self.start = time.monotonic()
        self.end = None

        def run():
            try:
                self.value = fn()
            except BaseException as e:  # noqa: BLE001 - re-raised in result()
                self.error = e
            self.end = time.monotonic()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def result(self, timeout):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "background call still running after %ss" % timeout
        if self.error:
            raise self.error
        return self.value, self.end - self.start


def test_long_poll_returns_as_soon_as_a_message_is_sent(sqs, endpoint, queue):
    poller = make_client(endpoint)
    bg = Background(lambda: poller.receive_message(QueueUrl=queue, WaitTimeSeconds=10,
                                                   MaxNumberOfMessages=10))
    time.sleep(1.0)
    assert bg.thread.is_alive(), "long poll returned before any message was sent"
    sent_at = time.monotonic()
    sqs.send_message(QueueUrl=queue, MessageBody="wake up")
    resp, _ = bg.result(15)
    woke_after = bg.end - sent_at
    assert [m["Body"] for m in resp.get("Messages", [])] == ["wake up"]
    assert woke_after < 1.5, "long poll returned %.2fs after the send" % woke_after


def test_long_poll_returns_empty_after_wait_time(sqs, queue):
    t = time.monotonic()
    resp = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    elapsed = time.monotonic() - t
    assert not resp.get("Messages")
    assert 0.9 <= elapsed <= 3.0, elapsed


def test_queue_receive_wait_time_is_the_default_wait(sqs, make_queue):
    url = make_queue({"ReceiveMessageWaitTimeSeconds": 1})
    t = time.monotonic()
    assert not sqs.receive_message(QueueUrl=url).get("Messages")
    assert 0.9 <= time.monotonic() - t <= 3.0
    t = time.monotonic()
    assert not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages")
    assert time.monotonic() - t < 0.8


def test_long_poll_does_not_wait_to_fill_max(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="only one")
    t = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5,
                               MaxNumberOfMessages=10)["Messages"]
    assert len(msgs) == 1 and time.monotonic() - t < 1.0


def test_long_poll_wakes_when_delay_ends(sqs, queue):
    # The delay counts from the send (as in SQS), and a durable send is acknowledged only once
    # its record is synced, which can take a while on a busy disk: time from before the send.
    t = time.monotonic()
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=1)
    msg = receive_one(sqs, queue, wait=5)
    assert msg["Body"] == "delayed"
    assert 0.9 <= time.monotonic() - t <= 3.5


def test_long_poll_wakes_on_change_visibility_zero(sqs, endpoint, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="hidden")
    h = receive_one(sqs, queue, VisibilityTimeout=60)["ReceiptHandle"]
    poller = make_client(endpoint)
    bg = Background(lambda: poller.receive_message(QueueUrl=queue, WaitTimeSeconds=10))
    time.sleep(0.7)
    changed_at = time.monotonic()
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=h, VisibilityTimeout=0)
    resp, _ = bg.result(15)
    assert [m["Body"] for m in resp.get("Messages", [])] == ["hidden"]
    assert bg.end - changed_at < 1.5


def test_concurrent_long_polls_each_get_a_message(sqs, endpoint, queue):
    pollers = [make_client(endpoint) for _ in range(3)]
    bgs = [Background(lambda p=p: p.receive_message(QueueUrl=queue, WaitTimeSeconds=10,
                                                    MaxNumberOfMessages=1))
           for p in pollers]
    time.sleep(1.0)
    # The server keeps serving other requests while the polls wait.
    t = time.monotonic()
    sqs.list_queues(MaxResults=1)
    assert time.monotonic() - t < 1.0
    sent_at = time.monotonic()
    sqs.send_message_batch(QueueUrl=queue, Entries=entries_for("send", 3))
    bodies = []
    for bg in bgs:
        resp, _ = bg.result(15)
        bodies += [m["Body"] for m in resp.get("Messages", [])]
        assert bg.end - sent_at < 2.0
    assert sorted(bodies) == ["b0", "b1", "b2"]


def test_long_polls_on_many_queues_do_not_block_each_other(sqs, endpoint, make_queue):
    urls = [make_queue() for _ in range(6)]
    pollers = [make_client(endpoint) for _ in urls]
    bgs = [Background(lambda p=p, u=u: p.receive_message(QueueUrl=u, WaitTimeSeconds=10))
           for p, u in zip(pollers, urls)]
    time.sleep(0.7)
    sent_at = time.monotonic()
    for u in reversed(urls):
        sqs.send_message(QueueUrl=u, MessageBody=u)
    for u, bg in zip(urls, bgs):
        resp, _ = bg.result(15)
        assert [m["Body"] for m in resp.get("Messages", [])] == [u]
        assert bg.end - sent_at < 2.5


def test_message_deleted_while_in_flight_is_never_redelivered(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="once")
    h = receive_one(sqs, queue, VisibilityTimeout=1)["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=h)
    assert not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2).get("Messages")
    assert counts(sqs, queue) == (0, 0, 0)
