import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK_DIR } from '../src/server/runtimes/go/build.ts';
import { playground, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { invoke, requestIdOf } from './helpers/functions.ts';

// go1 through the SDK: Go source built by fnplay (Debian's golang-go, offline, against fnplay's own
// fc-runtime-go-sdk), a prebuilt binary, every handler signature, hooks, errors and limits.

const KINDS = readFileSync(join(import.meta.dirname, 'fixtures', 'go-kinds', 'main.go'), 'utf8');
const hasGo = spawnSync('go', ['version']).status === 0;

let svc: TestService;
let zipFile: string;
beforeAll(async () => {
  svc = await startTestService({ startDeadlineSec: 20 });
  await svc.client.createService('go');
  zipFile = await zipFiles({ 'main.go': KINDS });
}, 180_000);
afterAll(() => svc?.close());

const api = () => playground(svc);
async function accel(fn: string) {
  return (await svc.client.getFunction('go', fn)).data.accelerationInfo as { status: string; reason?: string };
}

/** Deploys the kinds program as `fn` with KIND=kind, and waits for its build. */
async function deployKind(fn: string, kind: string, extra: Record<string, unknown> = {}) {
  await svc.client.createFunction('go', { functionName: fn, runtime: 'go1', handler: 'main', code: { zipFile }, environmentVariables: { KIND: kind }, ...extra });
  await until(async () => (await accel(fn)).status !== 'Preparing', `the build of ${fn}`, 170_000);
  expect(await accel(fn)).toEqual({ status: "Ready" });
}

const call = async (fn: string, payload = '', headers: Record<string, string> = {}) => {
  const r = await invoke(svc, 'go', fn, payload, headers);
  if (!r.ok) throw r.error;
  return r;
};
const logOf = async (requestId: string) => ((await api()(`/logs?requestId=${requestId}`)).body.lines as { text: string }[]).map((l) => l.text);

describe.skipIf(!hasGo)('go1', () => {
  it('builds Go source once, as the acceleration step, and runs it', async () => {
    await deployKind('in-out', 'in-out');
    const r = await call('in-out', JSON.stringify({ name: 'fc' }));
    expect(JSON.parse(r.data)).toEqual({ greeting: 'hello fc' });
    const lines = await logOf(requestIdOf(r));
    expect(lines).toContain(`FC Invoke Start RequestId: ${requestIdOf(r)}`);
    expect(lines).toContain(`FC Invoke End RequestId: ${requestIdOf(r)}`);
  }, 180_000);

  it('accepts every event handler signature, with JSON in and out as the SDK does', async () => {
    const expected: Record<string, unknown> = {
      noargs: null, err: null, 'in-err': null, 'out-err': { greeting: 'hi' }, ctx: null, 'ctx-err': null, 'ctx-in-err': null,
      'ctx-out-err': 'a string', 'ctx-in-out': { got: 'x' },
    };
    for (const kind of Object.keys(expected)) await deployKind(kind, kind);
    for (const [kind, out] of Object.entries(expected)) {
      const r = await call(kind, JSON.stringify({ name: 'x' }));
      expect([kind, JSON.parse(r.data)]).toEqual([kind, out]);
    }
    await deployKind('bytes', 'bytes');
    // []byte in is the raw payload; []byte out is JSON-marshalled, i.e. base64 in quotes.
    expect(JSON.parse((await call('bytes', 'raw bytes')).data)).toBe(Buffer.from('raw bytes').toString('base64'));
  }, 300_000);

  it("fails each invocation of an invalid signature with the SDK's own message", async () => {
    await deployKind('bad-args', 'bad-args');
    await deployKind('not-func', 'not-func');
    const a = await call('bad-args');
    expect(a.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(a.data.errorMessage).toBe('handlers may not take more than two arguments, but handler takes 3');
    const b = await call('not-func');
    expect(b.data.errorMessage).toBe('handler kind int is not func');
  }, 180_000);

  it('answers a returned error with its Go type, and a panic with a stack trace, and keeps the instance', async () => {
    await deployKind('error', 'error');
    await deployKind('panic', 'panic');
    const e = await call('error');
    expect(e.data).toEqual({ errorMessage: 'boom', errorType: 'errorString' });
    // The End line comes on stdout, beside the answer: under load it may land a moment after it.
    await until(async () => (await logOf(requestIdOf(e))).some((l) => l.endsWith(', Error: Unhandled function error')), 'the End line with its error suffix');
    const p1 = await call('panic');
    expect(p1.data.errorMessage).toBe('oops');
    expect(Array.isArray(p1.data.stackTrace)).toBe(true);
    expect(p1.data.stackTrace[0]).toHaveProperty('path');
    const p2 = await call('panic');
    const records = (await api()('/functions/go/panic/invocations')).body.invocations as { requestId: string; instanceId: string }[];
    const inst = (id: string) => records.find((r) => r.requestId === id)?.instanceId;
    expect(inst(requestIdOf(p2))).toBe(inst(requestIdOf(p1)));
  }, 180_000);

  it('reports os.Exit and log.Fatal as the process exiting unexpectedly', async () => {
    await deployKind('exit', 'exit');
    await deployKind('fatal', 'fatal');
    for (const fn of ['exit', 'fatal']) {
      const r = await call(fn);
      expect(r.data.errorMessage).toMatch(/^Process exited unexpectedly before completing request \(duration: \d+ms, maxMemoryUsage: [\d.]+MB\)/);
    }
  }, 180_000);

  it("times out with FC's message and kills a function past its memory", async () => {
    await deployKind('sleep', 'sleep', { timeout: 1 });
    expect((await call('sleep')).data.errorMessage).toMatch(/^Function timed out after 1 seconds/);
    await deployKind('memory', 'memory', { memorySize: 128, timeout: 30 });
    expect((await call('memory')).data.errorMessage).toContain('exceeded its memory limit of 128 MB');
  }, 180_000);

  it("gives the handler FC's context: request id, function, service, deadline, and a logger with file:line", async () => {
    await deployKind('context', 'context', { timeout: 7, memorySize: 256 });
    const r = await call('context');
    const out = JSON.parse(r.data);
    expect(out.requestId).toBe(requestIdOf(r));
    expect(out.function).toMatchObject({ Name: 'context', Handler: 'main', Memory: '256', Timeout: 7 });
    expect(out.service).toMatchObject({ Name: 'go', Qualifier: 'LATEST' });
    expect(out.region).toBe('cn-hangzhou');
    expect(out.hasKey).toBe(true);
    expect(out.deadlineInMs).toBeGreaterThan(5000);
    expect(out.deadlineInMs).toBeLessThanOrEqual(7000);
    const logged = await until(async () => (await logOf(requestIdOf(r))).find((l) => l.includes('logged for')), 'the logger line');
    expect(logged).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z ${requestIdOf(r)} \\[INFO\\] main\\.go:\\d+: logged for ${requestIdOf(r)}$`));
  }, 180_000);

  it("gives fccontext.Tracing the caller's span context and baggage and the service's Jaeger endpoint", async () => {
    const endpoint = 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_go@x/api/traces';
    await svc.client.createService('go-traced', { tracingConfig: { type: 'Jaeger', params: { endpoint } } });
    await svc.client.createFunction('go-traced', { functionName: 'context', runtime: 'go1', handler: 'main', code: { zipFile }, environmentVariables: { KIND: 'context' } });
    const status = async () => (await svc.client.getFunction('go-traced', 'context')).data.accelerationInfo.status as string;
    await until(async () => (await status()) !== 'Preparing', 'the build', 170_000);
    expect(await status()).toBe('Ready');
    const baggage = Buffer.from(JSON.stringify({ tenant: 't1' })).toString('base64');
    const r = await svc.client.invokeFunction('go-traced', 'context', '', { 'x-fc-tracing-opentracing-span-context': 'a1:b2:0:1', 'x-fc-tracing-opentracing-span-baggages': baggage });
    expect(JSON.parse(r.data).tracing).toEqual({ OpenTracingSpanContext: 'a1:b2:0:1', OpenTracingSpanBaggages: { tenant: 't1' }, JaegerEndpoint: endpoint });
    // the service 'go' has no tracing: empty fields, and an empty map (not null)
    await deployKind('context-untraced', 'context');
    expect(JSON.parse((await call('context-untraced')).data).tracing).toEqual({ OpenTracingSpanContext: '', OpenTracingSpanBaggages: {}, JaegerEndpoint: '' });
  }, 180_000);

  it("keeps a line of Go's log package (stderr) with its invocation", async () => {
    await deployKind('stdlog', 'stdlog');
    for (let i = 0; i < 3; i++) {
      const r = await call('stdlog');
      expect(await logOf(requestIdOf(r))).toEqual(expect.arrayContaining([expect.stringContaining("a line through Go's log package")]));
    }
  }, 180_000);

  it('runs the Initializer exactly once per instance, PreFreeze after each call, and PreStop when the function is updated', async () => {
    await deployKind('hooks', 'hooks', { initializer: 'true', instanceLifecycleConfig: { preStop: { handler: 'true', timeout: 3 }, preFreeze: { handler: 'true', timeout: 3 } } });
    expect(JSON.parse((await call('hooks')).data)).toBe(1);
    expect(JSON.parse((await call('hooks')).data)).toBe(1);
    const lines = async () => ((await api()('/logs?functionName=hooks&serviceName=go')).body.lines as { text: string }[]).map((l) => l.text);
    await until(async () => (await lines()).filter((t) => t === 'prefreeze ran').length >= 2, 'PreFreeze after each call');
    expect((await lines()).filter((t) => t.startsWith('FC Initialize Start')).length).toBe(1);
    await svc.client.updateFunction('go', 'hooks', { description: 'changed' });
    await until(async () => ((await api()('/logs?functionName=hooks&serviceName=go')).body.lines as { text: string }[]).some((l) => l.text === 'prestop ran'), 'PreStop to run');
  }, 180_000);

  it('fails hook registration made after fc.Start, as the seed says', async () => {
    await deployKind('late-hooks', 'late-hooks', { initializer: 'true' });
    const r = await call('late-hooks');
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.stringify(r.data)).toMatch(/initializer/i);
  }, 180_000);

  it('serves an HTTP function through fc.StartHttp on the proxy path', async () => {
    await deployKind('http', 'http');
    await svc.client.createTrigger('go', 'http', { triggerName: 'web', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['POST'] } });
    const res = await fetch(`${svc.url}/2016-08-15/proxy/go/http/a/b?q=1`, { method: 'POST', headers: { 'x-app': 'demo' }, body: 'payload' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-go')).toBe('yes');
    expect(await res.json()).toEqual({ method: 'POST', path: '/a/b', query: '1', app: 'demo', body: 'payload' });
  }, 180_000);

  it("shows a build failure with the compiler's lines, and invocations say the code cannot run", async () => {
    const broken = await zipFiles({ 'main.go': 'package main\n\nfunc main() {\n\tundefinedThing()\n}\n' });
    await svc.client.createFunction('go', { functionName: 'broken', runtime: 'go1', handler: 'main', code: { zipFile: broken } });
    await until(async () => (await accel('broken')).status !== 'Preparing', 'the failed build', 120_000);
    const a = await accel('broken');
    expect(a.status).toBe('Failed');
    expect(a.reason).toMatch(/main\.go:4:\d+: undefined: undefinedThing/);
    const r = await invoke(svc, 'go', 'broken');
    expect(!r.ok && r.error.code).toBe('CodeNotReady');
  }, 180_000);

  it("builds a module as users write them for FC (newer go lines, the public SDK required) and names a module it cannot get", async () => {
    const gomod = 'module example.com/shop\n\ngo 1.21.0\n\ntoolchain go1.21.5\n\nrequire github.com/aliyun/fc-runtime-go-sdk v0.3.1\n';
    const gosum = 'github.com/aliyun/fc-runtime-go-sdk v0.3.1 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
    await svc.client.createFunction('go', { functionName: 'module', runtime: 'go1', handler: 'main', code: { zipFile: await zipFiles({ 'main.go': KINDS, 'go.mod': gomod, 'go.sum': gosum }) }, environmentVariables: { KIND: 'in-out' } });
    await until(async () => (await accel('module')).status !== 'Preparing', 'the build', 170_000);
    expect(await accel('module')).toEqual({ status: 'Ready' });
    expect(JSON.parse((await call('module', '{"name":"mod"}')).data)).toEqual({ greeting: 'hello mod' });

    const thirdParty = 'package main\n\nimport (\n\t"github.com/aliyun/fc-runtime-go-sdk/fc"\n\t"github.com/google/uuid"\n)\n\nfunc main() { _ = uuid.New(); fc.Start(func() {}) }\n';
    await svc.client.createFunction('go', { functionName: 'third-party', runtime: 'go1', handler: 'main', code: { zipFile: await zipFiles({ 'main.go': thirdParty }) } });
    await until(async () => (await accel('third-party')).status !== 'Preparing', 'the failed build', 170_000);
    const a = await accel('third-party');
    expect(a.status).toBe('Failed');
    expect(a.reason).toContain('github.com/google/uuid');
  }, 240_000);

  it('runs a prebuilt linux/amd64 binary from the zip, and refuses one for another platform by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnplay-go-prebuilt-'));
    try {
      const gomod = `module example.com/prebuilt\n\ngo 1.19\n\nrequire github.com/aliyun/fc-runtime-go-sdk v0.3.1\n\nreplace github.com/aliyun/fc-runtime-go-sdk => ${SDK_DIR}\n`;
      const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOSUMDB: 'off', CGO_ENABLED: '0', GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath'), HOME: dir };
      const build = (goos: string, goarch: string, out: string) => {
        const r = spawnSync('go', ['build', '-o', out, '.'], { cwd: dir, env: { ...env, GOOS: goos, GOARCH: goarch }, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return readFileSync(join(dir, out)).toString('base64');
      };
      writeFileSync(join(dir, 'main.go'), KINDS);
      writeFileSync(join(dir, 'go.mod'), gomod);
      const linux = build('linux', 'amd64', 'main');
      const arm = build('linux', 'arm64', 'main-arm');
      const z1 = await zipBinary(linux);
      await svc.client.createFunction('go', { functionName: 'prebuilt', runtime: 'go1', handler: 'bin/main', code: { zipFile: z1 }, environmentVariables: { KIND: 'in-out' } });
      await until(async () => (await accel('prebuilt')).status !== 'Preparing', 'preparation');
      expect(JSON.parse((await call('prebuilt', '{"name":"bin"}')).data)).toEqual({ greeting: 'hello bin' });
      // build-fc-zip's layout: the executable under its own name, and a `bootstrap` symlink to it.
      const JSZip = (await import('jszip')).default;
      const linked = new JSZip();
      linked.file('hello', Buffer.from(linux, 'base64'), { unixPermissions: 0o100777, binary: true });
      linked.file('bootstrap', 'hello', { unixPermissions: 0o120777 });
      const linkedZip = (await linked.generateAsync({ type: 'nodebuffer', platform: 'UNIX' })).toString('base64');
      await svc.client.createFunction('go', { functionName: 'linked', runtime: 'go1', handler: 'main', code: { zipFile: linkedZip }, environmentVariables: { KIND: 'in-out' } });
      expect(JSON.parse((await call('linked', '{"name":"link"}')).data)).toEqual({ greeting: 'hello link' });
      await svc.client.createFunction('go', { functionName: 'arm', runtime: 'go1', handler: 'bin/main', code: { zipFile: await zipBinary(arm) }, environmentVariables: { KIND: 'in-out' } });
      const r = await invoke(svc, 'go', 'arm');
      expect(!r.ok && r.error.code).toBe('CAExited');
      expect(!r.ok && r.error.message).toContain('arm64');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** A zip holding one executable at bin/main (JSZip takes the bytes as a binary string). */
async function zipBinary(base64: string): Promise<string> {
  const JSZip = (await import('jszip')).default;
  const zip = new JSZip();
  zip.file('bin/main', Buffer.from(base64, 'base64'), { unixPermissions: 0o755, binary: true });
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' })).toString('base64');
}
