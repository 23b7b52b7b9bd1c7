import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, instanceLikeEnv, spawnTracked } from './children.ts';
import type { HttpTarget } from './load-jobs.ts';

const BOOTSTRAP = fileURLToPath(new URL('../../src/server/runtimes/nodejs/bootstrap.cjs', import.meta.url));

/**
 * fnplay's Node.js runtime process started by hand, without the service: the far end of the one
 * hop every invocation makes. Requests to it carry the headers the scheduler sends
 * (scheduler/instance-headers.ts), so it does exactly the work it does under fnplay. It listens on
 * 127.0.0.1:FC_SERVER_PORT, or with `unixSocket` on a Unix socket as under fnplay (FNPLAY_CA_SOCKET).
 */
export async function startDirectInstance(files: Record<string, string>, opts: { unixSocket?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-bench-direct-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const port = await freePort();
  const socketPath = opts.unixSocket ? join(dir, 'ca.sock') : undefined;
  let inited!: () => void;
  const ready = new Promise<void>((r) => (inited = r));
  const proc = spawnTracked(process.execPath, [BOOTSTRAP], {
    cwd: dir, env: { ...instanceLikeEnv(dir, port), ...(socketPath ? { FNPLAY_CA_SOCKET: socketPath } : {}) }, onLine: (l) => (l.endsWith('runtime inited.') ? (inited(), true) : false),
  });
  await Promise.race([ready, proc.exited.then(() => Promise.reject(new Error('the Node.js runtime exited before it listened')))]);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-fc-access-key-id': 'STS.fnplaybench', 'x-fc-access-key-secret': 'secret', 'x-fc-security-token': 'token',
    'x-fc-function-handler': 'index.handler', 'x-fc-function-memory': '128', 'x-fc-function-timeout': '300',
    'x-fc-function-initializer': '', 'x-fc-initialization-timeout': '3',
    'x-fc-instance-lifecycle-pre-stop-handler': '', 'x-fc-instance-lifecycle-pre-freeze-handler': '',
    'x-fc-region': 'cn-hangzhou', 'x-fc-account-id': '1234567890', 'x-fc-qualifier': 'LATEST', 'x-fc-version-id': 'LATEST',
    'x-fc-function-name': 'floor', 'x-fc-service-name': 'bench', 'x-fc-service-logproject': '', 'x-fc-service-logstore': '',
    'x-fc-control-path': '/invoke', 'x-fc-function-deadline': String(Date.now() + 3600_000),
  };
  return {
    pid: proc.pid,
    target: (body: string): HttpTarget => ({ origin: socketPath ? 'http://localhost' : `http://127.0.0.1:${port}`, socketPath, path: '/invoke', body, headers, uniqueRequestId: true }),
    async close() {
      await proc.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
