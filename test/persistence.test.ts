// SPEC §7 (embedded SQLite store in a data directory): everything made through the API, and every
// invocation record and log line, survives a restart of the service on the same data dir.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';

let first: TestService | null = null;
let second: TestService | null = null;
let dataDir = '';

const zipSource = `
let calls = 0;
exports.handler = async (event, second) => {
  // an HTTP trigger calls (request, response, context); an event invocation (event, context)
  if (second && typeof second.send === 'function') return second.send('http ' + event.path);
  console.log('persisted-log-line ' + event.toString());
  return 'hello ' + event.toString() + ' #' + (++calls);
};`;

/** What the API shows of everything made before the restart. */
async function snapshot(svc: TestService) {
  const c = svc.client;
  const service = await c.getService('keep');
  const fn = await c.getFunction('keep', 'fn');
  const trigger = await c.getTrigger('keep', 'fn', 'web');
  const onDemand = await c.getOnDemandConfig('keep', 'fn', 'LATEST');
  return {
    service: { data: service.data, etag: service.headers.etag },
    function: { data: fn.data, etag: fn.headers.etag },
    trigger: { data: trigger.data, etag: trigger.headers.etag },
    onDemand: { data: onDemand.data, etag: onDemand.headers.etag },
    services: (await c.listServices()).data.services,
    functions: (await c.listFunctions('keep')).data.functions,
    triggers: (await c.listTriggers('keep', 'fn')).data.triggers,
    onDemandConfigs: (await c.listOnDemandConfigs()).data.configs,
  };
}

let before: Awaited<ReturnType<typeof snapshot>>;
let requestId = '';
let zipFile = '';

beforeAll(async () => {
  first = await startTestService();
  dataDir = first.dataDir;
  const c = first.client;
  await c.createService('keep', { description: 'kept across restarts', internetAccess: false });
  await c.createService('keep-empty');
  zipFile = await zipFiles({ 'index.js': zipSource, 'nonce.txt': `${Date.now()}-${Math.random()}` });
  await c.createFunction('keep', {
    functionName: 'fn', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile },
    description: 'd', memorySize: 256, timeout: 7, instanceConcurrency: 2, environmentVariables: { K: 'v' },
  });
  await c.createTrigger('keep', 'fn', { triggerName: 'web', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
  await c.putOnDemandConfig('keep', 'fn', 'LATEST', { maximumInstanceCount: 4 });
  const r = await c.invokeFunction('keep', 'fn', 'before');
  expect(r.data).toBe('hello before #1');
  requestId = r.headers['x-fc-request-id'];
  // wait for preparation to settle, so the snapshot compares a stable status
  await until(async () => (await c.getFunction('keep', 'fn')).data.accelerationInfo.status !== 'Preparing', 'the code to be prepared', 30_000);
  // and for the log line to be stored, as the record is
  const api = playground(first);
  await until(async () => ((await api(`/logs?requestId=${requestId}`)).body.lines as { text: string }[]).some((l) => l.text.includes('persisted-log-line before')), 'the log line');
  before = await snapshot(first);

  await first.close({ keepData: true });
  second = await startTestService({ dataDir });
});

afterAll(async () => {
  await first?.close({ keepData: true });
  await second?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('after a restart on the same data dir', () => {
  it('still has the service, function, trigger and on-demand config, ETags included', async () => {
    const after = await snapshot(second!);
    expect(after).toEqual(before);
    expect(after.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['keep', 'keep-empty']);
    expect(after.function.data).toMatchObject({
      functionName: 'fn', description: 'd', memorySize: 256, timeout: 7, instanceConcurrency: 2, environmentVariables: { K: 'v' },
      accelerationInfo: { status: 'Ready' },
    });
    expect(after.service.data).toMatchObject({ description: 'kept across restarts', internetAccess: false });
    expect(after.onDemand.data.maximumInstanceCount).toBe(4);
  });

  it('still serves the code', async () => {
    const r = await second!.client.getFunctionCode('keep', 'fn');
    expect(r.data.checksum).toBe(before.function.data.codeChecksum);
    const res = await fetch(r.data.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(zipFile, 'base64'))).toBe(true);
  });

  it('still has the invocation record and its logs in the playground API', async () => {
    const api = playground(second!);
    const list = await api('/functions/keep/fn/invocations');
    expect(list.status).toBe(200);
    const recs = list.body.invocations as { requestId: string; status: string }[];
    expect(recs.map((x) => x.requestId)).toContain(requestId);
    const rec = await api(`/invocations/${requestId}`);
    expect(rec.status).toBe(200);
    expect(rec.body).toMatchObject({ requestId, status: 'succeeded', coldStart: true });
    const logs = await api(`/logs?requestId=${requestId}`);
    const texts = (logs.body.lines as { text: string }[]).map((l) => l.text);
    expect(texts.some((t) => t.includes('persisted-log-line before'))).toBe(true);
    expect(texts).toContain(`FC Invoke Start RequestId: ${requestId}`);
    expect(texts).toContain(`FC Invoke End RequestId: ${requestId}`);
  });

  it('still runs the function, on a fresh instance, through the SDK and the HTTP trigger', async () => {
    const c = second!.client;
    expect((await c.listInstances('keep', 'fn')).data.instances).toEqual([]); // instances do not outlive the service
    const r = await c.invokeFunction('keep', 'fn', 'after');
    expect(r.data).toBe('hello after #1');
    const api = playground(second!);
    const rec = await api(`/invocations/${r.headers['x-fc-request-id']}`);
    expect(rec.body).toMatchObject({ status: 'succeeded', coldStart: true });
    // log ids keep growing across the restart: the UI merges history and live lines by id
    const idsOf = async (id: string) => ((await api(`/logs?requestId=${id}`)).body.lines as { id: number }[]).map((l) => l.id);
    const before = await idsOf(requestId);
    const after = await idsOf(r.headers['x-fc-request-id']);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
    const list = (await api('/functions/keep/fn/invocations')).body.invocations as { requestId: string }[];
    expect(list.map((x) => x.requestId)).toEqual(expect.arrayContaining([requestId, r.headers['x-fc-request-id']]));
    // the anonymous HTTP trigger still answers unsigned requests
    const web = await fetch(`${second!.url}/2016-08-15/proxy/keep/fn/path`);
    expect({ status: web.status, text: await web.text() }).toEqual({ status: 200, text: 'http /path' });
  });

  it('keeps honouring the stored ETags and limits', async () => {
    const c = second!.client;
    const u = await c.updateFunction('keep', 'fn', { description: 'changed after restart' }, { 'if-match': before.function.etag });
    expect(u.data.description).toBe('changed after restart');
    await expect(c.updateService('keep', { description: 'x' }, { 'if-match': 'stale' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(c.createService('keep')).rejects.toMatchObject({ code: 'ServiceAlreadyExists' });
    await expect(c.deleteService('keep')).rejects.toMatchObject({ code: 'ServiceNotEmpty' });
    await expect(c.deleteFunction('keep', 'fn')).rejects.toMatchObject({ code: 'FunctionNotEmpty' });
  });

  it('survives a second restart with what the first restart changed', async () => {
    await second!.close({ keepData: true });
    second = await startTestService({ dataDir });
    const c = second.client;
    expect((await c.getFunction('keep', 'fn')).data.description).toBe('changed after restart');
    expect((await c.invokeFunction('keep', 'fn', 'again')).data).toBe('hello again #1');
    const recs = (await playground(second)('/functions/keep/fn/invocations')).body.invocations as unknown[];
    expect(recs).toHaveLength(4); // before, after, the HTTP call, again
  });
});
