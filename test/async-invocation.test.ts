// Asynchronous invocation through the official SDK (SPEC §3, FC2-API §5.2, §5.4, §5.6): 202 once
// committed, arrival order, retries with context.retryCount, expiry, throttling that keeps events
// queued, destinations with FC's record, stateful invocations; every bad input refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { fcError } from './helpers/fc-errors.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ asyncRetryBaseMs: 20 });
  await svc.client.createService('as');
});
afterAll(() => svc.close());

const REGION = 'cn-hangzhou';
const arn = (fn: string, q = 'LATEST', service = 'as') => `acs:fc:${REGION}:${ACCOUNT_ID}:services/${service}.${q}/functions/${fn}`;

/** A function from inline source; `index.handler`. */
async function fn(name: string, source: string, extra: Record<string, unknown> = {}) {
  await svc.client.createFunction('as', { functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles({ 'index.js': source }) }, ...extra });
}
async function invokeAsync(name: string, payload: string, headers: Record<string, string> = {}, service = 'as') {
  return svc.client.invokeFunction(service, name, payload, { 'x-fc-invocation-type': 'Async', ...headers });
}
/** The stateful invocation record (the FC API's GetStatefulAsyncInvocation). */
const record = async (name: string, id: string) => (await svc.client.get(`/services/as/functions/${name}/stateful-async-invocations/${id}`)).data;
const finalRecord = (name: string, id: string, status?: string) =>
  until(async () => {
    const r = await record(name, id);
    return (status ? r.status === status : ['Succeeded', 'Failed', 'Expired', 'Stopped', 'Invalid'].includes(r.status)) && r;
  }, `async invocation ${id} ${status ?? 'ends'}`);

