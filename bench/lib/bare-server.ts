import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { freePort, instanceLikeEnv, spawnTracked } from './children.ts';

/**
 * The smallest server that speaks enough of the instance protocol: echoes the body with
 * x-fc-status 200 and says "listening" when it listens. The cold-start floor, and the custom
 * runtime that is measured against it. It listens on 127.0.0.1 unless LISTEN_HOST says otherwise:
 * in a sandbox a custom runtime must listen on 0.0.0.0 (seed 000 §4.2), which there is the
 * instance's own network namespace.
 */
export const BARE_SERVER_JS = `const http = require('http');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-fc-status': '200' });
    res.end(Buffer.concat(chunks));
  });
}).listen(Number(process.env.FC_SERVER_PORT), process.env.LISTEN_HOST || '127.0.0.1', () => process.stdout.write('listening\\n'));
`;

/** A directory holding server.js, for bare servers; `remove()` when done. */
export function bareServerDir() {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-bench-bare-'));
  writeFileSync(join(dir, 'server.js'), BARE_SERVER_JS);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** POSTs once on a new connection (as the scheduler's first call does) and reads the answer. */
export async function firstRequest(port: number, body = 'x') {
  const client = new Client(`http://127.0.0.1:${port}`);
  try {
    const res = await client.request({ method: 'POST', path: '/invoke', body });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`bare server answered ${res.statusCode}`);
  } finally {
    await client.close();
  }
}

/** How a bare server other than BARE_SERVER_JS is told its port and says it listens. */
export interface BareServerOptions {
  /** Added to the instance's environment, given the port (e.g. a server's own LISTEN_ADDR). */
  env?: (port: number) => Record<string, string>;
  /** Whether a stdout line says the server listens; default: the line is exactly "listening". */
  listening?: (line: string) => boolean;
  /**
   * The line comes before the listen (Go's `Println` then `ListenAndServe`): retry the first
   * request while the port refuses, as the scheduler polls an instance's port.
   */
  lineBeforeListen?: boolean;
}

/** firstRequest, retried at once while the port refuses connections (for up to 10 s). */
async function firstRequestOnceListening(port: number) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      return await firstRequest(port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' || performance.now() > deadline) throw err;
      await new Promise((r) => setImmediate(r));
    }
  }
}

/**
 * Spawns `node server.js` (or `command`, another server that says "listening") with an instance's
 * clean environment and times spawn → first response: the floor of a cold start. The process is
 * left running for the caller to measure or kill.
 */
export async function startBareServer(dir: string, command: string[] = [process.execPath, 'server.js'], runtime = 'nodejs20', opts: BareServerOptions = {}) {
  const port = await freePort();
  let listening!: () => void;
  const listened = new Promise<void>((r) => (listening = r));
  const saysListening = opts.listening ?? ((l: string) => l === 'listening');
  const t0 = performance.now();
  const proc = spawnTracked(command[0], command.slice(1), {
    cwd: dir, env: { ...instanceLikeEnv(dir, port, runtime), ...opts.env?.(port) }, onLine: (l) => (saysListening(l) ? (listening(), true) : false),
  });
  try {
    await Promise.race([listened, proc.exited.then(() => Promise.reject(new Error('bare server exited before listening')))]);
    const listenedMs = performance.now() - t0;
    await (opts.lineBeforeListen ? firstRequestOnceListening(port) : firstRequest(port));
    return { ms: performance.now() - t0, listenedMs, proc };
  } catch (err) {
    // Left running, it would hold the bench's event loop open after the scenario failed.
    await proc.kill();
    throw err;
  }
}

/** The environment a custom runtime running BARE_SERVER_JS needs in a service with this isolation. */
export const bareServerEnv = (sandbox: { kind: string }): Record<string, string> =>
  // Only in a sandbox's own network namespace: unsandboxed, 0.0.0.0 would be every address of the host.
  sandbox.kind === 'bwrap' ? { LISTEN_HOST: '0.0.0.0' } : {};
