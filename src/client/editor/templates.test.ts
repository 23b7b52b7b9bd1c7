import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../manifest/validate-manifest.ts';
import { DEFAULT_MANIFEST } from '../workspace/defaults.ts';
import { TEMPLATES, templateById, templateLoad } from '../workspace/templates.ts';

/** Loads a CommonJS template file the way the Node.js runtime would: its exports. */
function exportsOf(code: string): Record<string, (...args: unknown[]) => unknown> {
  const module = { exports: {} as Record<string, (...args: unknown[]) => unknown> };
  new Function('exports', 'require', 'module', code)(module.exports, () => ({}), module);
  return module.exports;
}

const logger = { lines: [] as string[], info(...a: unknown[]) { this.lines.push(a.join(' ')); } };
const context = { requestId: 'req-1', logger };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('templates', () => {
  it('each has files, and a handler its runtime can find', () => {
    expect(TEMPLATES.map((t) => t.name)).toEqual([
      'Node.js event function',
      'Node.js HTTP function',
      'Custom Runtime (bootstrap + server.js)',
      'Go event function',
      'Go HTTP function',
      'Go with Initializer + PreStop',
      'Python event function',
      'Python HTTP function (WSGI)',
      'Python with Initializer + PreFreeze + PreStop',
      'Custom Container (README + Dockerfile)',
    ]);
    for (const t of TEMPLATES) {
      expect(Object.keys(t.files).length).toBeGreaterThan(0);
      expect(t.manifest.runtime).toBe(t.runtime);
    }
  });

  it('each loads a manifest the service would take (a container once its image is named)', () => {
    for (const t of TEMPLATES) {
      const { manifest } = templateLoad(t, { serviceName: 'svc', functionName: 'fn' });
      const draft = { ...DEFAULT_MANIFEST, ...manifest, ...(t.runtime === 'custom-container' ? { image: 'app:v1' } : {}) };
      expect(validateManifest(draft), t.id).toEqual({});
    }
  });

  it('keeps the function identity when loaded', () => {
    const load = templateLoad(templateById('nodejs-http')!, { serviceName: 's', functionName: 'f' });
    expect(load.manifest).toMatchObject({ serviceName: 's', functionName: 'f', functionType: 'http' });
    expect(load.folders).toEqual([]);
  });

  it('the event function answers with the payload and logs with context.logger', async () => {
    const t = templateById('nodejs-event')!;
    const { handler } = exportsOf(t.files['index.js'].content);
    await expect(handler(Buffer.from('{"a":1}'), context)).resolves.toMatchObject({ requestId: 'req-1', echo: '{"a":1}' });
    expect(logger.lines.at(-1)).toContain('{"a":1}');
    // The lifecycle stubs are there, commented out, so the manifest's empty hooks match the code.
    expect(t.files['index.js'].content).toMatch(/\/\/ exports\.initializer = async \(context\)/);
    expect(t.files['index.js'].content).toMatch(/\/\/ exports\.preFreeze/);
    expect(t.files['index.js'].content).toMatch(/\/\/ exports\.preStop/);
  });

  it('the HTTP function echoes method, path and queries through response.send', async () => {
    const { handler } = exportsOf(templateById('nodejs-http')!.files['index.js'].content);
    const request = Object.assign(new EventEmitter(), { method: 'POST', path: '/orders/42', queries: { debug: '1' } });
    const sent = new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve) => {
      const headers: Record<string, string> = {};
      let status = 0;
      handler(request, {
        setStatusCode: (s: number) => void (status = s),
        setHeader: (k: string, v: string) => void (headers[k] = v),
        send: (body: string) => resolve({ status, headers, body }),
      }, context);
    });
    request.emit('data', Buffer.from('{"qty":3}'));
    request.emit('end');
    const r = await sent;
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({ method: 'POST', path: '/orders/42', queries: { debug: '1' }, body: '{"qty":3}', requestId: 'req-1' });
  });

  it('the custom runtime bootstrap starts server.js, which speaks the instance protocol on FC_SERVER_PORT', async () => {
    const t = templateById('custom-bootstrap')!;
    expect(t.files.bootstrap.executable).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'fnplay-template-'));
    for (const [p, f] of Object.entries(t.files)) {
      writeFileSync(join(dir, p), f.content);
      if (f.executable) chmodSync(join(dir, p), 0o755);
    }
    const port = await freePort();
    const child = spawn(join(dir, 'bootstrap'), [], { cwd: dir, env: { PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`, FC_SERVER_PORT: String(port) } });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c) => String(c).includes('listening') && resolve());
        child.on('exit', (code) => reject(new Error(`bootstrap exited with ${code}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const invoke = await fetch(`${base}/invoke`, { method: 'POST', body: 'ping', headers: { 'x-fc-request-id': 'r1' } });
      expect(invoke.headers.get('x-fc-status')).toBe('200');
      expect(await invoke.json()).toMatchObject({ echo: 'ping', requestId: 'r1' });
      expect((await fetch(`${base}/initialize`, { method: 'POST' })).headers.get('x-fc-status')).toBe('200');
      expect((await fetch(`${base}/pre-freeze`)).headers.get('x-fc-status')).toBe('200');
      expect((await fetch(`${base}/pre-stop`)).headers.get('x-fc-status')).toBe('200');
      const http = await fetch(`${base}/orders?x=1`, { method: 'PUT', body: 'b', headers: { 'x-fc-control-path': '/http-invoke' } });
      expect(await http.json()).toMatchObject({ method: 'PUT', url: '/orders?x=1', body: 'b' });
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the custom-container template', () => {
  const t = templateById('custom-container')!;

  it('is for runtime custom-container with no image yet, and says how to get one into fnplay', () => {
    expect(t.manifest).toMatchObject({ runtime: 'custom-container', image: '', caPort: 9000, containerCommand: [], containerArgs: [] });
    const readme = t.files['README.md'].content;
    expect(readme).toContain('docker save -o app.tar');
    expect(readme).toContain('fnplay image import app.tar --name');
    expect(readme).toContain('Upload image archive');
    expect(readme).toMatch(/127\.0\.0\.1[\s\S]*FunctionNotStarted/);
    expect(t.files.Dockerfile.content).toMatch(/^FROM /);
    expect(t.files.Dockerfile.content).toContain('EXPOSE 9000');
    expect(t.files.Dockerfile.content).toContain('server.js');
  });

  it('has a server on 0.0.0.0 that answers /invoke, /initialize, /pre-freeze and /pre-stop', async () => {
    const code = t.files['server.js'].content;
    expect(code).toContain("listen(port, '0.0.0.0'");
    const dir = mkdtempSync(join(tmpdir(), 'fnplay-container-template-'));
    writeFileSync(join(dir, 'server.js'), code);
    const port = await freePort();
    const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { FC_SERVER_PORT: String(port) } });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c) => String(c).includes('listening') && resolve());
        child.on('exit', (c) => reject(new Error(`server.js exited with ${c}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const invoke = await fetch(`${base}/invoke`, { method: 'POST', body: '{"hello":"image"}', headers: { 'x-fc-request-id': 'r1' } });
      expect(invoke.status).toBe(200);
      expect(await invoke.text()).toBe('{"hello":"image"}');
      expect((await fetch(`${base}/initialize`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(`${base}/pre-freeze`)).status).toBe(200);
      expect((await fetch(`${base}/pre-stop`)).status).toBe(200);
      expect(await (await fetch(`${base}/orders`, { method: 'PUT', body: 'b' })).json()).toMatchObject({ method: 'PUT', url: '/orders', body: 'b' });
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// fnplay's own fc-runtime-go-sdk, which the service builds Go functions against.
const SDK_DIR = resolve('src/server/runtimes/go/sdk');
const hasGo = spawnSync('go', ['version']).status === 0;

/** Builds a Go template's files the way the service does: a made-up module, the SDK replaced by fnplay's, offline. */
function goBuild(files: Record<string, { content: string }>) {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-go-template-'));
  try {
    for (const [p, f] of Object.entries(files)) writeFileSync(join(dir, p), f.content);
    writeFileSync(
      join(dir, 'go.mod'),
      `module fnplay.local/function\n\ngo 1.19\n\nrequire github.com/aliyun/fc-runtime-go-sdk v0.3.1\n\nreplace github.com/aliyun/fc-runtime-go-sdk => ${SDK_DIR}\n`,
    );
    const env = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOTOOLCHAIN: 'local' };
    const r = spawnSync('go', ['build', '-o', join(dir, 'main'), '.'], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
    return { ok: r.status === 0 && existsSync(join(dir, 'main')), output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Go templates', () => {
  const GO = ['go-event', 'go-http', 'go-lifecycle'].map((id) => templateById(id)!);

  it('are main.go alone, for runtime go1, whose handler is the executable main', () => {
    for (const t of GO) {
      expect(Object.keys(t.files)).toEqual(['main.go']);
      expect(t.manifest).toMatchObject({ runtime: 'go1', handler: 'main' });
      expect(t.files['main.go'].content).toMatch(/^package main\n/);
      expect(t.files['main.go'].content).toContain('"github.com/aliyun/fc-runtime-go-sdk/fc"');
    }
  });

  it('start an event handler, an HTTP handler, and one with both hooks set in the manifest', () => {
    const [event, http, lifecycle] = GO;
    expect(event.manifest).toMatchObject({ functionType: 'event' });
    expect(event.files['main.go'].content).toContain('fc.Start(HandleRequest)');
    expect(http.manifest).toMatchObject({ functionType: 'http', httpMethods: ['GET', 'POST'], httpAuthType: 'anonymous' });
    expect(http.files['main.go'].content).toContain('fc.StartHttp(HandleHttpRequest)');
    // FC calls a hook only when its handler is set; both are registered before fc.Start.
    expect(lifecycle.manifest).toMatchObject({ functionType: 'event', initializer: 'initialize', preStopHandler: 'preStop' });
    expect(lifecycle.manifest.preFreezeHandler ?? '').toBe('');
    const code = lifecycle.files['main.go'].content;
    expect(code.indexOf('fc.RegisterInitializerFunction(initialize)')).toBeGreaterThan(0);
    expect(code.indexOf('fc.RegisterPreStopFunction(preStop)')).toBeLessThan(code.indexOf('fc.Start(HandleRequest)'));
  });

  it('loading one replaces the hooks of the template before', () => {
    const hooks = templateLoad(templateById('go-lifecycle')!, { serviceName: 's', functionName: 'f' });
    expect(hooks.manifest).toMatchObject({ initializer: 'initialize', preStopHandler: 'preStop' });
    const plain = templateLoad(templateById('go-event')!, { serviceName: 's', functionName: 'f' });
    expect(plain.manifest.initializer).toBeUndefined(); // the store fills the default, ''
  });

  it.skipIf(!hasGo || !existsSync(join(SDK_DIR, 'go.mod')))('each builds against fnplay\'s SDK, offline', () => {
    for (const t of GO) {
      const r = goBuild(t.files);
      expect(r.output, t.id).toBe('');
      expect(r.ok, t.id).toBe(true);
    }
  });
});

const hasPython = spawnSync('python3', ['--version']).status === 0;

/**
 * Runs a Python template's index.py the way FC's runtime calls it: `script` (Python, with `index`
 * imported and `ctx` a context carrying request_id) prints what the test checks, as JSON.
 */
function runPython(code: string, script: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-python-template-'));
  try {
    writeFileSync(join(dir, 'index.py'), code);
    const harness = [
      'import io, json, logging, sys, types',
      'logging.basicConfig(level=logging.INFO, stream=sys.stderr)',
      'import index',
      "ctx = types.SimpleNamespace(request_id='req-1')",
      script,
    ].join('\n');
    const r = spawnSync('python3', ['-c', harness], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`python3 exited with ${r.status}: ${r.stderr}`);
    return { out: JSON.parse(r.stdout), log: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Python templates', () => {
  const [event, wsgi, lifecycle] = ['python-event', 'python-wsgi', 'python-lifecycle'].map((id) => templateById(id)!);

  it('are index.py alone, for a python runtime, whose handler is index.handler', () => {
    for (const t of [event, wsgi, lifecycle]) {
      expect(Object.keys(t.files)).toEqual(['index.py']);
      expect(t.runtime).toMatch(/^python3/);
      expect(t.manifest).toMatchObject({ runtime: t.runtime, handler: 'index.handler' });
      expect(t.files['index.py'].content).toContain('def handler(');
      // The zip holds no packages unless vendored: the standard library only.
      for (const m of t.files['index.py'].content.matchAll(/^(?:from|import) (\w+)/gm)) expect(['json', 'logging', 'urllib'], t.id).toContain(m[1]);
    }
    expect(event.manifest.functionType).toBe('event');
    expect(wsgi.manifest).toMatchObject({ functionType: 'http', httpMethods: ['GET', 'POST'], httpAuthType: 'anonymous' });
    expect(lifecycle.manifest).toMatchObject({ initializer: 'index.initialize', preFreezeHandler: 'index.pre_freeze', preStopHandler: 'index.pre_stop' });
    // The hooks the event template leaves commented out are named as the manifest would name them.
    expect(event.files['index.py'].content).toMatch(/# def initialize\(context\):[\s\S]*# def pre_freeze\(context\):[\s\S]*# def pre_stop\(context\):/);
  });

  it.skipIf(!hasPython)('the event function answers with the payload, as JSON text, and logs it', () => {
    const r = runPython(event.files['index.py'].content, `print(json.dumps(index.handler(b'{"a":1}', ctx)))`) as { out: string; log: string };
    expect(JSON.parse(r.out)).toEqual({ message: 'hello from fnplay', requestId: 'req-1', echo: '{"a":1}' });
    expect(r.log).toContain('received {"a":1}');
  });

  it.skipIf(!hasPython)('the WSGI function echoes method, path, queries and body, and serves /health', () => {
    const script = `
def call(method, path, query='', body=b''):
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer['status'] = status
        answer['headers'] = dict(headers)
    environ = {'REQUEST_METHOD': method, 'PATH_INFO': path, 'QUERY_STRING': query, 'CONTENT_LENGTH': str(len(body)),
               'wsgi.input': io.BytesIO(body), 'fc.context': ctx}
    answer['body'] = b''.join(index.handler(environ, start_response)).decode('utf-8')
    return answer
print(json.dumps([call('POST', '/orders/42', 'debug=1', b'{"qty":3}'), call('GET', '/health')]))`;
    const { out } = runPython(wsgi.files['index.py'].content, script) as { out: { status: string; headers: Record<string, string>; body: string }[] };
    const [orders, health] = out;
    expect(orders!.status).toBe('200 OK');
    expect(orders!.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(orders!.body)).toEqual({ method: 'POST', path: '/orders/42', queries: { debug: '1' }, body: '{"qty":3}', requestId: 'req-1' });
    expect(health).toMatchObject({ status: '200 OK', body: 'ok' });
  });

  it.skipIf(!hasPython)('the lifecycle function is initialized before its first call, and has both other hooks', () => {
    const script = `
index.initialize(ctx)
answer = index.handler(b'hi', types.SimpleNamespace(request_id='req-2'))
index.pre_freeze(ctx)
index.pre_stop(ctx)
print(json.dumps(answer))`;
    const r = runPython(lifecycle.files['index.py'].content, script) as { out: string; log: string };
    expect(r.out).toBe('hello from an instance initialized by req-1: hi');
    expect(r.log).toMatch(/initializing[\s\S]*about to freeze[\s\S]*stopping/);
  });
});
