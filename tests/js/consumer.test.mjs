// sqs-consumer processing a queue end to end against a real `spool serve`: 25 messages, each
// handled exactly once, and the queue empty afterwards.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";

import { uniqueName, useSuiteServer, waitUntil, withLogs } from "./lib/spool.mjs";

let server;
let sqs;
useSuiteServer((s, c) => {
  server = s;
  sqs = c;
});

async function counts(QueueUrl) {
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl,
    AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed"],
  }));
  return [a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible,
    a.ApproximateNumberOfMessagesDelayed].map(Number);
}

test("sqs-consumer processes 25 messages exactly once", (t) => withLogs(server, async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({
    QueueName: uniqueName("consumer"),
    Attributes: { VisibilityTimeout: "30" },
  }));

  const expected = Array.from({ length: 25 }, (_, i) => `order-${i}`);
  for (let i = 0; i < expected.length; i += 10) {
    const out = await sqs.send(new SendMessageBatchCommand({
      QueueUrl,
      Entries: expected.slice(i, i + 10).map((body, j) => ({
        Id: `m${i + j}`,
        MessageBody: body,
        MessageAttributes: { source: { DataType: "String", StringValue: "test" } },
      })),
    }));
    assert.equal(out.Successful.length, Math.min(10, expected.length - i));
  }

  const processed = [];
  const errors = [];
  const consumer = Consumer.create({
    queueUrl: QueueUrl,
    sqs,
    batchSize: 10,
    waitTimeSeconds: 1,
    visibilityTimeout: 30,
    messageAttributeNames: ["All"],
    handleMessage: async (message) => {
      assert.equal(message.MessageAttributes?.source?.StringValue, "test");
      processed.push(message.Body);
      return message; // acknowledge: sqs-consumer deletes it
    },
  });
  consumer.on("error", (e) => errors.push(`error: ${e.message}`));
  consumer.on("processing_error", (e) => errors.push(`processing_error: ${e.message}`));
  consumer.on("timeout_error", (e) => errors.push(`timeout_error: ${e.message}`));

  const stopped = new Promise((resolve) => consumer.once("stopped", resolve));
  consumer.start();
  try {
    await waitUntil(async () => processed.length >= expected.length && (await counts(QueueUrl)).every((n) => n === 0),
      20000, "all 25 messages processed and deleted", 200);
  } finally {
    consumer.stop();
    let timer;
    await Promise.race([stopped, new Promise((resolve) => { timer = setTimeout(resolve, 10000); })]);
    clearTimeout(timer);
  }

  assert.deepEqual(errors, []);
  assert.equal(processed.length, 25, `processed: ${JSON.stringify(processed)}`);
  assert.deepEqual([...processed].sort(), [...expected].sort(), "each message exactly once");
  assert.deepEqual(await counts(QueueUrl), [0, 0, 0]);
})(t));
