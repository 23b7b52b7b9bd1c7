// The FC 2.0 resource API as the official SDK sees it (FC2-API §1-§5, SPEC §1, §7): services,
// functions, triggers, on-demand configs and instances; every error code; bad input that must
// change nothing.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { ACCOUNT_ID, TEST_KEYS, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { fcError, type FcErr } from './helpers/fc-errors.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const handlerFile = (body = `'ok'`) => ({ 'index.js': `exports.handler = async () => ${body};` });
/** A zip whose bytes no other test produces, so its preparation starts from nothing. */
const uniqueZip = (body = `'ok'`) => zipFiles({ ...handlerFile(body), 'nonce.txt': `${Date.now()}-${Math.random()}` });

async function ensureService(name: string) {
  await svc.client.createService(name).catch((e: FcErr) => {
    if (e.code !== 'ServiceAlreadyExists') throw e;
  });
}

async function createFn(service: string, functionName: string, extra: Record<string, unknown> = {}) {
  await ensureService(service);
  return svc.client.createFunction(service, {
    functionName, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles(handlerFile()) }, ...extra,
  });
}

/** CRC-64/XZ (ECMA-182, reflected, init and xorout all ones), written independently of src/. */
function crc64(buf: Uint8Array): bigint {
  const POLY = 0xc96c5795d7870f42n;
  const MASK = 0xffffffffffffffffn;
  let crc = MASK;
  for (const b of buf) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  }
  return crc ^ MASK;
}

