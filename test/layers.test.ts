// FC's layers through the official SDK: publish, read, list, page and delete layer versions; a
// function's `layers`, checked and returned as FC writes them; the layers merged at /opt in the
// sandbox (first configured wins) with FC's search paths, and without a sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { deployNode, invoke } from './helpers/functions.ts';

type FcErr = Error & { code?: string };
const REGION = 'cn-hangzhou';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const arnOf = (name: string, v: number) => `acs:fc:${REGION}:${ACCOUNT_ID}:layers/${name}/versions/${v}`;

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

/** Awaits a call that must fail with `code`; returns the SDK's error. */
async function fcError(call: Promise<unknown>, code: string, status?: number): Promise<FcErr> {
  const err = await call.then(() => null, (e: FcErr) => e);
  expect(err, `expected ${code}, but the call succeeded`).not.toBeNull();
  expect(err!.code).toBe(code);
  if (status) expect(err!.message).toContain(`failed with ${status}.`);
  return err!;
}

const publish = async (name: string, files: Record<string, string | { content: string; mode: number }>, extra: Record<string, unknown> = {}) =>
  (await svc.client.publishLayerVersion(name, { description: `${name} layer`, code: { zipFile: await zipFiles(files) }, compatibleRuntime: ['nodejs20'], ...extra })).data;

const versionsOf = async (name: string) => (await svc.client.listLayerVersions(name, { limit: 100 })).data.layers.map((l: { version: number }) => l.version);

