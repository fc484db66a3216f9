# Handlers: app.handler, app.partial, app.throws, app.hangs, app.exits.
import json
import sys
import time


def handler(event, context):
    for record in event["Records"]:
        body = json.loads(record["body"])
        print(body)


def partial(event, context):
    return {"batchItemFailures": [{"itemIdentifier": record["messageId"]}
                                  for record in event["Records"] if "fail" in record["body"]]}


def throws(event, context):
    raise ValueError("fixture failure")


def hangs(event, context):
    while True:
        time.sleep(1)


def exits(event, context):
    sys.exit(3)
