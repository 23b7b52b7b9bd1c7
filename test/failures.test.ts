import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, type TestService } from './helpers/service.ts';
import { deployNode, invoke, requestIdOf } from './helpers/functions.ts';

let svc: TestService;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  svc = await startTestService();
  api = playground(svc);
});
afterAll(() => svc.close());

const record = async (requestId: string) => (await api(`/invocations/${requestId}`)).body;
const instances = async (fn: string) => (await api(`/functions/svc/${fn}/instances`)).body.instances as { instanceId: string; state: string }[];

type Ok = { ok: true; headers: Record<string, string>; data: any };

describe('function errors', () => {
  it('answers a callback(err) as HandledInvocationError with only the message', async () => {
    await deployNode(svc, 'handled', { 'index.js': `exports.handler = (event, context, callback) => callback(new Error('bad input'));` });
    const r = (await invoke(svc, 'svc', 'handled')) as Ok;
    expect(r.ok).toBe(true); // function errors are HTTP 200 with x-fc-error-type, as on FC
    expect(r.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(r.data).toEqual({ errorMessage: 'bad input' });
    expect((await record(requestIdOf(r))).status).toBe('failed');
  });

  it('answers a thrown error as UnhandledInvocationError with type and stack', async () => {
    await deployNode(svc, 'unhandled', { 'index.js': `exports.handler = async () => { null.x; };` });
    const r = (await invoke(svc, 'svc', 'unhandled')) as Ok;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorType).toBe('TypeError');
    expect(r.data.errorMessage).toMatch(/Cannot read properties of null/);
    expect(Array.isArray(r.data.stackTrace)).toBe(true);
    expect(r.data.stackTrace.join('\n')).not.toContain('bootstrap');
  });

  it('reports a missing handler module as an unhandled error', async () => {
    await deployNode(svc, 'no-module', { 'main.js': `exports.handler = async () => 1;` });
    const r = (await invoke(svc, 'svc', 'no-module')) as Ok;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/Module '.*index\.js' is missing\./);
  });
});

describe('platform failures', () => {
  it('fails every in-flight request of a crashed instance with FC\'s message and destroys it', async () => {
    await deployNode(svc, 'crash', { 'index.js': `exports.handler = async (e) => { if (e.toString() === 'die') process.exit(3); return 'alive'; };` });
    const warm = (await invoke(svc, 'svc', 'crash')) as Ok;
    const before = (await record(requestIdOf(warm))).instanceId;
    const r = (await invoke(svc, 'svc', 'crash', 'die')) as Ok;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/^Process exited unexpectedly before completing request \(duration: \d+ms, maxMemoryUsage: [\d.]+MB\)$/);
    await until(async () => (await instances('crash')).length === 0, 'the crashed instance to go');
    const next = (await invoke(svc, 'svc', 'crash')) as Ok;
    expect(next.data).toBe('alive');
    const rec = await record(requestIdOf(next));
    expect(rec.coldStart).toBe(true);
    expect(rec.instanceId).not.toBe(before);
  });

  it('times out with FC\'s message and destroys the instance', async () => {
    await deployNode(svc, 'slowpoke', { 'index.js': `exports.handler = async () => new Promise(() => {});` }, { timeout: 1 });
    const r = (await invoke(svc, 'svc', 'slowpoke')) as Ok;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/^Function timed out after 1 seconds \(maxMemoryUsage: [\d.]+MB\)$/);
    const rec = await record(requestIdOf(r));
    expect(rec.status).toBe('timeout');
    await until(async () => (await instances('slowpoke')).length === 0, 'the timed-out instance to go');
  });

  it('kills an instance that passes its memory limit', async () => {
    await deployNode(
      svc,
      'hog',
      { 'index.js': `const keep = []; exports.handler = async () => { for (let i = 0; i < 40; i++) { keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); await new Promise((r) => setTimeout(r, 20)); } return 'survived'; };` },
      { memorySize: 128, timeout: 30 },
    );
    const r = (await invoke(svc, 'svc', 'hog')) as Ok;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/Process exited unexpectedly before completing request .*memory limit of 128 MB/);
    expect((await record(requestIdOf(r))).maxMemoryUsedMB).toBeGreaterThan(100);
  });

  it('destroys an instance whose initializer times out; the next request starts a new one', async () => {
    await deployNode(
      svc,
      'slow-init',
      { 'index.js': `exports.init = async () => new Promise(() => {}); exports.handler = async () => 'never';` },
      { initializer: 'index.init', initializationTimeout: 1 },
    );
    const r = (await invoke(svc, 'svc', 'slow-init')) as Ok;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorType).toBe('InitializationError');
    expect(r.data.errorMessage).toContain('timed out after 1 seconds');
    await until(async () => (await instances('slow-init')).length === 0, 'the instance to go');
  });
});

describe('invoke input', () => {
  it('refuses a payload over 16 MB with 400 InvalidArgument and touches no instance', async () => {
    await deployNode(svc, 'big', { 'index.js': `exports.handler = async () => 'ok';` });
    const r = await invoke(svc, 'svc', 'big', 'x'.repeat(16 * 1024 * 1024 + 1));
    expect(!r.ok && r.error.code).toBe('InvalidArgument');
    expect(await instances('big')).toHaveLength(0);
  });

  it('refuses request headers over 4 KB', async () => {
    const r = await invoke(svc, 'svc', 'big', 'x', { 'x-custom': 'y'.repeat(5000) });
    expect(!r.ok && r.error.code).toBe('InvalidArgument');
  });

  it('refuses an unknown invocation type and log type', async () => {
    expect(await invoke(svc, 'svc', 'big', 'x', { 'x-fc-invocation-type': 'Later' })).toMatchObject({ ok: false, error: { code: 'InvalidArgument' } });
    expect(await invoke(svc, 'svc', 'big', 'x', { 'x-fc-log-type': 'All' })).toMatchObject({ ok: false, error: { code: 'InvalidArgument' } });
  });

  it('answers 404 for a function or service that does not exist', async () => {
    expect(await invoke(svc, 'svc', 'nope')).toMatchObject({ ok: false, error: { code: 'FunctionNotFound' } });
    expect(await invoke(svc, 'nosvc', 'nope')).toMatchObject({ ok: false, error: { code: 'ServiceNotFound' } });
  });

  it('passes binary payloads through unchanged', async () => {
    await deployNode(svc, 'echo', { 'index.js': `exports.handler = async (event) => event;` });
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
    const r = await svc.client.invokeFunction('svc', 'echo', bytes, {}, 'LATEST', { rawBuf: true });
    expect(Buffer.compare(r.data, bytes)).toBe(0);
  });
});