describe('layer versions', () => {
  it('publishes a version with the fields FC 2.0 answers, and reads it back by name and by either ARN', async () => {
    const r = await svc.client.publishLayerVersion('shapes', { description: 'first', code: { zipFile: await zipFiles({ 'python/m.py': 'X = 1' }) }, compatibleRuntime: ['python3.10', 'nodejs20'] });
    const l = r.data;
    expect(r.headers.etag).toBeTruthy();
    expect(l).toMatchObject({
      layerName: 'shapes', version: 1, description: 'first', acl: 0, compatibleRuntime: ['python3.10', 'nodejs20'],
      code: { repositoryType: 'OSS' }, arnV2: arnOf('shapes', 1), layerVersionArn: arnOf('shapes', 1),
    });
    expect(l.arn).toMatch(/^[0-9a-f]{32}#shapes#1$/);
    expect(l.codeChecksum).toMatch(/^\d+$/);
    expect(l.codeSize).toBeGreaterThan(0);
    expect(l.createTime).toMatch(ISO);
    // the location downloads the very zip
    const zip = await fetch(l.code.location);
    expect(zip.status).toBe(200);
    expect((await zip.arrayBuffer()).byteLength).toBe(l.codeSize);

    expect((await svc.client.getLayerVersion('shapes', 1)).data).toEqual(l);
    expect((await svc.client.getLayerVersionByArn(l.arnV2)).data).toEqual(l);
    expect((await svc.client.getLayerVersionByArn(l.arn)).data).toEqual(l);
  });

  it('numbers versions from 1 and never hands a number out twice, even after deletes', async () => {
    for (let i = 0; i < 3; i++) await publish('numbered', { [`f${i}.txt`]: String(i) });
    expect(await versionsOf('numbered')).toEqual([1, 2, 3]);
    const del = await svc.client.deleteLayerVersion('numbered', 3);
    expect(del.data === '' || del.data === null || del.data === undefined).toBe(true);
    expect((await publish('numbered', { 'g.txt': 'g' })).version).toBe(4);
    for (const v of [1, 2, 4]) await svc.client.deleteLayerVersion('numbered', v);
    await fcError(svc.client.getLayerVersion('numbered', 4), 'LayerNotFound', 404);
    expect((await publish('numbered', { 'h.txt': 'h' })).version).toBe(5);
  });

  it('lists each layer once as its latest version, paged by name with prefix, limit, nextToken and startKey', async () => {
    for (const n of ['pg-a', 'pg-b', 'pg-c']) await publish(n, { 'a.txt': n });
    await publish('pg-b', { 'b2.txt': 'b2' });
    const first = (await svc.client.listLayers({ prefix: 'pg-', limit: 2 })).data;
    expect(first.layers.map((l: { layerName: string; version: number }) => [l.layerName, l.version])).toEqual([['pg-a', 1], ['pg-b', 2]]);
    expect(first.nextToken).toBeTruthy();
    const rest = (await svc.client.listLayers({ prefix: 'pg-', limit: 2, nextToken: first.nextToken })).data;
    expect(rest.layers.map((l: { layerName: string }) => l.layerName)).toEqual(['pg-c']);
    expect(rest.nextToken).toBeUndefined();
    const from = (await svc.client.listLayers({ prefix: 'pg-', startKey: 'pg-b' })).data;
    expect(from.layers.map((l: { layerName: string }) => l.layerName)).toEqual(['pg-b', 'pg-c']);
  });

  it('lists a layer\'s versions from startVersion, limit at a time, with nextVersion as FC answers', async () => {
    for (let i = 0; i < 5; i++) await publish('paged', { [`p${i}.txt`]: String(i) });
    await svc.client.deleteLayerVersion('paged', 2);
    const page1 = (await svc.client.listLayerVersions('paged', { startVersion: 1, limit: 2 })).data;
    expect(page1.layers.map((l: { version: number }) => l.version)).toEqual([1, 3]);
    expect(page1.nextVersion).toBe(4);
    const page2 = (await svc.client.listLayerVersions('paged', { startVersion: page1.nextVersion, limit: 2 })).data;
    expect(page2.layers.map((l: { version: number }) => l.version)).toEqual([4, 5]);
    expect(page2.nextVersion).toBeUndefined();
  });

  it('refuses bad input with FC\'s error and changes nothing', async () => {
    await publish('kept', { 'k.txt': 'k' });
    const zip = await zipFiles({ 'a.txt': 'a' });
    const bad: [Promise<unknown>, string, number][] = [
      [svc.client.publishLayerVersion('1starts-with-digit', { code: { zipFile: zip } }), 'InvalidArgument', 400],
      [svc.client.publishLayerVersion('x'.repeat(65), { code: { zipFile: zip } }), 'InvalidArgument', 400],
      [svc.client.publishLayerVersion('kept', { code: { zipFile: 'not base64 !!' } }), 'InvalidArgument', 400],
      [svc.client.publishLayerVersion('kept', { code: { zipFile: Buffer.from('not a zip').toString('base64') } }), 'InvalidArgument', 400],
      [svc.client.publishLayerVersion('kept', { description: 'no code' }), 'InvalidArgument', 400],
      [svc.client.publishLayerVersion('kept', { code: { ossBucketName: 'b', ossObjectName: 'o' } }), 'InvalidArgument', 400],
      [svc.client.publishLayerVersion('kept', { code: { zipFile: zip }, compatibleRuntime: ['nodejs99'] }), 'InvalidArgument', 400],
      [svc.client.getLayerVersion('kept', 7), 'LayerVersionNotFound', 404],
      [svc.client.getLayerVersion('never-published', 1), 'LayerNotFound', 404],
      [svc.client.getLayerVersion('kept', 'abc'), 'InvalidArgument', 400],
      [svc.client.deleteLayerVersion('kept', 7), 'LayerVersionNotFound', 404],
      [svc.client.listLayerVersions('never-published'), 'LayerNotFound', 404],
      [svc.client.getLayerVersionByArn('not-an-arn'), 'InvalidArgument', 400],
      [svc.client.getLayerVersionByArn(`acs:fc:cn-shanghai:${ACCOUNT_ID}:layers/kept/versions/1`), 'InvalidArgument', 400],
      [svc.client.getLayerVersionByArn(arnOf('kept', 9)), 'LayerVersionNotFound', 404],
    ];
    for (const [call, code, status] of bad) await fcError(call, code, status);
    expect(await versionsOf('kept')).toEqual([1]);
    // the refused name left no layer behind, and the refused publishes took no number
    await fcError(svc.client.listLayerVersions('x'.repeat(64)), 'LayerNotFound');
    expect((await publish('kept', { 'k2.txt': 'k2' })).version).toBe(2);
  });
});

describe("a function's layers", () => {
  it('are returned as FC writes them (layers in the older ARN, layersArnV2), kept when absent and cleared by []', async () => {
    const l = await publish('attach', { 'nodejs/node_modules/x/index.js': 'module.exports = 1' });
    await deployNode(svc, 'with-layer', { 'index.js': 'exports.handler = async () => "ok"' }, { layers: [l.arnV2] });
    let fn = (await svc.client.getFunction('svc', 'with-layer')).data;
    expect(fn.layers).toEqual([l.arn]);
    expect(fn.layersArnV2).toEqual([l.arnV2]);
    await svc.client.updateFunction('svc', 'with-layer', { description: 'no layers named' });
    fn = (await svc.client.getFunction('svc', 'with-layer')).data;
    expect(fn.layersArnV2).toEqual([l.arnV2]);
    // the older spelling is taken too
    await svc.client.updateFunction('svc', 'with-layer', { layers: [l.arn] });
    expect((await svc.client.getFunction('svc', 'with-layer')).data.layersArnV2).toEqual([l.arnV2]);
    await svc.client.updateFunction('svc', 'with-layer', { layers: [] });
    fn = (await svc.client.getFunction('svc', 'with-layer')).data;
    expect(fn.layers).toEqual([]);
    expect(fn.layersArnV2).toEqual([]);
  });

  it('refuses a layer that does not exist, a bad ARN, more than 5, and layers on a custom container, changing nothing', async () => {
    const l = await publish('refusal', { 'a.txt': 'a' });
    await deployNode(svc, 'refusals', { 'index.js': 'exports.handler = async () => "ok"' }, { layers: [l.arnV2] });
    const code = { zipFile: await zipFiles({ 'index.js': 'exports.handler = async () => 1' }) };
    const create = (name: string, layers: unknown) => svc.client.createFunction('svc', { functionName: name, runtime: 'nodejs20', handler: 'index.handler', code, layers });
    const err = await fcError(create('missing-layer', [arnOf('no-such-layer', 1)]), 'LayerNotFound', 404);
    expect(err.message).toContain('no-such-layer');
    await fcError(create('missing-version', [arnOf('refusal', 9)]), 'LayerVersionNotFound', 404);
    await fcError(create('bad-arn', ['layers/refusal/1']), 'InvalidArgument', 400);
    await fcError(create('too-many', Array.from({ length: 6 }, () => l.arnV2)), 'InvalidArgument', 400);
    await fcError(create('twice', [l.arnV2, l.arnV2]), 'InvalidArgument', 400);
    for (const name of ['missing-layer', 'missing-version', 'bad-arn', 'too-many', 'twice']) await fcError(svc.client.getFunction('svc', name), 'FunctionNotFound');
    await fcError(svc.client.updateFunction('svc', 'refusals', { layers: [arnOf('refusal', 9)] }), 'LayerVersionNotFound');
    expect((await svc.client.getFunction('svc', 'refusals')).data.layersArnV2).toEqual([l.arnV2]);
    const container = await fcError(svc.client.createFunction('svc', {
      functionName: 'container-layers', runtime: 'custom-container', handler: 'x', customContainerConfig: { image: 'registry.example.com/ns/img:1' }, layers: [l.arnV2],
    }), 'InvalidArgument', 400);
    expect(container.message).toContain('custom-container');
  });

  it('Node.js: user code requires a module only a layer has, from /opt/nodejs/node_modules', async () => {
    const l = await publish('node-mod', { 'nodejs/node_modules/greeter/index.js': 'module.exports = (n) => "hello " + n + " from a layer";' });
    await deployNode(svc, 'node-layer', { 'index.js': 'const greet = require("greeter"); exports.handler = async (e) => greet(e.toString());' }, { layers: [l.arnV2] });
    const r = await invoke(svc, 'svc', 'node-layer', 'fc');
    expect(r.ok && r.data).toBe('hello fc from a layer');
  });

  it('Python: the handler imports a package from /opt/python', async () => {
    const l = await publish('py-mod', { 'python/layered.py': 'def shout(s):\n    return s.upper() + "!"\n' }, { compatibleRuntime: ['python3.10'] });
    await svc.client.createFunction('svc', {
      functionName: 'py-layer', runtime: 'python3.10', handler: 'index.handler', layers: [l.arnV2],
      code: { zipFile: await zipFiles({ 'index.py': 'import layered\n\ndef handler(event, context):\n    return layered.shout(event.decode())\n' }) },
    });
    const r = await invoke(svc, 'svc', 'py-layer', 'hi');
    expect(r.ok && r.data).toBe('HI!');
  });

  it('custom runtime: a tool in /opt/bin runs by name (PATH), with /opt/lib on LD_LIBRARY_PATH', async () => {
    const l = await publish('tools', { 'bin/tool': { content: '#!/bin/sh\necho "tool ran from $0"\n', mode: 0o755 } }, { compatibleRuntime: ['custom'] });
    const server = `
      const { execSync } = require('child_process');
      require('http').createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.setHeader('x-fc-status', '200');
          res.end(JSON.stringify({ out: execSync('tool').toString().trim(), ld: process.env.LD_LIBRARY_PATH }));
        });
      }).listen(Number(process.env.FC_SERVER_PORT), '0.0.0.0');`;
    await svc.client.createFunction('svc', {
      functionName: 'custom-tool', runtime: 'custom', handler: 'index.handler', layers: [l.arnV2],
      code: { zipFile: await zipFiles({ bootstrap: { content: '#!/bin/sh\nexec node server.js\n', mode: 0o755 }, 'server.js': server }) },
    });
    const r = await invoke(svc, 'svc', 'custom-tool', 'x');
    expect(r.ok).toBe(true);
    const body = JSON.parse(r.ok ? r.data : '{}');
    expect(body.out).toBe('tool ran from /opt/bin/tool');
    expect(body.ld.split(':')).toContain('/opt/lib');
  });

  it('merges two layers at /opt, the first configured winning a file both have', async () => {
    const first = await publish('merge-first', { 'same.txt': 'first', 'only-first.txt': '1' });
    const second = await publish('merge-second', { 'same.txt': 'second', 'only-second.txt': '2' });
    const read = 'const fs = require("fs"); exports.handler = async () => ["same", "only-first", "only-second"].map((f) => fs.readFileSync(`/opt/${f}.txt`, "utf8")).join(",");';
    await deployNode(svc, 'merged', { 'index.js': read }, { layers: [first.arnV2, second.arnV2] });
    const r = await invoke(svc, 'svc', 'merged', '');
    expect(r.ok && r.data).toBe('first,1,2');
    await deployNode(svc, 'merged-reversed', { 'index.js': read }, { layers: [second.arnV2, first.arnV2] });
    const r2 = await invoke(svc, 'svc', 'merged-reversed', '');
    expect(r2.ok && r2.data).toBe('second,1,2');
  });

  it('keeps running a layer version deleted after it was attached; a new function cannot name it', async () => {
    const l = await publish('doomed', { 'nodejs/node_modules/doomed/index.js': 'module.exports = "still here";' });
    await deployNode(svc, 'uses-doomed', { 'index.js': 'exports.handler = async () => require("doomed");' }, { layers: [l.arnV2] });
    await svc.client.deleteLayerVersion('doomed', l.version);
    // a change of configuration starts new instances, which still get the layer
    await svc.client.updateFunction('svc', 'uses-doomed', { description: 'after the delete', layers: [l.arnV2] });
    const r = await invoke(svc, 'svc', 'uses-doomed', '');
    expect(r.ok && r.data).toBe('still here');
    await fcError(svc.client.createFunction('svc', {
      functionName: 'names-doomed', runtime: 'nodejs20', handler: 'index.handler', layers: [l.arnV2],
      code: { zipFile: await zipFiles({ 'index.js': 'exports.handler = async () => 1' }) },
    }), 'LayerNotFound');
  });
});

describe('without a sandbox', () => {
  let off: TestService;
  beforeAll(async () => {
    off = await startTestService({ sandbox: 'off' });
  });
  afterAll(() => off.close());

  it('resolves modules and tools from the merged tree on the host, and says once in the instance log why /opt is not there', async () => {
    const l = (await off.client.publishLayerVersion('hostside', {
      code: { zipFile: await zipFiles({ 'nodejs/node_modules/hostmod/index.js': 'module.exports = "from the host tree";', 'bin/hosttool': { content: '#!/bin/sh\necho tool-ok\n', mode: 0o755 } }) },
    })).data;
    await deployNode(off, 'unsandboxed', { 'index.js': 'exports.handler = async () => require("hostmod") + "," + require("child_process").execSync("hosttool").toString().trim();' }, { layers: [l.arnV2] });
    const r1 = await invoke(off, 'svc', 'unsandboxed', '');
    expect(r1.ok && r1.data).toBe('from the host tree,tool-ok');
    await invoke(off, 'svc', 'unsandboxed', '');
    const notes = await until(() => {
      const lines = off.store.records.queryLogs({ serviceName: 'svc', functionName: 'unsandboxed', limit: 1000 }).filter((x) => x.text.includes('cannot be mounted at /opt'));
      return lines.length > 0 && lines;
    }, 'the no-sandbox note in the instance log');
    expect(notes).toHaveLength(1);
  });
});
