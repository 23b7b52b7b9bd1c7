import { spawn, type ChildProcess } from 'node:child_process';

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** spawn itself failed (ENOENT, EACCES, ENOEXEC) */
  spawnError: NodeJS.ErrnoException | null;
}

/**
 * One instance's process tree. The child leads its own process group, so freeze, thaw and kill act
 * on `-pid` and reach whatever the function spawned too.
 */
export function startInstanceProcess(spec: LaunchSpec, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void) {
  const child: ChildProcess = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit: ExitInfo | null = null;
  const exitWaiters: ((e: ExitInfo) => void)[] = [];
  const finish = (e: ExitInfo) => {
    if (exit) return;
    exit = e;
    for (const w of exitWaiters.splice(0)) w(e);
  };
  child.stdout!.on('data', (c: Buffer) => onOutput('stdout', c));
  child.stderr!.on('data', (c: Buffer) => onOutput('stderr', c));
  child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: err }));
  // 'close' waits for stdio to end, so every line the process printed is in before we report the exit.
  child.on('close', (code, signal) => finish({ code, signal, spawnError: null }));
  // A grandchild that keeps stdout open would hold 'close' back forever; the leader's exit is enough then.
  child.on('exit', (code, signal) => setTimeout(() => finish({ code, signal, spawnError: null }), 200).unref());

  const signalGroup = (sig: NodeJS.Signals) => {
    if (exit || !child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };

  return {
    pid: child.pid ?? null,
    get exited() {
      return exit;
    },
    onExit(fn: (e: ExitInfo) => void) {
      if (exit) fn(exit);
      else exitWaiters.push(fn);
    },
    waitExit: () => new Promise<ExitInfo>((r) => (exit ? r(exit) : exitWaiters.push(r))),
    freeze: () => signalGroup('SIGSTOP'),
    thaw: () => signalGroup('SIGCONT'),
    /** 1. SIGCONT so a stopped process can act on SIGTERM, 2. SIGTERM, 3. SIGKILL after the grace. */
    async stop(graceMs: number) {
      if (exit) return exit;
      signalGroup('SIGCONT');
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const e = await new Promise<ExitInfo>((r) => (exit ? r(exit) : exitWaiters.push(r)));
      clearTimeout(timer);
      // The leader is gone; anything it left behind in its group goes too.
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* group empty */
        }
      }
      return e;
    },
    kill() {
      signalGroup('SIGCONT');
      signalGroup('SIGKILL');
    },
  };
}
export type InstanceProcess = ReturnType<typeof startInstanceProcess>;
