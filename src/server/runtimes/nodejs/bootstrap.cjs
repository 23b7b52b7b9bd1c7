'use strict';
// fnplay's built-in Node.js runtime: the process inside every Node.js instance.
// It speaks the instance protocol (SPEC §4) on the Unix socket $FNPLAY_CA_SOCKET (the service's
// end of the sandbox, SPEC §2a; 127.0.0.1:$FC_SERVER_PORT when unset) and gives user code the
// interfaces FC 2.0's Node.js runtime gives (FC-RUNTIMES §1). Started as `node bootstrap.cjs`
// with cwd = code dir. Only `http` is required up front: the inited line is the cold-start clock.
const http = require('http');
const path = require('path');
const util = require('util');

const CODE_DIR = process.env.FC_FUNC_CODE_PATH || process.cwd();
const HANDLED = ', Error: Handled function error';
const UNHANDLED = ', Error: Unhandled function error';
const DAY_MS = 24 * 3600 * 1000;

// Which FC runtime this is (nodejs8 … nodejs20). All run on the Node.js that runs fnplay; where
// FC's versions behave differently (FC-RUNTIMES §1), the named version's rules apply.
const RUNTIME = process.env.FC_RUNTIME || 'nodejs20';
const NAMED_MAJOR = parseInt(RUNTIME.slice('nodejs'.length), 10) || 20;
// FC's older Node.js runtime (nodejs8–16): only `callback` answers (what an async handler's promise
// resolves to is ignored), errors carry its older names, and user code is CommonJS only.
const LEGACY = NAMED_MAJOR <= 16;
const UNHANDLED_PREFIX = 'FunctionUnhandledError: ';

// console.* has no request of its own: like FC, it stamps the latest request that started here.
let latestRequestId = '';
// Every call still running, so an uncaught error can fail them instead of killing us.
const inflight = new Set();

// ---------------------------------------------------------------- logging

function logLine(requestId, level, args) {
  const msg = `${new Date().toISOString()} ${requestId} [${level}] ${util.format(...args)}`;
  // One record per line: the service splits the log on "\n", so inner newlines become "\r".
  return `${msg.replace(/\n/g, '\r')}\n`;
}

for (const [method, level, stream] of [
  ['log', 'verbose', process.stdout],
  ['info', 'INFO', process.stdout],
  ['debug', 'DEBUG', process.stdout],
  ['warn', 'WARN', process.stderr],
  ['error', 'ERROR', process.stderr],
]) {
  console[method] = (...args) => void stream.write(logLine(latestRequestId, level, args));
}

function makeLogger(requestId) {
  const at = (level) => (...args) => void process.stdout.write(logLine(requestId, level, args));
  // `log` exists in FC's logger (level "silly"); user code calling it must not crash.
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR'), log: at('SILLY') };
}

// ---------------------------------------------------------------- errors

// Errors the runtime raises itself. They carry FC's errorType and, when they wrap a user
// error (syntax error, missing import), that error's stack.
class RuntimeError extends Error {
  constructor(type, message, cause) {
    super(message);
    this.errorType = type;
    this.trace = cause ? stackOf(cause) : [];
  }
}

