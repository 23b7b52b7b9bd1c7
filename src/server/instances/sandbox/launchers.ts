import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { CgroupRoot, InstanceCgroup } from './cgroup.ts';

/** Launchers kept waiting, each already inside a cgroup of its own. */
export const SPARE_LAUNCHERS = 2;
/** A refill waits this long after a take, so its cgroup move does not land in that cold start. */
const REFILL_DELAY_MS = 150;

// Joins the cgroups named as arguments, then reads the command line from stdin (NUL-separated)
// and execs it. Moving a task into a cgroup costs 5–15 ms the first time after a quiet spell (the
// kernel waits out an RCU grace period, and holds every fork meanwhile), so it is done here ahead
// of time instead of in the cold start. The files are arguments, not environment: the command
// (bwrap, whose environment the sandbox's pid 1 shows) starts with none.
const LAUNCHER = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done; mapfile -d "" -t argv; exec "${argv[@]}"';

export interface Launcher {
  /** stdio: 0 the command line, 1 stdout, 2 stderr, 3 bwrap's info fd, 4 its block fd. */
  child: ChildProcess;
  cgroup: InstanceCgroup;
  exec(argv: string[]): void;
}

/** A few launchers ready in their cgroups; `take` hands one out (or makes one) and refills later. */
export function createLauncherPool(cgroups: CgroupRoot) {
  const spares: Launcher[] = [];
  let refill: NodeJS.Timeout | null = null;
  let closed = false;

  function make(): Launcher {
    const cgroup = cgroups.create(`sb-${randomUUID()}`);
    // --norc: bash reads ~/.bashrc even non-interactive when its stdin is a socket (Node's pipes are).
    const child = spawn('/bin/bash', ['--norc', '-c', LAUNCHER, 'fnplay-launcher', String(cgroup.procsFiles.length), ...cgroup.procsFiles], {
      env: {}, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    child.on('error', () => {}); // reported through the exit, where the instance watches it
    child.stdin!.on('error', () => {});
    return { child, cgroup, exec: (argv) => void child.stdin!.end(argv.join('\0') + '\0') };
  }

  function discard(l: Launcher) {
    try {
      process.kill(-l.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    l.cgroup.remove();
  }

  function fill() {
    refill = null;
    while (!closed && spares.length < SPARE_LAUNCHERS) spares.push(make());
  }

  return {
    take(): Launcher {
      let l = spares.shift();
      // One that died (its cgroup vanished, say) is no use: make one now.
      while (l && l.child.exitCode !== null) {
        discard(l);
        l = spares.shift();
      }
      if (!closed) refill ??= setTimeout(fill, REFILL_DELAY_MS);
      refill?.unref();
      return l ?? make();
    },
    /** The first spares, made at start. */
    warm: () => setImmediate(fill),
    close() {
      closed = true;
      if (refill) clearTimeout(refill);
      for (const l of spares.splice(0)) discard(l);
    },
  };
}
export type LauncherPool = ReturnType<typeof createLauncherPool>;
