import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { until, zipFiles } from './helpers/service.ts';
import { procState } from './helpers/functions.ts';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `npm start -- --port 0 --data-dir DIR`, exactly as the README says; resolves with the printed URL. */
function npmStart(dataDir: string, { direct = false } = {}) {
  const env = { ...process.env };
  delete env.FNPLAY_ACCESS_KEY_ID;
  delete env.FNPLAY_ACCESS_KEY_SECRET;
  const args = ['--port', '0', '--data-dir', dataDir];
  // `direct` runs the service without npm in between, for when the test must kill the service itself.
  const child = direct
    ? spawn(process.execPath, ['bin/fnplay.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('npm', ['start', '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const url = until(() => /fnplay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 'the listening line', 30_000);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, url, exited, output: () => out };
}

describe('fnplay CLI', () => {
  it('prints the real port, keeps generated keys in the data dir, and stops every instance with PreStop on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    const marker = join(dataDir, 'prestop-ran');
    const { child, url, exited, output } = npmStart(dataDir);
    const endpoint = await url;
    expect(endpoint).not.toMatch(/:0$/);
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    expect(output()).toContain(creds.accessKeyId);
    const client = new FCClient(creds.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint, timeout: 60_000 });
    await client.createService('s');
    await client.createFunction('s', {
      functionName: 'f', runtime: 'nodejs20', handler: 'index.handler',
      code: { zipFile: await zipFiles({ 'index.js': `exports.preStop = async () => require('fs').writeFileSync(process.env.MARK, 'yes'); exports.handler = async () => String(process.pid);` }) },
      environmentVariables: { MARK: marker },
      instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } },
    });
    const r = await client.invokeFunction('s', 'f', '');
    const instancePid = Number(r.data);
    expect(procState(instancePid)).not.toBeNull();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(procState(instancePid)).toBeNull();
  });

  it('keeps everything across a restart on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    const first = npmStart(dataDir);
    const creds = () => JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const client = (endpoint: string) => new FCClient(creds().accountId, { accessKeyID: creds().accessKeyId, accessKeySecret: creds().accessKeySecret, region: 'cn-hangzhou', endpoint });
    const c1 = client(await first.url);
    await c1.createService('keep');
    await c1.createFunction('keep', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles({ 'index.js': `exports.handler = async () => 'still here';` }) } });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = npmStart(dataDir);
    const c2 = client(await second.url);
    expect((await c2.getFunction('keep', 'f')).data.functionName).toBe('f');
    expect((await c2.invokeFunction('keep', 'f', '')).data).toBe('still here');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('kills the instances a hard-killed service left behind when it starts again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    const first = npmStart(dataDir, { direct: true });
    const endpoint = await first.url;
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const c = new FCClient(creds.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint });
    await c.createService('s');
    await c.createFunction('s', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles({ 'index.js': `exports.handler = async () => String(process.pid);` }) } });
    const pid = Number((await c.invokeFunction('s', 'f', '')).data);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(procState(pid)).not.toBeNull(); // orphaned, and frozen
    const second = npmStart(dataDir);
    await second.url;
    await until(() => procState(pid) === null || procState(pid) === 'Z', 'the leftover instance to be killed');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses bad flags with a clear message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    for (const flags of [['--port', 'abc'], ['--max-instances', '0'], ['--bogus']]) {
      const child: ChildProcess = spawn('node', ['bin/fnplay.js', '--data-dir', dataDir, ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (c) => (err += c));
      const code = await new Promise((r) => child.on('exit', r));
      expect(code).toBe(2);
      expect(err).toContain('usage: fnplay');
    }
  });
});
