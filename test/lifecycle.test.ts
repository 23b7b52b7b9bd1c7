import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, type TestService } from './helpers/service.ts';
import { deployNode, invoke, procState, requestIdOf } from './helpers/functions.ts';

let svc: TestService;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  svc = await startTestService();
  api = playground(svc);
});
afterAll(() => svc.close());

const record = async (requestId: string) => (await api(`/invocations/${requestId}`)).body;
const instances = async (fn: string, service = 'svc') => (await api(`/functions/${service}/${fn}/instances`)).body.instances as { instanceId: string; state: string; pid: number; inFlight: number }[];
const logTexts = async (q: string) => ((await api(`/logs?${q}`)).body.lines as { text: string }[]).map((l) => l.text);

const sleepCode = `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));`;

describe('instances', () => {
  it('starts cold with three timed phases, then reuses the warm instance', async () => {
    await deployNode(svc, 'warm', { 'index.js': `let n = 0; exports.handler = async () => String(++n);` });
    const first = await invoke(svc, 'svc', 'warm');
    const second = await invoke(svc, 'svc', 'warm');
    expect(first.ok && first.data).toBe('1');
    expect(second.ok && second.data).toBe('2'); // module state survives: same process
    const r1 = await record(requestIdOf(first as never));
    const r2 = await record(requestIdOf(second as never));
    expect(r1.coldStart).toBe(true);
    expect(r1.initReport.pullCodeMs).toBeGreaterThan(0);
    expect(r1.initReport.initRuntimeMs).toBeGreaterThan(0);
    expect(r1.initReport.initFunctionMs).toBe(0);
    expect(r2.coldStart).toBe(false);
    expect(r2.initReport).toBeNull();
    expect(r2.instanceId).toBe(r1.instanceId);
  });

  it('runs the initializer exactly once per instance, before the first handler call', async () => {
    await deployNode(
      svc,
      'init-once',
      { 'index.js': `let inits = 0; exports.init = async () => { inits++; }; exports.handler = async () => String(inits);` },
      { initializer: 'index.init' },
    );
    const results = await Promise.all([1, 2, 3].map(() => invoke(svc, 'svc', 'init-once')));
    for (const r of results) expect(r.ok && r.data).toBe('1');
    const again = await invoke(svc, 'svc', 'init-once');
    expect(again.ok && again.data).toBe('1');
    const rec = await record(requestIdOf(results[0] as never));
    const lines = await logTexts(`instanceId=${rec.instanceId}`);
    expect(lines.filter((l) => l.startsWith('FC Initialize Start')).length).toBe(1);
  });

  it('retries a failed initializer on the next request to the instance', async () => {
    await deployNode(
      svc,
      'init-retry',
      { 'index.js': `let tries = 0; exports.init = (ctx, cb) => { tries++; cb(tries === 1 ? new Error('not yet') : null); }; exports.handler = async () => 'tries=' + tries;` },
      { initializer: 'index.init' },
    );
    const first = await invoke(svc, 'svc', 'init-retry');
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(first.data.errorType).toBe('InitializationError');
    expect(first.data.errorMessage).toContain('not yet');
    const second = await invoke(svc, 'svc', 'init-retry');
    expect(second.ok && second.data).toBe('tries=2');
    expect((await record(requestIdOf(second as never))).instanceId).toBe((await record(requestIdOf(first as never))).instanceId);
  });

  it('sends five parallel calls to one instance when instanceConcurrency is 5', async () => {
    await deployNode(svc, 'conc5', { 'index.js': `${sleepCode} exports.handler = async () => { await sleep(300); return process.pid.toString(); };` }, { instanceConcurrency: 5 });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => invoke(svc, 'svc', 'conc5')));
    const pids = new Set(results.map((r) => r.ok && r.data));
    expect(pids.size).toBe(1);
    expect(await instances('conc5')).toHaveLength(1);
  });

  it('starts one instance per request when instanceConcurrency is 1', async () => {
    await deployNode(svc, 'conc1', { 'index.js': `${sleepCode} exports.handler = async () => { await sleep(300); return process.env.FC_INSTANCE_ID; };` });
    const results = await Promise.all([1, 2, 3].map(() => invoke(svc, 'svc', 'conc1')));
    expect(new Set(results.map((r) => r.ok && r.data)).size).toBe(3);
  });

  it('calls PreFreeze once after the last in-flight request, then stops the whole process tree', async () => {
    await deployNode(
      svc,
      'freeze',
      {
        'index.js': `${sleepCode}
          const fs = require('fs'); const path = require('path');
          let ticks = 0; setInterval(() => ticks++, 10);
          exports.preFreeze = async () => { console.log('prefreeze ran'); };
          exports.handler = async (event) => { if (event.toString() !== 'peek') await sleep(200); return String(ticks); };`,
      },
      { instanceConcurrency: 3, instanceLifecycleConfig: { preFreeze: { handler: 'index.preFreeze', timeout: 3 } } },
    );
    const results = await Promise.all([1, 2, 3].map(() => invoke(svc, 'svc', 'freeze')));
    const rid = requestIdOf(results[0] as never);
    const { instanceId } = await record(rid);
    const frozen = await until(async () => (await instances('freeze')).find((i) => i.state === 'Frozen'), 'the instance to freeze');
    // SIGSTOP shows as T; the cgroup freezer (used where a cgroup is writable) as D.
    expect(['T', 'D']).toContain(procState(frozen.pid));
    const lines = await logTexts(`instanceId=${instanceId}`);
    expect(lines.filter((l) => l.startsWith('FC PreFreeze Start')).length).toBe(1);
    expect(lines.some((l) => l.includes('prefreeze ran'))).toBe(true);

    // While frozen no timer runs: the tick count read right after thawing is what it was at freeze time
    // (give it a long window so a running timer would have ticked many times).
    const before = Number((await invoke(svc, 'svc', 'freeze', 'peek') as { data: string }).data);
    await until(async () => (await instances('freeze'))[0]?.state === 'Frozen', 'freeze again');
    const t0 = Date.now();
    await until(() => Date.now() - t0 > 500, 'an observation window');
    const after = Number((await invoke(svc, 'svc', 'freeze', 'peek') as { data: string }).data);
    expect(after - before).toBeLessThan(10); // 500 ms of running timers would be ~50 ticks
    expect((await record(requestIdOf((await invoke(svc, 'svc', 'freeze', 'peek')) as never))).instanceId).toBe(instanceId);
  });

  it('drains on update: in-flight work ends, PreStop runs, new requests get the new revision', async () => {
    await deployNode(
      svc,
      'update-me',
      { 'index.js': `exports.preStop = async () => { console.log('prestop ran'); }; exports.handler = async () => process.env.V || 'v1';` },
      { instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } } },
    );
    const first = await invoke(svc, 'svc', 'update-me');
    expect(first.ok && first.data).toBe('v1');
    const oldInstance = (await record(requestIdOf(first as never))).instanceId;
    await svc.client.updateFunction('svc', 'update-me', { environmentVariables: { V: 'v2' } });
    const second = await invoke(svc, 'svc', 'update-me');
    expect(second.ok && second.data).toBe('v2');
    expect((await record(requestIdOf(second as never))).instanceId).not.toBe(oldInstance);
    await until(async () => (await logTexts(`instanceId=${oldInstance}`)).some((l) => l.startsWith('FC PreStop End')), 'PreStop of the old instance');
    expect((await logTexts(`instanceId=${oldInstance}`)).some((l) => l.includes('prestop ran'))).toBe(true);
    await until(async () => !(await instances('update-me')).some((i) => i.instanceId === oldInstance), 'the old instance to go');
  });

  it('drains on delete with PreStop', async () => {
    await deployNode(
      svc,
      'delete-me',
      { 'index.js': `exports.preStop = async () => { console.log('bye'); }; exports.handler = async () => 'ok';` },
      { instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } } },
    );
    const r = await invoke(svc, 'svc', 'delete-me');
    const { instanceId } = await record(requestIdOf(r as never));
    await svc.client.deleteFunction('svc', 'delete-me');
    await until(async () => (await logTexts(`instanceId=${instanceId}`)).some((l) => l.includes('bye')), 'PreStop on delete');
    expect(await instances('delete-me')).toHaveLength(0);
  });

  it('throttles with 429 ResourceExhausted when maximumInstanceCount is reached', async () => {
    await deployNode(svc, 'capped', { 'index.js': `${sleepCode} exports.handler = async () => { await sleep(500); return 'ok'; };` });
    await svc.client.putOnDemandConfig('svc', 'capped', 'LATEST', { maximumInstanceCount: 1 });
    const [a, b] = await Promise.all([invoke(svc, 'svc', 'capped'), invoke(svc, 'svc', 'capped')]);
    const failed = [a, b].filter((r) => !r.ok);
    expect(failed).toHaveLength(1);
    expect((failed[0] as { error: { code: string; message: string } }).error.code).toBe('ResourceExhausted');
    expect((failed[0] as { error: { message: string } }).error.message).toContain('failed with 429');
    await svc.client.putOnDemandConfig('svc', 'capped', 'LATEST', { maximumInstanceCount: 0 });
    const blocked = await invoke(svc, 'svc', 'capped');
    expect(!blocked.ok && blocked.error.code).toBe('ResourceExhausted');
  });

  it('reclaims an instance with PreStop from the Reclaim action', async () => {
    await deployNode(
      svc,
      'reclaim-me',
      { 'index.js': `exports.preStop = (ctx, cb) => { console.log('reclaimed'); cb(); }; exports.handler = async () => 'ok';` },
      { instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } } },
    );
    const r = await invoke(svc, 'svc', 'reclaim-me');
    const { instanceId } = await record(requestIdOf(r as never));
    const pid = (await instances('reclaim-me'))[0].pid;
    expect((await api('/functions/svc/reclaim-me/reclaim', { method: 'POST' })).status).toBe(200);
    expect(await instances('reclaim-me')).toHaveLength(0);
    expect((await logTexts(`instanceId=${instanceId}`)).some((l) => l.includes('reclaimed'))).toBe(true);
    expect(procState(pid)).toBeNull();
    const again = await invoke(svc, 'svc', 'reclaim-me');
    expect((await record(requestIdOf(again as never))).coldStart).toBe(true);
  });
});

