// The orders demo (examples/orders) end to end, through a real browser: Debian's headless
// Chromium driven by playwright-core. One `spool serve` with the demo stack applied
// (`spool apply examples/orders/spool.toml`), the web app `orders-web` (built beside $SPOOL_BIN)
// on a free loopback port, and the page used as a customer would: an order placed in the form
// is confirmed in the worker's log; an empty field and a bad quantity show their errors and
// enqueue nothing; a poison order is accepted, fails in the worker maxReceiveCount times and
// lands in orders-dlq; with Spool stopped the page shows the 503 message; orders-web exits 0 on
// SIGTERM and on SIGINT (Ctrl-C). Screenshots of the page are kept in test-artifacts/demo/.

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";

import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { chromium } from "playwright-core";

import { CREDENTIALS, makeClient, startServer, waitUntil } from "./lib/spool.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const STACK = join(ROOT, "examples", "orders", "spool.toml");
const ARTIFACTS = join(ROOT, "test-artifacts", "demo");
const CHROMIUM = "/usr/bin/chromium";
const STEP_TIMEOUT_MS = 15000; // one browser action, one command, one process start or stop

/** A free loopback port: bind port 0, read the port, release it. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Runs `spool ARGS...` against the server as root; resolves to {code, stdout, stderr}. */
function spool(endpoint, args, timeoutMs = STEP_TIMEOUT_MS) {
  const env = {
    ...process.env,
    SPOOL_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  return new Promise((resolveRun) => {
    execFile(process.env.SPOOL_BIN, args, { env, cwd: ROOT, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : `${error.signal ?? error.message}`) : 0;
        resolveRun({ code, stdout, stderr });
      });
  });
}

/** Starts orders-web on a free loopback port; resolves once it printed its `listening` line. */
async function startWeb(bin, endpoint) {
  const port = await freePort();
  const child = spawn(bin, ["--listen", `127.0.0.1:${port}`, "--endpoint-url", endpoint], {
    // The bootstrap credentials (root's key, from lib/spool.mjs) reach it through the
    // environment; the shared credentials file is /dev/null.
    env: { ...process.env, AWS_REGION: "us-east-1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  let exited = null;
  const exit = new Promise((resolveExit) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolveExit(exited);
    });
  });
  const web = {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    alive: () => exited === null,
    /** Sends `signal` and waits for the exit (SIGKILL after the deadline); resolves to {code, signal}. */
    async stop(signal = "SIGTERM") {
      if (exited) return exited;
      child.kill(signal);
      let timer;
      const late = new Promise((r) => { timer = setTimeout(() => r(null), STEP_TIMEOUT_MS); });
      const result = await Promise.race([exit, late]);
      clearTimeout(timer);
      if (result === null) {
        child.kill("SIGKILL");
        await exit;
        return { code: null, signal: `did not exit within ${STEP_TIMEOUT_MS} ms of ${signal}` };
      }
      return result;
    },
  };
  try {
    await waitUntil(() => {
      if (exited) throw new Error(`orders-web exited early (${JSON.stringify(exited)}):\n${output}`);
      return /orders-web listening on http:\/\/127\.0\.0\.1:\d+/.test(output);
    }, STEP_TIMEOUT_MS, "orders-web's 'listening on' line", 50);
  } catch (e) {
    await web.stop("SIGKILL");
    throw new Error(`${e.message}\n--- orders-web output ---\n${output}`);
  }
  return web;
}

