import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { invoke, procState, requestIdOf } from './helpers/functions.ts';

// The built-in Python runtime (FC-RUNTIMES §2) through the official SDK, against the real service.

let svc: TestService;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  svc = await startTestService();
  api = playground(svc);
  await svc.client.createService('py');
});
afterAll(() => svc.close());

type Files = Record<string, string>;
async function deploy(fn: string, files: Files, config: Record<string, unknown> = {}) {
  await svc.client.createFunction('py', { functionName: fn, runtime: 'python3.10', handler: 'index.handler', code: { zipFile: await zipFiles(files) }, ...config });
}
type Ok = { ok: true; headers: Record<string, string>; data: any };
const call = async (fn: string, payload = '', headers: Record<string, string> = {}) => {
  const r = await invoke(svc, 'py', fn, payload, headers);
  if (!r.ok) throw r.error;
  return r as Ok;
};
const record = async (requestId: string) => (await api(`/invocations/${requestId}`)).body;
const logTexts = async (q: string) => ((await api(`/logs?${q}`)).body.lines as { text: string }[]).map((l) => l.text);
const instances = async (fn: string) => (await api(`/functions/py/${fn}/instances`)).body.instances as { instanceId: string; state: string; pid: number }[];
const tail = (r: Ok) => Buffer.from(r.headers['x-fc-log-result'] ?? '', 'base64').toString();
const CRASHED = /^Process exited unexpectedly before completing request \(duration: \d+ms, maxMemoryUsage: [\d.]+MB\)/;

