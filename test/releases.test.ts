// Versions, aliases and qualifiers through the official SDK (FC2-API §5, §5.1; SPEC §1): publishing
// snapshots, numbering never reused, reads and calls at a qualifier, instances per version, and a
// gradual release whose weighted split is counted, not drawn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { fcError } from './helpers/fc-errors.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

/** A function that answers which code it runs. */
const codeOf = (tag: string) => zipFiles({ 'index.js': `exports.handler = async () => 'code ${tag}';` });

async function createService(name: string) {
  await svc.client.createService(name);
}
async function createFn(service: string, fn: string, tag: string, extra: Record<string, unknown> = {}) {
  return svc.client.createFunction(service, { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await codeOf(tag) }, ...extra });
}
async function updateCode(service: string, fn: string, tag: string) {
  return svc.client.updateFunction(service, fn, { code: { zipFile: await codeOf(tag) }, description: `code ${tag}` });
}
async function call(service: string, fn: string, qualifier?: string) {
  const r = await svc.client.invokeFunction(qualifier ? `${service}.${qualifier}` : service, fn, '');
  return { body: String(r.data), version: r.headers['x-fc-invocation-service-version'] as string, requestId: r.headers['x-fc-request-id'] as string };
}

describe('versions', () => {
  it('publishes snapshots numbered from 1, never reusing a number, and refuses a publish with no change', async () => {
    await createService('ver');
    await createFn('ver', 'f', 'one');
    // The SDK's own flow (client.test.js "versions test"): publish, delete 1, publish again → "2".
    const v1 = await svc.client.publishVersion('ver');
    expect(v1.data).toMatchObject({ versionId: '1', description: '' });
    expect(v1.data.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(v1.headers.etag).toBeTruthy();
    await fcError(svc.client.publishVersion('ver', 'same again'), 'InvalidArgument', 400);
    expect((await svc.client.deleteVersion('ver', '1')).data).toBe('');
    const v2 = await svc.client.publishVersion('ver', 'test version');
    expect(v2.data).toMatchObject({ versionId: '2', description: 'test version' });
    await updateCode('ver', 'f', 'two');
    expect((await svc.client.publishVersion('ver', 'second')).data.versionId).toBe('3');
    const list = await svc.client.listVersions('ver');
    expect(list.data.versions.map((v: { versionId: string }) => v.versionId)).toEqual(['3', '2']);
    expect(list.data.direction).toBe('BACKWARD');
  });

  it('lists versions in either direction, in pages', async () => {
    await createService('pages');
    await createFn('pages', 'f', 'p0');
    for (let i = 1; i <= 5; i++) {
      await updateCode('pages', 'f', `p${i}`);
      await svc.client.publishVersion('pages', `v${i}`);
    }
    const ids = (r: { data: { versions: { versionId: string }[] } }) => r.data.versions.map((v) => v.versionId);
    const first = await svc.client.listVersions('pages', { limit: 2 });
    expect(ids(first)).toEqual(['5', '4']);
    const second = await svc.client.listVersions('pages', { limit: 2, nextToken: first.data.nextToken });
    expect(ids(second)).toEqual(['3', '2']);
    const last = await svc.client.listVersions('pages', { limit: 2, nextToken: second.data.nextToken });
    expect(ids(last)).toEqual(['1']);
    expect(last.data.nextToken).toBeUndefined();
    expect(ids(await svc.client.listVersions('pages', { direction: 'FORWARD', startKey: '2', limit: 2 }))).toEqual(['2', '3']);
    await fcError(svc.client.listVersions('pages', { direction: 'SIDEWAYS' }), 'InvalidArgument', 400);
    await fcError(svc.client.listVersions('pages', { startKey: 'x' }), 'InvalidArgument', 400);
    await fcError(svc.client.listVersions('nope'), 'ServiceNotFound', 404);
  });

  it('reads the service and its functions as a version has them', async () => {
    await createService('reads');
    await createFn('reads', 'f', 'r1', { description: 'first' });
    const first = await svc.client.getFunction('reads', 'f');
    await svc.client.publishVersion('reads', 'release one');
    await updateCode('reads', 'f', 'r2');
    await createFn('reads', 'later', 'x');

    const at1 = await svc.client.getFunction('reads', 'f', {}, '1');
    expect(at1.data.description).toBe('first');
    expect(at1.data.codeChecksum).toBe(first.data.codeChecksum);
    expect((await svc.client.getFunction('reads', 'f')).data.description).toBe('code r2');
    expect((await svc.client.getFunctionCode('reads', 'f', {}, '1')).data.checksum).toBe(first.data.codeChecksum);
    const fns = await svc.client.listFunctions('reads', {}, {}, '1');
    expect(fns.data.functions.map((f: { functionName: string }) => f.functionName)).toEqual(['f']);
    expect((await svc.client.getService('reads', {}, '1')).data.description).toBe('release one');
    await fcError(svc.client.getFunction('reads', 'later', {}, '1'), 'FunctionNotFound', 404);
    await fcError(svc.client.getFunction('reads', 'f', {}, '9'), 'VersionNotFound', 404);
    await fcError(svc.client.getFunction('reads', 'f', {}, 'nosuchalias'), 'AliasNotFound', 404);
    await fcError(svc.client.getService('reads', {}, '9'), 'VersionNotFound', 404);
  });

  it("runs a version's own code, and an update of LATEST drains only LATEST's instances", async () => {
    await createService('run');
    await createFn('run', 'f', 'A');
    await svc.client.publishVersion('run');
    expect(await call('run', 'f', '1')).toMatchObject({ body: 'code A', version: '1' });
    expect(await call('run', 'f')).toMatchObject({ body: 'code A', version: 'LATEST' });
    const instancesAt = async (q?: string) => (await svc.client.listInstances(q ? `run.${q}` : 'run', 'f')).data.instances as { instanceId: string; versionId: string }[];
    const [v1Instance] = await instancesAt('1');
    expect(v1Instance.versionId).toBe('1');
    expect((await instancesAt()).map((i) => i.versionId)).toEqual(['0']);

    await updateCode('run', 'f', 'B');
    expect(await call('run', 'f')).toMatchObject({ body: 'code B', version: 'LATEST' });
    expect(await call('run', 'f', '1')).toMatchObject({ body: 'code A', version: '1' });
    // The version's instance was not drained by the update: the same one served again.
    expect((await instancesAt('1')).map((i) => i.instanceId)).toEqual([v1Instance.instanceId]);
    await until(async () => (await instancesAt()).length === 1, "LATEST's old instance is drained");

    const record = (await svc.client.get(`/services/run/functions/f/instances`)).data;
    expect(record.instances.every((i: { versionId: string }) => i.versionId === '0')).toBe(true);
  });

  it('refuses to delete a version an alias uses, or a service that has versions', async () => {
    await createService('inuse');
    await createFn('inuse', 'f', 'a');
    await svc.client.publishVersion('inuse');
    await svc.client.createAlias('inuse', 'prod', '1');
    await fcError(svc.client.deleteVersion('inuse', '1'), 'VersionInUse', 409);
    await fcError(svc.client.deleteVersion('inuse', '7'), 'VersionNotFound', 404);
    expect((await svc.client.listVersions('inuse')).data.versions).toHaveLength(1);
    await svc.client.deleteFunction('inuse', 'f');
    await fcError(svc.client.deleteService('inuse'), 'ServiceNotEmpty', 409);
    // The version still holds the deleted function, and runs it.
    expect(await call('inuse', 'f', 'prod')).toMatchObject({ body: 'code a', version: '1' });
    await svc.client.deleteAlias('inuse', 'prod');
    await svc.client.deleteVersion('inuse', '1');
    await svc.client.deleteService('inuse');
  });
});

describe('aliases', () => {
  beforeAll(async () => {
    await createService('al');
    await createFn('al', 'f', 'one');
    await svc.client.publishVersion('al', 'test version 1');
    await updateCode('al', 'f', 'two');
    await svc.client.publishVersion('al', 'test version 2');
  });

  it('creates, updates, reads, lists and deletes an alias as the SDK does', async () => {
    const created = await svc.client.createAlias('al', 'new-version', '1', { description: 'test alias' });
    expect(created.data).toMatchObject({ aliasName: 'new-version', versionId: '1', description: 'test alias', additionalVersionWeight: {} });
    expect(created.headers.etag).toBeTruthy();
    let res = await svc.client.updateAlias('al', 'new-version', null, { additionalVersionWeight: { '2': 0.3 }, description: '' });
    expect(res.data).toMatchObject({ versionId: '1', description: '', additionalVersionWeight: { '2': 0.3 } });
    res = await svc.client.updateAlias('al', 'new-version', '1', { additionalVersionWeight: { '2': 0.5 } });
    expect(res.data).toMatchObject({ versionId: '1', description: '', additionalVersionWeight: { '2': 0.5 } });
    expect((await svc.client.getAlias('al', 'new-version')).data.additionalVersionWeight).toEqual({ '2': 0.5 });
    const list = await svc.client.listAliases('al');
    expect(list.data.aliases).toHaveLength(1);
    expect(list.data.aliases[0]).toMatchObject({ aliasName: 'new-version', versionId: '1', additionalVersionWeight: { '2': 0.5 } });
    await fcError(svc.client.updateAlias('al', 'new-version', '2', {}, { 'if-match': 'stale' }), 'PreconditionFailed', 412);
    expect((await svc.client.deleteAlias('al', 'new-version')).data).toBe('');
    await fcError(svc.client.getAlias('al', 'new-version'), 'AliasNotFound', 404);
  });

  it('refuses bad aliases and changes nothing', async () => {
    await svc.client.createAlias('al', 'keep', '1');
    const before = (await svc.client.getAlias('al', 'keep')).data;
    await fcError(svc.client.createAlias('al', 'keep', '1'), 'AliasAlreadyExists', 409);
    await fcError(svc.client.createAlias('al', 'ghost', '99'), 'VersionNotFound', 404);
    await fcError(svc.client.createAlias('al', 'LATEST', '1'), 'InvalidArgument', 400);
    await fcError(svc.client.createAlias('al', '9lives', '1'), 'InvalidArgument', 400);
    await fcError(svc.client.createAlias('al', 'w', '1', { additionalVersionWeight: { '2': 1.5 } }), 'InvalidArgument', 400);
    await fcError(svc.client.createAlias('al', 'w', '1', { additionalVersionWeight: { '2': -0.1 } }), 'InvalidArgument', 400);
    await fcError(svc.client.createAlias('al', 'w', '1', { additionalVersionWeight: { '2': 0.1, '3': 0.1 } }), 'InvalidArgument', 400);
    await fcError(svc.client.createAlias('al', 'w', '1', { additionalVersionWeight: { '1': 0.2 } }), 'AdditionalVersionContainsMajorVersion', 400);
    await fcError(svc.client.createAlias('al', 'w', '1', { additionalVersionWeight: { '9': 0.2 } }), 'VersionNotFound', 404);
    await fcError(svc.client.createAlias('al', 'w', '1', { description: 'x'.repeat(257) }), 'InvalidArgument', 400);
    await fcError(svc.client.updateAlias('al', 'keep', '99'), 'VersionNotFound', 404);
    await fcError(svc.client.updateAlias('al', 'keep', null, { additionalVersionWeight: { '2': 2 } }), 'InvalidArgument', 400);
    await fcError(svc.client.updateAlias('al', 'nope', '1'), 'AliasNotFound', 404);
    expect((await svc.client.getAlias('al', 'keep')).data).toEqual(before);
    expect((await svc.client.listAliases('al')).data.aliases.map((a: { aliasName: string }) => a.aliasName)).toEqual(['keep']);
    await svc.client.deleteAlias('al', 'keep');
  });

  it('runs the version an alias names, and records the qualifier and the version', async () => {
    await svc.client.createAlias('al', 'prod', '1');
    const r = await call('al', 'f', 'prod');
    expect(r).toMatchObject({ body: 'code one', version: '1' });
    const rec = await until(() => svc.store.records.getInvocation(r.requestId), 'the record');
    expect(rec).toMatchObject({ qualifier: 'prod', versionId: '1' });
    await svc.client.updateAlias('al', 'prod', '2');
    expect(await call('al', 'f', 'prod')).toMatchObject({ body: 'code two', version: '2' });
    await svc.client.deleteAlias('al', 'prod');
  });

  it('splits calls by weight, counted: 20 calls at 0.3 send exactly 6 to the additional version', async () => {
    await svc.client.createAlias('al', 'canary', '1', { additionalVersionWeight: { '2': 0.3 } });
    const served: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const r = await call('al', 'f', 'canary');
      expect(r.body).toBe(r.version === '1' ? 'code one' : 'code two');
      served[r.version] = (served[r.version] ?? 0) + 1;
    }
    expect(served).toEqual({ '1': 14, '2': 6 });
    // Instances of both versions are listed at the alias.
    const at = (await svc.client.listInstances('al.canary', 'f')).data.instances as { versionId: string }[];
    expect(new Set(at.map((i) => i.versionId))).toEqual(new Set(['1', '2']));
    // A new weight starts the count over: 0.5 → alternating halves.
    await svc.client.updateAlias('al', 'canary', null, { additionalVersionWeight: { '2': 0.5 } });
    const half: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      const r = await call('al', 'f', 'canary');
      half[r.version] = (half[r.version] ?? 0) + 1;
    }
    expect(half).toEqual({ '1': 5, '2': 5 });
    await svc.client.deleteAlias('al', 'canary');
  });

  it('serves an HTTP trigger at an alias, and refuses a trigger for a qualifier that does not exist', async () => {
    await createService('web');
    const http = (tag: string) => zipFiles({ 'index.js': `exports.handler = (req, resp) => resp.send('web ${tag}');` });
    await svc.client.createFunction('web', { functionName: 'h', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await http('1') } });
    await svc.client.publishVersion('web');
    await svc.client.updateFunction('web', 'h', { code: { zipFile: await http('2') } });
    await svc.client.createAlias('web', 'live', '1');
    await fcError(svc.client.createTrigger('web', 'h', { triggerName: 'x', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] }, qualifier: 'nope' }), 'AliasNotFound', 404);
    await svc.client.createTrigger('web', 'h', { triggerName: 'live', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] }, qualifier: 'live' });
    await svc.client.createTrigger('web', 'h', { triggerName: 'latest', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
    expect(await (await fetch(`${svc.url}/2016-08-15/proxy/web.live/h/`)).text()).toBe('web 1');
    expect(await (await fetch(`${svc.url}/2016-08-15/proxy/web/h/`)).text()).toBe('web 2');
  });
});
