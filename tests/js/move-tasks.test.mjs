// Message move tasks (dead-letter queue redrive) through @aws-sdk/client-sqs v3:
// StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask and their errors.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";

import { queueArn, sleep, uniqueName, useSuiteServer, withLogs } from "./lib/spool.mjs";

let server;
let sqs;
useSuiteServer((s, c) => {
  server = s;
  sqs = c;
});

const it = (name, fn) => test(name, (t) => withLogs(server, fn)(t));

async function count(QueueUrl) {
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"],
  }));
  return Number(a.ApproximateNumberOfMessages);
}

async function waitFor(what, predicate, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await predicate()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// A source queue whose `n` messages all failed into its dead-letter queue.
async function poisoned(n) {
  const dlqName = uniqueName("dlq");
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: dlqName }))).QueueUrl;
  const srcName = uniqueName("src");
  const src = (await sqs.send(new CreateQueueCommand({
    QueueName: srcName,
    Attributes: {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: 1 }),
    },
  }))).QueueUrl;
  for (let i = 0; i < n; i += 10) {
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl: src,
      Entries: Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
        Id: `${j}`, MessageBody: `order-${i + j}`,
      })),
    }));
  }
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: src, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0,
    }));
    if (!got.Messages?.length) break;
  }
  assert.equal(await count(dlq), n);
  return { dlq, dlqName, src, srcName };
}

describe("message move tasks", () => {
  it("moves a dead-letter queue's messages back to their source", async () => {
    const { dlq, dlqName, src } = await poisoned(12);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({
      SourceArn: queueArn(dlqName),
    }));
    assert.ok(TaskHandle);
    await waitFor("all 12 back in the source", async () => (await count(src)) === 12);
    assert.equal(await count(dlq), 0);
    await waitFor("the task to complete", async () => {
      const { Results } = await sqs.send(new ListMessageMoveTasksCommand({
        SourceArn: queueArn(dlqName),
      }));
      return Results[0].Status === "COMPLETED";
    });
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({
      SourceArn: queueArn(dlqName), MaxResults: 10,
    }));
    assert.equal(Results.length, 1);
    assert.equal(Results[0].ApproximateNumberOfMessagesMoved, 12);
    assert.equal(Results[0].ApproximateNumberOfMessagesToMove, 12);
    assert.equal(Results[0].SourceArn, queueArn(dlqName));
    assert.equal(Results[0].TaskHandle, undefined);
    assert.ok(Math.abs(Results[0].StartedTimestamp - Date.now()) < 60000);
  });

  it("a rate-limited task to another queue can be cancelled", async () => {
    const { dlqName } = await poisoned(40);
    const otherName = uniqueName("other");
    const other = (await sqs.send(new CreateQueueCommand({ QueueName: otherName }))).QueueUrl;
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({
      SourceArn: queueArn(dlqName), DestinationArn: queueArn(otherName),
      MaxNumberOfMessagesPerSecond: 10,
    }));
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn(dlqName) })),
      (e) => e.name === "InvalidParameterValue" || e.Code === "InvalidParameterValue");
    await waitFor("a few moved", async () => (await count(other)) >= 3);
    const running = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queueArn(dlqName) }));
    assert.equal(running.Results[0].Status, "RUNNING");
    assert.equal(running.Results[0].TaskHandle, TaskHandle);
    assert.equal(running.Results[0].MaxNumberOfMessagesPerSecond, 10);
    assert.equal(running.Results[0].DestinationArn, queueArn(otherName));
    const { ApproximateNumberOfMessagesMoved: moved } = await sqs.send(
      new CancelMessageMoveTaskCommand({ TaskHandle }));
    assert.ok(moved >= 3 && moved < 40, `moved ${moved}`);
    await sleep(400);
    assert.equal(await count(other), moved);
    const listed = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queueArn(dlqName) }));
    assert.equal(listed.Results[0].Status, "CANCELLED");
  });

  it("errors: not a dead-letter queue, unknown queue or task", async () => {
    const plainName = uniqueName("plain");
    await sqs.send(new CreateQueueCommand({ QueueName: plainName }));
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn(plainName) })),
      (e) => /Dead Letter Queue/.test(e.message));
    await assert.rejects(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn(uniqueName("nope")) })),
      (e) => e.name === "ResourceNotFoundException");
    await assert.rejects(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: "no-such-task" })),
      (e) => e.name === "ResourceNotFoundException");
  });
});
