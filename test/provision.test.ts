// Provisioned instances through the official SDK (FC2-API §5.5, SPEC §1, SCF seed 003): started
// ahead of traffic with their initializer, `Provisioned Report` in their log, never reclaimed for
// idleness, preferred for their qualifier, moved when their alias moves, stopped with PreStop when
// the target goes down, back after a restart; every bad config refused with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { fcError } from './helpers/fc-errors.ts';
import { procState } from './helpers/functions.ts';

let svc: TestService;
beforeAll(async () => {
  // A short idle TTL: on-demand instances go quickly, provisioned ones must stay.
  svc = await startTestService({ idleTtlSec: 1, maxInstances: 20 });
});
afterAll(() => svc.close());

const source = (tag: string) => `
let inits = 0;
exports.initializer = (ctx, cb) => { inits++; console.log('init ${tag}'); cb(null, ''); };
exports.handler = async () => JSON.stringify({ tag: '${tag}', inits });
exports.preStop = (ctx, cb) => { console.log('bye ${tag}'); cb(null, ''); };
`;
const fnConfig = async (tag: string) => ({
  code: { zipFile: await zipFiles({ 'index.js': source(tag) }) },
  initializer: 'index.initializer',
  instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } },
});

type Inst = { instanceId: string; versionId: string; provisioned?: boolean };
const instancesAt = async (q: string, fn = 'f') => (await svc.client.listInstances(`p.${q}`, fn)).data.instances as Inst[];
const provisionedIds = (fn = 'f') => svc.scheduler.provisioned().filter((i) => i.rev.fn.config.functionName === fn).map((i) => i.id);
const current = async (q: string, fn = 'f') => (await svc.client.getProvisionConfig('p', fn, q)).data.current as number;
const logsOf = (instanceId: string) => svc.store.records.queryLogs({ instanceId, limit: 1000 }).map((l) => l.text);