describe('idle TTL and the account cap', () => {
  let small: TestService;
  let smallApi: ReturnType<typeof playground>;
  beforeAll(async () => {
    small = await startTestService({ maxInstances: 2, idleTtlSec: 1 });
    smallApi = playground(small);
  });
  afterAll(() => small.close());

  it('reclaims an idle instance after the idle TTL, with PreStop', async () => {
    await deployNode(
      small,
      'idle',
      { 'index.js': `exports.preStop = async () => { console.log('idle stop'); }; exports.handler = async () => 'ok';` },
      { instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } } },
    );
    const r = await invoke(small, 'svc', 'idle');
    const rid = requestIdOf(r as never);
    const { instanceId } = (await smallApi(`/invocations/${rid}`)).body;
    await until(async () => (await smallApi('/functions/svc/idle/instances')).body.instances.length === 0, 'idle reclaim');
    const lines = (await smallApi(`/logs?instanceId=${instanceId}`)).body.lines.map((l: { text: string }) => l.text);
    expect(lines.some((l: string) => l.startsWith('FC PreStop Start'))).toBe(true);
    expect(lines.some((l: string) => l.includes('idle stop'))).toBe(true);
  });

  it('reclaims the least recently used idle instance at the account cap instead of refusing', async () => {
    const code = { 'index.js': `exports.handler = async () => process.pid.toString();` };
    await deployNode(small, 'a', code);
    await deployNode(small, 'b', code);
    await deployNode(small, 'c', code);
    expect((await invoke(small, 'svc', 'a')).ok).toBe(true);
    expect((await invoke(small, 'svc', 'b')).ok).toBe(true);
    const c = await invoke(small, 'svc', 'c');
    expect(c.ok).toBe(true);
    expect(small.scheduler.size).toBeLessThanOrEqual(2);
  });

  it('answers 429 when every instance at the account cap is busy', async () => {
    const slow = { 'index.js': `exports.handler = async () => { await new Promise((r) => setTimeout(r, 800)); return 'ok'; };` };
    await deployNode(small, 'slow', slow);
    const results = await Promise.all([1, 2, 3].map(() => invoke(small, 'svc', 'slow')));
    const throttled = results.filter((r) => !r.ok);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    for (const t of throttled) expect((t as { error: { code: string } }).error.code).toBe('ResourceExhausted');
  });
});
