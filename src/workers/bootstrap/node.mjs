// Spool's Node.js runtime. Started as `node node.mjs` with the function's code directory as the
// working directory, it loads the handler named by _HANDLER (or argv[2]) and serves invocations
// over the Lambda Runtime API (2018-06-01) at AWS_LAMBDA_RUNTIME_API, behaving towards handler
// code like AWS's Node runtime client (npm aws-lambda-ric): handler resolution, CommonJS and ES
// modules, async and callback handlers, the context object, console patching, error shapes and
// exit codes. Node built-ins only. README.md beside this file lists the rules and differences.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

const API_BASE = '/2018-06-01/runtime';
const NEXT_PATH = `${API_BASE}/invocation/next`;
const JSON_CONTENT = Object.freeze({ 'Content-Type': 'application/json' });
const EXIT_UNCAUGHT_EXCEPTION = 129;  // also after an init error
const EXIT_UNHANDLED_REJECTION = 128;
const EXIT_RUNTIME_API_FAILURE = 1;
const NEXT_ATTEMPTS = 3;  // consecutive failed /next requests before giving up
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';
const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID_SYMBOL = Symbol.for('aws.lambda.runtime.tenantId');
const STREAMING_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming');

// ---------------------------------------------------------------------------------------------
// Errors: the runtime's own types, and the {errorType, errorMessage, trace} body.

class RuntimeError extends Error {
  // `cause` (optional) is the error being reported; its stack frames become the trace.
  constructor(reason, message, cause) {
    super(message);
    // Not enumerable, as on Error.prototype, so logged errors show it once (as errorType).
    Object.defineProperty(this, 'name', { value: `Runtime.${reason}`, writable: true,
      configurable: true });
    if (cause && typeof cause.stack === 'string') {
      // Keep the cause's frames, and the file:line excerpt Node puts above a SyntaxError.
      const lines = cause.stack.split('\n');
      const header = lines.findIndex((line) => line.startsWith(`${cause.name}:`));
      const location = header > 0 ? lines.slice(0, header).filter((line) => line.trim()) : [];
      const frames = lines.filter((line) => /^\s+at /.test(line));
      this.stack = [`${this.name}: ${message}`, ...location, ...frames].join('\n');
    }
  }
}

function looksLikeError(value) {
  return value && typeof value.name === 'string' && typeof value.message === 'string' &&
    typeof value.stack === 'string';
}

// The body posted to /error and /init/error.
function errorResponse(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while ' +
        'retrieving one or more of its message, name, and stack',
    };
  }
}

function asError(value) {
  return value instanceof Error ? value : new Error(value);
}

// Header values must be visible ASCII; an error name that is not is left out of the header.
function headerSafe(text) {
  return typeof text === 'string' && /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

// ---------------------------------------------------------------------------------------------
// Logging: console.* patched to Lambda's text or JSON lines (or frames on the telemetry fd).

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1, frameBits: 4 },
  DEBUG: { name: 'DEBUG', priority: 2, frameBits: 8 },
  INFO: { name: 'INFO', priority: 3, frameBits: 12 },
  WARN: { name: 'WARN', priority: 4, frameBits: 16 },
  ERROR: { name: 'ERROR', priority: 5, frameBits: 20 },
  FATAL: { name: 'FATAL', priority: 6, frameBits: 24 },
};
const FRAME_TEXT = 0xa55a0003;
const FRAME_JSON = 0xa55a0002;

const jsonFormat = (process.env.AWS_LAMBDA_LOG_FORMAT ?? '').toUpperCase() === 'JSON';

function currentRequestId() { return globalThis[REQUEST_ID_SYMBOL]; }

function errorAsJsonValue(error) {
  return {
    errorType: error?.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : error.stack,
    ...error,
  };
}

