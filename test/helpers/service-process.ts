import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { until } from './service.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * fnplay as users run it, in a child process (bin/fnplay.js) on a data dir: what a test needs to
 * SIGKILL it midway and start it again on the same data.
 */
export function startServiceProcess(dataDir: string, flags: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env, FNPLAY_SKIP_UI_BUILD: '1' };
  delete env.FNPLAY_ACCESS_KEY_ID;
  delete env.FNPLAY_ACCESS_KEY_SECRET;
  const child = spawn(process.execPath, ['bin/fnplay.js', '--port', '0', '--data-dir', dataDir, ...flags], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = until(() => /fnplay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 'the listening line', 60_000);
  return { child, url, exited, output: () => out };
}

/** The official SDK with the keys the service generated in its data dir. */
export function sdkFor(dataDir: string, endpoint: string) {
  const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  return new FCClient(creds.accountId, { accessKeyID: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'cn-hangzhou', endpoint, timeout: 60_000 });
}
