"""Message move tasks over the Query (XML) protocol. Debian's botocore 1.29 predates these
actions, so the requests are made by hand; the JSON protocol is covered through the JS SDK
(tests/js/move-tasks.test.mjs)."""

import json
import re
import time

from support import counts, queue_arn, name_of, unique_name, xml_code


def test_move_task_over_the_query_protocol(sqs, raw, make_queue):
    dlq = make_queue(prefix="dlq")
    src = make_queue({"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": queue_arn(name_of(dlq)), "maxReceiveCount": 1})}, prefix="src")
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody="m%d" % i)
    while sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0,
                              WaitTimeSeconds=0).get("Messages"):
        pass
    assert counts(sqs, dlq)[0] == 3

    status, _, body = raw.query({"Action": "StartMessageMoveTask", "Version": "2012-11-05",
                                 "SourceArn": queue_arn(name_of(dlq))})
    assert status == 200, body
    handle = re.search(rb"<TaskHandle>([^<]+)</TaskHandle>", body).group(1).decode()
    assert handle

    deadline = time.monotonic() + 10
    while counts(sqs, src)[0] < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counts(sqs, src)[0] == 3
    assert counts(sqs, dlq)[0] == 0

    status, _, body = raw.query({"Action": "ListMessageMoveTasks", "Version": "2012-11-05",
                                 "SourceArn": queue_arn(name_of(dlq)), "MaxResults": "10"})
    assert status == 200, body
    assert b"<ListMessageMoveTasksResultEntry>" in body
    assert re.search(rb"<ApproximateNumberOfMessagesMoved>3</ApproximateNumberOfMessagesMoved>",
                     body), body

    status, _, body = raw.query({"Action": "CancelMessageMoveTask", "Version": "2012-11-05",
                                 "TaskHandle": handle})
    assert status == 404 and xml_code(body) == "ResourceNotFoundException", body  # finished

    status, _, body = raw.query({"Action": "StartMessageMoveTask", "Version": "2012-11-05"})
    assert status == 400 and xml_code(body) == "MissingParameter", body
    status, _, body = raw.query({"Action": "StartMessageMoveTask", "Version": "2012-11-05",
                                 "SourceArn": queue_arn(unique_name("none"))})
    assert status == 404, body
