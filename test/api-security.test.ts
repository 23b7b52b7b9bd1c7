// SPEC §8 and FC2-API §2: FC signatures on /2016-08-15, the per-start token on /api, and the Host
// check against DNS rebinding, driven with raw requests (node:http lets a test set Host).
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { ACCOUNT_ID, TEST_KEYS, playground, startTestService, zipFiles, type TestService } from './helpers/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  await svc.client.createService('sec');
});
afterAll(() => svc.close());

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any };

/** One request straight to the service's socket, with exactly the headers given (Host included). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: svc.port, method, path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any = null;
        if (String(res.headers['content-type'] ?? '').startsWith('application/json')) json = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

interface SignOpts {
  host?: string;
  date?: Date;
  keyId?: string;
  secret?: string;
  body?: string;
  extra?: Record<string, string>;
  /** sign this path instead of the one requested */
  signedPath?: string;
}

/** The headers the SDK would send for this request (FC2-API §1, §2), signed with the given key. */
function signedHeaders(method: string, fullPath: string, o: SignOpts = {}) {
  const headers: Record<string, string> = {
    host: o.host ?? '127.0.0.1',
    accept: 'application/json',
    date: (o.date ?? new Date()).toUTCString(),
    'x-fc-account-id': ACCOUNT_ID,
    ...o.extra,
  };
  if (o.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-md5'] = Buffer.from(createHash('md5').update(o.body).digest('hex')).toString('base64');
    headers['content-length'] = String(Buffer.byteLength(o.body));
  }
  headers.authorization = FCClient.getSignature(o.keyId ?? TEST_KEYS.accessKeyId, o.secret ?? TEST_KEYS.accessKeySecret, method, o.signedPath ?? fullPath, headers, null);
  return headers;
}

const fcRaw = (method: string, path: string, o: SignOpts = {}) => raw(method, `/2016-08-15${path}`, signedHeaders(method, `/2016-08-15${path}`, o), o.body);

function expectFcError(r: Reply, status: number, code: string) {
  expect({ status: r.status, code: r.json?.ErrorCode }).toEqual({ status, code });
  expect(typeof r.json.ErrorMessage).toBe('string');
}

async function serviceNames() {
  return (await svc.client.listServices({ limit: 100 })).data.services.map((s: { serviceName: string }) => s.serviceName) as string[];
}