// The user's part of a stack: the runtime's own frames go, and so do the Node internals that
// called into it (the tail of the stack once our frames are gone).
function stackOf(err) {
  if (typeof err.stack !== 'string') return [];
  const lines = err.stack.split('\n').filter((line) => !line.includes(__filename));
  while (lines.length > 1 && /^\s+at (?:.*\()?node:/.test(lines[lines.length - 1])) lines.pop();
  return lines;
}

function str(x) {
  try {
    return String(x);
  } catch {
    return util.inspect(x); // e.g. Object.create(null) has no toString
  }
}

function unhandledBody(err) {
  const body = unprefixedBody(err);
  // nodejs8–16 name every unhandled error FunctionUnhandledError: <name> (FC-RUNTIMES §1); the
  // stack's first line keeps the plain name.
  if (LEGACY) body.errorType = UNHANDLED_PREFIX + body.errorType;
  return body;
}

function unprefixedBody(err) {
  if (err instanceof RuntimeError) return { errorMessage: err.message, errorType: err.errorType, stackTrace: err.trace };
  if (err !== null && typeof err === 'object' && typeof err.message === 'string') {
    return { errorMessage: err.message, errorType: typeof err.name === 'string' ? err.name : 'Error', stackTrace: stackOf(err) };
  }
  return { errorMessage: str(err), errorType: 'Error', stackTrace: [] };
}

function handledBody(err) {
  if (LEGACY) {
    // nodejs8–16: an Error keeps its name and stack; anything else is a FunctionHandledError.
    if (err instanceof Error) return { errorMessage: err.message, errorType: err.name, stackTrace: stackOf(err) };
    return { errorMessage: str(err), errorType: 'FunctionHandledError' };
  }
  return { errorMessage: err !== null && typeof err === 'object' && typeof err.message === 'string' ? err.message : str(err) };
}

// ---------------------------------------------------------------- loading user code

const modules = new Map(); // handler file -> Promise of its exports, shared by concurrent first calls

function loadFunction(handler) {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    return Promise.reject(new RuntimeError('InvalidHandlerName', `Invalid handler '${handler}'`));
  }
  const file = handler.slice(0, dot);
  const name = handler.slice(dot + 1);
  let loading = modules.get(file);
  if (!loading) {
    process.stdout.write(`load code for handler:${handler}\n`);
    loading = importFile(path.join(CODE_DIR, file)).catch((err) => {
      modules.delete(file); // as with require(), a module that failed to load is tried again next call
      throw loadError(err);
    });
    modules.set(file, loading);
  }
  return loading.then((mod) => {
    if (typeof mod[name] !== 'function') {
      throw new RuntimeError('HandlerNotFound', `Handler '${name}' is missing on module '${file}'`);
    }
    return mod[name];
  });
}

