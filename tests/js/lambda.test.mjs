// The Lambda and CloudWatch Logs control planes (src/lambda, src/logs) through
// @aws-sdk/client-lambda and @aws-sdk/client-cloudwatch-logs, as a deployment script drives
// them: a function uploaded as a zip archive, its configuration, code and concurrency, Invoke
// (RequestResponse with a log tail, Event, DryRun), an SQS event source mapping that runs it,
// its log group, streams and events; the SDK's exception classes for bad input (a corrupt zip,
// an unknown runtime, a mapping to a missing queue, a missing function) and for an IAM user
// without lambda permissions.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, describe, test } from "node:test";

import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ResourceNotFoundException as LogsNotFound,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  LambdaServiceException,
  ListEventSourceMappingsCommand,
  PutFunctionConcurrencyCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListFunctions,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";

import {
  CREDENTIALS,
  REGION,
  createUser,
  queueArn,
  uniqueName,
  useSuiteServer,
  waitUntil,
  withLogs,
} from "./lib/spool.mjs";

const ROLE = "arn:aws:iam::000000000000:role/ignored";

let server;
let sqs;
let lambda;
let logs;
useSuiteServer((s, q) => {
  server = s;
  sqs = q;
  lambda = lambdaClient(s.endpoint, CREDENTIALS);
  logs = new CloudWatchLogsClient({
    endpoint: s.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
});

after(() => {
  lambda?.destroy();
  logs?.destroy();
});

const it = (name, fn) => test(name, (t) => withLogs(server, fn)(t));

function lambdaClient(endpoint, credentials) {
  return new LambdaClient({
    endpoint,
    region: REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 60000 },
  });
}

/** A zip archive of `files` ({name: text}), made by Python's zipfile (Debian's python3). */
function zipOf(files) {
  const script = [
    "import io, json, sys, zipfile",
    "files = json.load(sys.stdin)",
    "buf = io.BytesIO()",
    "with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:",
    "    for name, text in files.items(): z.writestr(name, text)",
    "sys.stdout.buffer.write(buf.getvalue())",
  ].join("\n");
  return new Uint8Array(execFileSync("/usr/bin/python3", ["-c", script], {
    input: JSON.stringify(files),
  }));
}

const handler = (tag) => zipOf({
  "index.js": `exports.handler = async (event, context) => {
  for (const r of event.Records || []) console.log("${tag} handled", r.body);
  if (event.fail) throw new Error("asked to fail");
  return { tag: "${tag}", fn: context.functionName, x: event.x };
};
`,
});

const decode = (payload) => JSON.parse(Buffer.from(payload).toString("utf8"));

async function expectError(client, command, cls, name = cls?.name) {
  let error;
  try {
    await client.send(command);
  } catch (e) {
    error = e;
  }
  assert.ok(error, `${command.constructor.name} should have failed`);
  if (cls) assert.ok(error instanceof cls, `${error.name} is not a ${cls.name}: ${error.message}`);
  assert.equal(error.name, name);
  return error;
}

describe("functions", () => {
  it("are created from a zip archive and shown, listed, configured and deleted", async () => {
    const name = uniqueName("jsfn");
    const zip = handler("v1");
    const created = await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
      Code: { ZipFile: zip }, Timeout: 10, Environment: { Variables: { STAGE: "js" } },
    }));
    assert.equal(created.FunctionName, name);
    assert.equal(created.CodeSize, zip.length);
    assert.match(created.CodeSha256, /^[A-Za-z0-9+/]{43}=$/);

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.Configuration.Environment.Variables.STAGE, "js");
    assert.equal(got.Code.RepositoryType, "S3");

    const names = [];
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 1 }, {})) {
      names.push(...page.Functions.map((f) => f.FunctionName));
    }
    assert.ok(names.includes(name), names.join(","));

    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: name, Timeout: 20, MemorySize: 256, Description: "from js",
    }));
    assert.equal(updated.Timeout, 20);
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.equal(config.MemorySize, 256);
    assert.equal(config.Description, "from js");

    await lambda.send(new PutFunctionConcurrencyCommand({
      FunctionName: name, ReservedConcurrentExecutions: 3,
    }));
    const concurrency = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
    assert.equal(concurrency.ReservedConcurrentExecutions, 3);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));

    await expectError(lambda, new CreateFunctionCommand({
      FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
      Code: { ZipFile: zip },
    }), ResourceConflictException);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    await expectError(lambda, new GetFunctionCommand({ FunctionName: name }),
      ResourceNotFoundException);
  });

  it("run the code uploaded last, through Invoke", async () => {
    const name = uniqueName("jsinv");
    await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
      Code: { ZipFile: handler("v1") },
    }));
    const first = await lambda.send(new InvokeCommand({
      FunctionName: name, Payload: JSON.stringify({ x: 5 }), LogType: "Tail",
    }));
    assert.equal(first.StatusCode, 200);
    assert.equal(first.FunctionError, undefined);
    assert.deepEqual(decode(first.Payload), { tag: "v1", fn: name, x: 5 });
    assert.match(Buffer.from(first.LogResult, "base64").toString(), /REPORT RequestId: /);

    const v2 = handler("v2");
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: v2 }));
    assert.equal(updated.CodeSize, v2.length);
    await waitUntil(async () => {
      const r = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: "{}" }));
      return decode(r.Payload).tag === "v2";
    }, 20000, "the new code");

    const failed = await lambda.send(new InvokeCommand({
      FunctionName: name, Payload: JSON.stringify({ fail: true }),
    }));
    assert.equal(failed.FunctionError, "Unhandled");
    assert.equal(decode(failed.Payload).errorMessage, "asked to fail");

    const queued = await lambda.send(new InvokeCommand({
      FunctionName: name, InvocationType: "Event", Payload: "{}",
    }));
    assert.equal(queued.StatusCode, 202);
    const dry = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "DryRun" }));
    assert.equal(dry.StatusCode, 204);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  });

  it("refuse a corrupt zip, an unknown runtime and a missing function", async () => {
    const good = handler("x");
    const corrupt = Uint8Array.from(good);
    corrupt[30 + "index.js".length + 10] ^= 0xff; // inside the compressed data
    const error = await expectError(lambda, new CreateFunctionCommand({
      FunctionName: uniqueName("jsbad"), Runtime: "nodejs20.x", Handler: "index.handler",
      Role: ROLE, Code: { ZipFile: corrupt },
    }), InvalidParameterValueException);
    assert.match(error.message, /Could not unzip uploaded file/);
    assert.equal(error.$metadata.httpStatusCode, 400);

    await expectError(lambda, new CreateFunctionCommand({
      FunctionName: uniqueName("jsbad"), Runtime: "cobol85", Handler: "index.handler",
      Role: ROLE, Code: { ZipFile: good },
    }), InvalidParameterValueException);
    await expectError(lambda, new UpdateFunctionCodeCommand({
      FunctionName: uniqueName("jsnone"), ZipFile: good,
    }), ResourceNotFoundException);
    await expectError(lambda, new InvokeCommand({ FunctionName: uniqueName("jsnone") }),
      ResourceNotFoundException);
  });
});

