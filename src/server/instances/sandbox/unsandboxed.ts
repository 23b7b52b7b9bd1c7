import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sampledGauge, watchProcess } from './process-watch.ts';
import type { ExitInfo, LaunchSpec, SandboxedProcess } from './types.ts';

/**
 * Without bubblewrap: the instance runs in the host's environment as the service's user (the
 * service says so at start). Paths in the spec were made for this mode (`view` in index.ts), the
 * child leads its own process group, so freeze, thaw and kill act on `-pid`.
 */
export function launchUnsandboxed(spec: LaunchSpec, dirs: { runDir: string }, onOutput: (s: 'stdout' | 'stderr', c: Buffer) => void): SandboxedProcess {
  const runDir = dirs.runDir;
  const child = spawn(spec.command, spec.args, { cwd: spec.codeDir, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const watch = watchProcess(child, onOutput, () => {});
  const group = (sig: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* the group is already gone */
    }
  };
  const signalGroup = (sig: NodeJS.Signals) => {
    if (!watch.exited) group(sig);
  };
  return {
    get pid() {
      return child.pid ?? null;
    },
    get exited() {
      return watch.exited;
    },
    address: spec.listen.kind === 'tcp' ? { port: spec.listen.port } : { socketPath: join(runDir, 'ca.sock') },
    ready: Promise.resolve(),
    onExit: watch.onExit,
    waitExit: watch.waitExit,
    freeze: () => signalGroup('SIGSTOP'),
    thaw: () => signalGroup('SIGCONT'),
    /** 1. SIGCONT so a stopped process can act on SIGTERM, 2. SIGTERM, 3. SIGKILL after the grace. */
    async stop(graceMs: number): Promise<ExitInfo> {
      if (watch.exited) return watch.exited;
      signalGroup('SIGCONT');
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const e = await watch.waitExit();
      clearTimeout(timer);
      group('SIGKILL'); // the leader is gone; anything it left in its group goes too
      return e;
    },
    kill() {
      signalGroup('SIGCONT');
      signalGroup('SIGKILL');
    },
    memory: sampledGauge(() => child.pid ?? null),
    setupError: () => null,
  };
}