describe('FC API signature (FC2-API §2)', () => {
  it('accepts a request signed as the SDK signs it', async () => {
    const r = await fcRaw('GET', '/services/sec');
    expect(r.status).toBe(200);
    expect(r.json.serviceName).toBe('sec');
  });

  it('refuses an unsigned request with 403 SignatureNotMatch', async () => {
    const r = await raw('GET', '/2016-08-15/services', { host: '127.0.0.1', date: new Date().toUTCString(), 'x-fc-account-id': ACCOUNT_ID });
    expectFcError(r, 403, 'SignatureNotMatch');
    expect(r.headers['x-fc-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a malformed authorization header with 403', async () => {
    for (const authorization of ['FC', 'FC nocolon', 'Bearer abc', `FC ${TEST_KEYS.accessKeyId}:`]) {
      const r = await raw('GET', '/2016-08-15/services', { host: '127.0.0.1', date: new Date().toUTCString(), authorization });
      expect(r.status, authorization).toBe(403);
    }
  });

  it('refuses a wrong secret with 403 SignatureNotMatch, through the SDK too', async () => {
    expectFcError(await fcRaw('GET', '/services', { secret: 'not-the-secret' }), 403, 'SignatureNotMatch');
    const bad = new FCClient(ACCOUNT_ID, { accessKeyID: TEST_KEYS.accessKeyId, accessKeySecret: 'not-the-secret', region: 'cn-hangzhou', endpoint: svc.url });
    const err = await bad.createService('sneaky').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'SignatureNotMatch', name: 'FCSignatureNotMatchError' });
    expect(err.message).toContain('failed with 403');
    expect(await serviceNames()).not.toContain('sneaky');
  });

  it('refuses an unknown key id with 403 InvalidAccessKeyID', async () => {
    const r = await fcRaw('GET', '/services', { keyId: 'LTAIunknown', secret: TEST_KEYS.accessKeySecret });
    expectFcError(r, 403, 'InvalidAccessKeyID');
    expect(r.json.ErrorMessage).toBe(`invalid access key ID 'LTAIunknown'`);
    const bad = new FCClient(ACCOUNT_ID, { accessKeyID: 'LTAIunknown', accessKeySecret: 'whatever', region: 'cn-hangzhou', endpoint: svc.url });
    const err = await bad.listServices().catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'InvalidAccessKeyID', name: 'FCInvalidAccessKeyIDError' });
  });

  it('refuses a date more than 15 minutes away, either way, with 403', async () => {
    const old = await fcRaw('GET', '/services', { date: new Date(Date.now() - 20 * 60_000) });
    expectFcError(old, 403, 'SignatureNotMatch');
    const future = await fcRaw('GET', '/services', { date: new Date(Date.now() + 20 * 60_000) });
    expectFcError(future, 403, 'SignatureNotMatch');
    // within the window is fine
    expect((await fcRaw('GET', '/services', { date: new Date(Date.now() - 5 * 60_000) })).status).toBe(200);
  });

  it('binds the signature to the method, the path, the body headers and every x-fc-* header', async () => {
    // signed for GET /services, sent elsewhere
    expectFcError(await fcRaw('GET', '/services/sec', { signedPath: '/2016-08-15/services' }), 403, 'SignatureNotMatch');
    const h = signedHeaders('GET', '/2016-08-15/services');
    expectFcError(await raw('DELETE', '/2016-08-15/services/sec', h), 403, 'SignatureNotMatch');
    // an x-fc-* header added after signing
    const withExtra = { ...signedHeaders('GET', '/2016-08-15/services'), 'x-fc-invocation-type': 'Async' };
    expectFcError(await raw('GET', '/2016-08-15/services', withExtra), 403, 'SignatureNotMatch');
    // the content-type changed after signing
    const body = JSON.stringify({ serviceName: 'tampered' });
    const post = signedHeaders('POST', '/2016-08-15/services', { body });
    expectFcError(await raw('POST', '/2016-08-15/services', { ...post, 'content-type': 'text/plain' }, body), 403, 'SignatureNotMatch');
    expect(await serviceNames()).not.toContain('tampered');
  });

  it('refuses a function invocation without a valid signature, and runs nothing', async () => {
    await svc.client.createFunction('sec', {
      functionName: 'guarded', runtime: 'nodejs20', handler: 'index.handler',
      code: { zipFile: await zipFiles({ 'index.js': `exports.handler = async () => 'ran';` }) },
    });
    const r = await raw('POST', '/2016-08-15/services/sec/functions/guarded/invocations', { host: '127.0.0.1', date: new Date().toUTCString() }, 'x');
    expectFcError(r, 403, 'SignatureNotMatch');
    expect((await svc.client.listInstances('sec', 'guarded')).data.instances).toEqual([]);
  });

  it('checks the signature of a function-auth HTTP trigger, query included, and lets an anonymous one through', async () => {
    const zipFile = await zipFiles({ 'index.js': `exports.handler = (req, resp) => resp.send('q=' + (req.queries.q ?? ''));` });
    for (const [fn, authType] of [['web-auth', 'function'], ['web-anon', 'anonymous']]) {
      await svc.client.createFunction('sec', { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
      await svc.client.createTrigger('sec', fn, { triggerName: 'http', triggerType: 'http', triggerConfig: { authType, methods: ['GET'] } });
    }
    const unsigned = await raw('GET', '/2016-08-15/proxy/sec/web-auth/x?q=1', { host: '127.0.0.1', date: new Date().toUTCString() });
    expectFcError(unsigned, 403, 'SignatureNotMatch');
    // signed without its query: the query lines are part of a proxy signature
    const noQuery = signedHeaders('GET', '/2016-08-15/proxy/sec/web-auth/x');
    expectFcError(await raw('GET', '/2016-08-15/proxy/sec/web-auth/x?q=1', noQuery), 403, 'SignatureNotMatch');
    const viaSdk = await svc.client.get('/proxy/sec/web-auth/x', { q: '1' });
    expect(viaSdk.data).toBe('q=1');
    // the SDK signs the raw query; querystring percent-encodes it on the wire
    const spaced = await svc.client.get('/proxy/sec/web-auth/x', { q: 'x y&z' });
    expect(spaced.data).toBe('q=x y&z');
    const anon = await raw('GET', '/2016-08-15/proxy/sec/web-anon/x?q=2', { host: '127.0.0.1' });
    expect({ status: anon.status, text: anon.text }).toEqual({ status: 200, text: 'q=2' });
  });
});

describe('percent-encoded paths', () => {
  it('verifies the signature over the decoded path (the SDK signs the raw one)', async () => {
    // A path the SDK signs raw ('a b') and Node sends encoded ('a%20b'): the signature must hold.
    // A 403 here would be a signature bug; the function itself is irrelevant to this check.
    const r = await svc.client.get('/proxy/sec/web-auth/a b', {}).catch((e: Error & { code?: string }) => e);
    expect((r as { code?: string }).code).not.toBe('SignatureNotMatch');
  });

  // BUG (src/server/http/app.ts, the proxy route): Hono's c.req.path is percent-decoded, so the
  // sub-path reaches undici with a raw space, undici refuses it, and invoke.ts reports that as
  // "Process exited unexpectedly" (502). Drop `.fails` once fixed.
  it('forwards a path with an encoded space to an HTTP function', async () => {
    const r = await svc.client.get('/proxy/sec/web-auth/a b', { q: '1' });
    expect(r.data).toBe('q=1');
  });
});

describe('Host header against DNS rebinding (SPEC §8)', () => {
  it('refuses a foreign Host on the FC API, even with a valid signature', async () => {
    for (const host of ['evil.example', `evil.example:${svc.port}`, 'localhost.evil.example', '127.0.0.1.evil.example']) {
      const body = JSON.stringify({ serviceName: 'rebound' });
      const r = await fcRaw('POST', '/services', { host, body });
      expect(r.status, host).toBe(403);
      expect(r.json?.ErrorCode, host).toBe('AccessDenied');
    }
    expect(await serviceNames()).not.toContain('rebound');
  });

  it('refuses a foreign Host on the playground API and the page, even with the right token, and leaks no token', async () => {
    const api = await raw('GET', '/api/info', { host: 'evil.example', 'x-fnplay-token': svc.apiToken });
    expect(api.status).toBe(403);
    expect(api.text).not.toContain(svc.apiToken);
    const page = await raw('GET', '/', { host: `evil.example:${svc.port}` });
    expect(page.status).toBe(403);
    expect(page.text).not.toContain(svc.apiToken);
  });

  it('refuses a request with no Host at all', async () => {
    // HTTP/1.0 allows leaving Host out
    const r = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: svc.port, method: 'GET', path: '/', setHost: false, headers: {} }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(r).not.toBe(200);
  });

  it('accepts localhost and 127.0.0.1, with and without the bound port (the SDK sends no port)', async () => {
    for (const host of ['127.0.0.1', 'localhost', `127.0.0.1:${svc.port}`, `localhost:${svc.port}`, 'LOCALHOST']) {
      const r = await fcRaw('GET', '/services/sec', { host });
      expect({ host, status: r.status }).toEqual({ host, status: 200 });
      const a = await raw('GET', '/api/info', { host, 'x-fnplay-token': svc.apiToken });
      expect({ host, status: a.status }).toEqual({ host, status: 200 });
    }
  });
});