beforeAll(async () => {
  await svc.client.createService('p');
  await svc.client.createFunction('p', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', ...(await fnConfig('v1')) });
  await svc.client.publishVersion('p', 'one');
  await svc.client.updateFunction('p', 'f', await fnConfig('v2'));
  await svc.client.publishVersion('p', 'two');
  await svc.client.createAlias('p', 'prod', '1');
});

describe('provision configs', () => {
  it('refuses bad configs and changes nothing', async () => {
    await fcError(svc.client.putProvisionConfig('p', 'f', '1', { target: 1 }), 'InvalidArgument', 400);
    await fcError(svc.client.putProvisionConfig('p', 'f', 'nope', { target: 1 }), 'AliasNotFound', 404);
    await fcError(svc.client.putProvisionConfig('p', 'ghost', 'prod', { target: 1 }), 'FunctionNotFound', 404);
    await fcError(svc.client.putProvisionConfig('p', 'f', 'prod', {}), 'InvalidArgument', 400);
    await fcError(svc.client.putProvisionConfig('p', 'f', 'prod', { target: -1 }), 'InvalidArgument', 400);
    await fcError(svc.client.putProvisionConfig('p', 'f', 'prod', { target: 10001 }), 'InvalidArgument', 400);
    await fcError(svc.client.putProvisionConfig('p', 'f', 'prod', { target: 1.5 }), 'InvalidArgument', 400);
    // over the account's instance cap (20 in this service)
    await fcError(svc.client.putProvisionConfig('p', 'f', 'prod', { target: 21 }), 'InvalidArgument', 400);
    await fcError(svc.client.listProvisionConfigs({ qualifier: 'prod' }), 'InvalidArgument', 400);
    const got = await svc.client.getProvisionConfig('p', 'f', 'prod');
    expect(got.data).toMatchObject({ target: 0, current: 0, resource: expect.stringContaining('#p#prod#f') });
    expect((await svc.client.listProvisionConfigs()).data.provisionConfigs).toEqual([]);
    expect(provisionedIds()).toEqual([]);
  });

  it('starts the target ahead of traffic, initializer included, and says Provisioned Report', async () => {
    const put = await svc.client.putProvisionConfig('p', 'f', 'prod', { target: 2 });
    expect(put.data).toMatchObject({ target: 2, alwaysAllocateCPU: true, resource: expect.stringMatching(/^\d+#p#prod#f$/) });
    await until(async () => (await current('prod')) === 2, 'two provisioned instances ready', 60_000);
    const ids = provisionedIds();
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const lines = logsOf(id);
      expect(lines.some((l) => l.endsWith('init v1'))).toBe(true);
      expect(lines.some((l) => /^Provisioned Report RequestId: \S+ Coldstart: [\d.]+ ms PullCode: [\d.]+ ms InitRuntime: [\d.]+ ms InitFunction: [\d.]+ ms$/.test(l))).toBe(true);
      expect(lines.some((l) => l.startsWith('Init Report'))).toBe(false);
    }
    const listed = await instancesAt('prod');
    expect(listed.filter((i) => ids.includes(i.instanceId)).every((i) => i.versionId === '1')).toBe(true);
    const configs = (await svc.client.listProvisionConfigs({ serviceName: 'p', qualifier: 'prod' })).data.provisionConfigs;
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({ target: 2, current: 2 });
  });

  it('serves calls through its alias on the provisioned instances, warm; other qualifiers start their own', async () => {
    const r = await svc.client.invokeFunction('p.prod', 'f', '');
    expect(JSON.parse(String(r.data))).toEqual({ tag: 'v1', inits: 1 });
    const rec = await until(() => svc.store.records.getInvocation(r.headers['x-fc-request-id']), 'the record');
    expect(rec.coldStart).toBe(false);
    expect(provisionedIds()).toContain(rec.instanceId);
    // Version 1 called directly is not the alias: an on-demand instance of its own (cold).
    const direct = await svc.client.invokeFunction('p.1', 'f', '');
    const directRec = await until(() => svc.store.records.getInvocation(direct.headers['x-fc-request-id']), 'the record');
    expect(directRec.coldStart).toBe(true);
    expect(provisionedIds()).not.toContain(directRec.instanceId);
    // The on-demand one is reclaimed after the 1 s idle TTL; the provisioned ones stay.
    await until(() => !svc.scheduler.all().some((i) => i.id === directRec.instanceId), 'the on-demand instance is reclaimed');
    expect(await current('prod')).toBe(2);
  });

  it('keeps provisioned instances running between calls (alwaysAllocateCPU), frozen only without it', async () => {
    for (const i of svc.scheduler.provisioned()) expect(procState(i.pid!)).not.toBe('T');
    await svc.client.putProvisionConfig('p', 'f', 'LATEST', { target: 1, alwaysAllocateCPU: false });
    await until(async () => (await current('LATEST')) === 1, 'a LATEST provisioned instance', 60_000);
    const latest = svc.scheduler.provisionedOf(`p#LATEST#f`)[0];
    expect(latest.rev.versionId).toBe('LATEST');
    await until(() => latest.state === 'Frozen', 'the instance without alwaysAllocateCPU is frozen');
    await svc.client.putProvisionConfig('p', 'f', 'LATEST', { target: 0 });
    await until(() => latest.state === 'Destroyed', 'target 0 stops it');
  });

  it('replaces LATEST provisioned instances when the function is updated', async () => {
    await svc.client.putProvisionConfig('p', 'f', 'LATEST', { target: 1 });
    await until(async () => (await current('LATEST')) === 1, 'a LATEST provisioned instance', 60_000);
    const before = svc.scheduler.provisionedOf('p#LATEST#f')[0];
    await svc.client.updateFunction('p', 'f', await fnConfig('v3'));
    await until(() => before.state === 'Destroyed', 'the old revision is stopped');
    await until(() => svc.scheduler.provisionedOf('p#LATEST#f').some((i) => i.ready && i.id !== before.id), 'a new one is ready', 60_000);
    await until(() => logsOf(before.id).some((l) => l.endsWith('bye v2')), 'its PreStop ran');
    const r = await svc.client.invokeFunction('p', 'f', '');
    expect(JSON.parse(String(r.data)).tag).toBe('v3');
    await svc.client.putProvisionConfig('p', 'f', 'LATEST', { target: 0 });
    await until(() => svc.scheduler.provisionedOf('p#LATEST#f').length === 0, 'LATEST released');
  });

  it('stops the extra ones with PreStop when the target goes down, and moves with its alias', async () => {
    const before = provisionedIds();
    await svc.client.putProvisionConfig('p', 'f', 'prod', { target: 1 });
    await until(() => provisionedIds().length === 1, 'one left');
    const gone = before.find((id) => !provisionedIds().includes(id))!;
    await until(() => logsOf(gone).some((l) => l.endsWith('bye v1')), 'its PreStop ran');
    expect(await current('prod')).toBe(1);

    await fcError(svc.client.deleteAlias('p', 'prod'), 'AliasInUse', 409);
    await svc.client.updateAlias('p', 'prod', '2');
    await until(async () => {
      const ids = provisionedIds();
      return ids.length === 1 && !before.includes(ids[0]) && (await current('prod')) === 1;
    }, 'the provisioned instance is on version 2', 60_000);
    const r = await svc.client.invokeFunction('p.prod', 'f', '');
    expect(JSON.parse(String(r.data))).toEqual({ tag: 'v2', inits: 1 });
  });

  it('brings provisioned instances back after a restart', async () => {
    await svc.close({ keepData: true });
    const again = await startTestService({ dataDir: svc.dataDir, idleTtlSec: 1, maxInstances: 20 });
    try {
      await until(async () => (await again.client.getProvisionConfig('p', 'f', 'prod')).data.current === 1, 'provisioned again after the restart', 60_000);
      await again.client.putProvisionConfig('p', 'f', 'prod', { target: 0 });
      await until(() => again.scheduler.provisioned().length === 0, 'released');
      await again.client.deleteAlias('p', 'prod');
    } finally {
      await again.close();
    }
    svc = await startTestService();
  });
});

describe('a target at the account cap', () => {
  it('reaches exactly the target, never more instances than the cap, and releases them all at 0', async () => {
    const cap = await startTestService({ maxInstances: 6 });
    try {
      await cap.client.createService('cap');
      await cap.client.createFunction('cap', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', ...(await fnConfig('c')) });
      let most = 0;
      const watch = setInterval(() => (most = Math.max(most, cap.scheduler.size)), 5);
      await cap.client.putProvisionConfig('cap', 'f', 'LATEST', { target: 6 });
      await until(async () => (await cap.client.getProvisionConfig('cap', 'f', 'LATEST')).data.current === 6, 'all six ready', 90_000);
      // a later pass of the provisioner must not undo any of them
      await cap.provisioner.afterNextPass();
      await cap.provisioner.afterNextPass();
      expect((await cap.client.getProvisionConfig('cap', 'f', 'LATEST')).data).toMatchObject({ current: 6, currentError: '' });
      clearInterval(watch);
      expect(most).toBe(6);
      await cap.client.putProvisionConfig('cap', 'f', 'LATEST', { target: 0 });
      await until(() => cap.scheduler.size === 0, 'every instance released', 30_000);
    } finally {
      await cap.close();
    }
  });
});
