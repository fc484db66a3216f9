// FIFO queues and fair queues through @aws-sdk/client-sqs v3 (AWS JSON 1.0 protocol): order and
// group locks, deduplication, sequence numbers, receive attempt ids, and concurrent consumers.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";

import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";

import { makeClient, uniqueName, useSuiteServer, withLogs } from "./lib/spool.mjs";

let server;
let sqs;
useSuiteServer((s, c) => {
  server = s;
  sqs = c;
});

const it = (name, fn) => test(name, (t) => withLogs(server, fn)(t));

async function fifoQueue(attributes = {}) {
  const out = await sqs.send(new CreateQueueCommand({
    QueueName: `${uniqueName("jsf")}.fifo`,
    Attributes: { FifoQueue: "true", ...attributes },
  }));
  return out.QueueUrl;
}

async function receive(client, QueueUrl, extra = {}) {
  const out = await client.send(new ReceiveMessageCommand({
    QueueUrl, WaitTimeSeconds: 0, MaxNumberOfMessages: 10, ...extra,
  }));
  return out.Messages ?? [];
}

async function visible(QueueUrl) {
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"],
  }));
  return Number(a.ApproximateNumberOfMessages);
}

describe("FIFO queues", () => {
  it("order within a group, the group lock, and the FIFO system attributes", async () => {
    const QueueUrl = await fifoQueue({ ContentBasedDeduplication: "true" });
    const sent = [];
    for (let i = 0; i < 4; i++) {
      sent.push(await sqs.send(new SendMessageCommand({
        QueueUrl, MessageBody: `m${i}`, MessageGroupId: "g",
      })));
    }
    const seqs = sent.map((s) => BigInt(s.SequenceNumber));
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
    const first = await receive(sqs, QueueUrl, {
      MaxNumberOfMessages: 2, MessageSystemAttributeNames: ["All"],
    });
    assert.deepEqual(first.map((m) => m.Body), ["m0", "m1"]);
    assert.equal(first[0].Attributes.MessageGroupId, "g");
    assert.equal(first[0].Attributes.SequenceNumber, sent[0].SequenceNumber);
    assert.equal(first[0].Attributes.MessageDeduplicationId,
      createHash("sha256").update("m0").digest("hex"));
    assert.deepEqual(await receive(sqs, QueueUrl), []);  // locked
    for (const m of first) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    assert.deepEqual((await receive(sqs, QueueUrl)).map((m) => m.Body), ["m2", "m3"]);
  });

  it("deduplication ids: duplicates answered with the original id, not enqueued", async () => {
    const QueueUrl = await fifoQueue();
    const a = await sqs.send(new SendMessageCommand({
      QueueUrl, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d1",
    }));
    const batch = await sqs.send(new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "dup", MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d1" },
        { Id: "new", MessageBody: "y", MessageGroupId: "g", MessageDeduplicationId: "d2" },
      ],
    }));
    const byId = Object.fromEntries(batch.Successful.map((e) => [e.Id, e]));
    assert.equal(byId.dup.MessageId, a.MessageId);
    assert.notEqual(byId.new.MessageId, a.MessageId);
    assert.equal(await visible(QueueUrl), 2);
    await assert.rejects(
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "z", MessageGroupId: "g" })),
      (e) => e.name === "InvalidParameterValue" || e.Code === "InvalidParameterValue");
  });

  it("a retried ReceiveRequestAttemptId returns the same receipt handles", async () => {
    const QueueUrl = await fifoQueue({ ContentBasedDeduplication: "true" });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "r", MessageGroupId: "g" }));
    const one = await receive(sqs, QueueUrl, { ReceiveRequestAttemptId: "attempt-7" });
    const two = await receive(sqs, QueueUrl, { ReceiveRequestAttemptId: "attempt-7" });
    assert.equal(one.length, 1);
    assert.deepEqual(two.map((m) => m.ReceiptHandle), one.map((m) => m.ReceiptHandle));
  });

  it("concurrent consumers never see a group out of order", async () => {
    const QueueUrl = await fifoQueue({ ContentBasedDeduplication: "true" });
    const groups = 5;
    const perGroup = 30;
    for (let n = 0; n < perGroup; n++) {
      await sqs.send(new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: groups }, (_, g) => ({
          Id: `g${g}`, MessageBody: `${g}:${n}`, MessageGroupId: `g${g}`,
        })),
      }));
    }
    const seen = [];
    const consumer = async () => {
      const client = makeClient(server.endpoint);
      let idle = 0;
      while (idle < 3) {
        const msgs = await receive(client, QueueUrl, { WaitTimeSeconds: 1 });
        if (msgs.length === 0) {
          idle++;
          continue;
        }
        idle = 0;
        for (const m of msgs) seen.push(m.Body.split(":").map(Number));
        for (const m of msgs) {
          await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
      client.destroy();
    };
    await Promise.all(Array.from({ length: 4 }, consumer));
    assert.equal(seen.length, groups * perGroup);
    for (let g = 0; g < groups; g++) {
      const order = seen.filter(([gg]) => gg === g).map(([, n]) => n);
      assert.deepEqual(order, Array.from({ length: perGroup }, (_, i) => i), `group ${g}`);
    }
  });
});

describe("fair queues", () => {
  it("a quiet tenant is served past a noisy one", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("fair") }));
    for (let i = 0; i < 100; i++) {
      await sqs.send(new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({
          Id: `${j}`, MessageBody: `noisy-${i * 10 + j}`, MessageGroupId: "noisy",
        })),
      }));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "quiet", MessageGroupId: "q" }));
    const got = await receive(sqs, QueueUrl);
    assert.ok(got.some((m) => m.Body === "quiet"), "quiet tenant waited behind 1,000 messages");
  });
});
