import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { until, zipFiles } from './helpers/service.ts';
import { hostPidsWith, procState } from './helpers/functions.ts';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `npm start -- --port 0 --data-dir DIR`, exactly as the README says; resolves with the printed URL. */
function npmStart(dataDir: string, { direct = false, flags = [] as string[] } = {}) {
  const env = { ...process.env };
  delete env.FNPLAY_ACCESS_KEY_ID;
  delete env.FNPLAY_ACCESS_KEY_SECRET;
  const args = ['--port', '0', '--data-dir', dataDir, ...flags];
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

// A double-forked grandchild in a session of its own: it outlives its parent, and only the
// sandbox (its pid namespace) can be relied on to take it down.
const spawnSurvivor = `require('child_process').spawnSync('sh', ['-c', 'setsid sleep "$MARK" >/dev/null 2>&1 &']);`;

async function sdk(dataDir: string, endpoint: string) {
  const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  return new FCClient(creds.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint, timeout: 60_000 });
}

describe('fnplay CLI', () => {
  it('prints the real port, keeps generated keys in the data dir, and stops every instance with PreStop on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    const marker = `86398.${process.pid}1`;
    const { child, url, exited, output } = npmStart(dataDir);
    const endpoint = await url;
    expect(endpoint).not.toMatch(/:0$/);
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    expect(output()).toContain(creds.accessKeyId);
    const client = new FCClient(creds.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint, timeout: 60_000 });
    await client.createService('s');
    await client.createFunction('s', {
      functionName: 'f', runtime: 'nodejs20', handler: 'index.handler',
      code: { zipFile: await zipFiles({ 'index.js': `exports.preStop = async () => console.log('prestop ran'); exports.handler = async () => { ${spawnSurvivor} return 'ok'; };` }) },
      environmentVariables: { MARK: marker },
      instanceLifecycleConfig: { preStop: { handler: 'index.preStop', timeout: 3 } },
    });
    await client.invokeFunction('s', 'f', '');
    await until(() => hostPidsWith(marker).length > 0, 'the setsid child to run');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const db = new Database(join(dataDir, 'fnplay.db'), { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM logs WHERE text LIKE '%prestop ran%'`).get()).toEqual({ n: 1 });
    db.close();
    // Even a child that left the instance's session dies with the instance.
    expect(hostPidsWith(marker)).toEqual([]);
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

  it('leaves nothing running after a hard kill of the service and a restart, setsid children included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    const first = npmStart(dataDir, { direct: true });
    const c = await sdk(dataDir, await first.url);
    const marker = `86398.${process.pid}2`;
    await c.createService('s');
    await c.createFunction('s', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', environmentVariables: { MARK: marker }, code: { zipFile: await zipFiles({ 'index.js': `exports.handler = async () => { ${spawnSurvivor} return 'ok'; };` }) } });
    await c.invokeFunction('s', 'f', '');
    await until(() => hostPidsWith(marker).length > 0, 'the setsid child to run');
    first.child.kill('SIGKILL');
    await first.exited;
    // A running sandbox dies with its parent (bwrap --die-with-parent) and its pid namespace with
    // it; a frozen one (cgroup freezer) cannot act on that until it is thawed: the restart does that.
    const second = npmStart(dataDir);
    const c2 = await sdk(dataDir, await second.url);
    expect(hostPidsWith(marker)).toEqual([]);
    expect((await c2.invokeFunction('s', 'f', '')).data).toBe('ok');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(hostPidsWith(marker)).toEqual([]);
  });

  it('without the sandbox, kills the instances a hard-killed service left behind when it starts again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    dirs.push(dataDir);
    const first = npmStart(dataDir, { direct: true, flags: ['--sandbox', 'off'] });
    const c = await sdk(dataDir, await first.url);
    await c.createService('s');
    await c.createFunction('s', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFiles({ 'index.js': `exports.handler = async () => String(process.pid);` }) } });
    const pid = Number((await c.invokeFunction('s', 'f', '')).data);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(procState(pid)).not.toBeNull(); // orphaned, and frozen
    const second = npmStart(dataDir, { flags: ['--sandbox', 'off'] });
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