function jsonLine(time, level, params) {
  const record = { timestamp: time, level: level.name, requestId: currentRequestId() };
  const tenantId = globalThis[TENANT_ID_SYMBOL];
  if (tenantId != null) record.tenantId = tenantId;
  if (params.length === 1) {
    record.message = params[0];
    try {
      return JSON.stringify(record, (_key, value) =>
        value instanceof Error ? errorAsJsonValue(value) : value);
    } catch {
      record.message = util.format(params[0]);
      return JSON.stringify(record);
    }
  }
  record.message = util.format(...params);
  const error = params.find((param) => param instanceof Error);
  if (error) {
    record.errorType = error.constructor?.name ?? 'UnknownError';
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(record);
}

function makeLogWriter() {
  const fdText = process.env._LAMBDA_TELEMETRY_LOG_FD;
  delete process.env._LAMBDA_TELEMETRY_LOG_FD;
  if (fdText !== undefined) {
    const fd = Number.parseInt(fdText, 10);
    const header = Buffer.alloc(16);
    return (level, params) => {
      const now = new Date();
      const time = now.toISOString();
      const text = jsonFormat ? jsonLine(time, level, params)
        : `${time}\t${currentRequestId()}\t${level.name}\t${util.format(...params)}\n`;
      const bytes = Buffer.from(text, 'utf8');
      header.writeUInt32BE(((jsonFormat ? FRAME_JSON : FRAME_TEXT) | level.frameBits) >>> 0, 0);
      header.writeUInt32BE(bytes.length, 4);
      header.writeBigUInt64BE(BigInt(now.getTime()) * 1000n, 8);
      fs.writeSync(fd, header);
      fs.writeSync(fd, bytes);
    };
  }
  return (level, params) => {
    const time = new Date().toISOString();
    const line = jsonFormat ? jsonLine(time, level, params)
      : `${time}\t${currentRequestId()}\t${level.name}\t${util.format(...params)}`;
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  };
}

function patchConsole() {
  const write = makeLogWriter();
  const threshold = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()] ?? LEVELS.TRACE;
  const methods = [['trace', LEVELS.TRACE], ['debug', LEVELS.DEBUG], ['info', LEVELS.INFO],
    ['warn', LEVELS.WARN], ['error', LEVELS.ERROR], ['fatal', LEVELS.FATAL]];
  for (const [method, level] of methods) {
    const enabled = level === LEVELS.FATAL || level.priority >= threshold.priority;
    console[method] = enabled ? (message, ...params) => write(level, [message, ...params]) : () => {};
  }
  console.log = console.info;
}

// "Invoke Error", "Uncaught Exception", ...: the error as JSON after the label (text format),
// or the error object as the message (JSON format).
function logError(label, value) {
  const error = asError(value);
  if (jsonFormat) {
    console.error(error);
    return;
  }
  let detail;
  try {
    detail = JSON.stringify(error, (_key, v) => {
      if (!(v instanceof Error)) return v;
      const out = { errorType: v.name, errorMessage: v.message, code: v.code, ...v };
      if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
      return out;
    });
  } catch {
    detail = JSON.stringify(errorResponse(error));
  }
  console.error(label, '\t' + detail);
}

// ---------------------------------------------------------------------------------------------
// The Runtime API client: HTTP/1.1 over one persistent TCP connection, no client-side timeouts.
//
// Node's `http` module cost more CPU per invocation than all the rest of this runtime (agent
// bookkeeping, readable and writable streams, headers set and checked one by one), so it speaks
// the part of HTTP/1.1 the Runtime API needs over a `net` socket itself: one request at a time,
// each written with one write; a response is a status line, headers and a Content-Length body
// (a body without Content-Length runs to the end of the connection). Incoming bytes land in one
// reused buffer (`onread`), not in stream chunks. Streamed responses (rare) still go through
// `http`, on a connection of their own.

const READ_BUFFER_BYTES = 64 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;

// The connection ended before the whole response came (messages as `http`'s).
function connectionClosedError(message) {
  const err = new Error(message);
  err.code = 'ECONNRESET';
  return err;
}