async function importFile(abs) {
  let target;
  try {
    target = require.resolve(abs);
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    // require() never tries ".mjs", but FC's nodejs18+ load index.mjs for the handler "index.x";
    // nodejs8–16 look for index.js only.
    target = `${abs}.mjs`;
    if (LEGACY || !require('fs').existsSync(target)) throw new RuntimeError('ImportModuleError', `Module '${abs}.js' is missing.`);
  }
  // ES modules are nodejs18+ only (FC-RUNTIMES §1): the local Node would load them, FC's older one would not.
  if (LEGACY && isModuleScoped(target)) throw requireEsmError(target);
  let mod;
  try {
    mod = require(target); // Node ≥20.19 require()s most ES modules too
  } catch (err) {
    // ...but not those with top-level await, nor any ES module on older Node versions.
    if (!LEGACY && (err.code === 'ERR_REQUIRE_ESM' || err.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
      return import(require('url').pathToFileURL(target).href);
    }
    if (LEGACY && err.code === 'ERR_REQUIRE_ASYNC_MODULE') throw requireEsmError(target);
    throw err;
  }
  // A .js file in CommonJS scope that the local Node ran as an ES module (it saw import/export):
  // an older Node reads it as CommonJS, where that syntax is an error.
  if (LEGACY && mod !== null && typeof mod === 'object' && mod[Symbol.toStringTag] === 'Module') {
    throw new SyntaxError(`Cannot use import statement outside a module (ES modules need nodejs18 or later; ${RUNTIME} loads CommonJS)`);
  }
  return mod;
}

// A .mjs file, or a .js file whose nearest package.json says "type": "module" (Node's own rule).
function isModuleScoped(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  const fs = require('fs');
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

// What Node ≤16 throws on require() of an ES module.
function requireEsmError(target) {
  const err = new Error(`require() of ES Module ${target} not supported: ${RUNTIME} loads CommonJS only (ES modules need nodejs18 or later)`);
  err.code = 'ERR_REQUIRE_ESM';
  return err;
}

function loadError(err) {
  if (err instanceof SyntaxError) return new RuntimeError('UserCodeSyntaxError', err.message, err);
  if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
    // A dependency of the handler's module; its "Require stack:" would name this file.
    const message = err.message.split('\n').filter((line) => !line.includes(__filename)).join('\n');
    return new RuntimeError('ImportModuleError', message, err);
  }
  return err;
}

// ---------------------------------------------------------------- calls

const int = (v) => (v === undefined ? undefined : parseInt(v, 10));

// FC's header carries the span's baggage as base64 JSON; what does not decode is no baggage (FC's
// runtime logs the failure and goes on). Header names: src/shared/tracing.ts.
function baggagesOf(value) {
  if (!value) return {};
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  process.stderr.write(logLine(latestRequestId, 'WARN', [`Failed to parse base64 opentracing baggages: ${value.slice(0, 200)}`]));
  return {};
}

function makeContext(h) {
  const requestId = h['x-fc-request-id'] || crypto.randomUUID();
  return {
    requestId,
    credentials: {
      accessKeyId: h['x-fc-access-key-id'],
      accessKeySecret: h['x-fc-access-key-secret'],
      securityToken: h['x-fc-security-token'],
    },
    function: {
      name: h['x-fc-function-name'],
      handler: h['x-fc-function-handler'],
      memory: int(h['x-fc-function-memory']),
      timeout: int(h['x-fc-function-timeout']),
      initializer: h['x-fc-function-initializer'],
      initializationTimeout: int(h['x-fc-initialization-timeout']),
    },
    service: {
      name: h['x-fc-service-name'],
      logProject: h['x-fc-service-logproject'],
      logStore: h['x-fc-service-logstore'],
      qualifier: h['x-fc-qualifier'],
      versionId: h['x-fc-version-id'],
    },
    region: h['x-fc-region'],
    accountId: h['x-fc-account-id'],
    retryCount: int(h['x-fc-retry-count']) || 0,
    tracing: {
      openTracingSpanContext: h['x-fc-tracing-opentracing-span-context'],
      openTracingSpanBaggages: baggagesOf(h['x-fc-tracing-opentracing-span-baggages']),
      jaegerEndpoint: h['x-fc-tracing-jaeger-endpoint'],
    },
    logger: makeLogger(requestId),
  };
}

// One call of user code (an invocation or a hook) between its Start and End lines. The first
// completion wins; later ones are ignored, as FC ignores a second callback.
function startCall(res, ctx, phase) {
  latestRequestId = ctx.requestId;
  process.stdout.write(`FC ${phase} Start RequestId: ${ctx.requestId}\n`);
  let done = false;
  const finish = (status, headers, body, suffix) => {
    done = true;
    inflight.delete(call);
    // The service treats the End line as "this call's log is complete", so it must be out
    // (handed to the pipe) before the response can reach the service.
    // stderr is its own pipe: a hidden line there tells the service that stream is complete too
    // (STDERR_END_PREFIX in src/shared/log-format.ts).
    process.stderr.write(`\u0000fnplay:end ${phase} ${ctx.requestId}\n`);
    process.stdout.write(`FC ${phase} End RequestId: ${ctx.requestId}${suffix}\n`, () => {
      res.writeHead(status, headers);
      res.end(body);
    });
  };
  const errorHeaders = (type) => ({ 'content-type': 'application/json', 'x-fc-status': '404', 'x-fc-error-type': type });
  const call = {
    get done() {
      return done;
    },
    ok(status, headers, body) {
      if (!done) finish(status, { ...headers, 'x-fc-status': '200' }, body, '');
    },
    handled(err) {
      if (!done) finish(404, errorHeaders('HandledInvocationError'), JSON.stringify(handledBody(err)), HANDLED);
    },
    fail(err) {
      const body = JSON.stringify(unhandledBody(err));
      process.stderr.write(logLine(ctx.requestId, 'ERROR', [body]));
      if (!done) finish(404, errorHeaders('UnhandledInvocationError'), body, UNHANDLED);
    },
    // nodejs8–16's quirk (FC-RUNTIMES §1): an error thrown outside the handler's own stack (a timer,
    // a stray rejection) answers as a handled error named FunctionUnhandledError: uncaughtException.
    uncaught(err) {
      if (!LEGACY) return call.fail(err);
      const body = JSON.stringify({ ...unprefixedBody(err), errorType: `${UNHANDLED_PREFIX}uncaughtException` });
      process.stderr.write(logLine(ctx.requestId, 'ERROR', [body]));
      if (!done) finish(404, errorHeaders('HandledInvocationError'), body, HANDLED);
    },
  };
  inflight.add(call);
  return call;
}

// Calls user code in either style: callback (passed last), or a returned value/promise when the
// function declares fewer parameters than that or returns a thenable.
function callUser(fn, args, call, onValue) {
  let ret;
  try {
    ret = fn(...args);
  } catch (err) {
    return call.fail(err);
  }
  const thenable = ret !== null && (typeof ret === 'object' || typeof ret === 'function') && typeof ret.then === 'function';
  if (thenable || fn.length < args.length) Promise.resolve(ret).then((v) => onValue(v, thenable), call.fail);
}

function toBody(v) {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v) || typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '';
}

