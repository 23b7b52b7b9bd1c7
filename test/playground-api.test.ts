import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../src/server/code/zip-builder.testkit.ts';
import { playground, startTestService, zipFiles, type TestService } from './helpers/service.ts';

let svc: TestService;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  svc = await startTestService();
  api = playground(svc);
});
afterAll(() => svc.close());

const json = (body: unknown) => ({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const fnFields = (extra: Record<string, unknown> = {}) => ({ functionName: 'web', runtime: 'nodejs20', handler: 'index.handler', ...extra });

describe('playground deploy and invoke', () => {
  it('creates the service and function on the first deploy, then updates only what is sent', async () => {
    const zipFile = await zipFiles({ 'index.js': `exports.handler = async (e) => 'v1:' + e;` });
    const first = await api('/deploy', json({ serviceName: 'pg', function: fnFields(), zipFile, httpTrigger: null }));
    expect(first.status).toBe(200);
    expect(first.body.accelerationInfo.status).toBe('Preparing');
    expect((await svc.client.getService('pg')).data.serviceName).toBe('pg');

    const r = await fetch(`${svc.url}/api/invoke/pg/web`, { method: 'POST', headers: { 'x-fnplay-token': svc.apiToken }, body: 'x' });
    const out = await r.json();
    expect(Buffer.from(out.bodyBase64, 'base64').toString()).toBe('v1:x');
    expect(out.record.coldStart).toBe(true);
    expect(out.headers['x-fc-request-id']).toBe(out.record.requestId);

    // Manifest-only update: the code stays, the new memory size applies.
    const second = await api('/deploy', json({ serviceName: 'pg', function: fnFields({ memorySize: 256 }), zipFile: null, httpTrigger: null }));
    expect(second.status).toBe(200);
    const got = (await svc.client.getFunction('pg', 'web')).data;
    expect(got.memorySize).toBe(256);
    expect(got.codeChecksum).toBe(first.body.codeChecksum);
  });

  it('gives an HTTP function its HTTP trigger and invokes it with the request builder fields', async () => {
    const zipFile = await zipFiles({ 'index.js': `exports.handler = (req, resp) => resp.send(JSON.stringify({ m: req.method, p: req.path, q: req.queries, h: req.headers['x-app'] }));` });
    await api('/deploy', json({ serviceName: 'pg', function: fnFields({ functionName: 'http-fn' }), zipFile, httpTrigger: { authType: 'anonymous', methods: ['GET', 'POST'] } }));
    expect((await svc.client.listTriggers('pg', 'http-fn')).data.triggers).toHaveLength(1);
    const res = await fetch(`${svc.url}/api/invoke/pg/http-fn`, {
      method: 'POST',
      headers: { 'x-fnplay-token': svc.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/a/b', query: [['k', '1']], headers: [['x-app', 'demo']], bodyBase64: '' }),
    });
    const out = await res.json();
    expect(JSON.parse(Buffer.from(out.bodyBase64, 'base64').toString())).toEqual({ m: 'POST', p: '/a/b', q: { k: '1' }, h: 'demo' });
    // The request builder's fields get the proxy's checks: no CR/LF into the path, no framing headers.
    for (const bad of [{ path: '/a\r\nX-Injected: 1' }, { headers: [['x-bad', 'a\u0001b']] }, { headers: [['bad name', '1']] }]) {
      const r = await fetch(`${svc.url}/api/invoke/pg/http-fn`, {
        method: 'POST', headers: { 'x-fnplay-token': svc.apiToken, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'GET', path: '/', query: [], headers: [], bodyBase64: '', ...bad }),
      });
      expect(r.status).toBe(400);
      expect((await r.json()).ErrorCode).toBe('InvalidArgument');
    }
    const upgrade = await fetch(`${svc.url}/api/invoke/pg/http-fn`, {
      method: 'POST', headers: { 'x-fnplay-token': svc.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/', query: [], headers: [['Upgrade', 'websocket'], ['x-app', 'still']], bodyBase64: '' }),
    });
    expect(JSON.parse(Buffer.from((await upgrade.json()).bodyBase64, 'base64').toString()).h).toBe('still');
    // Back to an event function: the trigger goes.
    await api('/deploy', json({ serviceName: 'pg', function: fnFields({ functionName: 'http-fn' }), zipFile: null, httpTrigger: null }));
    expect((await svc.client.listTriggers('pg', 'http-fn')).data.triggers).toHaveLength(0);
  });

  it('refuses bad deploys with InvalidArgument and changes nothing', async () => {
    const before = (await svc.client.listFunctions('pg')).data.functions.length;
    const cases = [
      { serviceName: 'pg', function: fnFields({ functionName: 'new-fn' }), zipFile: null, httpTrigger: null }, // first deploy needs code
      { serviceName: 'pg', function: fnFields({ memorySize: 100 }), zipFile: null, httpTrigger: null },
      { serviceName: '1bad', function: fnFields(), zipFile: null, httpTrigger: null },
      { serviceName: 'pg', function: fnFields({ functionName: 'z' }), zipFile: 'not base64 !!', httpTrigger: null },
      { serviceName: 'pg' },
    ];
    for (const body of cases) {
      const r = await api('/deploy', json(body));
      expect(r.status).toBe(400);
      expect(r.body.ErrorCode).toBe('InvalidArgument');
    }
    const bad = await fetch(`${svc.url}/api/deploy`, { method: 'PUT', headers: { 'x-fnplay-token': svc.apiToken }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect((await svc.client.listFunctions('pg')).data.functions.length).toBe(before);
    expect((await svc.client.getFunction('pg', 'web')).data.memorySize).toBe(256);
  });

  it('leaves no service behind when the first deploy of a new service fails in its function part', async () => {
    const good = await zipFiles({ 'index.js': `exports.handler = async () => 'x';` });
    const corrupt = buildZip([{ name: 'index.js', data: `exports.handler = async () => 'x';` }], { corruptCrcOf: 'index.js' });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a zip that fails its CRC check', { zipFile: corrupt.toString('base64') }, /code\.zipFile: /],
      ['a custom runtime whose bootstrap is a directory', {
        function: fnFields({ runtime: 'custom' }),
        zipFile: await zipFiles({ 'bootstrap/run': '#!/bin/sh\n' }),
      }, /bootstrap is a directory/],
      ['no code', { zipFile: null }, /zipFile/],
    ];
    for (const [what, patch, message] of cases) {
      const r = await api('/deploy', json({ serviceName: 'fresh', function: fnFields(), zipFile: good, httpTrigger: null, ...patch }));
      expect({ what, status: r.status, code: r.body.ErrorCode }).toEqual({ what, status: 400, code: 'InvalidArgument' });
      expect(r.body.ErrorMessage, what).toMatch(message);
      await expect(svc.client.getService('fresh'), what).rejects.toMatchObject({ code: 'ServiceNotFound' });
    }
    // and the same deploy with good code goes through
    expect((await api('/deploy', json({ serviceName: 'fresh', function: fnFields(), zipFile: good, httpTrigger: null }))).status).toBe(200);
  });

  it('answers 404 for invoking what does not exist', async () => {
    const r = await fetch(`${svc.url}/api/invoke/pg/nope`, { method: 'POST', headers: { 'x-fnplay-token': svc.apiToken } });
    expect(r.status).toBe(404);
    expect((await r.json()).ErrorCode).toBe('FunctionNotFound');
  });
});
