// The SDK raises the right exception classes for Spool's JSON errors (reference 5.2, 5.3):
// modelled errors become instances of the classes @aws-sdk/client-sqs exports; unmodelled ones
// (InvalidParameterValue, MissingParameter) keep their code as the error name.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidBatchEntryId,
  InvalidMessageContents,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDeletedRecently,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
} from "@aws-sdk/client-sqs";

import { ACCOUNT_ID, uniqueName, useSuiteServer, withLogs } from "./lib/spool.mjs";

let server;
let sqs;
useSuiteServer((s, c) => {
  server = s;
  sqs = c;
});

const it = (name, fn) => test(name, (t) => withLogs(server, fn)(t));

async function newQueue(attributes) {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("err"), Attributes: attributes }));
  return out.QueueUrl;
}

/** Runs the command, expects it to throw an instance of cls; checks name, status and Code. */
async function expectError(command, cls, { name, status = 400, code } = {}) {
  let error;
  try {
    await sqs.send(command);
  } catch (e) {
    error = e;
  }
  assert.ok(error, `${command.constructor.name} should have failed with ${name ?? cls.name}`);
  const describe = `${error.name}: ${error.message} (status ${error.$metadata?.httpStatusCode}, Code ${error.Code})`;
  assert.ok(error instanceof cls, `expected instanceof ${cls.name}, got ${describe}`);
  assert.ok(error instanceof SQSServiceException, describe);
  assert.equal(error.name, name ?? cls.name, describe);
  assert.equal(error.$metadata.httpStatusCode, status, describe);
  if (code) assert.equal(error.Code, code, `query-compatible code (x-amzn-query-error header): ${describe}`);
  assert.ok(error.$metadata.requestId, "request id from x-amzn-RequestId");
  return error;
}

describe("exception classes", () => {
  it("QueueDoesNotExist", async () => {
    await expectError(new GetQueueUrlCommand({ QueueName: uniqueName("ghost") }), QueueDoesNotExist,
      { code: "AWS.SimpleQueueService.NonExistentQueue" });
    const url = `${server.endpoint}/${ACCOUNT_ID}/${uniqueName("ghost")}`;
    await expectError(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }), QueueDoesNotExist);
    await expectError(new ReceiveMessageCommand({ QueueUrl: url }), QueueDoesNotExist);
  });

  it("QueueNameExists", async () => {
    const QueueName = uniqueName("exists");
    await sqs.send(new CreateQueueCommand({ QueueName, Attributes: { DelaySeconds: "1" } }));
    await expectError(new CreateQueueCommand({ QueueName, Attributes: { DelaySeconds: "2" } }),
      QueueNameExists, { code: "QueueAlreadyExists" });
  });

  it("QueueDeletedRecently", async () => {
    const QueueName = uniqueName("deleted");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await expectError(new CreateQueueCommand({ QueueName }), QueueDeletedRecently,
      { code: "AWS.SimpleQueueService.QueueDeletedRecently" });
  });

  it("TooManyEntriesInBatchRequest", async () => {
    const QueueUrl = await newQueue();
    const Entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" }));
    await expectError(new SendMessageBatchCommand({ QueueUrl, Entries }), TooManyEntriesInBatchRequest,
      { code: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest" });
  });

  it("EmptyBatchRequest", async () => {
    const QueueUrl = await newQueue();
    await expectError(new SendMessageBatchCommand({ QueueUrl, Entries: [] }), EmptyBatchRequest,
      { code: "AWS.SimpleQueueService.EmptyBatchRequest" });
    await expectError(new DeleteMessageBatchCommand({ QueueUrl, Entries: [] }), EmptyBatchRequest);
  });

  it("BatchEntryIdsNotDistinct", async () => {
    const QueueUrl = await newQueue();
    await expectError(new SendMessageBatchCommand({
      QueueUrl, Entries: [{ Id: "same", MessageBody: "a" }, { Id: "same", MessageBody: "b" }],
    }), BatchEntryIdsNotDistinct, { code: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct" });
  });

  it("InvalidBatchEntryId", async () => {
    const QueueUrl = await newQueue();
    await expectError(new SendMessageBatchCommand({
      QueueUrl, Entries: [{ Id: "not valid!", MessageBody: "a" }],
    }), InvalidBatchEntryId, { code: "AWS.SimpleQueueService.InvalidBatchEntryId" });
  });

  it("BatchRequestTooLong", async () => {
    const QueueUrl = await newQueue();
    const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: "z".repeat(110000) }));
    await expectError(new SendMessageBatchCommand({ QueueUrl, Entries }), BatchRequestTooLong,
      { code: "AWS.SimpleQueueService.BatchRequestTooLong" });
  });

  it("ReceiptHandleIsInvalid", async () => {
    const QueueUrl = await newQueue();
    await expectError(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "garbage" }),
      ReceiptHandleIsInvalid, { status: 404, code: "ReceiptHandleIsInvalid" });
    await expectError(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: "garbage", VisibilityTimeout: 0 }),
      ReceiptHandleIsInvalid, { status: 404 });
  });

  it("PurgeQueueInProgress", async () => {
    const QueueUrl = await newQueue();
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await expectError(new PurgeQueueCommand({ QueueUrl }), PurgeQueueInProgress,
      { status: 403, code: "AWS.SimpleQueueService.PurgeQueueInProgress" });
  });

  it("InvalidAttributeName", async () => {
    const QueueUrl = await newQueue();
    await expectError(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["NoSuchAttribute"] }),
      InvalidAttributeName, { code: "InvalidAttributeName" });
    await expectError(new SetQueueAttributesCommand({ QueueUrl, Attributes: { QueueArn: "x" } }),
      InvalidAttributeName);
  });

  it("InvalidAttributeValue", async () => {
    const QueueUrl = await newQueue();
    await expectError(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: "43201" } }),
      InvalidAttributeValue, { code: "InvalidAttributeValue" });
  });

  it("InvalidMessageContents", async () => {
    const QueueUrl = await newQueue();
    await expectError(new SendMessageCommand({ QueueUrl, MessageBody: "bad \u0000 body" }),
      InvalidMessageContents, { code: "InvalidMessageContents" });
    await expectError(new SendMessageCommand({ QueueUrl, MessageBody: "bad \uFFFF body" }),
      InvalidMessageContents);
  });

  it("unmodelled errors keep their code: InvalidParameterValue, MissingParameter", async () => {
    const QueueUrl = await newQueue();
    await expectError(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 }), SQSServiceException,
      { name: "InvalidParameterValue", code: "InvalidParameterValue" });
    await expectError(new SendMessageCommand({ QueueUrl, MessageBody: "x", DelaySeconds: 901 }),
      SQSServiceException, { name: "InvalidParameterValue" });
    await expectError(new SendMessageCommand({ QueueUrl, MessageBody: "x".repeat(1048577) }),
      SQSServiceException, { name: "InvalidParameterValue" });
    await expectError(new SendMessageCommand({ QueueUrl }), SQSServiceException,
      { name: "MissingParameter", code: "MissingParameter" });
  });
});