const EVENT_HEADERS = { 'content-type': 'application/octet-stream' };

// POST /invoke and the hooks. `event` is the payload (a Buffer); hooks get (context, callback).
function runEvent(res, ctx, phase, handler, event) {
  const call = startCall(res, ctx, phase);
  if (!handler && phase !== 'Invoke') return call.ok(200, {}, ''); // hook not configured: nothing to run
  const succeed = (value) => {
    if (phase !== 'Invoke') return call.ok(200, {}, ''); // a hook's result is not an answer
    let body;
    try {
      body = toBody(value);
    } catch (err) {
      return call.fail(err); // e.g. a circular object
    }
    call.ok(200, EVENT_HEADERS, body);
  };
  const callback = (err, value) => (err ? call.handled(err) : succeed(value));
  const args = phase === 'Invoke' ? [event, ctx, callback] : [ctx, callback];
  loadFunction(handler || '').then((fn) => callUser(fn, args, call, LEGACY ? ignored(call, ctx, phase) : succeed), call.fail);
}

// nodejs8–16 answer only through callback (FC-RUNTIMES §1): a resolved promise answers nothing and
// the call waits for callback until its timeout, as on FC. fnplay says why in the log, once per call.
function ignored(call, ctx, phase) {
  return (value, fromPromise) => {
    if (call.done || !fromPromise) return;
    const what = phase === 'Invoke' ? "an async handler's result" : `an async ${phase} hook's completion`;
    process.stderr.write(logLine(ctx.requestId, 'WARN', [
      `fnplay: ${RUNTIME} ignores ${what}: only callback(err, result) answers (nodejs18 and later answer with the returned value); this call waits for callback until it times out`,
    ]));
  };
}

// ---------------------------------------------------------------- HTTP functions

const hiddenHeader = (name) => name.startsWith('x-fc-') || name === 'connection' || name === 'keep-alive';
// Response headers that would break our own framing of the answer (the service drops them anyway),
// and x-fc-* which would be read as the runtime's verdict.
const droppedResponseHeader = (name) =>
  hiddenHeader(name) || name === 'content-length' || name === 'transfer-encoding';

// The request is the incoming message itself (a stream of the body, and still an
// http.IncomingMessage, which some frameworks check), trimmed of the platform's headers.
function toFcRequest(req) {
  const q = req.url.indexOf('?');
  const queries = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1))) {
    const prev = queries[k];
    queries[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!hiddenHeader(k)) headers[k] = v;
  const raw = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!hiddenHeader(req.rawHeaders[i].toLowerCase())) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  // The service sets x-forwarded-for to the client's address; a proxy appends, so take the last.
  const forwarded = req.headers['x-forwarded-for'];
  const clientIP = forwarded ? forwarded.split(',').pop().trim() : req.socket.remoteAddress;
  Object.assign(req, { headers, rawHeaders: raw, path: q < 0 ? req.url : req.url.slice(0, q), queries, clientIP, ip: clientIP });
  req.getHeader = (name) => headers[String(name).toLowerCase()];
  return req;
}

// FC's response object (messages as in FC's runtime). The answer is sent whole once the body is
// known, because the End line must precede it.
class FcResponse {
  #call;
  #headers = new Map(); // lower-case name -> [name as set, value]
  constructor(call) {
    this.#call = call;
    this.statusCode = 200;
    this.sent = false;
  }

  setStatusCode(code) {
    if (this.sent) throw new Error('can not set statusCode after it is sent');
    if (!Number.isInteger(code)) throw new TypeError('statusCode should be a `integer`');
    if (code < 100 || code > 999) throw new RangeError(`Invalid status code: ${code}`);
    this.statusCode = code;
  }

  setHeader(name, value) {
    if (this.sent) throw new Error('can not set headers after they are sent');
    if (typeof name !== 'string') throw new TypeError('headerKey should be a `string`');
    if (typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw new TypeError('headerValue should be a `string` or a object with `string` type key-value pair');
    }
    http.validateHeaderName(name); // bad characters fail here, in user code, not when we answer
    http.validateHeaderValue(name, value);
    this.#headers.set(name.toLowerCase(), [name, value]);
    return this;
  }

