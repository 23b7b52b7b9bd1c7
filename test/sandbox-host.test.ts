import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { until, zipFixture } from './helpers/service.ts';
import { buildContainerTestImages } from './helpers/container-images.ts';
import { missingImageTools, pushImage, startRegistry } from './helpers/oci-images.ts';

// The service as `fnplay` runs it, with its secrets in its environment: what an instance can
// learn of the host, with and without the sandbox, as root and as a user without privileges.

const ROOT = join(import.meta.dirname, '..');
const KEYS = { id: 'LTAIhosttest', secret: 'host-secret-do-not-leak-8d1f', account: '1234567890123456' };
const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function startCli(flags: string[], opts: { asUser?: string; path?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-host-'));
  dirs.push(dataDir);
  const env: Record<string, string> = {
    PATH: opts.path ?? process.env.PATH ?? '/usr/bin:/bin',
    FNPLAY_ACCESS_KEY_ID: KEYS.id, FNPLAY_ACCESS_KEY_SECRET: KEYS.secret, FNPLAY_ACCOUNT_ID: KEYS.account, FNPLAY_SKIP_UI_BUILD: '1',
  };
  const args = [join(ROOT, 'bin/fnplay.js'), '--port', '0', '--data-dir', dataDir, ...flags];
  let child;
  if (opts.asUser) {
    chownSync(dataDir, 65534, 65534);
    const assignments = Object.entries(env).map(([k, v]) => `${k}='${v}'`).join(' ');
    child = spawn('su', ['-s', '/bin/sh', opts.asUser, '-c', `cd ${ROOT} && exec env HOME=${dataDir} ${assignments} ${process.execPath} ${args.join(' ')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = until(() => /fnplay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? (child.exitCode !== null ? 'exited' : null), 'the listening line', 60_000);
  return { child, dataDir, url, exited, output: () => out };
}

async function withProbe(endpoint: string) {
  const client = new FCClient(KEYS.account, { accessKeyID: KEYS.id, accessKeySecret: KEYS.secret, region: 'cn-hangzhou', endpoint, timeout: 60_000 });
  await client.createService('host');
  await client.createFunction('host', { functionName: 'probe', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: await zipFixture('probe') } });
  return async (op: string, arg?: unknown) => {
    const r = await client.invokeFunction('host', 'probe', JSON.stringify({ op, arg }));
    try {
      return JSON.parse(r.data);
    } catch {
      return r.data;
    }
  };
}

const apiInfo = async (endpoint: string) => {
  const page = await (await fetch(endpoint)).text();
  const token = /name="fnplay-token" content="([^"]+)"/.exec(page)?.[1] ?? /"token":"([^"]+)"/.exec(page)?.[1];
  return (await fetch(`${endpoint}/api`, { headers: { 'x-fnplay-token': token ?? '' } })).json();
};

describe('what an instance can learn of the host', () => {
  it("finds no trace of the service's key secret, and cannot read the data dir", async () => {
    const svc = startCli([]);
    const endpoint = await svc.url;
    const probe = await withProbe(endpoint);
    expect(await probe('grepProc', KEYS.secret)).toEqual([]);
    expect(JSON.stringify(await probe('env'))).not.toContain(KEYS.secret);
    expect(await probe('ls', svc.dataDir)).toEqual({ ok: false, code: 'ENOENT' });
    expect(await probe('kill', svc.child.pid)).toMatchObject({ ok: false });
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
  });

  it('without the sandbox (--sandbox off) says instances are not isolated, in the log and in GET /api', async () => {
    const svc = startCli(['--sandbox', 'off']);
    const endpoint = await svc.url;
    expect(svc.output()).toContain('Instances are not isolated');
    const info = await apiInfo(endpoint);
    expect(info.sandbox.kind).toBe('none');
    expect(info.sandbox.notices.join(' ')).toContain('not isolated');
    // …and it is true: the function can read the service's environment.
    const probe = await withProbe(endpoint);
    expect((await probe('grepProc', KEYS.secret)).length).toBeGreaterThan(0);
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
  });

  it('refuses to start with --sandbox on when bubblewrap is missing, and starts without it under auto', async () => {
    // A PATH with node but no bwrap (node's own directory; Debian's bwrap lives in /usr/bin).
    const path = join(tmpdir(), `fnplay-nobwrap-${process.pid}`);
    dirs.push(path);
    spawnSync('mkdir', ['-p', path]);
    spawnSync('ln', ['-sf', process.execPath, join(path, 'node')]);
    const on = startCli(['--sandbox', 'on'], { path });
    expect(await on.exited).not.toBe(0);
    expect(on.output()).toContain('bubblewrap (bwrap) is not installed');
    const auto = startCli([], { path });
    const info = await apiInfo(await auto.url);
    expect(info.sandbox.kind).toBe('none');
    auto.child.kill('SIGTERM');
    expect(await auto.exited).toBe(0);
  });

  it('isolates instances for a user without privileges too (user namespaces, no cgroup)', async (ctx) => {
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/su')) return ctx.skip('needs root to switch to nobody: skipped');
    // nobody must be able to read this checkout, and user namespaces must be open to it.
    const can = (cmd: string) => spawnSync('su', ['-s', '/bin/sh', 'nobody', '-c', cmd]).status === 0;
    if (!can(`test -r '${join(ROOT, 'bin/fnplay.js')}' && test -r '${join(ROOT, 'node_modules/tsx/package.json')}'`)) return ctx.skip(`nobody cannot read ${ROOT}: skipped`);
    if (!can('bwrap --unshare-user --ro-bind / / true')) return ctx.skip('user namespaces are closed to nobody here: skipped');
    const svc = startCli([], { asUser: 'nobody' });
    const endpoint = await svc.url;
    expect(endpoint).toMatch(/^http/);
    const info = await apiInfo(endpoint);
    expect(info.sandbox.kind).toBe('bwrap');
    const probe = await withProbe(endpoint);
    expect(await probe('ls', svc.dataDir)).toEqual({ ok: false, code: 'ENOENT' });
    expect(await probe('write', { path: '/code/x' })).toEqual({ ok: false, code: 'EROFS' });
    expect((await probe('write', { path: '/tmp/x' })).ok).toBe(true);
    expect(await probe('grepProc', KEYS.secret)).toEqual([]);
    if (info.sandbox.network === 'slirp4netns') expect((await probe('read', '/proc/net/dev')).value).toContain('tap0:');
    // su does not pass SIGTERM on: the service itself (su's child) gets it, and su exits with its status.
    const service = Number(spawnSync('pgrep', ['-P', String(svc.child.pid)], { encoding: 'utf8' }).stdout.trim());
    process.kill(service, 'SIGTERM');
    expect(await svc.exited).toBe(0);
  });

  it('runs custom containers for a user without privileges: its own overlay layer, whiteouts included', async (ctx) => {
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/su')) return ctx.skip('needs root to switch to nobody: skipped');
    const can = (cmd: string) => spawnSync('su', ['-s', '/bin/sh', 'nobody', '-c', cmd]).status === 0;
    if (!can(`test -r '${join(ROOT, 'bin/fnplay.js')}' && test -r '${join(ROOT, 'node_modules/tsx/package.json')}'`)) return ctx.skip(`nobody cannot read ${ROOT}: skipped`);
    if (!can('bwrap --unshare-user --ro-bind / / true')) return ctx.skip('user namespaces are closed to nobody here: skipped');
    const missing = missingImageTools({ go: true, registry: true });
    if (missing.length) return ctx.skip(`${missing.join(', ')} not installed: skipped`);
    const imagesDir = mkdtempSync(join(tmpdir(), 'fnplay-host-images-'));
    dirs.push(imagesDir);
    const images = await buildContainerTestImages(imagesDir);
    const registry = await startRegistry();
    try {
      const image = `${registry.host}/fc/probe:v1`;
      await pushImage(images.layout, images.tags.probe, image);
      const svc = startCli([], { asUser: 'nobody' });
      const endpoint = await svc.url;
      const client = new FCClient(KEYS.account, { accessKeyID: KEYS.id, accessKeySecret: KEYS.secret, region: 'cn-hangzhou', endpoint, timeout: 60_000 });
      await client.createService('host');
      await client.createFunction('host', { functionName: 'container', runtime: 'custom-container', handler: 'x', customContainerConfig: { image } });
      await until(async () => (await client.getFunction('host', 'container')).data.accelerationInfo.status === 'Ready', 'Ready', 60_000);
      const op = async (body: object) => JSON.parse(Buffer.from((await client.invokeFunction('host', 'container', JSON.stringify(body))).data).toString());
      expect(await op({ op: 'id' })).toMatchObject({ uid: 0, cwd: '/app' });
      expect(await op({ op: 'write', Path: '/app/new.txt', Data: 'x' })).toMatchObject({ err: '' });
      expect(await op({ op: 'rm', Path: '/app/data.txt' })).toMatchObject({ err: '' });
      expect((await op({ op: 'ls', Path: '/app' })).names).toEqual(['new.txt', 'server']);
      const service = Number(spawnSync('pgrep', ['-P', String(svc.child.pid)], { encoding: 'utf8' }).stdout.trim());
      process.kill(service, 'SIGTERM');
      expect(await svc.exited).toBe(0);
    } finally {
      await registry.stop();
    }
  }, 240_000);
});
