import { describe, it, expect, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bootstrap.cjs');
const LOGGER_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (\S+) \[(\w+)\] (.*)$/s;

interface Instance {
  child: ChildProcess;
  dir: string;
  port: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const started: Instance[] = [];

afterEach(async () => {
  for (const inst of started.splice(0)) {
    if (inst.child.exitCode === null && inst.child.signalCode === null) {
      inst.child.kill('SIGKILL');
      await inst.exited;
    }
    fs.rmSync(inst.dir, { recursive: true, force: true });
  }
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function until<T>(probe: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Starts the bootstrap on `files`. stdout/stderr go to files by default: a file write is done
 * when it returns, so whatever is in the file when a response arrives was written before it.
 */
async function start(files: Record<string, string>, opts: { pipes?: boolean; runtime?: string } = {}): Promise<Instance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fnplay-node-bootstrap-'));
  const code = path.join(dir, 'code');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(code, name)), { recursive: true });
    fs.writeFileSync(path.join(code, name), text);
  }
  const port = await freePort();
  const env = {
    FC_FUNC_CODE_PATH: code,
    FC_SERVER_PORT: String(port),
    FC_RUNTIME: opts.runtime ?? 'nodejs20',
    FC_FUNCTION_NAME: 'fn',
    FC_SERVICE_NAME: 'svc',
    FC_REGION: 'cn-hangzhou',
    FC_ACCOUNT_ID: '1234',
    FC_FUNCTION_MEMORY_SIZE: '128',
    FC_INSTANCE_ID: 'inst-1',
    TMPDIR: dir,
    PATH: process.env.PATH ?? '',
    HOME: dir,
  };
  let out = '';
  let err = '';
  let child: ChildProcess;
  if (opts.pipes) {
    child = spawn(process.execPath, [BOOTSTRAP], { cwd: code, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (err += c));
  } else {
    const outFd = fs.openSync(path.join(dir, 'stdout'), 'w');
    const errFd = fs.openSync(path.join(dir, 'stderr'), 'w');
    child = spawn(process.execPath, [BOOTSTRAP], { cwd: code, env, stdio: ['ignore', outFd, errFd] });
    fs.closeSync(outFd);
    fs.closeSync(errFd);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const inst: Instance = {
    child,
    dir,
    port,
    exited,
    stdout: () => (opts.pipes ? out : fs.readFileSync(path.join(dir, 'stdout'), 'utf8')),
    stderr: () => (opts.pipes ? err : fs.readFileSync(path.join(dir, 'stderr'), 'utf8')),
  };
  started.push(inst);
  await until(() => inst.stdout().includes('runtime inited.\n') || child.exitCode !== null, 'inited line');
  if (child.exitCode !== null) throw new Error(`bootstrap exited ${child.exitCode}: ${inst.stderr()}`);
  return inst;
}

let seq = 0;
function fcHeaders(handler: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-fc-request-id': `req-${++seq}`,
    'x-fc-function-handler': handler,
    'x-fc-function-initializer': 'index.init',
    'x-fc-initialization-timeout': '7',
    'x-fc-instance-lifecycle-pre-freeze-handler': 'index.preFreeze',
    'x-fc-instance-lifecycle-pre-stop-handler': 'index.preStop',
    'x-fc-function-name': 'fn',
    'x-fc-function-memory': '128',
    'x-fc-function-timeout': '3',
    'x-fc-service-name': 'svc',
    'x-fc-service-logproject': 'lp',
    'x-fc-service-logstore': 'ls',
    'x-fc-qualifier': 'LATEST',
    'x-fc-version-id': '2',
    'x-fc-region': 'cn-hangzhou',
    'x-fc-account-id': '1234',
    'x-fc-access-key-id': 'AK',
    'x-fc-access-key-secret': 'SK',
    'x-fc-security-token': 'TOKEN',
    'x-fc-control-path': '/invoke',
    'x-fc-function-deadline': String(Date.now() + 3000),
    ...extra,
  };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => any;
}

function request(inst: Instance, method: string, urlPath: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: inst.port, method, path: urlPath, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: buf, text: buf.toString(), json: () => JSON.parse(buf.toString()) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const invoke = (inst: Instance, handler: string, payload = '', extra: Record<string, string> = {}) =>
  request(inst, 'POST', '/invoke', { ...fcHeaders(handler, extra), 'content-type': 'application/octet-stream' }, payload);

// The runtime's hidden stderr end lines (STDERR_END_PREFIX) are the service's business, not the log's.
const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('\u0000fnplay:end '));

describe('node bootstrap: startup and event handlers', () => {
  it('prints the inited line once listening, and loads user code lazily, once', async () => {
    const inst = await start({ 'index.js': `console.log('module loaded'); exports.handler = async () => 'hi';` }, { pipes: true });
    expect(lines(inst.stdout())).toEqual(['FunctionCompute nodejs20 runtime inited.']);
    expect((await invoke(inst, 'index.handler')).text).toBe('hi');
    expect((await invoke(inst, 'index.handler')).text).toBe('hi');
    await until(() => inst.stdout().split('FC Invoke End').length === 3, 'two End lines');
    expect(inst.stdout().match(/load code for handler:index\.handler\n/g)).toHaveLength(1);
    expect(inst.stdout().match(/\[verbose\] module loaded/g)).toHaveLength(1);
  });

  it('runs async and callback handlers; the event is a Buffer', async () => {
    const inst = await start({
      'index.js': `
        exports.asyncOne = async (event) => 'async:' + Buffer.isBuffer(event) + ':' + event.toString();
        exports.cbOne = (event, context, callback) => setTimeout(() => callback(null, 'cb:' + Buffer.isBuffer(event) + ':' + event.toString()), 5);
        exports.twice = (event, context, callback) => { callback(null, 'first'); callback(null, 'second'); };
        exports.syncValue = (event) => 'plain return';
      `,
    });
    const a = await invoke(inst, 'index.asyncOne', 'hello');
    expect(a.status).toBe(200);
    expect(a.headers['x-fc-status']).toBe('200');
    expect(a.text).toBe('async:true:hello');
    expect((await invoke(inst, 'index.cbOne', 'bytes')).text).toBe('cb:true:bytes');
    expect((await invoke(inst, 'index.twice')).text).toBe('first');
    expect((await invoke(inst, 'index.syncValue')).text).toBe('plain return');
  });

  it('converts results to bodies like FC', async () => {
    const inst = await start({
      'index.js': `
        const values = { nul: null, undef: undefined, buf: Buffer.from([0, 1, 255]), str: 'text', num: 42.5, bool: false,
          obj: { a: 1, b: [true, 'x'] }, arr: [1, 'two'] };
        for (const [k, v] of Object.entries(values)) exports[k] = async () => v;
        exports.cbNum = (e, c, cb) => cb(null, 7);
      `,
    });
    const body = async (h: string) => (await invoke(inst, `index.${h}`)).body;
    expect((await body('nul')).length).toBe(0);
    expect((await body('undef')).length).toBe(0);
    expect([...(await body('buf'))]).toEqual([0, 1, 255]);
    expect((await body('str')).toString()).toBe('text');
    expect((await body('num')).toString()).toBe('42.5');
    expect((await body('bool')).toString()).toBe('false');
    expect((await body('obj')).toString()).toBe('{"a":1,"b":[true,"x"]}');
    expect((await body('arr')).toString()).toBe('[1,"two"]');
    expect((await body('cbNum')).toString()).toBe('7');
  });

  it('builds the context from the request headers', async () => {
    const inst = await start({ 'index.js': `exports.handler = async (e, context) => ({ ...context, logger: typeof context.logger.info });` });
    const headers = fcHeaders('index.handler');
    const res = await request(inst, 'POST', '/invoke', headers, '');
    expect(res.json()).toEqual({
      requestId: headers['x-fc-request-id'],
      credentials: { accessKeyId: 'AK', accessKeySecret: 'SK', securityToken: 'TOKEN' },
      function: { name: 'fn', handler: 'index.handler', memory: 128, timeout: 3, initializer: 'index.init', initializationTimeout: 7 },
      service: { name: 'svc', logProject: 'lp', logStore: 'ls', qualifier: 'LATEST', versionId: '2' },
      region: 'cn-hangzhou',
      accountId: '1234',
      retryCount: 0,
      tracing: { openTracingSpanBaggages: {} },
      logger: 'function',
    });
  });

  it('gives context.tracing from the tracing headers, decoding the baggage', async () => {
    const inst = await start({ 'index.js': `exports.handler = async (e, context) => context.tracing;` });
    const baggage = Buffer.from(JSON.stringify({ user: 'u1', region: 'hz' })).toString('base64');
    const tracing = {
      'x-fc-tracing-opentracing-span-context': '5f2b1c:5f2b1c:0:1',
      'x-fc-tracing-opentracing-span-baggages': baggage,
      'x-fc-tracing-jaeger-endpoint': 'http://jaeger.local:14268/api/traces',
    };
    expect((await invoke(inst, 'index.handler', '', tracing)).json()).toEqual({
      openTracingSpanContext: '5f2b1c:5f2b1c:0:1',
      openTracingSpanBaggages: { user: 'u1', region: 'hz' },
      jaegerEndpoint: 'http://jaeger.local:14268/api/traces',
    });
    // FC sends the headers empty without tracing; baggage that does not decode is none (and a WARN line).
    const empty = { 'x-fc-tracing-opentracing-span-context': '', 'x-fc-tracing-opentracing-span-baggages': '', 'x-fc-tracing-jaeger-endpoint': '' };
    expect((await invoke(inst, 'index.handler', '', empty)).json()).toEqual({ openTracingSpanContext: '', openTracingSpanBaggages: {}, jaegerEndpoint: '' });
    const bad = await invoke(inst, 'index.handler', '', { 'x-fc-tracing-opentracing-span-baggages': 'not base64 json!' });
    expect(bad.json().openTracingSpanBaggages).toEqual({});
    expect(inst.stderr()).toMatch(/\[WARN\] Failed to parse base64 opentracing baggages: not base64 json!/);
  });
});

describe('node bootstrap: logs', () => {
  it('formats logger and console lines, newlines as \\r; raw stdout stays raw', async () => {
    const inst = await start({
      'index.js': `
        exports.handler = async (e, context) => {
          context.logger.info('multi\\nline %d', 5);
          context.logger.debug('d'); context.logger.warn('w'); context.logger.error({ k: 'v' });
          console.log('plain', 1); console.info('i'); console.debug('dbg');
          console.warn('careful'); console.error('bad\\nthing');
          process.stdout.write('raw line\\n');
        };
      `,
    });
    const h = fcHeaders('index.handler');
    await request(inst, 'POST', '/invoke', h, '');
    const id = h['x-fc-request-id'];
    const out = lines(inst.stdout()).filter((l) => LOGGER_LINE.test(l)).map((l) => l.match(LOGGER_LINE)!.slice(1));
    expect(out).toEqual([
      [id, 'INFO', 'multi\rline 5'],
      [id, 'DEBUG', 'd'],
      [id, 'WARN', 'w'],
      [id, 'ERROR', "{ k: 'v' }"],
      [id, 'verbose', 'plain 1'],
      [id, 'INFO', 'i'],
      [id, 'DEBUG', 'dbg'],
    ]);
    expect(lines(inst.stdout())).toContain('raw line');
    const err = lines(inst.stderr()).map((l) => l.match(LOGGER_LINE)!.slice(1));
    expect(err).toEqual([
      [id, 'WARN', 'careful'],
      [id, 'ERROR', 'bad\rthing'],
    ]);
  });

  it('prints Invoke Start before the handler runs and End before the response', async () => {
    const inst = await start({ 'index.js': `exports.handler = (e, c, cb) => { console.log('inside'); setTimeout(() => cb(null, 'ok'), 20); };` });
    const h = fcHeaders('index.handler');
    const res = await request(inst, 'POST', '/invoke', h, '');
    // stdout is a file here: what the response finds there was written before the response.
    const seen = lines(inst.stdout()).map((l) => l.replace(/^\S+ \S+ \[verbose\] /, ''));
    const id = h['x-fc-request-id'];
    expect(res.text).toBe('ok');
    expect(seen).toEqual([
      'FunctionCompute nodejs20 runtime inited.',
      `FC Invoke Start RequestId: ${id}`,
      'load code for handler:index.handler',
      'inside',
      `FC Invoke End RequestId: ${id}`,
    ]);
  });
});

describe('node bootstrap: errors', () => {
  const code = {
    'index.js': `
      exports.handled = (e, c, cb) => cb(new Error('bad input'));
      exports.handledString = (e, c, cb) => cb('just a string');
      exports.thrown = async () => { const x = null; return x.field; };
      exports.syncThrow = () => { throw new RangeError('out of range'); };
      exports.rejected = () => Promise.reject(new Error('nope'));
      exports.throwString = async () => { throw 'a string'; };
      exports.notAFunction = 5;
      exports.late = (e, c, cb) => { setTimeout(() => { throw new URIError('late failure'); }, 5); };
      exports.lateRejection = async () => { Promise.reject(new EvalError('dangling')); await new Promise(() => {}); };
      exports.ok = async () => 'still alive';
    `,
    'broken.js': `exports.handler = async () => {;\n  this is not javascript\n`,
    'needsdep.js': `require('not-installed-anywhere'); exports.handler = async () => 1;`,
    'module.mjs': `export const handler = async (event) => 'esm:' + event.toString();`,
  };

  const endLine = (inst: Instance, id: string) => lines(inst.stdout()).find((l) => l.startsWith(`FC Invoke End RequestId: ${id}`));

  it('answers callback(err) as HandledInvocationError', async () => {
    const inst = await start(code);
    const h = fcHeaders('index.handled');
    const res = await request(inst, 'POST', '/invoke', h, '');
    expect(res.status).toBe(404);
    expect(res.headers['x-fc-status']).toBe('404');
    expect(res.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ errorMessage: 'bad input' });
    expect(endLine(inst, h['x-fc-request-id'])).toBe(`FC Invoke End RequestId: ${h['x-fc-request-id']}, Error: Handled function error`);
    expect((await invoke(inst, 'index.handledString')).json()).toEqual({ errorMessage: 'just a string' });
  });

  it('answers a thrown error as UnhandledInvocationError with its class name and a user-only stack', async () => {
    const inst = await start(code);
    const h = fcHeaders('index.thrown');
    const res = await request(inst, 'POST', '/invoke', h, '');
    expect(res.status).toBe(404);
    expect(res.headers['x-fc-status']).toBe('404');
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    const body = res.json();
    expect(Object.keys(body)).toEqual(['errorMessage', 'errorType', 'stackTrace']);
    expect(body.errorType).toBe('TypeError');
    expect(body.errorMessage).toMatch(/Cannot read properties of null/);
    expect(body.stackTrace[0]).toBe(`TypeError: ${body.errorMessage}`);
    expect(body.stackTrace.some((l: string) => l.includes(path.join(inst.dir, 'code', 'index.js')))).toBe(true);
    expect(body.stackTrace.some((l: string) => l.includes('bootstrap.cjs') || l.includes('node:'))).toBe(false);
    expect(endLine(inst, h['x-fc-request-id'])).toBe(`FC Invoke End RequestId: ${h['x-fc-request-id']}, Error: Unhandled function error`);
    const logged = lines(inst.stderr()).find((l) => l.includes(h['x-fc-request-id']))!;
    expect(logged.match(LOGGER_LINE)![2]).toBe('ERROR');
    expect(JSON.parse(logged.match(LOGGER_LINE)![3])).toEqual(body);

    expect((await invoke(inst, 'index.syncThrow')).json()).toMatchObject({ errorType: 'RangeError', errorMessage: 'out of range' });
    expect((await invoke(inst, 'index.rejected')).json()).toMatchObject({ errorType: 'Error', errorMessage: 'nope' });
    expect((await invoke(inst, 'index.throwString')).json()).toEqual({ errorType: 'Error', errorMessage: 'a string', stackTrace: [] });
  });

  it('fails the call in flight on an uncaught exception or rejection and keeps the instance', async () => {
    const inst = await start(code);
    const late = await invoke(inst, 'index.late');
    expect(late.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(late.json()).toMatchObject({ errorType: 'URIError', errorMessage: 'late failure' });
    expect((await invoke(inst, 'index.lateRejection')).json()).toMatchObject({ errorType: 'EvalError', errorMessage: 'dangling' });
    expect((await invoke(inst, 'index.ok')).text).toBe('still alive');
    expect(inst.child.exitCode).toBe(null);
  });

  it('logs an uncaught error with no call in flight and exits', async () => {
    const inst = await start({ 'index.js': `exports.handler = async () => { setTimeout(() => { throw new Error('stray'); }, 20); return 'answered'; };` });
    expect((await invoke(inst, 'index.handler')).text).toBe('answered');
    expect(await inst.exited).toBe(1);
    expect(inst.stderr()).toMatch(/ \[ERROR\] Error: stray\r/);
  });

  it('reports load errors like FC', async () => {
    const inst = await start(code);
    const codeDir = path.join(inst.dir, 'code');
    const cases: [string, string, string | RegExp][] = [
      ['nohandler', 'InvalidHandlerName', "Invalid handler 'nohandler'"],
      ['missing.handler', 'ImportModuleError', `Module '${path.join(codeDir, 'missing')}.js' is missing.`],
      ['index.nothere', 'HandlerNotFound', "Handler 'nothere' is missing on module 'index'"],
      ['index.notAFunction', 'HandlerNotFound', "Handler 'notAFunction' is missing on module 'index'"],
      ['broken.handler', 'UserCodeSyntaxError', /Unexpected identifier/],
      ['needsdep.handler', 'ImportModuleError', /Cannot find module 'not-installed-anywhere'/],
    ];
    for (const [handler, type, message] of cases) {
      const res = await invoke(inst, handler);
      expect(res.status, handler).toBe(404);
      expect(res.headers['x-fc-error-type'], handler).toBe('UnhandledInvocationError');
      const body = res.json();
      expect(body.errorType, handler).toBe(type);
      expect(body.errorMessage, handler).toMatch(message);
      expect(JSON.stringify(body).includes('bootstrap.cjs'), handler).toBe(false);
    }
    expect((await invoke(inst, 'module.handler', 'x')).text).toBe('esm:x');
  });
});

describe('node bootstrap: initializer and lifecycle hooks', () => {
  it('runs the initializer and hooks between their Start and End lines', async () => {
    const inst = await start({
      'index.js': `
        let ready = 'no';
        exports.init = (context, callback) => { ready = 'yes:' + context.requestId; callback(); };
        exports.preFreeze = async (context) => { console.log('freezing'); };
        exports.preStop = (context, callback) => setTimeout(() => callback(null), 5);
        exports.handler = async () => ready;
      `,
    });
    const h = fcHeaders('index.handler', { 'x-fc-control-path': '/initialize' });
    const id = h['x-fc-request-id'];
    const init = await request(inst, 'POST', '/initialize', h);
    expect(init.status).toBe(200);
    expect(init.headers['x-fc-status']).toBe('200');
    expect((await invoke(inst, 'index.handler')).text).toBe(`yes:${id}`);
    const freeze = fcHeaders('index.handler');
    expect((await request(inst, 'GET', '/pre-freeze', freeze)).status).toBe(200);
    const stop = fcHeaders('index.handler');
    expect((await request(inst, 'GET', '/pre-stop', stop)).status).toBe(200);
    const out = lines(inst.stdout());
    const at = (l: string) => out.indexOf(l);
    expect(at(`FC Initialize Start RequestId: ${id}`)).toBeGreaterThan(0);
    expect(at(`FC Initialize End RequestId: ${id}`)).toBeGreaterThan(at(`FC Initialize Start RequestId: ${id}`));
    const fid = freeze['x-fc-request-id'];
    const freezeLog = out.findIndex((l) => l.endsWith(`${fid} [verbose] freezing`));
    expect(freezeLog).toBeGreaterThan(at(`FC PreFreeze Start RequestId: ${fid}`));
    expect(at(`FC PreFreeze End RequestId: ${fid}`)).toBeGreaterThan(freezeLog);
    expect(at(`FC PreStop End RequestId: ${stop['x-fc-request-id']}`)).toBeGreaterThan(at(`FC PreStop Start RequestId: ${stop['x-fc-request-id']}`));
  });

  it('answers a failing initializer or hook with the error shapes', async () => {
    const inst = await start({
      'index.js': `
        exports.init = async () => { throw new Error('cannot init'); };
        exports.preStop = (context, callback) => callback(new Error('stop refused'));
      `,
    });
    const h = fcHeaders('index.handler');
    const init = await request(inst, 'POST', '/initialize', h);
    expect(init.status).toBe(404);
    expect(init.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(init.json()).toMatchObject({ errorType: 'Error', errorMessage: 'cannot init' });
    expect(lines(inst.stdout())).toContain(`FC Initialize End RequestId: ${h['x-fc-request-id']}, Error: Unhandled function error`);
    const stop = await request(inst, 'GET', '/pre-stop', fcHeaders('index.handler'));
    expect(stop.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(stop.json()).toEqual({ errorMessage: 'stop refused' });
    // A hook that is not configured has nothing to run: it succeeds.
    const freeze = await request(inst, 'GET', '/pre-freeze', fcHeaders('index.handler', { 'x-fc-instance-lifecycle-pre-freeze-handler': '' }));
    expect([freeze.status, freeze.headers['x-fc-status']]).toEqual([200, '200']);
  });
});

describe('node bootstrap: HTTP functions', () => {
  const code = {
    'index.js': `
      const { Readable } = require('stream');
      exports.echo = (request, response, context) => {
        const chunks = [];
        request.on('data', (c) => chunks.push(c));
        request.on('end', () => {
          response.setHeader('content-type', 'application/json');
          response.send(JSON.stringify({
            method: request.method, path: request.path, url: request.url, queries: request.queries,
            headers: request.headers, clientIP: request.clientIP, body: Buffer.concat(chunks).toString(),
            requestId: context.requestId,
          }));
        });
      };
      exports.custom = async (request, response) => {
        response.setStatusCode(201);
        response.setHeader('X-Custom', 'one');
        response.setHeader('set-cookie', ['a=1', 'b=2']);
        response.setHeader('x-gone', 'soon');
        response.deleteHeader('X-Gone');
        response.setHeader('x-fc-status', '404');
        response.setHeader('content-length', '999');
        const checks = [response.hasHeader('x-custom'), response.hasHeader('x-gone')];
        for (const bad of ['200', 1.5]) { try { response.setStatusCode(bad); } catch (e) { checks.push(e.name + ': ' + e.message); } }
        response.send(Readable.from([Buffer.from('streamed '), Buffer.from(JSON.stringify(checks))]));
        try { response.send('again'); } catch (e) { checks.push(e.message); }
        try { response.setHeader('late', '1'); } catch (e) { checks.push(e.message); }
        console.log(JSON.stringify(checks));
      };
      exports.broken = async (request, response) => { throw new SyntaxError('bad http'); };
    `,
  };

  const httpHeaders = (handler: string, extra: Record<string, string> = {}) =>
    fcHeaders(handler, { 'x-fc-control-path': '/http-invoke', 'x-fc-base-path': '/2016-08-15/proxy/svc/fn/', ...extra });

  it('gives the handler the client method, path, queries, headers and body', async () => {
    const inst = await start(code);
    const h = httpHeaders('index.echo', { 'x-forwarded-for': '203.0.113.9', 'X-Client-Thing': 'v', 'keep-alive': 'timeout=5', connection: 'keep-alive' });
    const res = await request(inst, 'PUT', '/some/path?a=1&b=x%20y&a=2&empty=', h, 'the body');
    expect(res.status).toBe(200);
    expect(res.headers['x-fc-status']).toBe('200');
    const echo = res.json();
    expect(echo).toMatchObject({
      method: 'PUT',
      path: '/some/path',
      url: '/some/path?a=1&b=x%20y&a=2&empty=',
      queries: { a: ['1', '2'], b: 'x y', empty: '' },
      clientIP: '203.0.113.9',
      body: 'the body',
      requestId: h['x-fc-request-id'],
    });
    expect(echo.headers['x-client-thing']).toBe('v');
    expect(echo.headers['x-forwarded-for']).toBe('203.0.113.9');
    expect(Object.keys(echo.headers).filter((k) => k.startsWith('x-fc-') || k === 'connection' || k === 'keep-alive')).toEqual([]);
    expect(lines(inst.stdout())).toContain(`FC Invoke End RequestId: ${h['x-fc-request-id']}`);
    // Without x-forwarded-for the client is the peer of the socket.
    expect((await request(inst, 'GET', '/', httpHeaders('index.echo'))).json()).toMatchObject({ clientIP: '127.0.0.1', path: '/', queries: {} });
  });

  it('answers with the status, headers and body the function sets, and enforces the response rules', async () => {
    const inst = await start(code);
    const h = httpHeaders('index.custom');
    const res = await request(inst, 'GET', '/', h);
    expect(res.status).toBe(201);
    expect(res.headers['x-fc-status']).toBe('200');
    expect(res.headers['x-custom']).toBe('one');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-gone']).toBeUndefined();
    expect(res.text).toBe('streamed [true,false,"TypeError: statusCode should be a `integer`","TypeError: statusCode should be a `integer`"]');
    const logged = await until(() => lines(inst.stdout()).find((l) => l.includes(`${h['x-fc-request-id']} [verbose]`)), 'handler log');
    expect(logged).toMatch(/"can not send multi times","can not set headers after they are sent"\]$/);
  });

  it('answers an error thrown before send as an unhandled error', async () => {
    const inst = await start(code);
    const res = await request(inst, 'POST', '/x', httpHeaders('index.broken'), 'data');
    expect(res.status).toBe(404);
    expect(res.headers['x-fc-status']).toBe('404');
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(res.json()).toMatchObject({ errorType: 'SyntaxError', errorMessage: 'bad http' });
  });
});

describe('node bootstrap: concurrency', () => {
  it('runs two invocations at once', async () => {
    // Each call waits until both are inside the handler: this only finishes if they overlap.
    const inst = await start({
      'index.js': `
        let inside = 0; const waiters = [];
        exports.handler = async (event, context) => {
          inside++;
          if (inside < 2) await new Promise((r) => waiters.push(r)); else waiters.forEach((r) => r());
          await new Promise((r) => setTimeout(r, 5));
          console.log('done ' + event);
          return context.requestId + ':' + event;
        };
      `,
    });
    const h1 = fcHeaders('index.handler');
    const h2 = fcHeaders('index.handler');
    const [a, b] = await Promise.all([request(inst, 'POST', '/invoke', h1, 'one'), request(inst, 'POST', '/invoke', h2, 'two')]);
    expect(a.text).toBe(`${h1['x-fc-request-id']}:one`);
    expect(b.text).toBe(`${h2['x-fc-request-id']}:two`);
    const out = lines(inst.stdout());
    expect(out.filter((l) => l.startsWith('FC Invoke End'))).toHaveLength(2);
    // console stamps the latest request that started: the second one, for both lines.
    expect(out.filter((l) => l.includes(`${h2['x-fc-request-id']} [verbose] done`))).toHaveLength(2);
  });
});

describe('node bootstrap: FC Node.js versions (FC-RUNTIMES §1)', () => {
  const localMajor = parseInt(process.versions.node, 10);

  it('names the runtime in the inited line, then the local Node.js that runs it', async () => {
    const inst = await start({ 'index.js': `exports.handler = async () => 'hi';` }, { pipes: true, runtime: 'nodejs14' });
    await until(() => lines(inst.stdout()).length === 2, 'the line after inited');
    expect(lines(inst.stdout())).toEqual([
      'FunctionCompute nodejs14 runtime inited.',
      `fnplay: nodejs14 runs on the local Node.js ${process.version}, following nodejs14's rules for handlers, errors and modules`,
    ]);
    const same = await start({ 'index.js': '' }, { pipes: true, runtime: `nodejs${localMajor}` });
    expect(lines(same.stdout())).toEqual([`FunctionCompute nodejs${localMajor} runtime inited.`]);
  });

  it('nodejs8–16 answer only through callback: an async handler that returns a value times out, with a hint', async () => {
    for (const runtime of ['nodejs8', 'nodejs10', 'nodejs12', 'nodejs14', 'nodejs16']) {
      const inst = await start({
        'index.js': `
          exports.asyncReturn = async () => 'returned';
          exports.asyncCallback = async (e, c, callback) => { await null; callback(null, 'via callback'); };
          exports.cb = (e, c, callback) => callback(null, { n: 1 });
          exports.rejects = async () => { throw new TypeError('async boom'); };
        `,
      }, { runtime });
      expect((await invoke(inst, 'index.cb')).text, runtime).toBe('{"n":1}');
      expect((await invoke(inst, 'index.asyncCallback')).text, runtime).toBe('via callback');
      // A rejected promise still fails the call (FC's runtime .catch()es it).
      const rejected = await invoke(inst, 'index.rejects');
      expect(rejected.json(), runtime).toMatchObject({ errorType: 'FunctionUnhandledError: TypeError', errorMessage: 'async boom' });
      const h = fcHeaders('index.asyncReturn');
      const pending = request(inst, 'POST', '/invoke', h, '');
      let answered = false;
      void pending.then(() => (answered = true), () => (answered = true));
      await until(() => inst.stderr().includes(`${h['x-fc-request-id']} [WARN] fnplay: ${runtime} ignores an async handler's result`), 'the hint');
      await new Promise((r) => setTimeout(r, 100));
      expect(answered, runtime).toBe(false); // the service's timeout ends it
      inst.child.kill('SIGKILL');
    }
  });

  it('nodejs18+ answer with what an async handler returns', async () => {
    for (const runtime of ['nodejs18', 'nodejs20']) {
      const inst = await start({ 'index.js': `exports.handler = async () => 'returned';` }, { runtime });
      expect((await invoke(inst, 'index.handler')).text, runtime).toBe('returned');
    }
  });

  it('nodejs8–16 hooks need callback too; nodejs18+ take an async hook', async () => {
    const code = { 'index.js': `exports.init = async (context) => { console.log('init ran'); };` };
    const old = await start(code, { runtime: 'nodejs16' });
    const h = fcHeaders('index.handler');
    void request(old, 'POST', '/initialize', h).catch(() => {});
    await until(() => old.stderr().includes(`${h['x-fc-request-id']} [WARN] fnplay: nodejs16 ignores an async Initialize hook's completion`), 'the hint');
    expect(lines(old.stdout()).some((l) => l.startsWith(`FC Initialize End RequestId: ${h['x-fc-request-id']}`))).toBe(false);
    const now = await start(code, { runtime: 'nodejs18' });
    expect((await request(now, 'POST', '/initialize', fcHeaders('index.handler'))).status).toBe(200);
  });

  it('nodejs8–16 name errors as FC’s older runtime: FunctionUnhandledError, FunctionHandledError, the handled error’s name and stack', async () => {
    const code = {
      'index.js': `
        exports.thrown = (e, c, cb) => { throw new RangeError('out of range'); };
        exports.handled = (e, c, cb) => cb(new TypeError('bad input'));
        exports.handledString = (e, c, cb) => cb('just a string');
        exports.late = (e, c, cb) => { setTimeout(() => { throw new URIError('late failure'); }, 5); };
      `,
      'broken.js': 'exports.handler = (e, c, cb) => {;\n  this is not javascript\n',
    };
    const inst = await start(code, { runtime: 'nodejs12' });
    const thrown = (await invoke(inst, 'index.thrown')).json();
    expect(thrown).toMatchObject({ errorType: 'FunctionUnhandledError: RangeError', errorMessage: 'out of range' });
    expect(thrown.stackTrace[0]).toBe('RangeError: out of range');
    const h = fcHeaders('index.handled');
    const handled = await request(inst, 'POST', '/invoke', h, '');
    expect(handled.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(handled.json()).toMatchObject({ errorMessage: 'bad input', errorType: 'TypeError' });
    expect(handled.json().stackTrace[0]).toBe('TypeError: bad input');
    expect(lines(inst.stdout())).toContain(`FC Invoke End RequestId: ${h['x-fc-request-id']}, Error: Handled function error`);
    expect((await invoke(inst, 'index.handledString')).json()).toEqual({ errorMessage: 'just a string', errorType: 'FunctionHandledError' });
    expect((await invoke(inst, 'broken.handler')).json()).toMatchObject({ errorType: 'FunctionUnhandledError: UserCodeSyntaxError' });
    expect((await invoke(inst, 'index.nothere')).json()).toMatchObject({ errorType: 'FunctionUnhandledError: HandlerNotFound' });
    // the older runtime's quirk: an error thrown outside the handler's stack answers as handled
    const late = await invoke(inst, 'index.late');
    expect(late.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(late.json()).toMatchObject({ errorType: 'FunctionUnhandledError: uncaughtException', errorMessage: 'late failure' });

    const now = await start(code, { runtime: 'nodejs18' });
    expect((await invoke(now, 'index.thrown')).json()).toMatchObject({ errorType: 'RangeError' });
    expect((await invoke(now, 'index.handled')).json()).toEqual({ errorMessage: 'bad input' });
  });

  it('ES modules load on nodejs18+ only', async () => {
    const code = {
      'index.mjs': `export const handler = async () => 'esm';`,
      'lib/package.json': '{"type":"module"}',
      'lib/typed.js': `export const handler = async () => 'typed esm';`,
      'syntax.js': `export const handler = async () => 'detected esm';`,
      'cjs.js': `exports.handler = (e, c, cb) => cb(null, 'cjs');`,
    };
    const old = await start(code, { runtime: 'nodejs16' });
    const dir = path.join(old.dir, 'code');
    expect((await invoke(old, 'index.handler')).json()).toMatchObject({ errorType: 'FunctionUnhandledError: ImportModuleError', errorMessage: `Module '${path.join(dir, 'index')}.js' is missing.` });
    expect((await invoke(old, 'lib/typed.handler')).json()).toMatchObject({ errorType: 'FunctionUnhandledError: Error', errorMessage: expect.stringMatching(/^require\(\) of ES Module .*typed\.js not supported: nodejs16 loads CommonJS only/) });
    expect((await invoke(old, 'syntax.handler')).json()).toMatchObject({ errorType: 'FunctionUnhandledError: UserCodeSyntaxError', errorMessage: expect.stringMatching(/^Cannot use import statement outside a module/) });
    expect((await invoke(old, 'cjs.handler')).text).toBe('cjs');
    for (const runtime of ['nodejs18', 'nodejs20']) {
      const now = await start(code, { runtime });
      expect((await invoke(now, 'index.handler')).text, runtime).toBe('esm');
      expect((await invoke(now, 'lib/typed.handler')).text, runtime).toBe('typed esm');
      expect((await invoke(now, 'syntax.handler')).text, runtime).toBe('detected esm');
    }
  });
});
