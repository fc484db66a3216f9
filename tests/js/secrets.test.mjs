// Secrets Manager (src/secrets) through @aws-sdk/client-secrets-manager, as an application reads
// its credentials at run time: create, read, rotate, list, delete and restore; the SDK's
// exception classes for Spool's errors; and an IAM user (made with `spool users|policies|keys`)
// that may read one secret only.

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";

import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretCommand,
  paginateListSecrets,
} from "@aws-sdk/client-secrets-manager";

import { CREDENTIALS, REGION, createUser, uniqueName, useSuiteServer, withLogs } from "./lib/spool.mjs";

let server;
let sm;
useSuiteServer((s) => {
  server = s;
  sm = secretsClient(s.endpoint, CREDENTIALS);
});

after(() => sm?.destroy());

const it = (name, fn) => test(name, (t) => withLogs(server, fn)(t));

function secretsClient(endpoint, credentials) {
  return new SecretsManagerClient({
    endpoint,
    region: REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 20000 },
  });
}

/** Runs the command, expects it to throw an instance of cls; returns the error. */
async function expectError(client, command, cls, name = cls?.name) {
  let error;
  try {
    await client.send(command);
  } catch (e) {
    error = e;
  }
  assert.ok(error, `${command.constructor.name} should have failed with ${name}`);
  const text = `${error.name}: ${error.message} (status ${error.$metadata?.httpStatusCode})`;
  if (cls) assert.ok(error instanceof cls, `expected instanceof ${cls.name}, got ${text}`);
  assert.ok(error instanceof SecretsManagerServiceException, text);
  assert.equal(error.name, name, text);
  assert.equal(error.$metadata.httpStatusCode, 400, text);
  return error;
}

describe("an application's secrets", () => {
  it("creates a secret and reads it back as JSON", async () => {
    const name = `app/${uniqueName("db")}`;
    const created = await sm.send(new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ username: "orders", password: "s3cr3t" }),
      Description: "orders database",
      Tags: [{ Key: "team", Value: "web" }],
    }));
    assert.match(created.ARN, new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-[A-Za-z0-9]{6}$`));
    const got = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.deepEqual(JSON.parse(got.SecretString), { username: "orders", password: "s3cr3t" });
    assert.equal(got.ARN, created.ARN);
    assert.deepEqual(got.VersionStages, ["AWSCURRENT"]);
    assert.ok(got.CreatedDate instanceof Date);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN }));
    assert.equal(described.Description, "orders database");
    assert.deepEqual(described.Tags, [{ Key: "team", Value: "web" }]);
  });

  it("rotates: PutSecretValue moves AWSCURRENT and keeps AWSPREVIOUS", async () => {
    const name = uniqueName("rot");
    const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: "one" }))).VersionId;
    const v2 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
    assert.deepEqual(v2.VersionStages, ["AWSCURRENT"]);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "two");
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSPREVIOUS" }));
    assert.equal(previous.VersionId, v1);
    await sm.send(new UpdateSecretCommand({ SecretId: name, SecretBinary: Uint8Array.from([0, 1, 255]) }));
    const binary = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.deepEqual([...binary.SecretBinary], [0, 1, 255]);
    assert.equal(binary.SecretString, undefined);
  });

  it("deletes with a recovery window, lists planned deletions, restores", async () => {
    const name = uniqueName("del");
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "keep" }));
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    assert.ok(deleted.DeletionDate instanceof Date);
    const error = await expectError(sm, new GetSecretValueCommand({ SecretId: name }), InvalidRequestException);
    assert.match(error.message, /marked for deletion/);
    const listed = async (extra) => {
      const names = [];
      for await (const page of paginateListSecrets({ client: sm, pageSize: 50 }, extra)) {
        names.push(...page.SecretList.map((s) => s.Name));
      }
      return names;
    };
    assert.ok(!(await listed({})).includes(name));
    assert.ok((await listed({ IncludePlannedDeletion: true })).includes(name));
    await sm.send(new RestoreSecretCommand({ SecretId: name }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, "keep");
    await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await expectError(sm, new DescribeSecretCommand({ SecretId: name }), ResourceNotFoundException);
  });

  it("lists with filters", async () => {
    const prefix = uniqueName("flt");
    for (const n of ["a", "b"]) {
      await sm.send(new CreateSecretCommand({ Name: `${prefix}/${n}`, Tags: [{ Key: "k", Value: n }] }));
    }
    const out = await sm.send(new ListSecretsCommand({
      Filters: [{ Key: "name", Values: [prefix] }, { Key: "tag-value", Values: ["b"] }],
    }));
    assert.deepEqual(out.SecretList.map((s) => s.Name), [`${prefix}/b`]);
  });
});

describe("errors", () => {
  it("maps to the SDK's exception classes", async () => {
    await expectError(sm, new GetSecretValueCommand({ SecretId: uniqueName("ghost") }), ResourceNotFoundException);
    const name = uniqueName("dup");
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: "v" }));
    await expectError(sm, new CreateSecretCommand({ Name: name }), ResourceExistsException);
    await expectError(sm, new CreateSecretCommand({ Name: uniqueName("both"), SecretString: "a", SecretBinary: Uint8Array.from([1]) }),
      InvalidParameterException);
    await expectError(sm, new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 2 }), InvalidParameterException);
    // Request validation (names, lengths) is ValidationException, as AWS answers it.
    await expectError(sm, new CreateSecretCommand({ Name: "no spaces allowed" }), undefined, "ValidationException");
    await expectError(sm, new CreateSecretCommand({ Name: uniqueName("big"), SecretString: "x".repeat(65537) }),
      undefined, "ValidationException");
  });
});

describe("an IAM user allowed one secret", () => {
  it("reads that secret, and nothing else", async () => {
    const allowed = await sm.send(new CreateSecretCommand({ Name: uniqueName("granted"), SecretString: "yours" }));
    const other = await sm.send(new CreateSecretCommand({ Name: uniqueName("other"), SecretString: "not yours" }));
    const user = uniqueName("webapp");
    const app = secretsClient(server.endpoint, createUser(server.endpoint, user, "read-one", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: allowed.ARN }],
    }));
    try {
      assert.equal((await app.send(new GetSecretValueCommand({ SecretId: allowed.Name }))).SecretString, "yours");
      for (const command of [
        new GetSecretValueCommand({ SecretId: other.ARN }),
        new PutSecretValueCommand({ SecretId: allowed.ARN, SecretString: "changed" }),
        new ListSecretsCommand({}),
      ]) {
        const error = await expectError(app, command, undefined, "AccessDeniedException");
        assert.match(error.message, new RegExp(user));
      }
    } finally {
      app.destroy();
    }
  });
});
