// Helpers for the JavaScript suites: start a real `spool serve` ($SPOOL_BIN), make SQS clients
// pointed at it, compute digests independently, and attach the server's log to failures.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";

import { SQSClient } from "@aws-sdk/client-sqs";

// Never let a client read real AWS configuration or reach a metadata service.
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
});
for (const v of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"]) {
  delete process.env[v];
}

export const ACCOUNT_ID = "000000000000";
export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

const STARTUP_TIMEOUT_MS = 20000;
const SHUTDOWN_TIMEOUT_MS = 30000;

/** Starts `spool serve --listen 127.0.0.1:0`; resolves once it printed its endpoint. */
export async function startServer() {
  const bin = process.env.SPOOL_BIN;
  if (!bin || !bin.startsWith("/")) {
    throw new Error("SPOOL_BIN must be the absolute path of the spool binary");
  }
  const cwd = mkdtempSync(join(tmpdir(), "spool-js-"));
  // Hermetic: a fresh working directory (the default data directory lives there) and no
  // SPOOL_* settings from the caller's environment except the log level.
  const env = Object.fromEntries(Object.entries(process.env)
    .filter(([k]) => !k.startsWith("SPOOL_") || k === "SPOOL_LOG_LEVEL"));
  // The root key the SDK clients sign with (CREDENTIALS).
  env.SPOOL_ROOT_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
  env.SPOOL_ROOT_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
  const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdout.setEncoding("utf8");

  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`spool serve printed no 'listening on' line within ${STARTUP_TIMEOUT_MS} ms\n` +
        `stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, STARTUP_TIMEOUT_MS);
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ""));
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`spool serve exited early (code ${code}, signal ${signal})\n${stderr}`));
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  const url = new URL(endpoint);
  if (!["127.0.0.1", "localhost"].includes(url.hostname)) {
    child.kill("SIGKILL");
    throw new Error(`server must listen on loopback, printed ${endpoint}`);
  }

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  return {
    endpoint,
    child,
    alive: () => exited === null,
    logSize: () => stderr.length,
    logSince: (start) => stderr.slice(start).slice(-20000),
    /** SIGTERM, then wait; resolves to the exit code (null if it had to be killed). */
    async stop() {
      if (exited) return exited.code;
      child.kill("SIGTERM");
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), SHUTDOWN_TIMEOUT_MS);
      });
      const result = await Promise.race([exitPromise, timeout]);
      clearTimeout(timer);
      if (result === null) {
        child.kill("SIGKILL");
        await exitPromise;
        return null;
      }
      return result.code;
    },
  };
}

/** An SQSClient with an explicit endpoint, no retries, bounded timeouts. */
export function makeClient(endpoint, extra = {}) {
  return new SQSClient({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 40000, throwOnRequestTimeout: true },
    ...extra,
  });
}

/** Wraps a test body so a failure carries the server's log lines written during the test. */
export function withLogs(server, fn) {
  return async (t) => {
    const start = server.logSize();
    try {
      await fn(t);
    } catch (e) {
      const log = server.logSince(start);
      const note = `\n--- spool serve stderr during this test ---\n${log || "(empty)"}` +
        (server.alive() ? "" : "\n*** spool serve is no longer running ***");
      if (e && typeof e === "object") {
        try {
          e.message = `${e.message}${note}`;
        } catch {
          // read-only message: print instead
          console.error(note);
        }
      }
      throw e;
    }
  };
}

export function uniqueName(prefix = "js") {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

export const queueArn = (name) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;
export const nameOf = (url) => url.replace(/\/$/, "").split("/").pop();

export const md5Hex = (data) => createHash("md5").update(data).digest("hex");

/** MD5OfMessageAttributes of an SDK-style attribute map (reference section 8.2). */
export function attributesMd5(attributes) {
  const parts = [];
  const lenPrefixed = (buf) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(buf.length);
    parts.push(len, buf);
  };
  const names = Object.keys(attributes).sort((a, b) =>
    Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
  for (const name of names) {
    const v = attributes[name];
    lenPrefixed(Buffer.from(name, "utf8"));
    lenPrefixed(Buffer.from(v.DataType, "utf8"));
    if (v.StringValue !== undefined) {
      parts.push(Buffer.from([1]));
      lenPrefixed(Buffer.from(v.StringValue, "utf8"));
    } else {
      parts.push(Buffer.from([2]));
      lenPrefixed(Buffer.from(v.BinaryValue));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls fn() until it returns something truthy, for at most timeoutMs. */
export async function waitUntil(fn, timeoutMs, what = "condition", intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last ${JSON.stringify(last)})`);
    }
    await sleep(intervalMs);
  }
}

/**
 * One `spool serve` for a test file: started before its tests, stopped after them (it must
 * still be alive then and exit 0 on SIGTERM). `onReady(server, sqs)` receives the server and an
 * SQS client for it.
 */
export function useSuiteServer(onReady) {
  let server;
  let sqs;
  before(async () => {
    server = await startServer();
    sqs = makeClient(server.endpoint);
    onReady(server, sqs);
  });
  after(async () => {
    sqs?.destroy();
    if (server) {
      const alive = server.alive();
      const code = await server.stop();
      assert.ok(alive, "spool serve died during the suite");
      assert.equal(code, 0, "spool serve must exit 0 on SIGTERM");
    }
  });
}

/**
 * An IAM user of the server made with `spool users|policies|keys` (the root's CLI), with one
 * inline policy; resolves to its new access key as SDK credentials.
 */
export function createUser(endpoint, user, policyName, policyDocument) {
  const dir = mkdtempSync(join(tmpdir(), "spool-js-user-"));
  const policy = join(dir, "policy.json");
  writeFileSync(policy, JSON.stringify(policyDocument));
  const spool = (...args) => execFileSync(process.env.SPOOL_BIN, args, {
    env: { ...process.env, SPOOL_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey },
    encoding: "utf8",
  });
  spool("users", "create", user);
  spool("policies", "put", user, policyName, policy);
  const keys = Object.fromEntries(spool("keys", "create", user).split("\n")
    .filter((l) => l.includes("=") && !l.startsWith("#")).map((l) => l.split("=", 2)));
  return { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY };
}