  deleteHeader(name) {
    if (this.sent) throw new Error('can not set headers after they are sent');
    this.#headers.delete(String(name).toLowerCase());
  }

  hasHeader(name) {
    return this.#headers.has(String(name).toLowerCase());
  }

  send(body) {
    if (this.sent) throw new Error('can not send multi times');
    const stream = require('stream');
    if (typeof body === 'string') body = Buffer.from(body);
    else if (!Buffer.isBuffer(body) && !(body instanceof stream.Readable)) {
      throw new TypeError('buffer should be a `Buffer` or a `string` or a `stream.Readable`');
    }
    this.sent = true;
    const headers = {};
    for (const [lower, [name, value]] of this.#headers) if (!droppedResponseHeader(lower)) headers[name] = value;
    const answer = (buf) => this.#call.ok(this.statusCode, headers, buf);
    if (Buffer.isBuffer(body)) return answer(body);
    const chunks = [];
    body.on('data', (c) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    body.on('end', () => answer(Buffer.concat(chunks)));
    body.on('error', (err) => this.#call.fail(err));
  }
}

function runHttp(req, res, ctx) {
  const call = startCall(res, ctx, 'Invoke');
  const response = new FcResponse(call);
  // Once the function has sent, its answer stands; a later error only goes to the log.
  const fail = (err) => (response.sent ? process.stderr.write(logLine(ctx.requestId, 'ERROR', [err])) : call.fail(err));
  const args = [toFcRequest(req), response, ctx];
  // The answer comes from send(); what the handler returns does not matter.
  loadFunction(ctx.function.handler || '').then((fn) => callUser(fn, args, { fail }, () => {}), fail);
}

// ---------------------------------------------------------------- server

const ROUTES = {
  'POST /invoke': ['Invoke', 'x-fc-function-handler'],
  'POST /initialize': ['Initialize', 'x-fc-function-initializer'],
  'GET /pre-freeze': ['PreFreeze', 'x-fc-instance-lifecycle-pre-freeze-handler'],
  'GET /pre-stop': ['PreStop', 'x-fc-instance-lifecycle-pre-stop-handler'],
};

const server = http.createServer((req, res) => {
  const ctx = makeContext(req.headers);
  if (req.headers['x-fc-control-path'] === '/http-invoke') return runHttp(req, res, ctx);
  const route = ROUTES[`${req.method} ${req.url.split('?')[0]}`];
  if (!route) {
    const body = JSON.stringify({ errorMessage: `unknown runtime request ${req.method} ${req.url}`, errorType: 'Error', stackTrace: [] });
    res.writeHead(404, { 'content-type': 'application/json', 'x-fc-status': '404', 'x-fc-error-type': 'UnhandledInvocationError' });
    return void res.end(body);
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => runEvent(res, ctx, route[0], req.headers[route[1]], Buffer.concat(chunks)));
});
// The service keeps one connection per instance open for its whole life and enforces timeouts itself.
server.keepAliveTimeout = DAY_MS;
server.headersTimeout = 0;
server.requestTimeout = 0;

// An error nobody caught belongs to the calls in flight (we cannot tell which one threw): fail
// them all and keep the instance, as FC does. With nothing in flight there is no one to tell:
// log it and exit, as plain Node would; the service reports the exit.
function onUncaught(err) {
  if (inflight.size === 0) {
    process.stderr.write(logLine(latestRequestId, 'ERROR', [err]), () => process.exit(1));
    return;
  }
  for (const call of [...inflight]) call.uncaught(err);
}
process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);

// The socket is fnplay's business, not the function's: it leaves the environment user code sees.
const caSocket = process.env.FNPLAY_CA_SOCKET;
delete process.env.FNPLAY_CA_SOCKET;
const listening = () => {
  process.stdout.write(`FunctionCompute ${RUNTIME} runtime inited.\n`);
  // Said once per instance: the version named is not the Node.js that runs the code.
  if (NAMED_MAJOR !== parseInt(process.versions.node, 10)) {
    process.stdout.write(`fnplay: ${RUNTIME} runs on the local Node.js ${process.version}, following ${RUNTIME}'s rules for handlers, errors and modules\n`);
  }
};
if (caSocket) server.listen(caSocket, listening);
else server.listen(Number(process.env.FC_SERVER_PORT), '127.0.0.1', listening);
