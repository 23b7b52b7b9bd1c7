import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import JSZip from 'jszip';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { startFnplay, type FnplayConfig } from '../../src/server/service.ts';

export const TEST_KEYS = { accessKeyId: 'LTAItestkey', accessKeySecret: 'test-secret-0123456789' };
export const ACCOUNT_ID = '1234567890123456';

export interface FcClient {
  [method: string]: (...args: any[]) => Promise<{ headers: Record<string, string>; data: any }>;
}

/** The real service on a random port with a fresh data dir, and an official SDK client pointed at it. */
export async function startTestService(opts: Partial<FnplayConfig> = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'fnplay-test-'));
  const svc = await startFnplay({
    host: '127.0.0.1', port: 0, dataDir, maxInstances: 300, idleTtlSec: 300, keys: TEST_KEYS, accountId: ACCOUNT_ID, ...opts,
  });
  const client: FcClient = new FCClient(ACCOUNT_ID, {
    accessKeyID: TEST_KEYS.accessKeyId, accessKeySecret: TEST_KEYS.accessKeySecret, region: 'cn-hangzhou', endpoint: svc.url, timeout: 120_000,
  });
  return {
    ...svc,
    dataDir,
    client,
    async close({ keepData = false } = {}) {
      await svc.close();
      if (!keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TestService = Awaited<ReturnType<typeof startTestService>>;

/** Zips a fixture folder (test/fixtures/<name>), keeping unix modes, as base64 for code.zipFile. */
export async function zipFixture(name: string): Promise<string> {
  const root = join(import.meta.dirname, '..', 'fixtures', name);
  const zip = new JSZip();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else zip.file(relative(root, full), readFileSync(full), { unixPermissions: st.mode & 0o777 });
    }
  };
  walk(root);
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' })).toString('base64');
}

/** Zips files given inline: `{ 'index.js': 'exports.handler = ...' }`; a `mode` can be given per file. */
export async function zipFiles(files: Record<string, string | { content: string; mode: number }>): Promise<string> {
  const zip = new JSZip();
  for (const [name, f] of Object.entries(files)) {
    if (typeof f === 'string') zip.file(name, f, { unixPermissions: 0o644 });
    else zip.file(name, f.content, { unixPermissions: f.mode });
  }
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' })).toString('base64');
}

/** Polls `check` until it returns a truthy value or the deadline passes; no fixed sleeps in tests. */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    const v = await check();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** The playground API as the served page calls it. */
export function playground(svc: { url: string; apiToken: string }) {
  return async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${svc.url}/api${path}`, { ...init, headers: { 'x-fnplay-token': svc.apiToken, ...(init.headers ?? {}) } });
    return { status: res.status, body: await res.json() };
  };
}