describe("orders demo in a browser", () => {
  let server;
  let sqs;
  let web;
  let browser;
  let page;
  let placeOrderRequests = 0; // POST /api/placeOrder requests the page made

  /**
   * Wraps a test body: afterwards the page's screenshot is kept (unless `shot` is false); on
   * failure one is kept as NAME-FAILED.png and the servers' output is attached to the error.
   */
  const step = (name, fn, { shot = true } = {}) => async () => {
    const spoolLogStart = server?.logSize() ?? 0;
    const webLogStart = web?.output().length ?? 0;
    try {
      await fn();
      if (shot) await screenshot(name);
    } catch (e) {
      await screenshot(`${name}-FAILED`).catch(() => {});
      const note = `\n--- orders-web output during this test ---\n${web?.output().slice(webLogStart) || "(empty)"}` +
        `\n--- spool serve stderr during this test ---\n${server?.logSince(spoolLogStart) || "(empty)"}`;
      try {
        e.message = `${e.message}${note}`;
      } catch {
        console.error(note);
      }
      throw e;
    }
  };

  async function screenshot(name) {
    if (!page || page.isClosed()) return;
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, timeout: STEP_TIMEOUT_MS });
  }

  /** Fills the form (a null leaves the field empty), submits it, returns the shown message. */
  async function placeOrder({ name, address, quantity }, expect = "ok") {
    await page.goto(web.url, { timeout: STEP_TIMEOUT_MS });
    if (name !== null) await page.fill("#name", name);
    if (address !== null) await page.fill("#address", address);
    await page.fill("#quantity", quantity === null ? "" : String(quantity));
    await page.click("#submit");
    const message = page.locator(`#message.message.${expect}`);
    await message.waitFor({ state: "visible", timeout: STEP_TIMEOUT_MS });
    return (await message.textContent()).trim();
  }

  /** Fills and submits the form, expecting a request; resolves to {status, body, message}. */
  async function placeOrderSeen(order, expect) {
    const response = page.waitForResponse((r) => r.url().endsWith("/api/placeOrder"),
      { timeout: STEP_TIMEOUT_MS });
    const message = await placeOrder(order, expect);
    const r = await response;
    return { status: r.status(), body: await r.json(), message };
  }

  /** The worker's log (`spool logs handle-order`), "" while it has none. */
  async function workerLog() {
    const r = await spool(server.endpoint, ["logs", "handle-order", "--since", "1h"]);
    return r.code === 0 ? r.stdout : "";
  }

  const orderUrl = async (name) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;

  async function depth(queueUrl) {
    const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }));
    return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible)];
  }

  before(async () => {
    // Nothing is skipped: without the browser or the web app the suite fails and says why.
    assert.ok(existsSync(CHROMIUM),
      `${CHROMIUM} is missing: the browser test needs Debian's chromium (scripts/install-deps.sh installs it)`);
    const build = dirname(dirname(dirname(process.env.SPOOL_BIN ?? "/")));
    const webBin = join(build, "examples", "orders", "web", "orders-web");
    assert.ok(existsSync(webBin), `${webBin} is missing: orders-web is built with the project, beside spool`);
    rmSync(ARTIFACTS, { recursive: true, force: true }); // only this run's screenshots
    mkdirSync(ARTIFACTS, { recursive: true });

    server = await startServer();
    sqs = makeClient(server.endpoint);
    const applied = await spool(server.endpoint, ["apply", STACK], 60000);
    assert.equal(applied.code, 0, `spool apply failed:\n${applied.stdout}\n${applied.stderr}`);

    web = await startWeb(webBin, server.endpoint);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30000,
      // Root cannot use Chromium's sandbox; every host but 127.0.0.1 resolves to nothing.
      args: ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    });
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    page = await context.newPage();
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/placeOrder") placeOrderRequests += 1;
    });
  }, { timeout: 120000 });

  after(async () => {
    await browser?.close().catch(() => {});
    if (web?.alive()) await web.stop("SIGKILL");
    sqs?.destroy();
    if (server?.alive()) await server.stop();
  }, { timeout: 60000 });

  test("an order placed in the form is confirmed in the worker's log", { timeout: 90000 },
    step("1-order-placed", async () => {
      const name = `Ada Lovelace ${Date.now() % 100000}`;
      const { status, body, message } = await placeOrderSeen(
        { name, address: "12 Analytical Engine Row, London", quantity: 2 }, "ok");
      assert.equal(status, 200);
      assert.match(body.orderId, /^ord-[0-9a-f]+$/);
      assert.ok(body.messageId, JSON.stringify(body));
      assert.equal(message, `Thank you, ${name}! Your order ${body.orderId} has been placed.`);
      assert.match(web.output(), new RegExp(`order ${body.orderId} placed: 2 x \\S+ for ${name} \\(message ${body.messageId}\\)`));
      // The form is cleared for the next order.
      assert.equal(await page.inputValue("#name"), "");

      const line = `confirmation sent to ${name} for order ${body.orderId} (`;
      const log = await waitUntil(async () => {
        const text = await workerLog();
        return text.includes(line) ? text : null;
      }, 30000, `"${line}" in spool logs handle-order`, 500);
      assert.equal(log.split(line).length - 1, 1, "the order is confirmed once");
    }));

  test("an empty field shows an error and sends nothing", { timeout: 60000 },
    step("2-field-missing", async () => {
      const before = placeOrderRequests;
      const output = web.output().length;
      for (const order of [
        { name: "Grace Hopper", address: null, quantity: 3 },
        { name: null, address: "1 Harbour Road", quantity: 3 },
        { name: "Grace Hopper", address: "   ", quantity: 3 },
        { name: "Grace Hopper", address: "1 Harbour Road", quantity: null },
      ]) {
        const message = await placeOrder(order, "error");
        assert.equal(message, "A required field is missing.", JSON.stringify(order));
      }
      // Checked in the page before any request: none reached the app, nothing was enqueued.
      assert.equal(placeOrderRequests, before, "the page sent no order");
      assert.doesNotMatch(web.output().slice(output), /order/);
    }));

  test("a bad quantity shows the server's message and enqueues nothing", { timeout: 60000 },
    step("3-bad-quantity", async () => {
      for (const quantity of [0, 5000]) {
        const output = web.output().length;
        const { status, body, message } = await placeOrderSeen(
          { name: "Alan Turing", address: "Bletchley Park", quantity }, "error");
        assert.equal(status, 400, JSON.stringify(body));
        assert.equal(body.error, "The quantity must be from 1 to 1000.");
        assert.equal(message, body.error);
        const said = web.output().slice(output);
        assert.match(said, /order refused: The quantity must be from 1 to 1000\./);
        assert.doesNotMatch(said, /placed/);
      }
    }));

  test("a poison order is accepted, fails maxReceiveCount times and lands in orders-dlq",
    { timeout: 120000 }, step("4-poison-order", async () => {
      const name = "Poison Ivy";
      const { status, body, message } = await placeOrderSeen(
        { name, address: "Greenhouse 3", quantity: 99 }, "ok");
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(message, `Thank you, ${name}! Your order ${body.orderId} has been placed.`);

      const dlq = await orderUrl("orders-dlq");
      await waitUntil(async () => (await depth(dlq))[0] === 1, 60000, "the poison order in orders-dlq", 500);
      const got = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ["All"],
      }));
      assert.equal(got.Messages?.length, 1);
      const [dead] = got.Messages;
      assert.equal(dead.MessageId, body.messageId);
      assert.equal(JSON.parse(dead.Body).id, body.orderId);
      assert.equal(JSON.parse(dead.Body).quantity, 99);
      assert.deepEqual(await depth(await orderUrl("orders")), [0, 0], "nothing is left in orders");

      // The worker logged each of the maxReceiveCount (3) failures and never confirmed it.
      const failed = await waitUntil(async () => {
        const lines = (await workerLog()).split("\n")
          .filter((l) => l.includes('"order_failed"') && l.includes(body.messageId));
        return lines.length >= 3 ? lines : null;
      }, 30000, "three order_failed lines for the poison order", 500);
      assert.equal(failed.length, 3, failed.join("\n"));
      for (const l of failed) assert.match(l, /quantity 99 is above 50/);
      const counts = failed.map((l) => /"receiveCount":"(\d+)"/.exec(l)?.[1]).sort();
      assert.deepEqual(counts, ["1", "2", "3"], failed.join("\n"));
      assert.ok(!(await workerLog()).includes(`for order ${body.orderId} (`), "never confirmed");
    }));

  test("orders-web exits 0 on SIGTERM with a browser connected", { timeout: 60000 },
    step("5-sigterm", async () => {
      // A second instance, so that the main one serves the last test.
      const build = dirname(dirname(dirname(process.env.SPOOL_BIN)));
      const other = await startWeb(join(build, "examples", "orders", "web", "orders-web"), server.endpoint);
      try {
        const tab = await page.context().newPage();
        await tab.goto(other.url, { timeout: STEP_TIMEOUT_MS }); // keeps a connection open
        const exit = await other.stop("SIGTERM");
        await tab.close();
        assert.deepEqual(exit, { code: 0, signal: null }, other.output());
        assert.match(other.output(), /orders-web stopped/);
      } finally {
        if (other.alive()) await other.stop("SIGKILL");
      }
    }, { shot: false }));

  test("with Spool stopped the page shows the failure; Ctrl-C then stops orders-web", { timeout: 90000 },
    step("6-spool-unavailable", async () => {
      await page.goto(web.url, { timeout: STEP_TIMEOUT_MS });
      assert.equal(await server.stop(), 0, "spool serve exits 0 on SIGTERM");
      const output = web.output().length;
      const { status, body, message } = await placeOrderSeen(
        { name: "Katherine Johnson", address: "Langley", quantity: 1 }, "error");
      assert.equal(status, 503, JSON.stringify(body));
      assert.match(body.error, /^The order service is unavailable right now, so your order was not placed\./);
      assert.equal(message, body.error);
      assert.match(web.output().slice(output), /order ord-[0-9a-f]+ NOT placed: /);

      // Ctrl-C: SIGINT, while the page still holds a connection.
      const exit = await web.stop("SIGINT");
      assert.deepEqual(exit, { code: 0, signal: null }, web.output());
      assert.match(web.output(), /orders-web stopped/);
    }));
});
