import { createHash } from 'node:crypto';
import { readdirSync, type Dirent } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, zipFixture, type TestService } from './helpers/service.ts';
import { hostPidsWith, invoke } from './helpers/functions.ts';

// Every isolation point of SPEC §2a, probed from inside Node.js functions. Each expectation here
// fails when instances run in the host's environment (try `sandbox: 'off'`).

let svc: TestService;
let probeZip: string;
beforeAll(async () => {
  svc = await startTestService();
  probeZip = await zipFixture('probe');
  await svc.client.createService('iso');
  await svc.client.createService('offline', { internetAccess: false });
  expect(svc.sandbox.kind).toBe('bwrap');
});
afterAll(() => svc.close());

/** Instance cgroups (and spare launchers' ones) of this service, in every hierarchy that has them. */
function instanceCgroups(): string[] {
  const parent = `fnplay-${createHash('sha256').update(svc.dataDir).digest('hex').slice(0, 12)}`;
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name === parent) found.push(...readdirSync(join(dir, e.name), { withFileTypes: true }).filter((c) => c.isDirectory()).map((c) => join(dir, e.name, c.name)));
      else walk(join(dir, e.name), depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found.sort();
}

async function deployProbe(name: string, extra: Record<string, unknown> = {}, service = 'iso') {
  await svc.client.createFunction(service, { functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: probeZip }, ...extra });
}

/** Runs one probe op in the function and returns its parsed answer. */
async function probe(fn: string, op: string, arg?: unknown, service = 'iso') {
  const r = await invoke(svc, service, fn, JSON.stringify({ op, arg }));
  if (!r.ok) throw r.error;
  try {
    return JSON.parse(r.data);
  } catch {
    return r.data;
  }
}

