import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import JSZip from 'jszip';
import { startService } from './fixtures.ts';

// A function's HTML must never run in the playground's origin: there it could read the page's
// token and deploy code through /api. On the proxy path FC answers it as an attachment; on a
// custom domain it renders, on an origin of its own that reaches nothing of fnplay.

const evil = (playground: string) => `exports.handler = (req, resp) => {
  resp.setHeader('content-type', 'text/html');
  resp.send(\`<!doctype html><html><head><title>loading</title></head><body><div id="out">pending</div><script>
(async () => {
  const out = [];
  try {
    const page = await (await fetch('${playground}/')).text();
    const token = /fnplay-token" content="([^"]+)/.exec(page);
    out.push(token ? 'token-stolen' : 'no-token');
    if (token) {
      const r = await fetch('${playground}/api/deploy', { method: 'POST', headers: { 'x-fnplay-token': token[1], 'content-type': 'application/json' },
        body: JSON.stringify({ serviceName: 'pwn', function: { functionName: 'pwned', runtime: 'nodejs20', handler: 'index.handler' }, zipFile: null, httpTrigger: null }) });
      out.push('deploy-' + r.status);
    }
  } catch (e) { out.push('playground-blocked'); }
  try { out.push((await (await fetch('/api/info')).text()).startsWith('{') ? 'own-api-fnplay' : 'own-api-not-fnplay'); } catch (e) { out.push('own-api-blocked'); }
  const frame = document.createElement('iframe');
  frame.src = '${playground}/';
  frame.id = 'frame';
  document.body.appendChild(frame);
  document.getElementById('out').textContent = out.join(' ');
  document.title = 'ran';
})();
</script></body></html>\`);
};`;

test('a function page opened through the proxy downloads instead of running; on a custom domain it runs but reaches nothing', async ({ browser }) => {
  const svc = await startService();
  try {
    const creds = JSON.parse(readFileSync(join(svc.dataDir, 'credentials.json'), 'utf8'));
    const client = new FCClient(creds.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint: svc.url });
    const zip = new JSZip();
    zip.file('index.js', evil(svc.url));
    const zipFile = (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
    await client.createService('web');
    await client.createFunction('web', { functionName: 'page', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    await client.createTrigger('web', 'page', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
    const port = new URL(svc.url).port;
    await client.createCustomDomain('demo.example.com', { routeConfig: { routes: [{ path: '/*', serviceName: 'web', functionName: 'page' }] } });

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();

    // 1. The proxy path, in the playground's origin: a download, never a document.
    const download = page.waitForEvent('download');
    await page.goto(`${svc.url}/2016-08-15/proxy/web/page/`).catch(() => {}); // "Download is starting"
    expect((await download).suggestedFilename()).toBeTruthy();
    expect(await page.title()).not.toBe('ran');

    // 2. The custom domain: the page runs, on its own origin, and reaches nothing of fnplay.
    await page.goto(`http://demo.example.com.localhost:${port}/`);
    await expect(page).toHaveTitle('ran');
    const out = await page.locator('#out').textContent();
    expect(out).toContain('playground-blocked');
    expect(out).not.toContain('token-stolen');
    // Its own origin's /api is whatever its routes serve (here the function itself), never fnplay's.
    expect(out).toContain('own-api-not-fnplay');
    // 3. Framing the playground is refused (frame-ancestors 'none', X-Frame-Options DENY).
    await expect.poll(() => page.frames().find((f) => f !== page.mainFrame())?.url() ?? '').not.toBe('');
    const framed = page.frames().find((f) => f !== page.mainFrame())!;
    expect(await framed.evaluate(() => document.querySelector('meta[name="fnplay-token"]')).catch(() => null)).toBeNull();
    await context.close();

    // Nothing was deployed by either page.
    await expect(client.getService('pwn')).rejects.toMatchObject({ code: 'ServiceNotFound' });
  } finally {
    await svc.stop();
  }
});
