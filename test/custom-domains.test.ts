import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, zipFiles, type TestService } from './helpers/service.ts';

// Custom domains through the official SDK, served on an origin of their own
// (http://<domainName>.localhost:<port>), and the headers that keep a function's answer out of
// the playground's origin on the proxy path.

const PAGE = `exports.handler = (req, resp) => {
  resp.setHeader('content-type', 'text/html');
  resp.setHeader('content-disposition', 'inline');
  console.log('secret-in-the-log');
  resp.send('<html><body><h1 id="fn">' + req.path + '</h1></body></html>');
};`;

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  await svc.client.createService('site');
  for (const fn of ['pages', 'api']) {
    await svc.client.createFunction('site', { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles({ 'index.js': PAGE }) } });
    await svc.client.createTrigger('site', fn, { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] } });
  }
});
afterAll(() => svc.close());

/** GET with a Host of our choosing (fetch will not set Host). */
function get(host: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: svc.port, path, headers: { host, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('custom domains', () => {
  it('creates, gets, updates, lists and deletes through the SDK', async () => {
    const routes = [{ path: '/api/*', serviceName: 'site', functionName: 'api' }, { path: '/*', serviceName: 'site', functionName: 'pages' }];
    const created = (await svc.client.createCustomDomain('shop.example.com', { protocol: 'HTTP', routeConfig: { routes } })).data;
    expect(created).toMatchObject({ domainName: 'shop.example.com', protocol: 'HTTP', routeConfig: { routes } });
    expect((await svc.client.getCustomDomain('shop.example.com')).data.routeConfig.routes).toHaveLength(2);
    await expect(svc.client.createCustomDomain('shop.example.com', {})).rejects.toMatchObject({ code: 'DomainNameAlreadyExists' });
    const updated = (await svc.client.updateCustomDomain('shop.example.com', { routeConfig: { routes: [...routes, { path: '/login', serviceName: 'site', functionName: 'api', methods: ['POST'] }] } })).data;
    expect(updated.routeConfig.routes).toHaveLength(3);
    expect((await svc.client.listCustomDomains()).data.customDomains.map((d: { domainName: string }) => d.domainName)).toEqual(['shop.example.com']);
    await svc.client.createCustomDomain('gone.example.com', {});
    await svc.client.deleteCustomDomain('gone.example.com');
    await expect(svc.client.getCustomDomain('gone.example.com')).rejects.toMatchObject({ code: 'DomainNameNotFound' });
  });

  it('refuses bad domain names and routes with InvalidArgument, changing nothing', async () => {
    for (const name of ['UPPER.example.com', 'no_underscore.example.com', 'single', 'a..b.com']) {
      await expect(svc.client.createCustomDomain(name, {})).rejects.toMatchObject({ code: 'InvalidArgument' });
    }
    await expect(svc.client.createCustomDomain('bad.example.com', { routeConfig: { routes: [{ path: 'no-slash', serviceName: 's', functionName: 'f' }] } })).rejects.toMatchObject({ code: 'InvalidArgument' });
    for (const route of [{ path: '/', serviceName: '1bad', functionName: 'f' }, { path: '/', serviceName: 's', functionName: 'a b' }, { path: '/a\r\nb', serviceName: 's', functionName: 'f' }]) {
      await expect(svc.client.createCustomDomain('bad.example.com', { routeConfig: { routes: [route] } })).rejects.toMatchObject({ code: 'InvalidArgument' });
    }
    expect((await svc.client.listCustomDomains({ prefix: 'bad' })).data.customDomains).toEqual([]);
  });

  it('serves the routes on <domain>.localhost as FC matches them, without content-disposition', async () => {
    const host = `shop.example.com.localhost:${svc.port}`;
    const page = await get(host, '/index.html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1 id="fn">/index.html</h1>');
    expect(page.headers['content-disposition']).toBe('inline'); // the function's own
    expect((await get(host, '/api/items')).text).toContain('/api/items');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Exact before wildcard, and the route's methods.
    expect((await get(host, '/login')).status).toBe(405);
  });

  it('tells the playground where a function is reached: the proxy path and its custom domains', async () => {
    const r = await playground(svc)('/functions/site/api/endpoints');
    expect(r.status).toBe(200);
    expect(r.body.proxy).toBe(`${svc.url}/2016-08-15/proxy/site/api`);
    expect(r.body.customDomains).toEqual([
      { domainName: 'shop.example.com', url: `http://shop.example.com.localhost:${svc.port}/api` },
      { domainName: 'shop.example.com', url: `http://shop.example.com.localhost:${svc.port}/login` },
    ]);
  });

  it('serves nothing of fnplay on a custom domain: no UI, no playground API, no FC API', async () => {
    const host = `shop.example.com.localhost:${svc.port}`;
    await svc.client.updateCustomDomain('shop.example.com', { routeConfig: { routes: [{ path: '/only', serviceName: 'site', functionName: 'pages' }] } });
    for (const path of ['/', '/api/info', '/2016-08-15/services', '/assets/index.js']) {
      const r = await get(host, path, { 'x-fnplay-token': svc.apiToken });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).ErrorCode).toBe('PathNotSupported');
      expect(r.text).not.toContain(svc.apiToken);
    }
    // An unknown domain's host is refused like any foreign host (DNS rebinding guard).
    expect((await get(`other.example.com.localhost:${svc.port}`, '/')).status).toBe(403);
  });
});

describe('the proxy path', () => {
  it('answers every function response as an attachment, which the function cannot undo', async () => {
    const r = await fetch(`${svc.url}/2016-08-15/proxy/site/pages/x`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('routes x-fc-invocation-target on the FC endpoint to the function', async () => {
    const r = await fetch(`${svc.url}/some/path?q=1`, { headers: { 'x-fc-invocation-target': '2016-08-15/proxy/site/pages' } });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('/some/path');
    expect(r.headers.get('content-disposition')).toBe('attachment');
    const bad = await fetch(`${svc.url}/x`, { headers: { 'x-fc-invocation-target': 'nonsense' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff'); // errors too
    expect((await bad.json()).ErrorCode).toBe('InvalidArgument');
  });

  it('gives an anonymous caller no log tail (the log can hold secrets)', async () => {
    const r = await fetch(`${svc.url}/2016-08-15/proxy/site/pages/x`, { headers: { 'x-fc-log-type': 'Tail' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-fc-log-result')).toBeNull();
  });

  it('serves the playground page with a policy that runs only its own scripts and forbids framing', async () => {
    const r = await fetch(`${svc.url}/`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
