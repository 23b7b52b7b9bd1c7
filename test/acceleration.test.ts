import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, type TestService } from './helpers/service.ts';
import { deployNode, invoke, requestIdOf } from './helpers/functions.ts';

let svc: TestService;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  svc = await startTestService();
  api = playground(svc);
});
afterAll(() => svc.close());

const status = async (fn: string) => (await svc.client.getFunction('svc', fn)).data.accelerationInfo.status;

describe('acceleration', () => {
  it('prepares code once: a cold start of Ready code does not extract the zip again', async () => {
    await deployNode(svc, 'prepared', { 'index.js': `exports.handler = async () => 'from prepared code';` });
    await until(async () => (await status('prepared')) === 'Ready', 'Ready');
    const { codeChecksum } = (await svc.client.getFunction('svc', 'prepared')).data;
    // Take the zip away: only the prepared tree is left to start from.
    const zip = join(svc.dataDir, 'code', 'zips', `${codeChecksum}.zip`);
    renameSync(zip, zip + '.away');
    try {
      const r = await invoke(svc, 'svc', 'prepared');
      expect(r.ok && r.data).toBe('from prepared code');
      expect((await api(`/invocations/${requestIdOf(r as never)}`)).body.coldStart).toBe(true);
    } finally {
      renameSync(zip + '.away', zip);
    }
  });

  it('reports Failed with the reason when the handler file is missing, and the runtime says why on invoke', async () => {
    await deployNode(svc, 'broken', { 'main.js': `exports.handler = async () => 1;` });
    await until(async () => (await status('broken')) === 'Failed', 'Failed');
    const info = (await svc.client.getFunction('svc', 'broken')).data.accelerationInfo;
    expect(info.reason).toMatch(/index/);
    const r = await invoke(svc, 'svc', 'broken');
    expect(r.ok && r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
  });

  it('pushes acceleration changes on the live stream', async () => {
    const res = await fetch(`${svc.url}/api/events`, { headers: { 'x-fnplay-token': svc.apiToken } });
    const reader = res.body!.getReader();
    let text = '';
    await deployNode(svc, 'live-accel', { 'index.js': `exports.handler = async () => 1;` });
    await until(async () => {
      const { value } = await reader.read();
      text += Buffer.from(value!).toString();
      return text.includes('"type":"acceleration"') && text.includes('"functionName":"live-accel"') && text.includes('"status":"Ready"');
    }, 'an acceleration event');
    await reader.cancel();
  });

  it('shows every instance the prepared code read-only at /code, and gives each its own /tmp', async () => {
    await deployNode(svc, 'isolated', {
      'index.js': `
        const fs = require('fs');
        exports.handler = async () => {
          let write = 'ok';
          try { fs.writeFileSync(__dirname + '/state.txt', 'x'); } catch (e) { write = e.code; }
          const before = fs.existsSync('/tmp/mine') ? fs.readFileSync('/tmp/mine', 'utf8') : '';
          fs.writeFileSync('/tmp/mine', process.env.FC_INSTANCE_ID);
          await new Promise((r) => setTimeout(r, 300));
          return JSON.stringify({ before, write, tmp: process.env.TMPDIR, dir: __dirname, instance: process.env.FC_INSTANCE_ID });
        };`,
    });
    const [a, b] = await Promise.all([invoke(svc, 'svc', 'isolated'), invoke(svc, 'svc', 'isolated')]);
    const ra = JSON.parse((a as { data: string }).data);
    const rb = JSON.parse((b as { data: string }).data);
    expect(ra.instance).not.toBe(rb.instance);
    expect([ra.before, rb.before]).toEqual(['', '']);
    expect([ra.write, rb.write]).toEqual(['EROFS', 'EROFS']);
    expect([ra.dir, ra.tmp]).toEqual(['/code', '/tmp']);
  });
});