describe('the instance sandbox', () => {
  it('shows nothing of the data dir: not the store, not the code store, not other instances', async () => {
    await deployProbe('nosy');
    for (const path of [join(svc.dataDir, 'fnplay.db'), join(svc.dataDir, 'code'), join(svc.dataDir, 'instances'), svc.dataDir]) {
      expect(await probe('nosy', 'ls', path)).toEqual({ ok: false, code: 'ENOENT' });
    }
    expect((await probe('nosy', 'read', join(svc.dataDir, 'fnplay.db'))).ok).toBe(false);
    // The root holds FC's layout and the host's system directories, nothing of the host's homes.
    const root = (await probe('nosy', 'ls', '/')).value as string[];
    expect(root).toEqual(expect.arrayContaining(['code', 'tmp', 'opt', 'usr', 'etc', 'proc', 'dev']));
    expect(root).not.toContain('root');
    expect(root).not.toContain('home');
    expect(root).not.toContain('work');
  });

  it("cannot read another function's /tmp, code or environment", async () => {
    await deployProbe('victim', { environmentVariables: { VICTIM_SECRET: 'victim-secret-4711' } });
    await deployProbe('attacker');
    expect((await probe('victim', 'write', { path: '/tmp/victim-file', text: 'private' })).ok).toBe(true);
    expect(await probe('victim', 'read', '/tmp/victim-file')).toEqual({ ok: true, value: 'private' });

    expect(await probe('attacker', 'ls', '/tmp')).toEqual({ ok: true, value: [] });
    expect(await probe('attacker', 'grepProc', 'victim-secret-4711')).toEqual([]);
    // The victim's prepared code is on the host; the attacker's /code is its own, read-only.
    const prepared = readdirSync(join(svc.dataDir, 'code')).map((f) => join(svc.dataDir, 'code', f));
    for (const p of prepared) expect((await probe('attacker', 'ls', p)).ok).toBe(false);
    expect(await probe('attacker', 'write', { path: '/code/index.js', text: 'pwned' })).toEqual({ ok: false, code: 'EROFS' });
    expect(await probe('victim', 'read', '/tmp/victim-file')).toEqual({ ok: true, value: 'private' });
  });

  it('cannot see or signal the service or other instances (own pid namespace)', async () => {
    await deployProbe('signals');
    const pids = ((await probe('signals', 'ls', '/proc')).value as string[]).filter((e) => /^\d+$/.test(e)).map(Number);
    // bwrap's pid 1, the bootstrap, and whatever the probe runs: a handful, all small numbers.
    expect(pids.length).toBeLessThan(10);
    expect(pids).not.toContain(process.pid);
    expect(await probe('signals', 'kill', process.pid)).toEqual({ ok: false, code: 'ESRCH' });
    expect(await probe('signals', 'grepProc', 'vitest')).toEqual([]);
  });

  it("cannot reach the service's port (own network namespace with loopback only)", async () => {
    await deployProbe('netcheck', {}, 'offline');
    expect(await probe('netcheck', 'connect', { host: '127.0.0.1', port: svc.port }, 'offline')).toBe('ECONNREFUSED');
    // No interface but loopback: a connect to any outside address fails at once, nothing is sent.
    expect(await probe('netcheck', 'connect', { host: '192.0.2.1', port: 80 }, 'offline')).toBe('ENETUNREACH');
    const dev = (await probe('netcheck', 'read', '/proc/net/dev', 'offline')).value as string;
    expect(dev).toContain('lo:');
    expect(dev).not.toContain('tap0');
  });

  it('gives a service with internetAccess its own user-mode network (slirp4netns), never the host loopback', async (ctx) => {
    if (svc.sandbox.network === 'none') return ctx.skip('slirp4netns not installed: skipped');
    await deployProbe('online');
    const dev = (await probe('online', 'read', '/proc/net/dev')).value as string;
    expect(dev).toContain('tap0:');
    const route = (await probe('online', 'read', '/proc/net/route')).value as string;
    expect(route).toMatch(/^tap0\s+00000000\s+0202000A/m); // default route via 10.0.2.2
    // 10.0.2.2 is slirp4netns' host address; --disable-host-loopback keeps the service's port out.
    expect(await probe('online', 'connect', { host: '10.0.2.2', port: svc.port })).not.toBe('connected');
    expect(await probe('online', 'connect', { host: '127.0.0.1', port: svc.port })).toBe('ECONNREFUSED');
  });

  it('gives each instance a private /tmp of 512 MB: writing past it fails with ENOSPC in the function only', async () => {
    await deployProbe('filler', { timeout: 60 });
    const r = await probe('filler', 'fill', '/tmp/big');
    expect(r.code).toBe('ENOSPC');
    expect(r.mb).toBeGreaterThanOrEqual(500);
    expect(r.mb).toBeLessThanOrEqual(512);
    // The instance and the service carry on.
    expect(await probe('filler', 'ls', '/tmp')).toEqual({ ok: true, value: [] });
  });

  it('stops a fork bomb at the per-instance process limit, and the service keeps serving', async (ctx) => {
    if (svc.sandbox.cgroup === 'none') return ctx.skip('no writable cgroup: the process limit is not enforced, skipped');
    await deployProbe('forker', { timeout: 60, memorySize: 1024 });
    const r = await probe('forker', 'forkMany', 3000);
    expect(r.refused).not.toBeNull();
    expect(r.started).toBeLessThan(1024);
    await deployProbe('bystander');
    expect(await probe('bystander', 'ls', '/code')).toEqual({ ok: true, value: ['index.js'] });
    await playground(svc)('/functions/iso/forker/reclaim', { method: 'POST' });
  });

  it("lays out the environment as FC does: /code, HOME and TMPDIR /tmp, FC's built-in modules", async () => {
    await deployProbe('envcheck');
    const env = await probe('envcheck', 'env');
    expect(env).toMatchObject({ FC_FUNC_CODE_PATH: '/code', TMPDIR: '/tmp', HOME: '/tmp', FC_SERVER_PORT: '9000' });
    expect(Object.keys(env).filter((k) => k.startsWith('FNPLAY'))).toEqual([]);
    expect(await probe('envcheck', 'require', 'raw-body')).toEqual({ ok: true, value: 'function' });
    expect(await probe('envcheck', 'require', 'co')).toEqual({ ok: true, value: 'function' });
    // fnplay's own dependencies are not FC's: they do not resolve.
    expect(await probe('envcheck', 'require', 'hono')).toMatchObject({ ok: false });
  });

  it('leaves nothing behind after a reclaim: no process (setsid and double forks included), no directory, no cgroup', async () => {
    const marker = `86397.${process.pid}`;
    await deployProbe('leaver');
    // Spare launchers refill a moment after each take: count once that has settled.
    const settled = async () => {
      let last = instanceCgroups().length;
      await until(async () => {
        await new Promise((r) => setTimeout(r, 300));
        const now = instanceCgroups().length;
        const same = now === last;
        last = now;
        return same;
      }, 'the spare launchers to settle');
      return last;
    };
    const before = await settled();
    const r = await probe('leaver', 'sh', `setsid sleep ${marker} >/dev/null 2>&1 &`);
    expect(r.ok).toBe(true);
    await until(() => hostPidsWith(marker).length > 0, 'the setsid child to run');
    await playground(svc)('/functions/iso/leaver/reclaim', { method: 'POST' });
    await until(async () => (await playground(svc)('/functions/iso/leaver/instances')).body.instances.length === 0, 'the reclaim');
    expect(hostPidsWith(marker)).toEqual([]);
    for (const rec of (await playground(svc)('/functions/iso/leaver/invocations')).body.invocations) {
      expect(readdirSync(join(svc.dataDir, 'instances'))).not.toContain(rec.instanceId);
    }
    // The instance's cgroup went with it: as many as before it started (the spare it took was replaced).
    expect(await settled()).toBe(before);
  });

  it('shows stack traces with /code paths, not host paths', async () => {
    await deployProbe('stack');
    const r = await invoke(svc, 'iso', 'stack', JSON.stringify({ op: 'throw' }));
    const text = r.ok ? JSON.stringify(r.data) : r.error.message;
    expect(text).toContain('thrown on purpose');
    expect(text).toContain('/code/index.js');
    expect(text).not.toContain(svc.dataDir);
  });
});

describe('host loopback ports the user names (--host-port)', () => {
  it('reaches a named host port at 127.0.0.1 inside, and no other', async () => {
    const db = createServer((s) => s.end('hello from the host\n'));
    const other = createServer((s) => s.end('must not be reached\n'));
    await Promise.all([db, other].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))));
    const dbPort = (db.address() as AddressInfo).port;
    const otherPort = (other.address() as AddressInfo).port;
    const host = await startTestService({ hostPorts: [dbPort] });
    try {
      await host.client.createService('dev');
      await host.client.createFunction('dev', { functionName: 'probe', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: probeZip } });
      const ask = async (port: number) => (await host.client.invokeFunction('dev', 'probe', JSON.stringify({ op: 'greeting', arg: { host: '127.0.0.1', port } }))).data;
      expect(await ask(dbPort)).toBe('hello from the host\n');
      expect(await ask(otherPort)).toBe('ECONNREFUSED');
      expect(await ask(host.port)).toBe('ECONNREFUSED');
    } finally {
      await host.close();
      db.close();
      other.close();
    }
  });
});