describe("event source mappings and logs", () => {
  it("a queue feeds the function, and its log group shows what it did", async () => {
    const name = uniqueName("jsmap");
    const queue = uniqueName("jsmapq");
    await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
      Code: { ZipFile: handler("mapped") },
    }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
    const mapping = await lambda.send(new CreateEventSourceMappingCommand({
      FunctionName: name, EventSourceArn: queueArn(queue), BatchSize: 5,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    }));
    assert.equal(mapping.State, "Enabled");
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
    assert.deepEqual(listed.EventSourceMappings.map((m) => m.UUID), [mapping.UUID]);

    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "parcel-js-1" }));
    const group = `/aws/lambda/${name}`;
    const found = await waitUntil(async () => {
      try {
        const r = await logs.send(new FilterLogEventsCommand({
          logGroupName: group, filterPattern: '"mapped handled"',
        }));
        return r.events.find((e) => e.message.includes("parcel-js-1"));
      } catch (e) {
        if (e instanceof LogsNotFound) return undefined;
        throw e;
      }
    }, 30000, "the handler's log line");
    assert.ok(found.logStreamName);

    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    assert.deepEqual(groups.logGroups.map((g) => g.logGroupName), [group]);
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    assert.ok(streams.logStreams.some((s) => s.logStreamName === found.logStreamName));
    const events = await logs.send(new GetLogEventsCommand({
      logGroupName: group, logStreamName: found.logStreamName, startFromHead: true,
    }));
    const lines = events.events.map((e) => e.message);
    assert.ok(lines.some((l) => l.startsWith("START RequestId:")), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes("parcel-js-1")), lines.join("\n"));

    const disabled = await lambda.send(new UpdateEventSourceMappingCommand({
      UUID: mapping.UUID, Enabled: false, BatchSize: 7,
    }));
    assert.equal(disabled.State, "Disabled");
    const again = await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
    assert.equal(again.BatchSize, 7);
    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
    assert.equal(deleted.State, "Deleting");
    await expectError(lambda, new GetEventSourceMappingCommand({ UUID: mapping.UUID }),
      ResourceNotFoundException);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    await expectError(logs, new DescribeLogStreamsCommand({ logGroupName: "/aws/lambda/none-such" }),
      LogsNotFound);
  });

  it("a mapping to a missing queue is refused", async () => {
    const name = uniqueName("jsnoq");
    await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
      Code: { ZipFile: handler("noq") },
    }));
    await expectError(lambda, new CreateEventSourceMappingCommand({
      FunctionName: name, EventSourceArn: queueArn(uniqueName("missing")),
    }), InvalidParameterValueException);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  });
});

describe("authorisation", () => {
  it("an IAM user may only do what its policy allows", async () => {
    const name = uniqueName("jsauth");
    await lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
      Code: { ZipFile: handler("auth") },
    }));
    const app = lambdaClient(server.endpoint, createUser(server.endpoint, uniqueName("jsuser"),
      "invoke-one", {
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow", Action: "lambda:InvokeFunction",
          Resource: `arn:aws:lambda:${REGION}:000000000000:function:${name}`,
        }],
      }));
    try {
      const r = await app.send(new InvokeCommand({ FunctionName: name, Payload: "{}" }));
      assert.equal(decode(r.Payload).tag, "auth");
      for (const command of [
        new GetFunctionCommand({ FunctionName: name }),
        new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: handler("evil") }),
        new DeleteFunctionCommand({ FunctionName: name }),
      ]) {
        const error = await expectError(app, command, LambdaServiceException, "AccessDeniedException");
        assert.equal(error.$metadata.httpStatusCode, 403);
      }
    } finally {
      app.destroy();
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    }
  });
});