describe('python3.10 event functions', () => {
  it('gives the handler bytes and a context with every field, in both spellings', async () => {
    await deploy('ctx', {
      'index.py': `
import json, os
def handler(event, context):
    c, t = context, context.tracing
    return {
        "event_type": type(event).__name__, "event": event.decode(),
        "request_id": [c.request_id, c.requestId],
        "credentials": [c.credentials.access_key_id, c.credentials.accessKeyId, c.credentials.access_key_secret == c.credentials.accessKeySecret, c.credentials.security_token == c.credentials.securityToken],
        "function": [c.function.name, c.function.handler, c.function.memory, c.function.timeout],
        "service": [c.service.name, c.service.log_project, c.service.log_store, c.service.qualifier, c.service.version_id],
        "region": c.region, "account_id": c.account_id, "retry_count": c.retry_count,
        "tracing": [t.span_context, t.span_baggages, t.jaeger_endpoint, t.open_tracing_span_context == t.span_context, t.open_tracing_span_baggages == t.span_baggages],
        "logger": c.logger, "get_logger": c.getLogger().name, "to_json": json.loads(c.to_json())["function"]["name"],
        "env": sorted(k for k in os.environ if k.startswith("FC_")), "code": os.environ["FC_FUNC_CODE_PATH"],
    }
`,
    }, { memorySize: 256, timeout: 7 });
    const baggage = Buffer.from('{"k":"v"}').toString('base64');
    const r = await call('ctx', 'hello', { 'x-fc-tracing-opentracing-span-context': 'a1:b2:0:1', 'x-fc-tracing-opentracing-span-baggages': baggage });
    expect(r.headers['x-fc-error-type']).toBeUndefined();
    const d = JSON.parse(r.data);
    expect(d.event_type).toBe('bytes');
    expect(d.event).toBe('hello');
    expect(d.request_id).toEqual([requestIdOf(r), requestIdOf(r)]);
    expect(d.credentials[0]).toMatch(/\S/);
    expect(d.credentials.slice(1)).toEqual([d.credentials[0], true, true]);
    expect(d.function).toEqual(['ctx', 'index.handler', 256, 7]);
    expect(d.service).toEqual(['py', '', '', 'LATEST', expect.any(String)]);
    expect(d.region).toBe('cn-hangzhou');
    expect(d.account_id).toBe('1234567890123456');
    expect(d.retry_count).toBe(0);
    // The caller's span and baggage reach the function; the endpoint is the service's (none here).
    expect(d.tracing).toEqual(['a1:b2:0:1', { k: 'v' }, '', true, true]);
    expect(d.logger).toBeNull(); // FC gives none unless it runs calls concurrently
    expect(d.get_logger).toBe('root');
    expect(d.to_json).toBe('ctx');
    // FC's whitelist of its variables (FC-RUNTIMES §4); fnplay's own (the CA socket, the port) are gone.
    expect(d.env).toEqual(expect.arrayContaining(['FC_FUNCTION_NAME', 'FC_FUNC_CODE_PATH', 'FC_INSTANCE_ID', 'FC_REGION', 'FC_SERVICE_NAME']));
    expect(d.env).not.toContain('FC_SERVER_PORT');
    expect(d.env).not.toContain('FNPLAY_CA_SOCKET');
  });

  it('stamps root logger lines with time, request id and level; print stays raw; says which Python runs it', async () => {
    await deploy('logs', {
      'index.py': `
import logging
def handler(event, context):
    logging.getLogger().info("info line")
    logging.getLogger("child").warning("two\\nlines")
    logging.debug("hidden at INFO")
    print("plain print")
    return "ok"
`,
    });
    const r = await call('logs', '', { 'x-fc-log-type': 'Tail' });
    const id = requestIdOf(r);
    const lines = tail(r).split('\n');
    expect(lines).toContain(`FC Invoke Start RequestId: ${id}`);
    expect(lines.some((l) => new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ${id} \\[INFO\\] info line$`).test(l))).toBe(true);
    expect(lines.some((l) => l.endsWith(`${id} [WARNING] two\rlines`))).toBe(true);
    expect(lines.some((l) => l.includes('hidden at INFO'))).toBe(false);
    expect(lines).toContain('plain print');
    expect(lines).toContain(`FC Invoke End RequestId: ${id}`);
    const rec = await record(id);
    const all = await logTexts(`instanceId=${rec.instanceId}`);
    expect(all.filter((l) => /^fnplay: python3\.10 runs on the local Python 3\.\d+\.\d+ \(\/\S+\)$/.test(l))).toHaveLength(1);
    // and the execution summary, unless the host's Python is FC's 3.10
    if (rec.warning !== null) expect(rec.warning).toMatch(/^python3\.10 runs on the local Python 3\.\d+ \(FC runs Python 3\.10\)/);
    expect(all).toContain('FunctionCompute python3 runtime inited.');
  });

  it('encodes each result type as FC does', async () => {
    await deploy('results', {
      'index.py': `
import datetime, decimal
class Custom:
    def to_json(self): return "custom"
def handler(event, context):
    kind = event.decode()
    return {
        "str": "héllo", "bytes": b"\\xff\\x00raw", "dict": {"b": 1, "a": [1, 2]}, "none": None, "int": 42,
        "list": ["x"], "mixed": {"d": decimal.Decimal("1.5"), "t": datetime.date(2024, 1, 2), "c": Custom()}, "set": {1},
    }[kind]
`,
    });
    const body = async (kind: string) => (await call('results', kind)).data;
    expect(await body('str')).toBe('héllo');
    const raw = await svc.client.invokeFunction('py', 'results', 'bytes', {}, undefined, { rawBuf: true });
    expect([...raw.data]).toEqual([0xff, 0x00, ...Buffer.from('raw')]);
    expect(await body('dict')).toBe('{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1\n}');
    expect(await body('none')).toBe('null');
    expect(await body('int')).toBe('42');
    expect(await body('list')).toBe('[\n    "x"\n]');
    expect(JSON.parse(await body('mixed'))).toEqual({ c: 'custom', d: 1.5, t: '2024-01-02' });
    const unserializable = await call('results', 'set');
    expect(unserializable.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(unserializable.data).toMatchObject({ errorType: 'TypeError', errorMessage: '{1} is not JSON serializable' });
  });

  it('answers an exception with FC\'s body, its frames from /code, and logs it at ERROR', async () => {
    await deploy('raises', {
      'index.py': `
def inner():
    raise ValueError("bad input")

def handler(event, context):
    inner()
`,
    });
    const r = await call('raises', '', { 'x-fc-log-type': 'Tail' });
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toBe('bad input');
    expect(r.data.errorType).toBe('ValueError');
    // The runtime's own frame is gone: the handler's frame comes first.
    const frames = r.data.stackTrace as string[][];
    expect(frames.map((f) => f.slice(1))).toEqual([['line 6', 'in handler', 'inner()'], ['line 3', 'in inner', 'raise ValueError("bad input")']]);
    // File "/code/index.py" in the sandbox; the instance's copy of the code without one.
    for (const f of frames) expect(f[0]).toMatch(/^File ".*\/index\.py"$/);
    const lines = tail(r).split('\n');
    expect(lines.some((l) => l.includes(` ${requestIdOf(r)} [ERROR] {`) && l.includes('"errorType": "ValueError"'))).toBe(true);
    expect(lines).toContain(`FC Invoke End RequestId: ${requestIdOf(r)}, Error: Unhandled function error`);
  });

  it('names each load error as FC does', async () => {
    const files = {
      'index.py': 'def handler(event, context):\n    return "ok"\n',
      'syntax.py': 'def handler(event, context)\n    return 1\n',
      'imports.py': 'import not_installed_anywhere\ndef handler(event, context):\n    return 1\n',
      'raises_at_load.py': 'raise RuntimeError("config missing")\n',
    };
    const cases: [string, string, string, string][] = [
      ['e-import', 'imports.handler', 'ImportModuleError', "Unable to import module 'imports'"],
      ['e-syntax', 'syntax.handler', 'UserCodeSyntaxError', "Syntax error in module 'syntax'"],
      ['e-name', 'index', 'InvalidHandleName', "Invalid handler 'index'"],
      ['e-init', 'raises_at_load.handler', 'UserCodeError', "Module initialization error: 'config missing'"],
      ['e-missing', 'index.xxx', 'HandlerNotFound', "module 'index' has no attribute 'xxx'"],
      ['e-nomodule', 'nowhere.handler', 'ImportModuleError', "Unable to import module 'nowhere'"],
    ];
    await Promise.all(cases.map(([fn, handler]) => deploy(fn, files, { handler })));
    const results = await Promise.all(cases.map(([fn]) => call(fn)));
    cases.forEach(([, , errorType, errorMessage], i) => {
      const r = results[i];
      expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
      expect(r.data).toMatchObject({ errorType, errorMessage });
    });
    expect(results[0].data.stackTrace).toEqual(["ModuleNotFoundError: No module named 'not_installed_anywhere'"]);
    expect(results[1].data.stackTrace.slice(0, 2)).toEqual([expect.stringMatching(/^File ".*\/syntax\.py"$/), 'line 1']);
    expect(results[4].data.stackTrace).toEqual(["AttributeError: module 'index' has no attribute 'xxx'"]);
  });

  it('imports packages vendored in the zip, from the root and beside a handler in a subdirectory', async () => {
    await deploy('vendored', {
      'index.py': 'import tinypkg\nfrom tinypkg.sub import VALUE\ndef handler(event, context):\n    return tinypkg.NAME + "/" + VALUE\n',
      'tinypkg/__init__.py': 'NAME = "tinypkg"\n',
      'tinypkg/sub.py': 'VALUE = "sub"\n',
      'src/app/main.py': 'import tinypkg\ndef handler(event, context):\n    return "nested:" + tinypkg.NAME + ":" + __name__\n',
    });
    expect((await call('vendored')).data).toBe('tinypkg/sub');
    await deploy('nested', { 'src/app/main.py': 'import helper\ndef handler(event, context):\n    return "nested:" + helper.X\n', 'helper.py': 'X = "root helper"\n' }, { handler: 'src/app/main.handler' });
    expect((await call('nested')).data).toBe('nested:root helper');
  });
});

describe('python3.9 and python3', () => {
  it('run the same code under each name', async () => {
    const files = { 'index.py': 'import os\ndef handler(event, context):\n    return os.environ["FC_FUNCTION_NAME"]\n' };
    await Promise.all(['python3.9', 'python3'].map((runtime) => deploy(runtime.replace('.', '-'), files, { runtime })));
    expect((await call('python3-9')).data).toBe('python3-9');
    expect((await call('python3')).data).toBe('python3');
  });
});

describe('python3.10 HTTP functions (WSGI)', () => {
  const APP = `
import json
def handler(environ, start_response):
    if environ["PATH_INFO"] == "/boom":
        raise KeyError("boom")
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    out = {
        "method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"], "query": environ["QUERY_STRING"],
        "uri": environ["fc.request_uri"], "request_id": environ["fc.context"].request_id,
        "content_type": environ["CONTENT_TYPE"], "x_app": environ.get("HTTP_X_APP"), "fc_headers": [k for k in environ if k.startswith("HTTP_X_FC_")],
        "body": body.decode(), "server": [environ["SERVER_NAME"], environ["SERVER_PORT"]], "remote": environ["REMOTE_ADDR"],
    }
    write = start_response("201 Created", [("Content-Type", "application/json"), ("X-Custom", "yes"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    write(b"")
    return [json.dumps(out).encode()]
`;
  beforeAll(async () => {
    await deploy('web', { 'index.py': APP });
    await svc.client.createTrigger('py', 'web', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST', 'PUT'] } });
  });
  const url = (rest: string) => `${svc.url}/2016-08-15/proxy/py/web${rest}`;

  it('gives the app FC\'s environ and passes its status, headers and body back', async () => {
    const res = await fetch(url('/items/a%20b?x=1&x=2&y=z'), { method: 'PUT', body: 'payload', headers: { 'x-app': 'demo', 'content-type': 'text/plain' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-custom')).toBe('yes');
    // Both values arrive (the service joins repeated response headers into one line).
    expect(res.headers.getSetCookie().join(', ')).toBe('a=1, b=2');
    const body = await res.json();
    expect(body).toMatchObject({ method: 'PUT', path: '/items/a b', query: 'x=1&x=2&y=z', uri: '/items/a%20b?x=1&x=2&y=z', content_type: 'text/plain', x_app: 'demo', body: 'payload', server: ['FCRUNTIME', '9000'] });
    expect(body.request_id).toBe(res.headers.get('x-fc-request-id'));
    expect(body.fc_headers).toEqual(['HTTP_X_FC_FUNCTION_HANDLER']); // the platform's x-fc-* request headers stay hidden
    expect(body.remote).toMatch(/^[\d.:a-f]+$/);
  });

  it('answers an exception in the app with 502 and FC\'s error body', async () => {
    const res = await fetch(url('/boom'));
    expect(res.status).toBe(502);
    expect(res.headers.get('x-fc-error-type')).toBe('UnhandledInvocationError');
    expect(await res.json()).toMatchObject({ errorType: 'KeyError', errorMessage: "'boom'" });
  });
});

describe('python3.10 lifecycle', () => {
  it('runs initialize exactly once, pre_freeze before each freeze (nothing runs while frozen), pre_stop at the end', async () => {
    await deploy(
      'hooks',
      {
        'index.py': `
import logging, threading, time
state = {"inits": 0, "ticks": 0}
def tick():
    while True:
        state["ticks"] += 1
        time.sleep(0.01)
threading.Thread(target=tick, daemon=True).start()
def initialize(context):
    state["inits"] += 1
    logging.getLogger().info("initialize ran")
def pre_freeze(context):
    print("pre_freeze ran " + context.request_id)
def pre_stop(context):
    print("pre_stop ran")
def handler(event, context):
    return "%d %d" % (state["inits"], state["ticks"])
`,
      },
      { initializer: 'index.initialize', instanceLifecycleConfig: { preFreeze: { handler: 'index.pre_freeze', timeout: 3 }, preStop: { handler: 'index.pre_stop', timeout: 3 } } },
    );
    const first = await call('hooks');
    expect(first.data.split(' ')[0]).toBe('1');
    const { instanceId } = await record(requestIdOf(first));
    const frozen = await until(async () => (await instances('hooks')).find((i) => i.state === 'Frozen'), 'the instance to freeze');
    expect(['T', 'D']).toContain(procState(frozen.pid));
    const before = Number((await call('hooks')).data.split(' ')[1]);
    await until(async () => (await instances('hooks'))[0]?.state === 'Frozen', 'freeze again');
    const t0 = Date.now();
    await until(() => Date.now() - t0 > 500, 'an observation window');
    const again = await call('hooks');
    const [inits, after] = again.data.split(' ').map(Number);
    expect(inits).toBe(1);
    expect(after - before).toBeLessThan(10); // 500 ms of a running thread would be ~50 ticks
    expect((await record(requestIdOf(again))).instanceId).toBe(instanceId);

    await api('/functions/py/hooks/reclaim', { method: 'POST' });
    const lines = await until(async () => {
      const l = await logTexts(`instanceId=${instanceId}`);
      return l.includes('pre_stop ran') && l.some((x) => x.startsWith('FC PreStop End')) && l;
    }, 'pre_stop to run');
    expect(lines.filter((l) => l.startsWith('FC Initialize Start'))).toHaveLength(1);
    expect(lines.some((l) => / \[INFO\] initialize ran$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('pre_freeze ran ')).length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.startsWith('FC PreFreeze End')).every((l) => !l.includes('Error'))).toBe(true);
  });

  it('times out with FC\'s message after dumping the stacks, and destroys the instance', async () => {
    await deploy('slow', { 'index.py': 'import time\ndef handler(event, context):\n    time.sleep(30)\n' }, { timeout: 1 });
    const r = await call('slow');
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/^Function timed out after 1 seconds \(maxMemoryUsage: [\d.]+MB\)$/);
    const id = requestIdOf(r);
    const lines = await logTexts(`requestId=${id}`);
    expect(lines.some((l) => l.endsWith(`${id} [ERROR] Dumping stack trace after function timeout`))).toBe(true);
    expect(lines.some((l) => l.includes(`[ERROR] request id = ${id}, thread id = `))).toBe(true);
    expect(lines.some((l) => l.includes('time.sleep(30)'))).toBe(true);
    await until(async () => (await instances('slow')).length === 0, 'the timed-out instance to go');
  });

  it('reports os._exit, sys.exit and an uncaught error each as FC does', async () => {
    await deploy('crashy', {
      'index.py': `
import os, sys
def handler(event, context):
    kind = event.decode()
    if kind == "os_exit":
        os._exit(3)
    if kind == "sys_exit":
        sys.exit(2)
    if kind == "raise":
        raise RuntimeError("uncaught")
    return "alive"
`,
    });
    for (const kind of ['os_exit', 'sys_exit']) {
      const r = await call('crashy', kind);
      expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
      expect(r.data.errorMessage).toMatch(CRASHED);
    }
    const raised = await call('crashy', 'raise');
    expect(raised.data).toMatchObject({ errorType: 'RuntimeError', errorMessage: 'uncaught' });
    // An uncaught error keeps the instance; the next call reuses it.
    const alive = await call('crashy', 'alive');
    expect(alive.data).toBe('alive');
    expect((await record(requestIdOf(alive))).instanceId).toBe((await record(requestIdOf(raised))).instanceId);
  });

  it('kills an instance that passes its memory limit', async () => {
    await deploy(
      'hog',
      { 'index.py': 'import time\nkeep = []\ndef handler(event, context):\n    for _ in range(40):\n        keep.append(b"\\x01" * (16 * 1024 * 1024))\n        time.sleep(0.02)\n    return "survived"\n' },
      { memorySize: 128, timeout: 30 },
    );
    const r = await call('hog');
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/Process exited unexpectedly before completing request .*memory limit of 128 MB/);
  });
});

describe('python3 tracing', () => {
  it("gives context.tracing the service's Jaeger endpoint", async () => {
    await svc.client.createService('pytrace', { tracingConfig: { type: 'Jaeger', params: { endpoint: 'http://127.0.0.1:14268/api/traces' } } });
    await svc.client.createFunction('pytrace', {
      functionName: 'jaeger', runtime: 'python3', handler: 'index.handler',
      code: { zipFile: await zipFiles({ 'index.py': 'def handler(event, context):\n    return context.tracing.jaeger_endpoint\n' }) },
    });
    const r = await svc.client.invokeFunction('pytrace', 'jaeger', '');
    expect(Buffer.from(r.data).toString()).toBe('http://127.0.0.1:14268/api/traces');
  });
});