function protocolError(message) {
  const err = new Error(`Runtime API protocol error: ${message}`);
  err.code = 'EPROTO';
  return err;
}

class RuntimeApi {
  constructor(hostPort) {
    const match = /^\[?(.*?)\]?:(\d+)$/.exec(hostPort);
    if (!match) throw new Error(`AWS_LAMBDA_RUNTIME_API is not host:port: '${hostPort}'`);
    this.host = match[1];
    this.port = Number(match[2]);
    this.hostHeader = `Host: ${hostPort}\r\n`;
    this.socket = null;     // the connection, once opened; null after it closed
    this.reused = false;    // the connection has carried a whole exchange
    this.active = null;     // the request on the wire: {message, resolve, reject, reused, retried}
    this.queue = [];        // requests waiting for it (the runtime makes one at a time anyway)
    this.response = null;   // the response being read, once its head is in
    this.headPart = null;   // the bytes of an incomplete response head
    this.readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.streamAgent = null;
  }

  // Resolves to {status, headers (lower-case names), body} once the whole response has arrived.
  // A request that fails on a reused connection (the server closed it while idle) is sent once
  // more on a new one.
  request(method, urlPath, body, headers) {
    let message = `${method} ${urlPath} HTTP/1.1\r\n${this.hostHeader}`;
    if (headers !== undefined) {
      for (const name in headers) message += `${name}: ${headers[name]}\r\n`;
    }
    message += body === undefined ? '\r\n'
      : `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      const request = { message, resolve, reject, reused: false, retried: false };
      if (this.active === null) this.send(request);
      else this.queue.push(request);
    });
  }

  send(request) {
    this.active = request;
    let socket = this.socket;
    if (socket === null) socket = this.connect();
    else socket.ref();  // a request in flight keeps the process alive; an idle connection not
    request.reused = this.reused;
    socket.write(request.message, 'utf8');
  }

  sendQueued() {
    if (this.active === null && this.queue.length > 0) this.send(this.queue.shift());
  }

  connect() {
    const socket = net.connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      onread: {
        buffer: this.readBuffer,
        callback: (length, buffer) => { this.onRead(socket, buffer, length); },
      },
    });
    socket.on('end', () => this.onEnd(socket));
    socket.on('error', (err) => this.onClose(socket, err));
    socket.on('close', () => this.onClose(socket, null));
    this.socket = socket;
    this.reused = false;
    this.response = null;
    this.headPart = null;
    return socket;
  }

  // Drops the connection (the next request opens a new one).
  disconnect() {
    const socket = this.socket;
    this.socket = null;
    this.response = null;
    this.headPart = null;
    if (socket !== null) socket.destroy();
  }

  onRead(socket, buffer, length) {
    if (socket !== this.socket) return;
    let data = buffer.subarray(0, length);  // the buffer is reused: what is past `length` is stale
    let offset = 0;
    try {
      while (offset < data.length) {
        if (this.active === null) {
          // Bytes nobody asked for: the stream cannot be trusted any more.
          this.disconnect();
          break;
        }
        if (this.response !== null) {
          offset = this.readBody(data, offset);
          continue;
        }
        if (this.headPart !== null) {
          data = Buffer.concat([this.headPart, data.subarray(offset)]);
          offset = 0;
          this.headPart = null;
        }
        const stop = data.indexOf('\r\n\r\n', offset, 'latin1');
        if (stop < 0) {
          if (data.length - offset > MAX_HEAD_BYTES) throw protocolError('response head too large');
          this.headPart = Buffer.from(data.subarray(offset));  // a copy, for the next read
          break;
        }
        this.readHead(data.toString('latin1', offset, stop));
        offset = stop + 4;
      }
    } catch (err) {
      const request = this.active;
      this.active = null;
      this.disconnect();
      if (request !== null) request.reject(err);
    }
    this.sendQueued();
  }

  readHead(head) {
    const lines = head.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0]);
    if (status === null) throw protocolError(`bad status line '${lines[0].slice(0, 100)}'`);
    const code = Number(status[1]);
    if (code < 200) return;  // an interim response: the final one follows
    const headers = {};
    for (let i = 1; i < lines.length; ++i) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0) throw protocolError(`bad header line '${line.slice(0, 100)}'`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers[name];
      headers[name] = typeof previous === 'string' ? `${previous}, ${value}` : value;
    }
    if (headers['transfer-encoding'] !== undefined) {
      throw protocolError(`unsupported Transfer-Encoding '${headers['transfer-encoding']}'`);
    }
    let bodyLength = -1;  // to the end of the connection
    const lengthText = headers['content-length'];
    if (lengthText !== undefined) {
      if (!/^\d{1,15}$/.test(lengthText)) throw protocolError(`bad Content-Length '${lengthText}'`);
      bodyLength = Number(lengthText);
    }
    if (code === 204 || code === 304) bodyLength = 0;
    this.response = { status: code, headers, bodyLength, received: 0, parts: null };
    if (bodyLength === 0) this.finish('');
  }

  // Takes body bytes from data, starting at offset; returns the offset after them.
  readBody(data, offset) {
    const response = this.response;
    if (response.bodyLength < 0) {
      (response.parts ??= []).push(Buffer.from(data.subarray(offset)));
      return data.length;
    }
    const wanted = response.bodyLength - response.received;
    const available = data.length - offset;
    if (response.parts === null && available >= wanted) {
      this.finish(data.toString('utf8', offset, offset + wanted));  // the whole body in one read
      return offset + wanted;
    }
    response.parts ??= Buffer.allocUnsafe(response.bodyLength);
    const taken = Math.min(wanted, available);
    data.copy(response.parts, response.received, offset, offset + taken);
    response.received += taken;
    if (response.received === response.bodyLength) this.finish(response.parts.toString('utf8'));
    return offset + taken;
  }

  finish(body) {
    const { status, headers, bodyLength } = this.response;
    const request = this.active;
    this.response = null;
    this.active = null;
    this.reused = true;
    if (bodyLength < 0 || /(?:^|,)\s*close\s*(?:,|$)/i.test(headers.connection ?? '')) {
      this.disconnect();
    } else {
      this.socket.unref();
    }
    request.resolve({ status, headers, body });
  }

  // The server ended the connection: a body that runs to the end is complete.
  onEnd(socket) {
    if (socket !== this.socket || this.response === null || this.response.bodyLength >= 0) return;
    const parts = this.response.parts;
    this.finish(parts === null ? '' : Buffer.concat(parts).toString('utf8'));
    this.sendQueued();
  }

  onClose(socket, err) {
    if (socket !== this.socket) return;
    const answered = this.response !== null;  // the response's head had come (as `http`)
    this.disconnect();
    const request = this.active;
    if (request === null) return;
    this.active = null;
    if (request.reused && !request.retried && !answered) {
      request.retried = true;
      this.send(request);
      return;
    }
    request.reject(err ?? connectionClosedError(answered ? 'aborted' : 'socket hang up'));
    this.sendQueued();
  }

  // The next event: {headers (lower-case names), body}. Connection failures and responses
  // without a request id are retried; an HTTP error status means the server wants us gone.
  async next() {
    let lastError;
    for (let attempt = 0; attempt < NEXT_ATTEMPTS; ++attempt) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      let res;
      try {
        res = await this.request('GET', NEXT_PATH);
      } catch (err) {
        lastError = err;
        continue;
      }
      if (res.status !== 200) {
        throw new Error(`GET /next answered ${res.status}: ${res.body.slice(0, 200)}`);
      }
      if (res.headers['lambda-runtime-aws-request-id']) return res;
      lastError = new Error('GET /next answered without Lambda-Runtime-Aws-Request-Id');
    }
    throw lastError;
  }

  postResponse(id, body) {
    return this.request('POST', `${API_BASE}/invocation/${encodeURIComponent(id)}/response`,
      body, JSON_CONTENT);
  }

  postError(id, response) {
    return this.postErrorTo(`${API_BASE}/invocation/${encodeURIComponent(id)}/error`, response);
  }

  postInitError(response) {
    return this.postErrorTo(`${API_BASE}/init/error`, response);
  }

  postErrorTo(urlPath, response) {
    const headers = { 'Content-Type': 'application/json' };
    const type = headerSafe(response.errorType);
    if (type) headers[ERROR_TYPE_HEADER] = type;
    return this.request('POST', urlPath, JSON.stringify(response), headers);
  }

  // A streamed response (workers.md 3.7), through `http` on a keep-alive connection of its own:
  // the request is the handler's responseStream; `finished` resolves when the server has
  // answered it.
  openResponseStream(id) {
    const http = require('node:http');
    this.streamAgent ??= new http.Agent({ keepAlive: true, maxSockets: 1 });
    let request;
    const finished = new Promise((resolve, reject) => {
      request = http.request({
        host: this.host, port: this.port, method: 'POST', agent: this.streamAgent,
        path: `${API_BASE}/invocation/${encodeURIComponent(id)}/response`,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Lambda-Runtime-Function-Response-Mode': 'streaming',
          'Transfer-Encoding': 'chunked',
          Trailer: `${ERROR_TYPE_HEADER}, ${ERROR_BODY_TRAILER}`,
        },
      }, (res) => { res.resume(); res.on('end', resolve); res.on('error', reject); });
      request.on('error', reject);
    });
    request.setContentType = (type) => {
      if (request.headersSent) {
        throw new RuntimeError('InvalidStreamingOperation', 'Cannot set content-type, too late.');
      }
      request.setHeader('Content-Type', type);
    };
    return { stream: request, finished };
  }
}

// ---------------------------------------------------------------------------------------------
// Loading the handler (aws-lambda-ric's rules; see README.md).

function installAwslambdaGlobal() {
  const flag = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (flag === '1' || flag === 'true') return;
  globalThis.awslambda = {
    streamifyResponse(handler) {
      handler[STREAMING_SYMBOL] = 'response';
      return handler;
    },
    HttpResponseStream: {
      from(stream, prelude) {
        stream.setContentType('application/vnd.awslambda.http-integration-response');
        stream.write(JSON.stringify(prelude));
        stream.write(Buffer.alloc(8));
        return stream;
      },
    },
  };
}

// Whether the nearest package.json above `folder` says "type": "module". The walk stops at a
// node_modules folder and at the filesystem root.
function inModuleScope(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (path.basename(dir) === 'node_modules') return false;
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
      } catch (err) {
        console.warn(`${manifest} cannot be read, it will be ignored for ES module detection ` +
          'purposes.', err);
        return false;
      }
    }
    if (dir === path.dirname(dir)) return false;
  }
}

const importFile = (file) => import(pathToFileURL(file).href);

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  if (fs.existsSync(base)) return require(base);
  if (fs.existsSync(`${base}.js`)) {
    return inModuleScope(path.dirname(base)) ? importFile(`${base}.js`) : require(`${base}.js`);
  }
  if (fs.existsSync(`${base}.mjs`)) return importFile(`${base}.mjs`);
  if (fs.existsSync(`${base}.cjs`)) return require(`${base}.cjs`);
  // Node's own resolution of a bare name, e.g. a package in node_modules.
  const resolved = require.resolve(moduleName, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] });
  try {
    return require(resolved);
  } catch (err) {
    if (err.code === 'ERR_REQUIRE_ESM') return importFile(resolved);
    throw err;
  }
}

async function loadHandler(appRoot, handlerString) {
  if (!handlerString) {
    throw new RuntimeError('MalformedHandlerName', 'No handler specified (set _HANDLER)');
  }
  if (handlerString.includes('..')) {
    throw new RuntimeError('MalformedHandlerName', `'${handlerString}' is not a valid handler ` +
      'name. Use absolute paths when specifying root directories in handler names.');
  }
  const moduleAndExport = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - moduleAndExport.length);
  const dot = moduleAndExport.indexOf('.');
  if (dot <= 0 || dot === moduleAndExport.length - 1) {
    throw new RuntimeError('MalformedHandlerName', 'Bad handler');
  }
  const moduleName = moduleAndExport.slice(0, dot);
  const exportPath = moduleAndExport.slice(dot + 1);

  installAwslambdaGlobal();
  let app;
  try {
    app = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError('UserCodeSyntaxError', String(err), err);
    if (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND') {
      throw new RuntimeError('ImportModuleError', String(err), err);
    }
    throw err;
  }
  const handler = exportPath.split('.').reduce((object, key) => object && object[key], app);
  if (!handler) {
    throw new RuntimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw new RuntimeError('HandlerNotFound', `${handlerString} is not a function`);
  }
  return handler;
}

// ---------------------------------------------------------------------------------------------
// Invocations.

let api;
let handler;
let initialised = false;  // the handler loaded; errors now belong to invocations
let current = null;       // the Invocation whose outcome is not yet posted (or being posted)
let dying = false;
// What to do when the event loop runs out of work ('beforeExit'): post the pending result of a
// callback handler (callbackWaitsForEmptyEventLoop), or null for a handler that never answered.
let whenIdle = null;

function isPromise(value) {
  return value != null && typeof value.then === 'function';
}

function parseJsonHeader(text, name) {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err}`);
  }
}

