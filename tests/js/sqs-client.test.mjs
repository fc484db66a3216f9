// Core SQS behaviours through @aws-sdk/client-sqs v3 (AWS JSON 1.0 protocol) against a real
// `spool serve`. The SDK checks MD5OfMessageBody on every send and MD5OfBody on every receive
// itself, so every send and receive here also exercises those digests.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  paginateListQueues,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from "@aws-sdk/client-sqs";

import {
  ACCOUNT_ID,
  attributesMd5,
  CREDENTIALS,
  makeClient,
  md5Hex,
  nameOf,
  queueArn,
  REGION,
  sleep,
  uniqueName,
  useSuiteServer,
  withLogs,
} from "./lib/spool.mjs";

let server;
let sqs;
useSuiteServer((s, c) => {
  server = s;
  sqs = c;
});

const it = (name, fn) => test(name, (t) => withLogs(server, fn)(t));

async function createQueue(attributes, prefix = "js", tags) {
  const QueueName = uniqueName(prefix);
  const out = await sqs.send(new CreateQueueCommand({ QueueName, Attributes: attributes, tags }));
  return out.QueueUrl;
}

async function counts(QueueUrl) {
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl,
    AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed"],
  }));
  return [a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible,
    a.ApproximateNumberOfMessagesDelayed].map(Number);
}

async function receive(QueueUrl, extra = {}) {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0, ...extra }));
  return out.Messages ?? [];
}

const EXAMPLE_ATTRS = {
  Population: { DataType: "Number", StringValue: "1250800" },
  City: { DataType: "String", StringValue: "Any City" },
  Blob: { DataType: "Binary.gif", BinaryValue: new Uint8Array([0, 1, 2, 255]) },
};
const EXAMPLE_MD5 = "be82f2459e3d22b68a4de6786fdc1c27";

