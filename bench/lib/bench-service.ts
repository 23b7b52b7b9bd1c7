import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { reapLeftovers } from '../../src/server/instances/leftovers.ts';
import type { FnplayConfig } from '../../src/server/service.ts';
import type { SandboxStatus } from '../../src/shared/sandbox-status.ts';
import { startServiceProcess } from './service-process.ts';
import type { FcCredentials } from './fc-signer.ts';
import { until } from './stats.ts';

type SdkCall = (...args: unknown[]) => Promise<{ headers: Record<string, string>; data: any }>;

// Services still open, so that an interrupted or failed run still stops every instance.
const open = new Set<{ close(): Promise<void>; dataDir: string }>();
export const closeOpenServices = () => Promise.all([...open].map((s) => s.close().catch(() => {})));
// A run that dies without closing them (an uncaught error, a closed pipe): kill the process
// groups the scheduler recorded, synchronously, as fnplay itself does after a hard kill.
process.on('exit', () => {
  for (const s of open) {
    reapLeftovers(join(s.dataDir, 'instances'));
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

/**
 * fnplay on 127.0.0.1 port 0 with a fresh data dir and generated keys, plus an SDK client. The
 * service runs alone in a child process, as `npm start` runs it: its CPU, RSS and event loop are its
 * own, not shared with the load generator or lambda-local in this process. `restart` starts it
 * again on the data dir and keys of one that was killed.
 */
export async function startBenchService(opts: { freeze?: boolean; maxInstances?: number; sandbox?: FnplayConfig['sandbox']; restart?: { dataDir: string; creds: FcCredentials } } = {}) {
  const dataDir = opts.restart?.dataDir ?? mkdtempSync(join(tmpdir(), 'fnplay-bench-'));
  const creds: FcCredentials = opts.restart?.creds ?? {
    accessKeyId: `LTAI${randomBytes(8).toString('hex')}`,
    accessKeySecret: randomBytes(20).toString('base64url'),
    accountId: String(1e15 + Math.floor(Math.random() * 9e15)),
  };
  const config: FnplayConfig = {
    host: '127.0.0.1', port: 0, dataDir, maxInstances: opts.maxInstances ?? 300,
    // Instances must not be reclaimed in the middle of a measurement.
    idleTtlSec: 3600, keys: { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret },
    accountId: creds.accountId, freeze: opts.freeze ?? true,
    // Left out unless asked for, so that the default run measures the default config (`auto`).
    ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
  };
  const svc = await startServiceProcess(config);
  let killed = false;
  const client: Record<string, SdkCall> = new FCClient(creds.accountId, {
    accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint: svc.url, timeout: 300_000,
  });

  /** The playground API, as the served page calls it. */
  async function api(path: string, init: RequestInit = {}) {
    const res = await fetch(`${svc.url}/api${path}`, { ...init, headers: { 'x-fnplay-token': svc.apiToken, ...(init.headers ?? {}) } });
    const body = await res.json();
    if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} /api${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  /** Creates the service unless it exists; `options` as CreateService takes them (e.g. `internetAccess`). */
  const createService = (service: string, options: Record<string, unknown> = {}) =>
    client.createService(service, options).catch((e: { code?: string }) => {
      if (e.code !== 'ServiceAlreadyExists') throw e;
    });

  /** Creates the function from inline files and waits until its code is prepared (accelerationInfo Ready). */
  async function deploy(service: string, functionName: string, files: Record<string, string>, config: Record<string, unknown> = {}) {
    await createService(service);
    await client.createFunction(service, {
      functionName, runtime: 'nodejs20', handler: 'index.handler', timeout: 300, code: { zipFile: await zipFiles(files) }, ...config,
    });
    await until(async () => {
      const info = (await client.getFunction(service, functionName)).data.accelerationInfo;
      if (info.status === 'Failed') throw new Error(`preparing ${functionName} failed: ${info.reason}`);
      return info.status === 'Ready';
    }, `code of ${functionName} to be Ready`);
  }

  const instances = async (service: string, fn: string) =>
    (await api(`/functions/${service}/${fn}/instances`)).instances as { instanceId: string; state: string; inFlight: number; pid: number }[];

  /** What isolates this service's instances (GET /api/info): `auto` falls back to none without bwrap. */
  const sandbox = (await api('/info')).sandbox as SandboxStatus;

  const handle = {
    /** The service's process. */
    pid: svc.pid,
    url: svc.url,
    port: svc.port,
    apiToken: svc.apiToken,
    dataDir,
    creds,
    client,
    sandbox,
    api,
    createService,
    deploy,
    instances,
    /** Imports an image archive or layout into the service's image store, named `name` (no HTTP route does yet). */
    importImage: svc.importImage,
    /** kill -9 of the service's process; the data dir stays, for `startBenchService({ restart })`. */
    async kill() {
      killed = true;
      await svc.kill();
    },
    async close() {
      open.delete(handle);
      // A killed service stops nothing: its instances are reaped as a restart would reap them.
      if (killed) reapLeftovers(join(dataDir, 'instances'));
      else await svc.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // A restart takes over the data dir (and its clean-up) from the service that was killed.
  for (const s of open) if (s.dataDir === dataDir) open.delete(s);
  open.add(handle);
  return handle;
}
export type BenchService = Awaited<ReturnType<typeof startBenchService>>;

/** Files given inline, zipped as base64 for `code.zipFile`; a file named `bootstrap` is executable. */
export async function zipFiles(files: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content, { unixPermissions: name === 'bootstrap' ? 0o755 : 0o644 });
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' })).toString('base64');
}