function runtimeApiFailed(err) {
  process.stderr.write(`Spool Node.js runtime: Runtime API request failed: ${err?.message ?? err}\n`);
  process.exit(EXIT_RUNTIME_API_FAILURE);
}

function scheduleNext() {
  setImmediate(() => api.next().then(invoke, runtimeApiFailed));
}

class Invocation {
  constructor(id) {
    this.id = id;
    this.answered = false;  // callback/done/succeed/fail or the promise settled: first one wins
    this.posting = null;    // the post of the outcome, once started
    this.waitsForEmptyEventLoop = true;
    this.callback = this.callback.bind(this);
    this.done = this.done.bind(this);
    this.succeed = (result) => this.done(null, result);
    this.fail = (err) => this.done(err ?? 'handled');
  }

  context(headers) {
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    const invocation = this;
    return {
      get callbackWaitsForEmptyEventLoop() { return invocation.waitsForEmptyEventLoop; },
      set callbackWaitsForEmptyEventLoop(value) { invocation.waitsForEmptyEventLoop = value; },
      succeed: this.succeed,
      fail: this.fail,
      done: this.done,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
      identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: this.id,
      tenantId: headers['lambda-runtime-aws-tenant-id'],
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
  }

  // The third handler argument. A result waits for the empty event loop unless the handler set
  // context.callbackWaitsForEmptyEventLoop = false; an error is posted at once.
  callback(err, result) {
    if (this.answered) return;
    this.answered = true;
    if (err !== undefined && err !== null) {
      this.postError(err);
    } else if (!this.waitsForEmptyEventLoop) {
      this.postResult(result);
    } else {
      whenIdle = () => setImmediate(() => this.postResult(result));
    }
  }

  // context.done/succeed/fail and a settled promise: posted at once.
  done(err, result) {
    if (this.answered) return;
    this.answered = true;
    if (err !== undefined && err !== null) this.postError(err);
    else this.postResult(result);
  }

  postResult(result) {
    if (this.posting) {
      console.error('Invocation has already been reported as done. Cannot call complete more ' +
        'than once per invocation.');
      return;
    }
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch {
      this.postError(new Error('Unable to stringify response body'));
      return;
    }
    this.settle(api.postResponse(this.id, typeof body === 'string' ? body : 'null'));
  }

  postError(err) {
    if (this.posting) return;
    logError('Invoke Error', err);
    this.settle(api.postError(this.id, errorResponse(err)));
  }

  settle(post) {
    whenIdle = null;
    this.posting = post;
    post.then(() => {
      if (current === this) current = null;
      if (!dying) scheduleNext();
    }, runtimeApiFailed);
  }
}

function invoke({ headers, body }) {
  const id = headers['lambda-runtime-aws-request-id'];
  globalThis[REQUEST_ID_SYMBOL] = id;
  globalThis[TENANT_ID_SYMBOL] = headers['lambda-runtime-aws-tenant-id'];
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;

  const invocation = new Invocation(id);
  current = invocation;
  if (handler[STREAMING_SYMBOL] === 'response') {
    invokeStreaming(invocation, headers, body);
    return;
  }
  whenIdle = () => { invocation.answered = true; invocation.postResult(null); };
  try {
    const event = JSON.parse(body);
    const result = handler(event, invocation.context(headers), invocation.callback);
    if (isPromise(result)) result.then(invocation.succeed, invocation.fail);
  } catch (err) {
    invocation.callback(err);
  }
}

async function invokeStreaming(invocation, headers, body) {
  const { stream, finished } = api.openResponseStream(invocation.id);
  invocation.answered = true;
  invocation.settle(finished);
  try {
    const event = JSON.parse(body);
    const result = handler(event, stream, invocation.context(headers));
    if (!isPromise(result)) {
      throw new RuntimeError('MalformedStreamingHandler',
        'Streaming does not support non-async handlers.');
    }
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
    if (!stream.writableEnded) throw new Error('Response stream is not finished.');
  } catch (err) {
    logError('Invoke Error', err);
    if (stream.writableEnded) return;
    const response = errorResponse(err);
    stream.addTrailers({
      [ERROR_TYPE_HEADER]: headerSafe(response.errorType) ?? 'Runtime.Unknown',
      [ERROR_BODY_TRAILER]: Buffer.from(JSON.stringify(response)).toString('base64'),
    });
    stream.end();
  }
}

// An error nobody caught: report it where it belongs (init, or the open invocation), then exit.
function die(error, exitCode) {
  if (dying) return;
  dying = true;
  let pending;
  if (!initialised) {
    pending = api.postInitError(errorResponse(error));
  } else if (current && !current.posting) {
    current.answered = true;
    current.posting = pending = api.postError(current.id, errorResponse(error));
  } else if (current) {
    pending = current.posting;
  }
  Promise.resolve(pending).catch(() => {}).then(() => process.exit(exitCode));
}

function unhandledRejectionError(reason) {
  const error = new RuntimeError('UnhandledPromiseRejection', String(reason), reason);
  error.reason = reason;
  return error;
}

async function main() {
  patchConsole();
  try {
    api = new RuntimeApi(process.env.AWS_LAMBDA_RUNTIME_API ?? '');
  } catch (err) {
    process.stderr.write(`Spool Node.js runtime: ${err.message}\n`);
    process.exit(EXIT_RUNTIME_API_FAILURE);
  }
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    die(error, EXIT_UNCAUGHT_EXCEPTION);
  });
  process.on('unhandledRejection', (reason) => {
    const error = unhandledRejectionError(reason);
    logError('Unhandled Promise Rejection', error);
    die(error, EXIT_UNHANDLED_REJECTION);
  });
  process.on('beforeExit', () => {
    const action = whenIdle;
    whenIdle = null;
    if (action) action();
  });

  try {
    handler = await loadHandler(process.cwd(), process.argv[2] ?? process.env._HANDLER);
  } catch (error) {
    logError('Uncaught Exception', error);
    die(error, EXIT_UNCAUGHT_EXCEPTION);
    return;
  }
  initialised = true;
  scheduleNext();
}

main();
