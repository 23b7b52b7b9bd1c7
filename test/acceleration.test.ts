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

  it('gives every instance its own working copy of the code and its own TMPDIR', async () => {
    await deployNode(svc, 'isolated', {
      'index.js': `
        const fs = require('fs'); const path = require('path');
        exports.handler = async () => {
          const mine = path.join(__dirname, 'state.txt');
          const before = fs.existsSync(mine) ? fs.readFileSync(mine, 'utf8') : '';
          fs.writeFileSync(mine, before + 'x');
          await new Promise((r) => setTimeout(r, 300));
          return JSON.stringify({ before, tmp: process.env.TMPDIR, dir: __dirname });
        };`,
    });
    const [a, b] = await Promise.all([invoke(svc, 'svc', 'isolated'), invoke(svc, 'svc', 'isolated')]);
    const ra = JSON.parse((a as { data: string }).data);
    const rb = JSON.parse((b as { data: string }).data);
    expect(ra.before).toBe('');
    expect(rb.before).toBe('');
    expect(ra.tmp).not.toBe(rb.tmp);
    expect(ra.dir).not.toBe(rb.dir);
  });
});