describe('playground API token (SPEC §8)', () => {
  it('answers 401 without the token and with a wrong one, 200 with the right one', async () => {
    const none = await raw('GET', '/api/info', { host: '127.0.0.1' });
    expect(none.status).toBe(401);
    const wrong = await raw('GET', '/api/info', { host: '127.0.0.1', 'x-fnplay-token': 'guess' });
    expect(wrong.status).toBe(401);
    const almost = await raw('GET', '/api/info', { host: '127.0.0.1', 'x-fnplay-token': svc.apiToken.slice(0, -1) });
    expect(almost.status).toBe(401);
    const ok = await playground(svc)('/info');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ accountId: ACCOUNT_ID, accessKeyId: TEST_KEYS.accessKeyId });
    expect(JSON.stringify(ok.body)).not.toContain(TEST_KEYS.accessKeySecret);
  });

  it('checks the token before any routing: unknown paths and mutations are 401 too', async () => {
    expect((await raw('GET', '/api/no-such-thing', { host: '127.0.0.1' })).status).toBe(401);
    expect((await raw('POST', '/api/functions/sec/guarded/reclaim', { host: '127.0.0.1' })).status).toBe(401);
    expect((await raw('GET', '/api/events', { host: '127.0.0.1' })).status).toBe(401);
    // the token does not come from a query string or a cookie
    expect((await raw('GET', `/api/info?x-fnplay-token=${svc.apiToken}`, { host: '127.0.0.1' })).status).toBe(401);
    expect((await raw('GET', '/api/info', { host: '127.0.0.1', cookie: `x-fnplay-token=${svc.apiToken}` })).status).toBe(401);
  });

  it('grants no CORS: a preflight and a cross-origin request get no access-control-allow-origin', async () => {
    const preflight = await raw('OPTIONS', '/api/info', {
      host: '127.0.0.1', origin: 'http://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-fnplay-token',
    });
    expect(preflight.status).not.toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    const preflightFc = await raw('OPTIONS', '/2016-08-15/services', {
      host: '127.0.0.1', origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization',
    });
    expect(preflightFc.headers['access-control-allow-origin']).toBeUndefined();
    const cross = await raw('GET', '/api/info', { host: '127.0.0.1', origin: 'http://evil.example', 'x-fnplay-token': svc.apiToken });
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the page with the token in <meta name="fnplay-token">, uncached', async () => {
    const page = await raw('GET', '/', { host: '127.0.0.1' });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
    expect(page.text).toContain(`<meta name="fnplay-token" content="${svc.apiToken}">`);
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('uses a new token on every start', async () => {
    const other = await startTestService();
    try {
      expect(other.apiToken).not.toBe(svc.apiToken);
      expect(other.apiToken.length).toBeGreaterThanOrEqual(24);
      const r = await fetch(`${other.url}/api/info`, { headers: { 'x-fnplay-token': svc.apiToken } });
      expect(r.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('code download links', () => {
  it('serves code only with fnplay\'s own unexpired signature', async () => {
    const zipFile = await zipFiles({ 'index.js': `exports.handler = async () => 'dl';` });
    await svc.client.createFunction('sec', { functionName: 'dl', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    const { url } = (await svc.client.getFunctionCode('sec', 'dl')).data as { url: string };
    const u = new URL(url);
    expect((await raw('GET', u.pathname + u.search, { host: '127.0.0.1' })).status).toBe(200);
    const forged = new URL(url);
    forged.searchParams.set('signature', 'AAAA' + forged.searchParams.get('signature')!.slice(4));
    expect((await raw('GET', forged.pathname + forged.search, { host: '127.0.0.1' })).status).toBe(403);
    const stretched = new URL(url);
    stretched.searchParams.set('expires', String(Number(stretched.searchParams.get('expires')) + 3600));
    expect((await raw('GET', stretched.pathname + stretched.search, { host: '127.0.0.1' })).status).toBe(403);
    const bare = await raw('GET', u.pathname, { host: '127.0.0.1' });
    expect(bare.status).toBe(403);
    for (const p of ['/code/..%2F..%2Ffnplay.db', '/code/..%2Ffnplay.db.zip', `/code/%2e%2e%2f${u.pathname.slice(6)}`]) {
      const r = await raw('GET', p + u.search, { host: '127.0.0.1' });
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.text, p).not.toContain('SQLite');
    }
  });
});