describe('accepting', () => {
  beforeAll(() => fn('echo', `exports.handler = async (event, ctx) => 'got ' + event.toString() + ' retry ' + ctx.retryCount;`));

  it('answers 202 with the request id once the event is stored, and runs it', async () => {
    const r = await invokeAsync('echo', 'hello');
    expect(r.data).toBe('');
    const requestId = r.headers['x-fc-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(svc.store.asyncEvents.byRequest(requestId)).not.toBeNull();
    const done = await until(() => svc.store.asyncEvents.byRequest(requestId)?.status === 'Succeeded' && svc.store.asyncEvents.byRequest(requestId), 'it ran');
    expect(done.result!.toString()).toBe('got hello retry 0');
    const rec = await until(() => svc.store.records.getInvocation(requestId), 'its execution record');
    expect(rec).toMatchObject({ invocationType: 'async', status: 'succeeded' });
    // the header name arrives in any case (the SDK's own test sends X-Fc-Invocation-Type)
    expect((await svc.client.invokeFunction('as', 'echo', 'x', { 'X-Fc-Invocation-Type': 'Async' })).data).toBe('');
  });

  it('keeps the caller\'s invocation id, refuses it twice and refuses bad ones', async () => {
    const r = await invokeAsync('echo', 'a', { 'x-fc-stateful-async-invocation-id': 'job-1' });
    expect(r.headers['x-fc-stateful-async-invocation-id']).toBe('job-1');
    expect((await finalRecord('echo', 'job-1')).returnPayload).toBe('got a retry 0');
    await fcError(invokeAsync('echo', 'b', { 'x-fc-stateful-async-invocation-id': 'job-1' }), 'StatefulAsyncInvocationAlreadyExists', 409);
    await fcError(invokeAsync('echo', 'b', { 'x-fc-stateful-async-invocation-id': '9starts-with-digit' }), 'InvalidArgument', 400);
    await fcError(invokeAsync('echo', 'b', { 'x-fc-stateful-async-invocation-id': 'a'.repeat(129) }), 'InvalidArgument', 400);
    expect((await record('echo', 'job-1')).invocationPayload).toBe('a');
  });

  it('refuses a payload over 128 KB, an unknown function or qualifier, and stores nothing', async () => {
    const before = svc.store.asyncEvents.list({ serviceName: 'as', functionName: 'echo', order: 'desc', limit: 1000 }).length;
    await fcError(invokeAsync('echo', 'x'.repeat(128 * 1024 + 1)), 'InvalidArgument', 400);
    await fcError(invokeAsync('nope', 'x'), 'FunctionNotFound', 404);
    await fcError(svc.client.invokeFunction('as.7', 'echo', 'x', { 'x-fc-invocation-type': 'Async' }), 'VersionNotFound', 404);
    await fcError(svc.client.invokeFunction('as', 'echo', 'x', { 'x-fc-invocation-type': 'Later' }), 'InvalidArgument', 400);
    expect(svc.store.asyncEvents.list({ serviceName: 'as', functionName: 'echo', order: 'desc', limit: 1000 }).length).toBe(before);
    // exactly 128 KB is accepted
    expect((await invokeAsync('echo', 'x'.repeat(128 * 1024))).data).toBe('');
  });
});

describe('running', () => {
  it('runs one function\'s events in arrival order within its limits', async () => {
    await fn('order', `const seen = []; exports.handler = async (e) => { seen.push(Number(e.toString())); return JSON.stringify(seen); };`);
    await svc.client.putOnDemandConfig('as', 'order', 'LATEST', { maximumInstanceCount: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await invokeAsync('order', String(i))).headers['x-fc-request-id']);
    const last = await until(() => svc.store.asyncEvents.byRequest(ids[14])?.status === 'Succeeded' && svc.store.asyncEvents.byRequest(ids[14]), 'the last one ran', 60_000);
    expect(JSON.parse(last.result!.toString())).toEqual([...Array(15).keys()]);
  });

  it('retries a failing event maxAsyncRetryAttempts times with context.retryCount, then fails it', async () => {
    await fn('flaky', `exports.handler = async (e, ctx) => { console.log('retry ' + ctx.retryCount); throw new Error('boom ' + ctx.retryCount); };`);
    const r = await invokeAsync('flaky', 'x', { 'x-fc-stateful-async-invocation-id': 'flaky-1' });
    const done = await finalRecord('flaky', 'flaky-1');
    expect(done.status).toBe('Failed');
    expect(done.alreadyRetriedTimes).toBe(3); // FC's default of 3 retries: 4 attempts
    expect(done.invocationErrorMessage).toContain('boom 3');
    const statuses = done.events.map((e: { status: string }) => e.status);
    expect(statuses).toEqual(['Enqueued', 'Running', 'Retrying', 'Running', 'Retrying', 'Running', 'Retrying', 'Running', 'Failed']);
    expect(r.headers['x-fc-request-id']).toBe(done.requestId);

    await svc.client.putFunctionAsyncConfig('as', 'flaky', '', { maxAsyncRetryAttempts: 0 });
    await invokeAsync('flaky', 'x', { 'x-fc-stateful-async-invocation-id': 'flaky-2' });
    const once = await finalRecord('flaky', 'flaky-2');
    expect(once).toMatchObject({ status: 'Failed', alreadyRetriedTimes: 0 });
  });

  it('keeps throttled events queued (not failed), and expires them past maxAsyncEventAgeInSeconds', async () => {
    await fn('held', `exports.handler = async () => 'ran';`);
    await svc.client.putOnDemandConfig('as', 'held', 'LATEST', { maximumInstanceCount: 0 });
    await svc.client.putFunctionAsyncConfig('as', 'held', '', { maxAsyncEventAgeInSeconds: 2, statefulInvocation: true });
    await invokeAsync('held', 'x', { 'x-fc-stateful-async-invocation-id': 'held-1' });
    await invokeAsync('held', 'y', { 'x-fc-stateful-async-invocation-id': 'held-2' });
    // throttled, it stays Enqueued
    await until(async () => (await record('held', 'held-1')).status === 'Enqueued', 'still enqueued');
    // stopping a waiting one stops it at once
    await svc.client.put('/services/as/functions/held/stateful-async-invocations/held-2');
    expect((await record('held', 'held-2')).status).toBe('Stopped');
    await fcError(svc.client.put('/services/as/functions/held/stateful-async-invocations/held-2'), 'AsyncInvocationStopped', 412);
    const expired = await finalRecord('held', 'held-1');
    expect(expired.status).toBe('Expired');
    expect(expired.invocationErrorMessage).toContain('maxAsyncEventAgeInSeconds');
    expect(svc.store.records.listInvocations('as', 'held', 100).filter((r) => r.status === 'succeeded')).toEqual([]);
  });

  it('lists stateful invocations with filters and paging', async () => {
    const list = async (q: Record<string, string> = {}) => (await svc.client.get('/services/as/functions/held/stateful-async-invocations', q)).data;
    const all = await list();
    expect(all.invocations.map((i: { invocationId: string }) => i.invocationId)).toEqual(['held-2', 'held-1']);
    expect((await list({ status: 'Stopped' })).invocations.map((i: { invocationId: string }) => i.invocationId)).toEqual(['held-2']);
    expect((await list({ invocationIdPrefix: 'held-1' })).invocations).toHaveLength(1);
    const first = await list({ limit: '1', sortOrderByTime: 'asc' });
    expect(first.invocations[0].invocationId).toBe('held-1');
    const second = await list({ limit: '1', sortOrderByTime: 'asc', nextToken: first.nextToken });
    expect(second.invocations[0].invocationId).toBe('held-2');
    expect(second.nextToken).toBeUndefined();
    await fcError(svc.client.get('/services/as/functions/held/stateful-async-invocations', { status: 'Sleeping' }), 'InvalidArgument', 400);
    await fcError(svc.client.get('/services/as/functions/held/stateful-async-invocations/nope'), 'InvocationNotFound', 404);
  });
});

describe('configs and destinations', () => {
  beforeAll(async () => {
    await fn('sink', `exports.handler = async (e) => e.toString();`);
    await fn('src', `exports.handler = async (e) => { if (e.toString() === 'fail') throw new Error('asked to fail'); return 'ok:' + e; };`);
  });

  it('puts, gets, lists and deletes async configs as the SDK does', async () => {
    const put = await svc.client.putFunctionAsyncConfig('as', 'src', '', { maxAsyncRetryAttempts: 1, maxAsyncEventAgeInSeconds: 100, destinationConfig: { onSuccess: { destination: arn('sink') } } });
    expect(put.data).toMatchObject({ service: 'as', function: 'src', qualifier: 'LATEST', maxAsyncRetryAttempts: 1, maxAsyncEventAgeInSeconds: 100, statefulInvocation: null });
    expect(put.data.destinationConfig.onSuccess.destination).toBe(arn('sink'));
    expect(put.data.createdTime).toBeTruthy();
    expect((await svc.client.getFunctionAsyncConfig('as', 'src', '')).data.maxAsyncEventAgeInSeconds).toBe(100);
    const listed = await svc.client.listFunctionAsyncConfigs('as', 'src', { limit: 1 });
    expect(listed.data.configs).toHaveLength(1);
    await svc.client.putFunctionAsyncConfig('as', 'sink', '', { maxAsyncRetryAttempts: 2 });
    await svc.client.deleteFunctionAsyncConfig('as', 'sink', '');
    await fcError(svc.client.getFunctionAsyncConfig('as', 'sink', ''), 'AsyncConfigNotExists', 404);
    await fcError(svc.client.deleteFunctionAsyncConfig('as', 'sink', ''), 'AsyncConfigNotExists', 404);
  });

  it('refuses bad configs and changes nothing', async () => {
    const before = (await svc.client.getFunctionAsyncConfig('as', 'src', '')).data;
    const bad = (body: object) => fcError(svc.client.putFunctionAsyncConfig('as', 'src', '', body), 'InvalidArgument', 400);
    await bad({ maxAsyncRetryAttempts: 9 });
    await bad({ maxAsyncRetryAttempts: -1 });
    await bad({ maxAsyncEventAgeInSeconds: 0 });
    await bad({ maxAsyncEventAgeInSeconds: 604801 });
    await bad({ statefulInvocation: 'yes' });
    const mns = await bad({ destinationConfig: { onFailure: { destination: `acs:mns:${REGION}:${ACCOUNT_ID}:/queues/q/messages` } } });
    expect(mns.message).toContain('MNS');
    await bad({ destinationConfig: { onSuccess: { destination: 'not-an-arn' } } });
    await bad({ destinationConfig: { onSuccess: { destination: `acs:fc:${REGION}:999:services/as.LATEST/functions/sink` } } });
    await bad({ destinationConfig: { onSuccess: { destination: arn('ghost') } } });
    const loop = await bad({ destinationConfig: { onFailure: { destination: arn('src') } } });
    expect(loop.message).toContain('loop');
    // a two-step loop: sink → src while src → sink
    const twoStep = await fcError(svc.client.putFunctionAsyncConfig('as', 'sink', '', { destinationConfig: { onSuccess: { destination: arn('src') } } }), 'InvalidArgument', 400);
    expect(twoStep.message).toContain('loop');
    await fcError(svc.client.putFunctionAsyncConfig('as', 'ghost', '', {}), 'FunctionNotFound', 404);
    expect((await svc.client.getFunctionAsyncConfig('as', 'src', '')).data).toEqual(before);
    await fcError(svc.client.getFunctionAsyncConfig('as', 'sink', ''), 'AsyncConfigNotExists', 404);
  });

  it('sends FC\'s destination record to another function, on success and on failure', async () => {
    await svc.client.putFunctionAsyncConfig('as', 'src', '', { maxAsyncRetryAttempts: 1, destinationConfig: { onSuccess: { destination: arn('sink') }, onFailure: { destination: arn('sink') } } });
    const ok = (await invokeAsync('src', 'fine')).headers['x-fc-request-id'];
    const bad = (await invokeAsync('src', 'fail')).headers['x-fc-request-id'];
    const delivered = await until(() => {
      const rows = svc.store.asyncEvents.list({ serviceName: 'as', functionName: 'sink', order: 'asc', limit: 100 }).filter((r) => r.origin === 'destination' && r.status === 'Succeeded');
      return rows.length >= 2 && rows;
    }, 'two records delivered');
    const records = delivered.map((r) => JSON.parse(r.payload.toString()));
    const success = records.find((x) => x.requestContext.requestId === ok);
    expect(success).toMatchObject({
      requestContext: { functionArn: arn('src'), condition: '', approximateInvokeCount: 1 },
      requestPayload: 'fine', responseContext: { statusCode: 200, functionError: '' }, responsePayload: 'ok:fine',
    });
    const failure = records.find((x) => x.requestContext.requestId === bad);
    expect(failure).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 }, requestPayload: 'fail' });
    expect(failure.responseContext.functionError).toContain('asked to fail');
  });
});

describe('the queue cap', () => {
  it('answers 429 past the events a function may have waiting, and takes them again once it drains', async () => {
    const small = await startTestService({ asyncQueueCap: 3, asyncRetryBaseMs: 20 });
    try {
      await small.client.createService('cap');
      await small.client.createFunction('cap', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles({ 'index.js': `exports.handler = async () => 'ok';` }) } });
      await small.client.putOnDemandConfig('cap', 'f', 'LATEST', { maximumInstanceCount: 0 });
      const send = () => small.client.invokeFunction('cap', 'f', 'x', { 'x-fc-invocation-type': 'Async' });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await send()).headers['x-fc-request-id']);
      const full = await fcError(send(), 'ResourceExhausted', 429);
      expect(full.message).toContain('3');
      // the cap raised, they drain, and the queue takes events again
      await small.client.putOnDemandConfig('cap', 'f', 'LATEST', { maximumInstanceCount: 2 });
      await until(() => ids.every((id) => small.store.asyncEvents.byRequest(id)?.status === 'Succeeded'), 'the three ran');
      expect((await send()).data).toBe('');
    } finally {
      await small.close();
    }
  });
});
