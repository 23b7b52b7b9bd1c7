import type { ChildProcess } from 'node:child_process';
import { peakRssBytes, resetPeak, treePids, treeRssBytes } from '../process-tree.ts';
import type { InstanceCgroup } from './cgroup.ts';
import type { ExitInfo, MemoryGauge } from './types.ts';

/** Output and exit of the process the service spawned (bwrap, or the instance itself unsandboxed). */
export function watchProcess(child: ChildProcess, onOutput: (s: 'stdout' | 'stderr', c: Buffer) => void, onGone: () => void) {
  let exit: ExitInfo | null = null;
  let setupError: string | null = null;
  const waiters: ((e: ExitInfo) => void)[] = [];
  const finish = (e: ExitInfo) => {
    if (exit) return;
    exit = e;
    // Waiters first: they may still read the cgroup (was it the OOM killer?) before it goes.
    try {
      for (const w of waiters.splice(0)) w(e);
    } finally {
      onGone();
    }
  };
  child.stdout!.on('data', (c: Buffer) => onOutput('stdout', c));
  child.stderr!.on('data', (c: Buffer) => {
    // bwrap says what it could not set up on its own stderr, before the command runs.
    if (setupError === null && c.subarray(0, 7).toString('latin1') === 'bwrap: ') setupError = c.toString('utf8').split('\n')[0];
    onOutput('stderr', c);
  });
  child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: err }));
  // 'close' waits for stdio to end, so every line the process printed is in before we report the exit.
  child.on('close', (code, signal) => finish({ code, signal, spawnError: null }));
  // A grandchild that keeps stdout open would hold 'close' back forever; the leader's exit is enough then.
  child.on('exit', (code, signal) => setTimeout(() => finish({ code, signal, spawnError: null }), 200).unref());
  return {
    get exited() {
      return exit;
    },
    setupError: () => setupError,
    onExit(fn: (e: ExitInfo) => void) {
      if (exit) fn(exit);
      else waiters.push(fn);
    },
    waitExit: () => new Promise<ExitInfo>((r) => (exit ? r(exit) : waiters.push(r))),
  };
}

/** Signals every process of the trees under `roots` (host pids), found through /proc. */
export function signalTree(roots: number[], sig: NodeJS.Signals, opts: { childrenOnly?: boolean } = {}) {
  for (const root of roots) {
    const pids = treePids(root);
    for (const pid of opts.childrenOnly ? pids.slice(1) : pids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* exited meanwhile */
      }
    }
  }
}

/** Memory from the kernel's cgroup counters: one small read instead of walking /proc. */
export function cgroupGauge(cg: InstanceCgroup): MemoryGauge {
  const safe = (f: () => number) => {
    try {
      return f();
    } catch {
      return 0;
    }
  };
  return {
    current: () => safe(() => cg.current()),
    resetPeak: () => void safe(() => (cg.resetPeak(), 0)),
    peak: () => safe(() => cg.peak()),
    oomKilled: () => safe(() => cg.oomKills()) > 0,
  };
}

/** Memory without a cgroup: the process tree's RSS from /proc (SPEC §3's clear_refs / VmHWM). */
export function sampledGauge(root: () => number | null): MemoryGauge {
  return {
    current: () => {
      const r = root();
      return r ? treeRssBytes(r) : 0;
    },
    resetPeak: () => {
      const r = root();
      if (r) resetPeak(r);
    },
    peak: () => {
      const r = root();
      return r ? peakRssBytes(r) : 0;
    },
    oomKilled: () => false,
  };
}