describe("queues", () => {
  it("digest helper matches the reference's worked example", async () => {
    assert.equal(attributesMd5(EXAMPLE_ATTRS), EXAMPLE_MD5);
    assert.equal(attributesMd5({ City: EXAMPLE_ATTRS.City }), "0c32cb5c844c01fbd5b6b434b52cf670");
  });

  it("CreateQueue, GetQueueUrl, idempotent create", async () => {
    const QueueName = uniqueName("create");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({
      QueueName, Attributes: { VisibilityTimeout: "45" },
    }));
    assert.equal(QueueUrl, `${server.endpoint}/${ACCOUNT_ID}/${QueueName}`);
    const again = await sqs.send(new CreateQueueCommand({
      QueueName, Attributes: { VisibilityTimeout: "45" },
    }));
    assert.equal(again.QueueUrl, QueueUrl);
    const got = await sqs.send(new GetQueueUrlCommand({ QueueName }));
    assert.equal(got.QueueUrl, QueueUrl);
    assert.ok(got.$metadata.requestId, "x-amzn-RequestId header should give the request id");
  });

  it("ListQueues with prefix, MaxResults and NextToken (also through the paginator)", async () => {
    const prefix = uniqueName("list");
    const urls = [];
    for (let i = 0; i < 5; i++) {
      const out = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${i}` }));
      urls.push(out.QueueUrl);
    }
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    assert.deepEqual([...all.QueueUrls].sort(), [...urls].sort());
    assert.equal(all.NextToken, undefined);

    const pages = [];
    let NextToken;
    for (let i = 0; i < 10; i++) {
      const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken }));
      pages.push(page.QueueUrls ?? []);
      NextToken = page.NextToken;
      if (!NextToken) break;
    }
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat().sort(), [...urls].sort());

    const viaPaginator = [];
    for await (const page of paginateListQueues({ client: sqs, pageSize: 2 }, { QueueNamePrefix: prefix })) {
      viaPaginator.push(...(page.QueueUrls ?? []));
    }
    assert.deepEqual(viaPaginator.sort(), [...urls].sort());

    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: uniqueName("none") }));
    assert.ok(!none.QueueUrls || none.QueueUrls.length === 0);
  });

  it("GetQueueAttributes All has every default; SetQueueAttributes changes them", async () => {
    const QueueUrl = await createQueue();
    const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    assert.deepEqual(Object.keys(a).sort(), [
      "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
      "ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp", "DelaySeconds",
      "LastModifiedTimestamp", "MaximumMessageSize", "MessageRetentionPeriod", "QueueArn",
      "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled", "VisibilityTimeout",
    ]);
    assert.equal(a.VisibilityTimeout, "30");
    assert.equal(a.MaximumMessageSize, "1048576");
    assert.equal(a.MessageRetentionPeriod, "345600");
    assert.equal(a.DelaySeconds, "0");
    assert.equal(a.ReceiveMessageWaitTimeSeconds, "0");
    assert.equal(a.SqsManagedSseEnabled, "true");
    assert.equal(a.QueueArn, queueArn(nameOf(QueueUrl)));
    assert.ok(Math.abs(Number(a.CreatedTimestamp) - Date.now() / 1000) < 60, "CreatedTimestamp in epoch seconds");

    await sqs.send(new SetQueueAttributesCommand({
      QueueUrl, Attributes: { VisibilityTimeout: "7", DelaySeconds: "1", MessageRetentionPeriod: "3600" },
    }));
    const { Attributes: b } = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl, AttributeNames: ["VisibilityTimeout", "DelaySeconds", "MessageRetentionPeriod"],
    }));
    assert.deepEqual(b, { VisibilityTimeout: "7", DelaySeconds: "1", MessageRetentionPeriod: "3600" });
  });

  it("tags: CreateQueue tags, TagQueue, UntagQueue, ListQueueTags", async () => {
    const QueueUrl = await createQueue(undefined, "tags", { team: "core", env: "test" });
    let { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl }));
    assert.deepEqual(Tags, { team: "core", env: "test" });
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: "prod", extra: "1" } }));
    ({ Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl })));
    assert.deepEqual(Tags, { team: "core", env: "prod", extra: "1" });
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ["team", "extra", "absent"] }));
    ({ Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl })));
    assert.deepEqual(Tags, { env: "prod" });
  });

  it("PurgeQueue empties the queue", async () => {
    const QueueUrl = await createQueue();
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl, Entries: [0, 1, 2].map((i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
    }));
    await receive(QueueUrl, { VisibilityTimeout: 60 });
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    assert.deepEqual(await counts(QueueUrl), [0, 0, 0]);
    assert.deepEqual(await receive(QueueUrl, { MaxNumberOfMessages: 10 }), []);
  });

  it("DeleteQueue", async () => {
    const QueueUrl = await createQueue();
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    const out = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: nameOf(QueueUrl) }));
    assert.ok(!(out.QueueUrls ?? []).includes(QueueUrl));
  });
});

describe("messages", () => {
  it("SendMessage with attributes, ReceiveMessage with All, DeleteMessage", async () => {
    const QueueUrl = await createQueue();
    const t0 = Date.now();
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl,
      MessageBody: "h\u00e9llo\r\nworld & <x> \u{1F600}",
      MessageAttributes: EXAMPLE_ATTRS,
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" },
      },
    }));
    assert.equal(sent.MD5OfMessageBody, md5Hex("h\u00e9llo\r\nworld & <x> \u{1F600}"));
    assert.equal(sent.MD5OfMessageAttributes, EXAMPLE_MD5);
    assert.equal(sent.MD5OfMessageSystemAttributes, "5ae4d5d7636402d80f4eb6d213245a88");

    const [m] = await receive(QueueUrl, {
      WaitTimeSeconds: 2, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"],
    });
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, "h\u00e9llo\r\nworld & <x> \u{1F600}");
    assert.equal(m.MD5OfMessageAttributes, EXAMPLE_MD5);
    assert.equal(m.MessageAttributes.City.StringValue, "Any City");
    assert.equal(m.MessageAttributes.Population.DataType, "Number");
    assert.deepEqual([...m.MessageAttributes.Blob.BinaryValue], [0, 1, 2, 255]);
    assert.equal(m.Attributes.ApproximateReceiveCount, "1");
    assert.ok(m.Attributes.SenderId);
    assert.ok(Math.abs(Number(m.Attributes.SentTimestamp) - t0) < 5000, "SentTimestamp in ms");
    assert.ok(Number(m.Attributes.ApproximateFirstReceiveTimestamp) >= Number(m.Attributes.SentTimestamp));
    assert.equal(m.Attributes.AWSTraceHeader, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");

    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    assert.deepEqual(await counts(QueueUrl), [0, 0, 0]);
  });

  it("the deprecated AttributeNames and prefix filters on MessageAttributeNames", async () => {
    const QueueUrl = await createQueue();
    const attrs = {
      "foo.a": { DataType: "String", StringValue: "1" },
      "foo.b": { DataType: "Number.int", StringValue: "2" },
      bar: { DataType: "String", StringValue: "3" },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "f", MessageAttributes: attrs }));
    const [m] = await receive(QueueUrl, {
      AttributeNames: ["SentTimestamp"], MessageAttributeNames: ["foo.*"], VisibilityTimeout: 0,
    });
    assert.deepEqual(Object.keys(m.Attributes), ["SentTimestamp"]);
    assert.deepEqual(Object.keys(m.MessageAttributes).sort(), ["foo.a", "foo.b"]);
    assert.equal(m.MD5OfMessageAttributes, attributesMd5({ "foo.a": attrs["foo.a"], "foo.b": attrs["foo.b"] }));
    const [n] = await receive(QueueUrl, { VisibilityTimeout: 0 });
    assert.equal(n.MessageAttributes, undefined);
    assert.equal(n.MD5OfMessageAttributes, undefined);
  });

  it("SendMessageBatch with Successful and Failed entries; DeleteMessageBatch", async () => {
    const QueueUrl = await createQueue();
    const out = await sqs.send(new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "a", MessageBody: "one" },
        { Id: "b", MessageBody: "two", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
        { Id: "bad", MessageBody: "nul \u0000" },
        { Id: "c", MessageBody: "three", DelaySeconds: 0 },
      ],
    }));
    assert.deepEqual(out.Successful.map((e) => e.Id).sort(), ["a", "b", "c"]);
    for (const e of out.Successful) assert.ok(e.MessageId && e.MD5OfMessageBody);
    assert.equal(out.Successful.find((e) => e.Id === "b").MD5OfMessageAttributes,
      attributesMd5({ k: { DataType: "String", StringValue: "v" } }));
    assert.equal(out.Failed.length, 1);
    assert.equal(out.Failed[0].Id, "bad");
    assert.equal(out.Failed[0].Code, "InvalidMessageContents");
    assert.equal(out.Failed[0].SenderFault, true);

    const msgs = [];
    for (let i = 0; i < 5 && msgs.length < 3; i++) {
      msgs.push(...await receive(QueueUrl, { MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    }
    assert.deepEqual(msgs.map((m) => m.Body).sort(), ["one", "three", "two"]);
    const del = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl,
      Entries: [
        ...msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
        { Id: "junk", ReceiptHandle: "not-a-handle" },
      ],
    }));
    assert.deepEqual(del.Successful.map((e) => e.Id).sort(), ["d0", "d1", "d2"]);
    assert.equal(del.Failed.length, 1);
    assert.equal(del.Failed[0].Code, "ReceiptHandleIsInvalid");
    assert.deepEqual(await counts(QueueUrl), [0, 0, 0]);
  });

  it("visibility timeout, ChangeMessageVisibility and its batch", async () => {
    const QueueUrl = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "v1" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "v2" }));
    const got = [];
    for (let i = 0; i < 5 && got.length < 2; i++) {
      got.push(...await receive(QueueUrl, { MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 1 }));
    }
    assert.equal(got.length, 2);
    assert.deepEqual(await receive(QueueUrl), []);

    await sqs.send(new ChangeMessageVisibilityCommand({
      QueueUrl, ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 0,
    }));
    const [again] = await receive(QueueUrl, { MessageSystemAttributeNames: ["ApproximateReceiveCount"], VisibilityTimeout: 1 });
    assert.equal(again.MessageId, got[0].MessageId);
    assert.equal(again.Attributes.ApproximateReceiveCount, "2");
    assert.notEqual(again.ReceiptHandle, got[0].ReceiptHandle);

    // Expires by itself after 1 s.
    const t = Date.now();
    const [third] = await receive(QueueUrl, { WaitTimeSeconds: 5 });
    assert.equal(third.MessageId, got[0].MessageId);
    assert.ok(Date.now() - t < 3000);

    const batch = await sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "x", ReceiptHandle: got[1].ReceiptHandle, VisibilityTimeout: 0 },
        { Id: "y", ReceiptHandle: "garbage", VisibilityTimeout: 0 },
      ],
    }));
    assert.deepEqual(batch.Successful.map((e) => e.Id), ["x"]);
    assert.equal(batch.Failed[0].Id, "y");
    assert.equal(batch.Failed[0].Code, "ReceiptHandleIsInvalid");
    const [fourth] = await receive(QueueUrl);
    assert.equal(fourth.MessageId, got[1].MessageId);
  });

  it("long polling returns as soon as a message is sent", async () => {
    const QueueUrl = await createQueue();
    const poller = makeClient(server.endpoint);
    try {
      const started = Date.now();
      const polling = poller.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
      await sleep(1000);
      const sentAt = Date.now();
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "wake" }));
      const out = await polling;
      const done = Date.now();
      assert.deepEqual((out.Messages ?? []).map((m) => m.Body), ["wake"]);
      assert.ok(sentAt - started >= 900, "the poll must still be waiting when the message is sent");
      assert.ok(done - sentAt < 1500, `woke ${done - sentAt} ms after the send`);
    } finally {
      poller.destroy();
    }
  });

  it("long polling returns empty after WaitTimeSeconds", async () => {
    const QueueUrl = await createQueue();
    const t = Date.now();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const elapsed = Date.now() - t;
    assert.ok(!out.Messages || out.Messages.length === 0);
    assert.ok(elapsed >= 900 && elapsed <= 3000, `took ${elapsed} ms`);
  });

  it("delays: queue DelaySeconds and per-message DelaySeconds", async () => {
    const QueueUrl = await createQueue({ DelaySeconds: "1" });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "delayed" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "now", DelaySeconds: 0 }));
    const first = await receive(QueueUrl, { MaxNumberOfMessages: 10 });
    assert.deepEqual(first.map((m) => m.Body), ["now"]);
    assert.equal((await counts(QueueUrl))[2], 1);
    const [later] = await receive(QueueUrl, { WaitTimeSeconds: 5 });
    assert.equal(later.Body, "delayed");
  });

  it("dead-letter redrive after maxReceiveCount, ListDeadLetterSourceQueues", async () => {
    const dlq = await createQueue(undefined, "dlq");
    const src = await createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(nameOf(dlq)), maxReceiveCount: 2 }),
    }, "src");
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "poison" }));
    assert.equal((await receive(src, { VisibilityTimeout: 0 })).length, 1);
    assert.equal((await receive(src, { VisibilityTimeout: 0 })).length, 1);
    assert.deepEqual(await receive(src, { VisibilityTimeout: 0 }), []);
    const [moved] = await receive(dlq, { MessageSystemAttributeNames: ["All"] });
    assert.equal(moved.MessageId, sent.MessageId);
    assert.equal(moved.Body, "poison");
    assert.equal(moved.Attributes.DeadLetterQueueSourceArn, queueArn(nameOf(src)));

    const out = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    assert.deepEqual(out.queueUrls, [src]);
  });

  it("a client without endpoint sends to the QueueUrl's origin", async () => {
    const QueueUrl = await createQueue();
    const warnings = [];
    const plain = new SQSClient({
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
      requestHandler: { connectionTimeout: 5000, requestTimeout: 20000, throwOnRequestTimeout: true },
    });
    try {
      const sent = await plain.send(new SendMessageCommand({ QueueUrl, MessageBody: "no endpoint" }));
      assert.equal(sent.MD5OfMessageBody, md5Hex("no endpoint"));
      const out = await plain.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      assert.equal(out.Messages[0].Body, "no endpoint");
      await plain.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: out.Messages[0].ReceiptHandle }));
      assert.deepEqual(await counts(QueueUrl), [0, 0, 0]);
    } finally {
      plain.destroy();
    }
  });

  it("the SDK's MD5 checks pass for many bodies", async () => {
    const QueueUrl = await createQueue();
    const bodies = ["a", "\t\n\r", "\u{10FFFF}\uE000\uD7FF", "x".repeat(300000), "<&>\"'", "\r"];
    for (const MessageBody of bodies) {
      const out = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody }));
      assert.equal(out.MD5OfMessageBody, md5Hex(MessageBody));
    }
    const seen = [];
    for (let i = 0; i < 6 && seen.length < bodies.length; i++) {
      // A wrong MD5OfBody would make the SDK throw "Invalid MD5 checksum on messages".
      seen.push(...await receive(QueueUrl, { MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    }
    assert.deepEqual(seen.map((m) => m.Body).sort(), [...bodies].sort());
  });
});