/** A request signed as the SDK signs it, but with any body and content-type (FC2-API §2). */
async function signedFetch(method: string, path: string, body?: string, contentType = 'application/json') {
  const fullPath = `/2016-08-15${path}`;
  const headers: Record<string, string> = { accept: 'application/json', date: new Date().toUTCString(), 'x-fc-account-id': ACCOUNT_ID };
  if (body !== undefined) {
    headers['content-type'] = contentType;
    headers['content-md5'] = Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64');
  }
  headers.authorization = FCClient.getSignature(TEST_KEYS.accessKeyId, TEST_KEYS.accessKeySecret, method, fullPath, headers, null);
  const res = await fetch(`${svc.url}${fullPath}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null };
}

/** What a resource looks like from outside, to prove that a refused call changed nothing. */
async function serviceState(service: string) {
  const s = await svc.client.getService(service);
  const fns = await svc.client.listFunctions(service, { limit: 100 });
  const fnStates = await Promise.all(
    (fns.data.functions as { functionName: string }[]).map(async (f) => {
      const r = await svc.client.getFunction(service, f.functionName);
      const { accelerationInfo: _a, ...rest } = r.data; // preparation may finish in between
      return { data: rest, etag: r.headers.etag };
    }),
  );
  const services = (await svc.client.listServices({ limit: 100 })).data.services.map((x: { serviceName: string }) => x.serviceName);
  return { service: s.data, etag: s.headers.etag, functions: fnStates, services };
}

describe('services', () => {
  it('creates a service with FC defaults and an ETag, and gets it back', async () => {
    const r = await svc.client.createService('svc-basic');
    expect(r.headers.etag).toBeTruthy();
    expect(r.data).toMatchObject({ serviceName: 'svc-basic', description: '', role: '', internetAccess: true });
    expect(r.data.serviceId).toMatch(UUID);
    expect(r.data.createdTime).toMatch(ISO);
    expect(r.data.lastModifiedTime).toMatch(ISO);
    expect(r.data).toHaveProperty('logConfig'); // always present (FC2-API §5.1)
    const g = await svc.client.getService('svc-basic');
    expect(g.data).toEqual(r.data);
    expect(g.headers.etag).toBe(r.headers.etag);
    expect(g.headers['content-type']).toMatch(/^application\/json/);
  });

  it('stores what create sends: description, internetAccess, role, logConfig', async () => {
    const r = await svc.client.createService('svc-full', {
      description: 'full', internetAccess: false, role: 'acs:ram::1:role/x', logConfig: { project: 'my-project', logstore: 'my_logstore' },
    });
    expect(r.data).toMatchObject({ description: 'full', internetAccess: false, role: 'acs:ram::1:role/x', logConfig: { project: 'my-project', logstore: 'my_logstore' } });
    expect((await svc.client.getService('svc-full')).data).toEqual(r.data);
  });

  it('updates partially: absent fields are kept, description "" is stored, the ETag changes on every write', async () => {
    const created = await svc.client.createService('svc-upd', { description: 'one', internetAccess: false, role: 'r1', logConfig: { project: 'my-project', logstore: 'my_logstore' } });
    const u1 = await svc.client.updateService('svc-upd', { description: 'two' });
    expect(u1.data).toMatchObject({ description: 'two', internetAccess: false, role: 'r1', logConfig: { project: 'my-project', logstore: 'my_logstore' } });
    expect(u1.data.serviceId).toBe(created.data.serviceId);
    expect(u1.data.createdTime).toBe(created.data.createdTime);
    expect(u1.headers.etag).toBeTruthy();
    expect(u1.headers.etag).not.toBe(created.headers.etag);
    const u2 = await svc.client.updateService('svc-upd', { internetAccess: true });
    expect(u2.data).toMatchObject({ description: 'two', internetAccess: true, role: 'r1' });
    expect(u2.headers.etag).not.toBe(u1.headers.etag);
    const u3 = await svc.client.updateService('svc-upd', { description: '' });
    expect(u3.data.description).toBe('');
    const g = await svc.client.getService('svc-upd');
    expect(g.data).toEqual(u3.data);
    expect(g.headers.etag).toBe(u3.headers.etag);
    expect(g.data.lastModifiedTime >= created.data.lastModifiedTime).toBe(true);
  });

  it('stores tracingConfig as FC returns it: Jaeger with its endpoint, kept by updates that leave it out, {} turns it off', async () => {
    const none = await svc.client.createService('svc-trace-none');
    expect(none.data.tracingConfig).toEqual({ type: null, params: null });
    const jaeger = { type: 'Jaeger', params: { endpoint: 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_abc@def_123/api/traces' } };
    const created = await svc.client.createService('svc-trace', { tracingConfig: jaeger });
    expect(created.data.tracingConfig).toEqual(jaeger);
    expect((await svc.client.getService('svc-trace')).data.tracingConfig).toEqual(jaeger);
    expect((await svc.client.updateService('svc-trace', { description: 'kept' })).data.tracingConfig).toEqual(jaeger);
    const moved = { type: 'Jaeger', params: { endpoint: 'https://jaeger.example.com:14268/api/traces' } };
    expect((await svc.client.updateService('svc-trace', { tracingConfig: moved })).data.tracingConfig).toEqual(moved);
    // FC2-API §4 (T:310): {} is the empty form, and so is what FC returns for it
    expect((await svc.client.updateService('svc-trace', { tracingConfig: {} })).data.tracingConfig).toEqual({ type: null, params: null });
    expect((await svc.client.getService('svc-trace')).data.tracingConfig).toEqual({ type: null, params: null });
    await svc.client.updateService('svc-trace', { tracingConfig: jaeger });
    expect((await svc.client.updateService('svc-trace', { tracingConfig: { type: null, params: null } })).data.tracingConfig).toEqual({ type: null, params: null });
    expect((await svc.client.listServices({ prefix: 'svc-trace' })).data.services.map((x: { tracingConfig: unknown }) => x.tracingConfig)).toEqual([{ type: null, params: null }, { type: null, params: null }]);
  });

  it('refuses a bad tracingConfig with InvalidArgument, changing nothing', async () => {
    const jaeger = { type: 'Jaeger', params: { endpoint: 'http://jaeger.local:14268/api/traces' } };
    await svc.client.createService('svc-trace-bad', { tracingConfig: jaeger });
    const before = await svc.client.getService('svc-trace-bad');
    const cases: [string, unknown, RegExp][] = [
      ['an unknown type', { type: 'Zipkin', params: { endpoint: 'http://z' } }, /^tracingConfig\.type: type must be 'Jaeger'/],
      ['Jaeger without params', { type: 'Jaeger' }, /^tracingConfig\.params: Jaeger tracing needs params/],
      ['params without a type', { params: { endpoint: 'http://jaeger.local' } }, /^tracingConfig\.type: params need type: 'Jaeger'/],
      ['an endpoint that is not a URL', { type: 'Jaeger', params: { endpoint: 'jaeger.local' } }, /^tracingConfig\.params\.endpoint: must be an http\(s\) URL/],
      ['an endpoint of another scheme', { type: 'Jaeger', params: { endpoint: 'ftp://jaeger.local/' } }, /^tracingConfig\.params\.endpoint: must be an http\(s\) URL/],
      ['an endpoint with a line break', { type: 'Jaeger', params: { endpoint: 'http://jaeger.local/\r\nx-evil: 1' } }, /^tracingConfig\.params\.endpoint: must not contain a line break/],
      ['an endpoint that is a number', { type: 'Jaeger', params: { endpoint: 14268 } }, /^tracingConfig\.params\.endpoint: /],
      ['an unknown param', { type: 'Jaeger', params: { endpoint: 'http://jaeger.local', sampler: 1 } }, /^tracingConfig\.params: /],
      ['a string', 'Jaeger', /^tracingConfig: /],
    ];
    for (const [what, tracingConfig, message] of cases) {
      const update = await fcError(svc.client.updateService('svc-trace-bad', { tracingConfig }), 'InvalidArgument', 400);
      expect(update.message, what).toMatch(new RegExp(`message: ${message.source.slice(1)}`));
      await fcError(svc.client.createService('svc-trace-never', { tracingConfig }), 'InvalidArgument', 400);
    }
    const after = await svc.client.getService('svc-trace-bad');
    expect([after.data, after.headers.etag]).toEqual([before.data, before.headers.etag]);
    await fcError(svc.client.getService('svc-trace-never'), 'ServiceNotFound', 404);
  });

  it('honours If-Match on update and delete: a stale ETag is 412 PreconditionFailed and changes nothing', async () => {
    const created = await svc.client.createService('svc-etag', { description: 'v1' });
    const etag1 = created.headers.etag;
    const ok = await svc.client.updateService('svc-etag', { description: 'v2' }, { 'if-match': etag1 });
    await fcError(svc.client.updateService('svc-etag', { description: 'v3' }, { 'if-match': etag1 }), 'PreconditionFailed', 412);
    // deleteService sends its options as headers (FC2-API §1)
    await fcError(svc.client.deleteService('svc-etag', { 'if-match': etag1 }), 'PreconditionFailed', 412);
    const g = await svc.client.getService('svc-etag');
    expect(g.data.description).toBe('v2');
    expect(g.headers.etag).toBe(ok.headers.etag);
    const del = await svc.client.deleteService('svc-etag', { 'if-match': ok.headers.etag });
    expect(del.data).toBe('');
    await fcError(svc.client.getService('svc-etag'), 'ServiceNotFound', 404);
  });

  it('deletes with 204 and an empty body; then the service is gone everywhere', async () => {
    await svc.client.createService('svc-del');
    const r = await signedFetch('DELETE', '/services/svc-del');
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers.get('content-type')).toBeNull();
    await fcError(svc.client.getService('svc-del'), 'ServiceNotFound', 404);
    await fcError(svc.client.updateService('svc-del', { description: 'x' }), 'ServiceNotFound', 404);
    await fcError(svc.client.deleteService('svc-del'), 'ServiceNotFound', 404);
    const names = (await svc.client.listServices({ prefix: 'svc-del' })).data.services.map((s: { serviceName: string }) => s.serviceName);
    expect(names).toEqual([]);
    // the name is free again
    await svc.client.createService('svc-del');
  });

  it('answers ServiceNotFound with FC\'s message', async () => {
    const err = await fcError(svc.client.getService('no-such-service'), 'ServiceNotFound', 404);
    expect(err.message).toContain(`service 'no-such-service' does not exist`);
  });

  it('refuses a second service of the same name with 409 ServiceAlreadyExists, keeping the first', async () => {
    await svc.client.createService('svc-dup', { description: 'first' });
    await fcError(svc.client.createService('svc-dup', { description: 'second' }), 'ServiceAlreadyExists', 409);
    expect((await svc.client.getService('svc-dup')).data.description).toBe('first');
  });

  it('refuses to delete a service that still has functions (409 ServiceNotEmpty)', async () => {
    await createFn('svc-full-of-fns', 'f');
    await fcError(svc.client.deleteService('svc-full-of-fns'), 'ServiceNotEmpty', 409);
    expect((await svc.client.getFunction('svc-full-of-fns', 'f')).data.functionName).toBe('f');
    await svc.client.deleteFunction('svc-full-of-fns', 'f');
    await svc.client.deleteService('svc-full-of-fns');
    await fcError(svc.client.getService('svc-full-of-fns'), 'ServiceNotFound', 404);
  });
});

describe('list paging (FC2-API §4)', () => {
  const names = Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
  beforeAll(async () => {
    // created out of order: the list must sort by name
    for (const n of [...names].reverse()) await svc.client.createService(n);
    await svc.client.createService('pagf-other');
  });
  const listNames = (r: { data: { services: { serviceName: string }[] } }) => r.data.services.map((s) => s.serviceName);

  it('sorts by name and filters by prefix', async () => {
    const r = await svc.client.listServices({ prefix: 'page-', limit: 100 });
    expect(listNames(r)).toEqual(names);
    expect(r.data.nextToken).toBeUndefined();
    const all = listNames(await svc.client.listServices({ limit: 100 }));
    expect(all).toEqual([...all].sort());
    expect(all).toContain('pagf-other');
  });

  it('pages 20 at a time by default, with nextToken omitted at the end', async () => {
    const first = await svc.client.listServices({ prefix: 'page-' });
    expect(listNames(first)).toEqual(names.slice(0, 20));
    expect(typeof first.data.nextToken).toBe('string');
    const second = await svc.client.listServices({ prefix: 'page-', nextToken: first.data.nextToken });
    expect(listNames(second)).toEqual(names.slice(20));
    expect(second.data).not.toHaveProperty('nextToken');
  });

  it('walks every page with limit and nextToken, without duplicates or gaps', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await svc.client.listServices({ prefix: 'page-', limit: 7, ...(token ? { nextToken: token } : {}) });
      expect(r.data.services.length).toBeLessThanOrEqual(7);
      seen.push(...listNames(r));
      token = r.data.nextToken;
      pages++;
    } while (token);
    expect(pages).toBe(4);
    expect(seen).toEqual(names);
  });

  it('starts at startKey (inclusive); nextToken overrides startKey, and prefix still applies with nextToken', async () => {
    expect(listNames(await svc.client.listServices({ prefix: 'page-', startKey: 'page-22' }))).toEqual(['page-22', 'page-23', 'page-24']);
    expect(listNames(await svc.client.listServices({ startKey: 'page-24', limit: 2 }))).toEqual(['page-24', 'pagf-other']);
    const first = await svc.client.listServices({ prefix: 'page-', limit: 3 });
    const next = await svc.client.listServices({ prefix: 'page-', limit: 3, startKey: 'page-20', nextToken: first.data.nextToken });
    expect(listNames(next)).toEqual(['page-03', 'page-04', 'page-05']);
    const last = await svc.client.listServices({ prefix: 'page-', limit: 1, startKey: 'page-24' });
    expect(listNames(last)).toEqual(['page-24']);
    expect(last.data.nextToken).toBeUndefined(); // pagf-other is past the prefix
  });

  it('pages functions the same way', async () => {
    await ensureService('fn-pages');
    const fnNames = ['e', 'a', 'd', 'c', 'b', 'x-1'];
    const zipFile = await zipFiles(handlerFile());
    for (const n of fnNames) await svc.client.createFunction('fn-pages', { functionName: n, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const fnList = (r: { data: { functions: { functionName: string }[] } }) => r.data.functions.map((f) => f.functionName);
    expect(fnList(await svc.client.listFunctions('fn-pages'))).toEqual(['a', 'b', 'c', 'd', 'e', 'x-1']);
    const p1 = await svc.client.listFunctions('fn-pages', { limit: 4 });
    expect(fnList(p1)).toEqual(['a', 'b', 'c', 'd']);
    const p2 = await svc.client.listFunctions('fn-pages', { limit: 4, nextToken: p1.data.nextToken });
    expect(fnList(p2)).toEqual(['e', 'x-1']);
    expect(p2.data.nextToken).toBeUndefined();
    expect(fnList(await svc.client.listFunctions('fn-pages', { prefix: 'x' }))).toEqual(['x-1']);
    expect(fnList(await svc.client.listFunctions('fn-pages', { startKey: 'd' }))).toEqual(['d', 'e', 'x-1']);
    await fcError(svc.client.listFunctions('no-such-service'), 'ServiceNotFound', 404);
  });
});

describe('functions', () => {
  it('creates with code.zipFile: decimal CRC-64 codeChecksum, codeSize in bytes, FC defaults, no code in the reply', async () => {
    await ensureService('fns');
    const zipFile = await zipFiles(handlerFile());
    const zip = Buffer.from(zipFile, 'base64');
    const r = await svc.client.createFunction('fns', { functionName: 'defaults', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('995dc9bbdf1939fa'); // the test's own CRC is CRC-64/XZ
    expect(r.data.codeChecksum).toBe(crc64(zip).toString());
    expect(r.data.codeSize).toBe(zip.length);
    expect(r.data).toMatchObject({
      functionName: 'defaults', runtime: 'nodejs20', handler: 'index.handler', description: '',
      memorySize: 128, timeout: 3, instanceConcurrency: 1, initializer: '', initializationTimeout: 3,
      caPort: 9000, environmentVariables: {}, instanceType: 'e1',
    });
    expect(r.data.functionId).toMatch(UUID);
    expect(r.data.createdTime).toMatch(ISO);
    expect(r.data.lastModifiedTime).toMatch(ISO);
    expect(r.data).not.toHaveProperty('code');
    expect(['Preparing', 'Ready']).toContain(r.data.accelerationInfo.status);
    expect(r.headers.etag).toBeTruthy();
    const g = await svc.client.getFunction('fns', 'defaults');
    const { accelerationInfo: _a, ...created } = r.data;
    expect(g.data).toMatchObject(created);
    expect(g.headers.etag).toBe(r.headers.etag);
  });

  it('keeps every field create sends', async () => {
    const r = await createFn('fns', 'all-fields', {
      description: 'd', memorySize: 1024, timeout: 60, initializer: 'index.init', initializationTimeout: 10, instanceConcurrency: 100,
      environmentVariables: { A: '1', b_2: 'two' }, caPort: 9001, runtime: 'nodejs18',
    });
    expect(r.data).toMatchObject({
      description: 'd', memorySize: 1024, timeout: 60, initializer: 'index.init', initializationTimeout: 10, instanceConcurrency: 100,
      environmentVariables: { A: '1', b_2: 'two' }, caPort: 9001, runtime: 'nodejs18',
    });
    expect((await svc.client.getFunction('fns', 'all-fields')).data).toMatchObject({ memorySize: 1024, instanceConcurrency: 100 });
  });

  it('accepts the boundary values and names', async () => {
    await ensureService('s'.repeat(128));
    const r = await createFn('s'.repeat(128), `_${'f'.repeat(63)}`, { memorySize: 32768, timeout: 86400, instanceConcurrency: 1 });
    expect(r.data).toMatchObject({ functionName: `_${'f'.repeat(63)}`, memorySize: 32768, timeout: 86400 });
    await svc.client.deleteFunction('s'.repeat(128), `_${'f'.repeat(63)}`);
    await svc.client.deleteService('s'.repeat(128));
  });

  it('updates partially: the initializer, env vars and code survive; "" and {} replace', async () => {
    const zip1 = await zipFiles({ 'index.js': `exports.init = async () => {}; exports.handler = async () => process.env.A ?? 'none';` });
    await ensureService('fns');
    const created = await svc.client.createFunction('fns', {
      functionName: 'partial', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: zip1 },
      description: 'first', initializer: 'index.init', environmentVariables: { A: 'a1', B: 'b1' }, memorySize: 256, timeout: 10, instanceConcurrency: 5,
    });
    expect((await svc.client.invokeFunction('fns', 'partial', '')).data).toBe('a1');

    const u1 = await svc.client.updateFunction('fns', 'partial', { memorySize: 512 });
    expect(u1.data).toMatchObject({
      memorySize: 512, description: 'first', initializer: 'index.init', initializationTimeout: 3, environmentVariables: { A: 'a1', B: 'b1' },
      timeout: 10, instanceConcurrency: 5, runtime: 'nodejs20', handler: 'index.handler',
      codeChecksum: created.data.codeChecksum, codeSize: created.data.codeSize,
    });
    expect(u1.data.functionId).toBe(created.data.functionId);
    expect(u1.data.createdTime).toBe(created.data.createdTime);
    expect(u1.headers.etag).not.toBe(created.headers.etag);

    const u2 = await svc.client.updateFunction('fns', 'partial', { description: '', environmentVariables: { A: 'a2' } });
    expect(u2.data).toMatchObject({ description: '', initializer: 'index.init', environmentVariables: { A: 'a2' }, memorySize: 512 });
    expect(u2.data.environmentVariables).not.toHaveProperty('B'); // a given map replaces the old one
    expect((await svc.client.invokeFunction('fns', 'partial', '')).data).toBe('a2');

    const u3 = await svc.client.updateFunction('fns', 'partial', { environmentVariables: {} });
    expect(u3.data.environmentVariables).toEqual({});
    expect(u3.data.initializer).toBe('index.init');
    expect((await svc.client.invokeFunction('fns', 'partial', '')).data).toBe('none');

    const zip2 = await zipFiles({ 'index.js': `exports.init = async () => {}; exports.handler = async () => 'v2';` });
    const u4 = await svc.client.updateFunction('fns', 'partial', { code: { zipFile: zip2 } });
    expect(u4.data.codeChecksum).toBe(crc64(Buffer.from(zip2, 'base64')).toString());
    expect(u4.data.codeChecksum).not.toBe(created.data.codeChecksum);
    expect(u4.data.codeSize).toBe(Buffer.from(zip2, 'base64').length);
    expect(u4.data).toMatchObject({ memorySize: 512, initializer: 'index.init', environmentVariables: {} });
    expect((await svc.client.invokeFunction('fns', 'partial', '')).data).toBe('v2');

    const g = await svc.client.getFunction('fns', 'partial');
    expect(g.headers.etag).toBe(u4.headers.etag);
    const { accelerationInfo: _a, ...u4rest } = u4.data;
    expect(g.data).toMatchObject(u4rest);
  });

  it('getFunctionCode answers {url, checksum}, and the url serves the very zip bytes', async () => {
    const zipFile = await uniqueZip();
    await createFn('fns', 'code-dl', { code: { zipFile } });
    const r = await svc.client.getFunctionCode('fns', 'code-dl');
    const zip = Buffer.from(zipFile, 'base64');
    expect(r.data.checksum).toBe(crc64(zip).toString());
    expect(typeof r.data.url).toBe('string');
    const res = await fetch(r.data.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(zip)).toBe(true);
    await fcError(svc.client.getFunctionCode('fns', 'no-such-fn'), 'FunctionNotFound', 404);
  });

  it('answers FunctionNotFound and FunctionAlreadyExists', async () => {
    await createFn('fns', 'dup');
    const err = await fcError(svc.client.getFunction('fns', 'nope'), 'FunctionNotFound', 404);
    expect(err.message).toContain(`function 'nope' does not exist in service 'fns'`);
    await fcError(svc.client.updateFunction('fns', 'nope', { memorySize: 256 }), 'FunctionNotFound', 404);
    await fcError(svc.client.deleteFunction('fns', 'nope'), 'FunctionNotFound', 404);
    await fcError(svc.client.invokeFunction('fns', 'nope', 'x'), 'FunctionNotFound', 404);
    await fcError(svc.client.getFunction('no-such-service', 'dup'), 'ServiceNotFound', 404);
    const zipFile = await zipFiles(handlerFile());
    await fcError(svc.client.createFunction('no-such-service', { functionName: 'x', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } }), 'ServiceNotFound', 404);
    const before = await svc.client.getFunction('fns', 'dup');
    await fcError(createFn('fns', 'dup', { memorySize: 512 }), 'FunctionAlreadyExists', 409);
    const after = await svc.client.getFunction('fns', 'dup');
    expect(after.data.memorySize).toBe(128);
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  it('honours If-Match on update and delete of a function', async () => {
    const created = await createFn('fns', 'etag-fn');
    const u = await svc.client.updateFunction('fns', 'etag-fn', { timeout: 5 }, { 'if-match': created.headers.etag });
    await fcError(svc.client.updateFunction('fns', 'etag-fn', { timeout: 6 }, { 'if-match': created.headers.etag }), 'PreconditionFailed', 412);
    // deleteFunction(service, function, options → query, headers)
    await fcError(svc.client.deleteFunction('fns', 'etag-fn', {}, { 'if-match': created.headers.etag }), 'PreconditionFailed', 412);
    const g = await svc.client.getFunction('fns', 'etag-fn');
    expect(g.data.timeout).toBe(5);
    expect(g.headers.etag).toBe(u.headers.etag);
    const d = await svc.client.deleteFunction('fns', 'etag-fn', {}, { 'if-match': u.headers.etag });
    expect(d.data).toBe('');
    await fcError(svc.client.getFunction('fns', 'etag-fn'), 'FunctionNotFound', 404);
  });

  it('deletes with 204; the name can be used again', async () => {
    await createFn('fns', 'del-me');
    const r = await signedFetch('DELETE', '/services/fns/functions/del-me');
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    await fcError(svc.client.getFunction('fns', 'del-me'), 'FunctionNotFound', 404);
    const names = (await svc.client.listFunctions('fns', { limit: 100 })).data.functions.map((f: { functionName: string }) => f.functionName);
    expect(names).not.toContain('del-me');
    await createFn('fns', 'del-me');
  });
});

describe('acceleration (SPEC §6)', () => {
  it('goes Preparing → Ready, for identical code too (its handler is checked again)', async () => {
    const zipFile = await uniqueZip(`'accel'`);
    const r = await createFn('accel', 'ready', { code: { zipFile } });
    expect(r.data.accelerationInfo).toEqual({ status: 'Preparing' });
    const ready = await until(async () => {
      const g = await svc.client.getFunction('accel', 'ready');
      return g.data.accelerationInfo.status !== 'Preparing' && g.data;
    }, 'the code to be prepared', 30_000);
    expect(ready.accelerationInfo).toEqual({ status: 'Ready' });
    const twin = await createFn('accel', 'twin', { code: { zipFile } });
    expect(twin.data.codeChecksum).toBe(r.data.codeChecksum);
    expect(['Preparing', 'Ready']).toContain(twin.data.accelerationInfo.status);
    await until(async () => (await svc.client.getFunction('accel', 'twin')).data.accelerationInfo.status === 'Ready', 'the twin to be Ready', 30_000);
  });

  it('fails with a reason when the handler file is missing, and recovers when the handler is fixed', async () => {
    const zipFile = await uniqueZip(`'x'`);
    const r = await createFn('accel', 'no-handler', { handler: 'main.handler', code: { zipFile } });
    expect(r.data.accelerationInfo.status).toBe('Preparing');
    const failed = await until(async () => {
      const g = await svc.client.getFunction('accel', 'no-handler');
      return g.data.accelerationInfo.status !== 'Preparing' && g.data;
    }, 'preparation to end', 30_000);
    expect(failed.accelerationInfo.status).toBe('Failed');
    expect(failed.accelerationInfo.reason).toMatch(/main/);
    // still listed and gettable while Failed
    expect((await svc.client.listFunctions('accel', { prefix: 'no-handler' })).data.functions).toHaveLength(1);
    await svc.client.updateFunction('accel', 'no-handler', { handler: 'index.handler' });
    const fixed = await until(async () => {
      const g = await svc.client.getFunction('accel', 'no-handler');
      return g.data.accelerationInfo.status === 'Ready' && g.data;
    }, 'the fixed function to be Ready', 30_000);
    expect(fixed.accelerationInfo).not.toHaveProperty('reason');
  });

  /** Creates a function whose handler is missing from a zip that another function already has Ready. */
  async function sharedZipWithBadHandler(name: string) {
    const zipFile = await uniqueZip(`'shared'`);
    await createFn('accel', `${name}-ok`, { code: { zipFile } });
    await until(async () => (await svc.client.getFunction('accel', `${name}-ok`)).data.accelerationInfo.status === 'Ready', 'the first function to be Ready', 30_000);
    return createFn('accel', `${name}-bad`, { handler: 'other.handler', code: { zipFile } });
  }

  it('ends Failed for a handler the zip lacks, even when the same zip is already prepared for another function', async () => {
    await sharedZipWithBadHandler('shared1');
    const done = await until(async () => {
      const g = await svc.client.getFunction('accel', 'shared1-bad');
      return g.data.accelerationInfo.status === 'Failed' && g.data;
    }, 'preparation to fail', 30_000);
    expect(done.accelerationInfo.reason).toMatch(/other/);
  });

  it('never shows Ready for a handler the zip lacks, not even for a moment', async () => {
    const r = await sharedZipWithBadHandler('shared2');
    expect(r.data.accelerationInfo.status).not.toBe('Ready');
  });
});

describe('HTTP triggers', () => {
  const httpConfig = { authType: 'anonymous', methods: ['GET', 'POST'] };

  it('creates, gets, lists, updates partially and deletes a trigger', async () => {
    await createFn('trg', 'web');
    const c = await svc.client.createTrigger('trg', 'web', { triggerName: 'http1', triggerType: 'http', triggerConfig: httpConfig, description: 'd1' });
    expect(c.headers.etag).toBeTruthy();
    expect(c.data).toMatchObject({ triggerName: 'http1', triggerType: 'http', triggerConfig: httpConfig, qualifier: 'LATEST', description: 'd1' });
    expect(c.data.triggerId).toMatch(UUID);
    expect(c.data.createdTime).toMatch(ISO);
    const g = await svc.client.getTrigger('trg', 'web', 'http1');
    expect(g.data).toEqual(c.data);
    expect(g.headers.etag).toBe(c.headers.etag);
    const l = await svc.client.listTriggers('trg', 'web');
    expect(l.data.triggers).toEqual([c.data]);
    expect(l.data.nextToken).toBeUndefined();

    const u1 = await svc.client.updateTrigger('trg', 'web', 'http1', { triggerConfig: { authType: 'function', methods: ['PUT'] } });
    expect(u1.data).toMatchObject({ triggerConfig: { authType: 'function', methods: ['PUT'] }, description: 'd1', qualifier: 'LATEST' });
    expect(u1.data.triggerId).toBe(c.data.triggerId);
    expect(u1.headers.etag).not.toBe(c.headers.etag);
    const u2 = await svc.client.updateTrigger('trg', 'web', 'http1', { description: '' });
    expect(u2.data).toMatchObject({ triggerConfig: { authType: 'function', methods: ['PUT'] }, description: '' });
    expect((await svc.client.getTrigger('trg', 'web', 'http1')).data).toEqual(u2.data);

    await fcError(svc.client.updateTrigger('trg', 'web', 'http1', { description: 'x' }, { 'if-match': c.headers.etag }), 'PreconditionFailed', 412);
    await fcError(svc.client.deleteTrigger('trg', 'web', 'http1', {}, { 'if-match': c.headers.etag }), 'PreconditionFailed', 412);
    expect((await svc.client.getTrigger('trg', 'web', 'http1')).data.description).toBe('');

    const d = await signedFetch('DELETE', '/services/trg/functions/web/triggers/http1');
    expect(d.status).toBe(204);
    expect(d.text).toBe('');
    await fcError(svc.client.getTrigger('trg', 'web', 'http1'), 'TriggerNotFound', 404);
    await fcError(svc.client.deleteTrigger('trg', 'web', 'http1'), 'TriggerNotFound', 404);
    await fcError(svc.client.updateTrigger('trg', 'web', 'http1', { description: 'x' }), 'TriggerNotFound', 404);
    expect((await svc.client.listTriggers('trg', 'web')).data.triggers).toEqual([]);
  });

  it('answers TriggerAlreadyExists, FunctionNotEmpty, and FunctionNotFound for a missing function', async () => {
    await createFn('trg', 'busy');
    await svc.client.createTrigger('trg', 'busy', { triggerName: 't', triggerType: 'http', triggerConfig: httpConfig });
    await fcError(svc.client.createTrigger('trg', 'busy', { triggerName: 't', triggerType: 'http', triggerConfig: { authType: 'function', methods: ['GET'] } }), 'TriggerAlreadyExists', 409);
    expect((await svc.client.getTrigger('trg', 'busy', 't')).data.triggerConfig).toEqual(httpConfig);
    const err = await fcError(svc.client.deleteFunction('trg', 'busy'), 'FunctionNotEmpty', 409);
    expect(err.message).toContain(`function 'busy' has active triggers`);
    expect((await svc.client.getFunction('trg', 'busy')).data.functionName).toBe('busy');
    await fcError(svc.client.createTrigger('trg', 'nope', { triggerName: 't', triggerType: 'http', triggerConfig: httpConfig }), 'FunctionNotFound', 404);
    await fcError(svc.client.listTriggers('trg', 'nope'), 'FunctionNotFound', 404);
    await svc.client.deleteTrigger('trg', 'busy', 't');
    await svc.client.deleteFunction('trg', 'busy');
  });

  it('refuses bad trigger input and changes nothing', async () => {
    await createFn('trg', 'strict');
    const base = { triggerName: 'ok', triggerType: 'http', triggerConfig: httpConfig };
    const bad: [string, Record<string, unknown>][] = [
      ['name starting with a digit', { triggerName: '1t' }],
      ['name with a dot', { triggerName: 't.x' }],
      ['name too long', { triggerName: 't'.repeat(129) }],
      ['unsupported type', { triggerType: 'oss' }],
      ['unknown method', { triggerConfig: { authType: 'anonymous', methods: ['FETCH'] } }],
      ['unknown authType', { triggerConfig: { authType: 'open', methods: ['GET'] } }],
    ];
    for (const [what, patch] of bad) {
      const err = await fcError(svc.client.createTrigger('trg', 'strict', { ...base, ...patch }), 'InvalidArgument', 400);
      expect(err.message, what).toBeTruthy();
      expect((await svc.client.listTriggers('trg', 'strict')).data.triggers, what).toEqual([]);
    }
    await svc.client.createTrigger('trg', 'strict', base);
    const before = await svc.client.getTrigger('trg', 'strict', 'ok');
    await fcError(svc.client.updateTrigger('trg', 'strict', 'ok', { triggerConfig: { authType: 'anonymous', methods: [] } }), 'InvalidArgument', 400);
    await fcError(svc.client.createTrigger('trg', 'strict', { ...base, triggerName: 'second' }), 'InvalidArgument', 400); // one HTTP trigger per qualifier
    const after = await svc.client.getTrigger('trg', 'strict', 'ok');
    expect(after.data).toEqual(before.data);
    expect(after.headers.etag).toBe(before.headers.etag);
    expect((await svc.client.listTriggers('trg', 'strict')).data.triggers.map((t: { triggerName: string }) => t.triggerName)).toEqual(['ok']);
  });
});

describe('on-demand configs', () => {
  it('puts, gets, lists and deletes maximumInstanceCount', async () => {
    await createFn('od', 'capped');
    await fcError(svc.client.getOnDemandConfig('od', 'capped', 'LATEST'), 'OnDemandConfigNotFound', 404);
    const p = await svc.client.putOnDemandConfig('od', 'capped', 'LATEST', { maximumInstanceCount: 5 });
    expect(p.data).toEqual({ resource: `${ACCOUNT_ID}#od#LATEST#capped`, maximumInstanceCount: 5 });
    expect(p.headers.etag).toBeTruthy();
    const g = await svc.client.getOnDemandConfig('od', 'capped', 'LATEST');
    expect(g.data).toEqual(p.data);
    expect(g.headers.etag).toBe(p.headers.etag);
    // without a qualifier it is LATEST's
    expect((await svc.client.getOnDemandConfig('od', 'capped', '')).data).toEqual(p.data);

    const l = await svc.client.listOnDemandConfigs({ limit: 100 });
    expect(l.data.configs).toContainEqual(p.data);

    const p2 = await svc.client.putOnDemandConfig('od', 'capped', 'LATEST', { maximumInstanceCount: 0 }, { 'if-match': p.headers.etag });
    expect(p2.data.maximumInstanceCount).toBe(0);
    expect(p2.headers.etag).not.toBe(p.headers.etag);
    await fcError(svc.client.putOnDemandConfig('od', 'capped', 'LATEST', { maximumInstanceCount: 3 }, { 'if-match': p.headers.etag }), 'PreconditionFailed', 412);
    await fcError(svc.client.deleteOnDemandConfig('od', 'capped', 'LATEST', {}, { 'if-match': p.headers.etag }), 'PreconditionFailed', 412);
    expect((await svc.client.getOnDemandConfig('od', 'capped', 'LATEST')).data.maximumInstanceCount).toBe(0);

    for (const bad of [-1, 1.5, 301, '3']) {
      await fcError(svc.client.putOnDemandConfig('od', 'capped', 'LATEST', { maximumInstanceCount: bad }), 'InvalidArgument', 400);
    }
    await fcError(svc.client.putOnDemandConfig('od', 'capped', 'LATEST', {}), 'InvalidArgument', 400);
    expect((await svc.client.getOnDemandConfig('od', 'capped', 'LATEST')).headers.etag).toBe(p2.headers.etag);

    const d = await svc.client.deleteOnDemandConfig('od', 'capped', 'LATEST');
    expect(d.data).toBe(''); // DeleteOnDemandConfig answers 200 with no body
    await fcError(svc.client.getOnDemandConfig('od', 'capped', 'LATEST'), 'OnDemandConfigNotFound', 404);
    await fcError(svc.client.deleteOnDemandConfig('od', 'capped', 'LATEST'), 'OnDemandConfigNotFound', 404);
    expect((await svc.client.listOnDemandConfigs({ limit: 100 })).data.configs).not.toContainEqual(expect.objectContaining({ resource: `${ACCOUNT_ID}#od#LATEST#capped` }));
    await fcError(svc.client.putOnDemandConfig('od', 'no-such-fn', 'LATEST', { maximumInstanceCount: 1 }), 'FunctionNotFound', 404);
    await fcError(svc.client.putOnDemandConfig('no-such-svc', 'capped', 'LATEST', { maximumInstanceCount: 1 }), 'ServiceNotFound', 404);
  });

  it('pages listOnDemandConfigs', async () => {
    await ensureService('odl');
    for (const f of ['f1', 'f2', 'f3']) {
      await createFn('odl', f);
      await svc.client.putOnDemandConfig('odl', f, 'LATEST', { maximumInstanceCount: 2 });
    }
    const all: string[] = [];
    let token: string | undefined;
    do {
      const r = await svc.client.listOnDemandConfigs({ limit: 1, ...(token ? { nextToken: token } : {}) });
      expect(r.data.configs.length).toBeLessThanOrEqual(1);
      all.push(...r.data.configs.map((x: { resource: string }) => x.resource));
      token = r.data.nextToken;
    } while (token);
    const mine = all.filter((x) => x.includes('#odl#'));
    expect(mine).toEqual([`${ACCOUNT_ID}#odl#LATEST#f1`, `${ACCOUNT_ID}#odl#LATEST#f2`, `${ACCOUNT_ID}#odl#LATEST#f3`]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('goes away with its function', async () => {
    await createFn('od', 'short-lived');
    await svc.client.putOnDemandConfig('od', 'short-lived', 'LATEST', { maximumInstanceCount: 1 });
    await svc.client.deleteFunction('od', 'short-lived');
    await createFn('od', 'short-lived');
    await fcError(svc.client.getOnDemandConfig('od', 'short-lived', 'LATEST'), 'OnDemandConfigNotFound', 404);
  });
});

describe('listInstances', () => {
  it('lists the instances serving a function', async () => {
    await createFn('inst', 'one');
    expect((await svc.client.listInstances('inst', 'one')).data.instances).toEqual([]);
    expect((await svc.client.invokeFunction('inst', 'one', '')).data).toBe('ok');
    const r = await svc.client.listInstances('inst', 'one');
    expect(r.data.instances).toHaveLength(1);
    const [i] = r.data.instances;
    expect(typeof i.instanceId).toBe('string');
    expect(i.instanceId.length).toBeGreaterThan(0);
    expect(i.versionId).toBe('0');
    expect((await svc.client.listInstances('inst', 'one', undefined, { instanceIds: [i.instanceId] })).data.instances).toEqual([i]);
    expect((await svc.client.listInstances('inst', 'one', undefined, { instanceIds: ['nope'] })).data.instances).toEqual([]);
    await fcError(svc.client.listInstances('inst', 'none'), 'FunctionNotFound', 404);
    await fcError(svc.client.listInstances('nope', 'one'), 'ServiceNotFound', 404);
  });
});

describe('bad input: 400 InvalidArgument, and nothing changes', () => {
  let validZip: string;
  beforeAll(async () => {
    validZip = await zipFiles(handlerFile());
    await createFn('bad', 'victim', {
      description: 'orig', initializer: 'index.init', environmentVariables: { K: 'v' }, memorySize: 256,
      code: { zipFile: await zipFiles({ 'index.js': `exports.init = async () => {}; exports.handler = async () => 'ok';` }) },
    });
  });

  it('refuses bad service names', async () => {
    const before = await serviceState('bad');
    for (const name of ['1abc', '-abc', 'a.b', 'a b', 'a/b', 'ünï', 'x'.repeat(129), '']) {
      const err = await fcError(svc.client.createService(name), 'InvalidArgument', 400);
      expect(err.message, JSON.stringify(name)).toMatch(/serviceName/);
    }
    expect(await serviceState('bad')).toEqual(before);
  });

  it('refuses bad create-function input', async () => {
    const before = await serviceState('bad');
    const zip = (files: Record<string, string>) => zipFiles(files);
    const cases: [string, Record<string, unknown>, RegExp?][] = [
      ['name starting with a digit', { functionName: '1abc' }, /functionName/],
      ['name starting with -', { functionName: '-f' }, /functionName/],
      ['name with a dot', { functionName: 'f.g' }, /functionName/],
      ['name of 65 characters', { functionName: 'f'.repeat(65) }, /functionName/],
      ['memorySize 100', { memorySize: 100 }, /memorySize/],
      ['memorySize 129', { memorySize: 129 }, /memorySize/],
      ['memorySize 32832', { memorySize: 32832 }, /memorySize/],
      ['timeout 0', { timeout: 0 }, /timeout/],
      ['timeout 86401', { timeout: 86401 }, /timeout/],
      ['instanceConcurrency 0', { instanceConcurrency: 0 }, /instanceConcurrency/],
      ['instanceConcurrency 101', { instanceConcurrency: 101 }, /instanceConcurrency/],
      ['unknown runtime', { runtime: 'cobol85' }, /message: runtime: Runtime is set to an invalid value \(fnplay runs nodejs20, nodejs18, .*nodejs8, .*go1/],
      ['a runtime FC knows and fnplay does not run', { runtime: 'java8' }, /message: runtime: runtime 'java8' is a Function Compute runtime that fnplay does not run \(fnplay runs nodejs20, /],
      ['a deprecated Node.js runtime', { runtime: 'nodejs6' }, /message: runtime: runtime 'nodejs6' is deprecated: Function Compute no longer accepts new functions on it/],
      ['no runtime', { runtime: undefined }, /runtime/],
      ['no handler', { handler: undefined }, /handler/],
      ['env var FC_X', { environmentVariables: { FC_X: '1' } }, /FC_X/],
      ['env var 1abc', { environmentVariables: { '1abc': '1' } }, /1abc/],
      ['env var value not a string', { environmentVariables: { A: 1 } }, /environmentVariables/],
      ['env vars over 4 KB', { environmentVariables: { A: 'x'.repeat(4096) } }, /environmentVariables|4 KB/],
      ['missing code', { code: undefined }, /code/],
      ['empty code', { code: {} }, /zipFile/],
      ['code.zipFile not base64', { code: { zipFile: 'this is *not* base64!' } }, /base64/],
      ['code.zipFile not a zip', { code: { zipFile: Buffer.from('hello, this is not a zip file at all').toString('base64') } }, /zip/],
      ['code.zipFile empty', { code: { zipFile: '' } }, /zip/i],
      ['a zip with a ../evil entry', { code: { zipFile: await zip({ 'index.js': 'exports.handler=()=>1', '../evil': 'x' }) } }, /\.\.\/.*escapes the code directory/],
      ['a zip with an absolute entry', { code: { zipFile: await zip({ 'index.js': 'exports.handler=()=>1', '/etc/evil': 'x' }) } }, /absolute path/],
      ['code from OSS', { code: { ossBucketName: 'b', ossObjectName: 'o' } }, /OSS/],
    ];
    for (const [what, patch, message] of cases) {
      const body: Record<string, unknown> = { functionName: 'newfn', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: validZip }, ...patch };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      const err = await fcError(svc.client.createFunction('bad', body), 'InvalidArgument', 400);
      if (message) expect(err.message, what).toMatch(message);
      expect(await serviceState('bad'), what).toEqual(before);
    }
  });

  it('refuses bad update-function input, keeping the function as it was', async () => {
    const before = await serviceState('bad');
    const cases: [string, Record<string, unknown>][] = [
      ['memorySize 100', { memorySize: 100 }],
      ['memorySize 129', { memorySize: 129 }],
      ['timeout 0', { timeout: 0 }],
      ['instanceConcurrency 0', { instanceConcurrency: 0 }],
      ['instanceConcurrency 101', { instanceConcurrency: 101 }],
      ['unknown runtime', { runtime: 'nodejs99' }],
      ['env var FC_X', { environmentVariables: { FC_X: '1' } }],
      ['env var 1abc', { environmentVariables: { '1abc': '1' } }],
      ['code.zipFile not base64', { code: { zipFile: '%%%' } }],
      ['code.zipFile not a zip', { code: { zipFile: Buffer.from('PK but not really').toString('base64') } }],
      ['a zip with a ../evil entry', { code: { zipFile: await zipFiles({ '../evil': 'x' }) } }],
      ['a good field next to a bad one', { description: 'changed', memorySize: 100 }],
    ];
    for (const [what, body] of cases) {
      await fcError(svc.client.updateFunction('bad', 'victim', body), 'InvalidArgument', 400);
      expect(await serviceState('bad'), what).toEqual(before);
    }
    expect((await svc.client.invokeFunction('bad', 'victim', '')).data).toBe('ok');
  });

  it('refuses a body that is not JSON (signed correctly), and a JSON body that is not an object', async () => {
    const before = await serviceState('bad');
    const attempts: [string, string, string][] = [
      ['POST', '/services', '{"serviceName": "half'],
      ['POST', '/services', 'serviceName=x'],
      ['PUT', '/services/bad', '{description: "x"}'],
      ['POST', '/services/bad/functions', '{"functionName":'],
      ['PUT', '/services/bad/functions/victim', 'not json'],
      ['POST', '/services/bad/functions/victim/triggers', '<xml/>'],
      ['PUT', '/services/bad/functions/victim/on-demand-config', '{{'],
      ['POST', '/services', 'null'],
      ['POST', '/services/bad/functions', 'null'],
      ['PUT', '/services/bad/functions/victim', '[1,2]'],
      ['PUT', '/services/bad/functions/victim', '"memorySize"'],
    ];
    for (const [method, path, body] of attempts) {
      const r = await signedFetch(method, path, body);
      expect({ what: `${method} ${path} ${body}`, status: r.status, code: r.json?.ErrorCode }).toEqual({ what: `${method} ${path} ${body}`, status: 400, code: 'InvalidArgument' });
      expect(r.headers.get('x-fc-request-id')).toMatch(UUID);
      expect(typeof r.json.ErrorMessage).toBe('string');
    }
    expect(await serviceState('bad')).toEqual(before);
    await fcError(svc.client.getOnDemandConfig('bad', 'victim', 'LATEST'), 'OnDemandConfigNotFound', 404);
    expect((await svc.client.listTriggers('bad', 'victim')).data.triggers).toEqual([]);
  });

  it('refuses bad service update input', async () => {
    const before = await serviceState('bad');
    for (const body of [{ description: 'x'.repeat(257) }, { internetAccess: 'yes' }, { description: 42 }]) {
      await fcError(svc.client.updateService('bad', body), 'InvalidArgument', 400);
    }
    expect(await serviceState('bad')).toEqual(before);
  });

  it('still answers after all that', async () => {
    const r = await svc.client.listServices({ prefix: 'bad' });
    expect(r.data.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['bad']);
    expect((await svc.client.invokeFunction('bad', 'victim', '')).data).toBe('ok');
    const g = await svc.client.getFunction('bad', 'victim');
    expect(g.data).toMatchObject({ description: 'orig', initializer: 'index.init', environmentVariables: { K: 'v' }, memorySize: 256 });
  });
});

// BUG (src/server/resources/function-ops.ts, create/update): the existence and If-Match checks run
// before `await storeCode(...)`, and the write after it is an upsert, so requests that overlap
// there all succeed. Whether two HTTP requests overlap depends on timing, so these are skipped
// rather than `.fails`; run them by hand once the checks move after the await.
describe('concurrent writes', () => {
  const settle = (ps: Promise<unknown>[]) =>
    Promise.allSettled(ps).then((rs) => rs.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as FcErr).code)).sort());

  it('lets exactly one of two simultaneous creates of a function win', async () => {
    await ensureService('race');
    const [z1, z2] = [await uniqueZip(`1`), await uniqueZip(`2`)];
    const body = (zipFile: string) => ({ functionName: 'twin', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    expect(await settle([svc.client.createFunction('race', body(z1)), svc.client.createFunction('race', body(z2))])).toEqual(['FunctionAlreadyExists', 'ok']);
  });

  it('lets exactly one of two updates with the same If-Match win', async () => {
    const { headers } = await createFn('race', 'etag');
    const [z1, z2] = [await uniqueZip(`1`), await uniqueZip(`2`)];
    const up = (zipFile: string) => svc.client.updateFunction('race', 'etag', { code: { zipFile } }, { 'if-match': headers.etag });
    expect(await settle([up(z1), up(z2)])).toEqual(['PreconditionFailed', 'ok']);
  });

  it('does not bring a deleted function back through an update that overlapped the delete', async () => {
    await createFn('race', 'ghost');
    await Promise.allSettled([svc.client.updateFunction('race', 'ghost', { code: { zipFile: await uniqueZip() } }), svc.client.deleteFunction('race', 'ghost')]);
    const names = (await svc.client.listFunctions('race')).data.functions.map((f: { functionName: string }) => f.functionName);
    // either order is fine, as long as the delete that answered 204 is not undone
    if (names.includes('ghost')) throw new Error('the function was deleted (204) and is back');
  });

  it('answers a create that overlaps the service\'s deletion with ServiceNotFound, not 500', async () => {
    await ensureService('race-svc');
    const r = await settle([
      svc.client.createFunction('race-svc', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await uniqueZip() } }),
      svc.client.deleteService('race-svc'),
    ]);
    expect(r).not.toContain('InternalServerError');
  });
});

describe('unknown paths', () => {
  it('answers PathNotSupported as JSON for a path FC does not have', async () => {
    await fcError(svc.client.get('/no-such-collection'), 'PathNotSupported', 400);
  });
});
