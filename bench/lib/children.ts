import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

// Every process the benchmark starts itself (floors), so that none outlives the run, even on a crash.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) killGroup(c, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts a process as the scheduler starts an instance: its own process group, stdout and stderr
 * piped (and read), nothing on stdin. `onLine` sees stdout until it returns true.
 */
export function spawnTracked(command: string, args: string[], opts: { cwd: string; env: Record<string, string>; onLine?: (line: string) => boolean }) {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => live.delete(child));
  let watching = opts.onLine;
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    if (!watching) return; // still read, so the child never blocks on a full pipe
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (watching?.(line)) {
        watching = undefined;
        break;
      }
    }
  });
  child.stderr!.resume();
  return {
    child,
    pid: child.pid!,
    exited,
    /** SIGKILL to the whole group; resolves once the leader is gone. */
    async kill() {
      killGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

/** A free port on loopback, found as the scheduler finds one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The environment an instance gets (scheduler/instance-headers.ts): a small fixed set, nothing of
 * this process's own. In particular no NODE_EXTRA_CA_CERTS, which costs ~50 ms at every start.
 */
export function instanceLikeEnv(dir: string, port: number, runtime = 'nodejs20'): Record<string, string> {
  return {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: dir,
    LANG: 'C.UTF-8',
    TMPDIR: dir,
    FC_FUNC_CODE_PATH: dir,
    FC_SERVER_PORT: String(port),
    FC_CUSTOM_LISTEN_PORT: String(port),
    FC_RUNTIME: runtime,
    FC_FUNCTION_NAME: 'floor',
    FC_FUNCTION_HANDLER: 'index.handler',
    FC_SERVICE_NAME: 'bench',
    FC_QUALIFIER: 'LATEST',
    FC_REGION: 'cn-hangzhou',
    FC_ACCOUNT_ID: '1234567890',
    FC_FUNCTION_MEMORY_SIZE: '128',
    FC_INSTANCE_ID: 'c-floor',
  };
}
