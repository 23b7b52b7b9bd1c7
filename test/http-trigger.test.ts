import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, zipFiles, type TestService } from './helpers/service.ts';

const HTTP_HANDLER = `
exports.handler = (req, resp, context) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.path === '/boom') throw new Error('boom');
    if (req.path === '/crash') process.exit(1);
    resp.setStatusCode(req.path === '/created' ? 201 : 200);
    resp.setHeader('content-type', 'application/json');
    resp.setHeader('x-custom', 'yes');
    resp.setHeader('x-fc-sneaky', 'no');
    resp.send(JSON.stringify({ method: req.method, path: req.path, queries: req.queries, headers: req.headers, body: Buffer.concat(chunks).toString(), requestId: context.requestId }));
  });
};`;

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  await svc.client.createService('web');
  const zipFile = await zipFiles({ 'index.js': HTTP_HANDLER });
  for (const [name, authType] of [['open', 'anonymous'], ['signed', 'function']] as const) {
    await svc.client.createFunction('web', { functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    await svc.client.createTrigger('web', name, { triggerName: 'http', triggerType: 'http', triggerConfig: { authType, methods: ['GET', 'POST'] } });
  }
  await svc.client.createFunction('web', { functionName: 'no-trigger', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
});
afterAll(() => svc.close());

const proxyUrl = (fn: string, rest: string) => `${svc.url}/2016-08-15/proxy/web/${fn}${rest}`;

describe('HTTP trigger proxy', () => {
  it('forwards method, path, query, headers and body of an anonymous call', async () => {
    const res = await fetch(proxyUrl('open', '/items/7?a=1&a=2&b=x'), {
      method: 'POST', body: 'payload', headers: { 'x-app': 'demo', 'x-fc-secret': 'strip me', 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.method).toBe('POST');
    expect(body.path).toBe('/items/7');
    expect(body.queries).toEqual({ a: ['1', '2'], b: 'x' });
    expect(body.body).toBe('payload');
    expect(body.headers['x-app']).toBe('demo');
    expect(body.headers['x-fc-secret']).toBeUndefined();
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.get('x-fc-sneaky')).toBeNull(); // FC drops x-fc-* set by the function
    expect(res.headers.get('x-fc-request-id')).toBe(body.requestId);
  });

  it('passes the function\'s status code through', async () => {
    const res = await fetch(proxyUrl('open', '/created'));
    expect(res.status).toBe(201);
  });

  it('answers an empty path as /', async () => {
    const body = await (await fetch(proxyUrl('open', ''))).json();
    expect(body.path).toBe('/');
  });

  it('refuses a method the trigger does not list', async () => {
    const res = await fetch(proxyUrl('open', '/x'), { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect((await res.json()).ErrorCode).toBe('MethodNotAllowed');
  });

  it('requires the FC signature (with the query lines) when authType is function', async () => {
    const unsigned = await fetch(proxyUrl('signed', '/x?q=1'));
    expect(unsigned.status).toBe(403);
    const r = await svc.client.get('/proxy/web/signed/hello', { q: '1' });
    expect(r.data.path).toBe('/hello');
    expect(r.data.queries).toEqual({ q: '1' });
  });

  it('answers a handler exception with 502 and the error body', async () => {
    const res = await fetch(proxyUrl('open', '/boom'));
    expect(res.status).toBe(502);
    expect(res.headers.get('x-fc-error-type')).toBe('UnhandledInvocationError');
  });

  it('answers a crash with 502 and FC\'s message', async () => {
    const res = await fetch(proxyUrl('open', '/crash'));
    expect(res.status).toBe(502);
    expect((await res.json()).errorMessage).toMatch(/^Process exited unexpectedly before completing request/);
  });

  it('answers 404 TriggerNotFound for a function without an HTTP trigger', async () => {
    const res = await fetch(proxyUrl('no-trigger', '/'));
    expect(res.status).toBe(404);
    expect((await res.json()).ErrorCode).toBe('TriggerNotFound');
  });

  it('refuses a second HTTP trigger for the same qualifier', async () => {
    await expect(
      svc.client.createTrigger('web', 'open', { triggerName: 'http2', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } }),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('refuses trigger types other than http and bad methods', async () => {
    await expect(svc.client.createTrigger('web', 'no-trigger', { triggerName: 't', triggerType: 'timer', triggerConfig: {} })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(
      svc.client.createTrigger('web', 'no-trigger', { triggerName: 't', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['FETCH'] } }),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
