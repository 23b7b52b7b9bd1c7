import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { InstanceCgroup } from './cgroup.ts';
import type { LauncherPool } from './launchers.ts';
import { bwrapArgs, type BwrapPlan } from './layout.ts';
import { startOutsideRelay } from './outside-relay.ts';
import { rootMountCommand, rootMountIn } from './root-mount.ts';
import { watchProcess, signalTree, sampledGauge, cgroupGauge } from './process-watch.ts';
import type { ExitInfo, InstanceLimits, LaunchSpec, SandboxedProcess } from './types.ts';

export interface BwrapContext {
  /** Absolute path of bwrap (instances start with an empty environment, so no PATH lookup). */
  bwrap: string;
  system: string[];
  initScript: string;
  hostPorts: { dir: string; ports: number[] } | null;
  /** Launchers already in cgroups of their own, where a cgroup is writable. */
  launchers: LauncherPool | null;
  /** slirp4netns binary, when outbound network can be given. */
  slirp: string | null;
  resolvConf: string;
  /** Directory holding the hosts and hostname files every container gets, as Docker writes them. */
  containerEtc: string;
  /** For container roots (root-mount.ts, outside-relay.ts). */
  unshare: string;
  nsenter: string;
  /** Overlayfs works in a user namespace here: container instances get a private writable layer. */
  overlay: boolean;
}

/** Starts one instance in its own bubblewrap sandbox (mount, pid, net, ipc, uts, user namespaces). */
export function launchInBwrap(ctx: BwrapContext, spec: LaunchSpec, limits: InstanceLimits, runDir: string, onOutput: (s: 'stdout' | 'stderr', c: Buffer) => void): SandboxedProcess {
  const network = limits.internetAccess && ctx.slirp !== null;
  // A launcher always has the block fd open: bwrap must take it (or it would leak into the sandbox).
  const blockFd = network || ctx.launchers ? 4 : null;
  const plan: BwrapPlan = {
    spec, runDir, system: ctx.system, initScript: ctx.initScript, hostPorts: ctx.hostPorts,
    resolvConf: network ? ctx.resolvConf : null, infoFd: 3, blockFd, rootMount: rootMountIn(runDir), containerEtc: ctx.containerEtc,
  };
  // A container's root is mounted (overlay) by a wrapper that then runs bwrap (root-mount.ts).
  const argv = spec.root ? rootMountCommand(ctx.unshare, spec.root, runDir, ctx.overlay, [ctx.bwrap, ...bwrapArgs(plan)]) : [ctx.bwrap, ...bwrapArgs(plan)];
  let cgroup: InstanceCgroup | null = null;
  let child: ChildProcess;
  if (ctx.launchers) {
    const launcher = ctx.launchers.take();
    cgroup = launcher.cgroup;
    cgroup.setMemoryLimit(limits.memoryMB);
    child = launcher.child;
    launcher.exec(argv);
  } else {
    const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe', 'pipe'];
    if (blockFd !== null) stdio.push('pipe');
    child = spawn(argv[0], argv.slice(1), { env: {}, detached: true, stdio });
  }
  // The sandbox may go on before the network is there only when the command runs no user code at
  // start (the built-in bootstraps load it at the first request, which waits for `ready`).
  const holdForNetwork = network && spec.networkBeforeStart;
  const release = () => {
    if (blockFd !== null) (child.stdio[4] as Writable).end('1');
  };
  (child.stdio[4] as Writable | null)?.on('error', () => {});

  let slirp: ChildProcess | null = null;
  let relay: { stop(): void } | null = null;
  let nsInit: number | null = null; // host pid of the namespace's pid 1 (bwrap's reaper)
  const watch = watchProcess(child, onOutput, () => {
    slirp?.kill('SIGKILL');
    relay?.stop();
    cgroup?.remove();
  });

  // 1. bwrap reports the namespace's first pid once the namespaces exist, 2. outbound network is
  // attached to that namespace (slirp4netns), 3. the sandbox is let go to exec the command.
  const ready = new Promise<void>((resolve) => {
    let info = '';
    const infoPipe = child.stdio[3] as Readable;
    infoPipe.on('data', (c: Buffer) => {
      info += c.toString('utf8');
      const m = /"child-pid"\s*:\s*(\d+)/.exec(info);
      if (!m || nsInit !== null) return;
      nsInit = Number(m[1]);
      if (spec.root && spec.listen.kind === 'tcp' && !watch.exited) {
        const forwards = (ctx.hostPorts?.ports ?? []).map((p) => ({ port: p, socket: join(ctx.hostPorts!.dir, `${p}.sock`) }));
        relay = startOutsideRelay({ nsenter: ctx.nsenter, pid: nsInit, socket: join(runDir, 'ca.sock'), port: spec.listen.port, forwards, onStderr: (c) => onOutput('stderr', c) });
      }
      if (!holdForNetwork) release();
      if (!network) return resolve();
      // Without its network the function still runs, loopback only, and its log says why.
      loopbackUp(nsInit)
        .then(() => attachNetwork(nsInit!))
        .catch((err: Error) => onOutput('stderr', Buffer.from(`fnplay: this instance has no outbound network: ${err.message}\n`)))
        .then(() => {
          if (holdForNetwork) release();
        })
        .then(resolve);
    });
    infoPipe.on('error', () => {});
    watch.onExit(() => resolve());
  });

  /**
   * bwrap reports the pid before its child has set up loopback; slirp4netns configuring the same
   * namespace at that moment makes bwrap's netlink requests fail. Loopback is up once the
   * namespace's local routing table holds 127.0.0.1 (readable by the same user, no ptrace needed).
   */
  function loopbackUp(pid: number): Promise<void> {
    const deadline = Date.now() + 5000;
    return new Promise((resolve, reject) => {
      const check = () => {
        let trie = '';
        try {
          trie = readFileSync(`/proc/${pid}/net/fib_trie`, 'latin1');
        } catch {
          /* not there yet, or the sandbox is gone */
        }
        if (trie.includes('127.0.0.1')) return resolve();
        if (watch.exited || Date.now() > deadline) return reject(new Error('the sandbox did not bring up loopback'));
        setTimeout(check, 1);
      };
      check();
    });
  }

  function attachNetwork(pid: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // The network namespace belongs to the sandbox's user namespace: slirp4netns joins both.
      const slirpArgs = ['--configure', '--mtu=65520', '--disable-host-loopback', '--ready-fd=3', '--exit-fd=4', `--userns-path=/proc/${pid}/ns/user`, String(pid), 'tap0'];
      slirp = spawn(ctx.slirp!, slirpArgs, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
      let err = '';
      slirp.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
      (slirp.stdio[3] as Readable).once('data', () => resolve());
      (slirp.stdio[4] as Writable).on('error', () => {});
      slirp.once('exit', () => reject(new Error(`slirp4netns: ${err.trim().split('\n')[0] || 'exited'}`)));
      slirp.on('error', (e) => reject(e));
    });
  }

  /** The function's processes (pid 2 … in the namespace): SIGTERM goes to them, not to bwrap. */
  const inner = () => (nsInit !== null ? [nsInit] : child.pid ? [child.pid] : []);

  return {
    get pid() {
      return child.pid ?? null;
    },
    get exited() {
      return watch.exited;
    },
    address: { socketPath: join(runDir, 'ca.sock') },
    ready,
    onExit: watch.onExit,
    waitExit: watch.waitExit,
    async freeze() {
      if (watch.exited) return;
      if (cgroup) await cgroup.freeze();
      else signalTree(inner(), 'SIGSTOP');
    },
    thaw() {
      if (watch.exited) return;
      if (cgroup) cgroup.thaw();
      else signalTree(inner(), 'SIGCONT');
    },
    async stop(graceMs: number): Promise<ExitInfo> {
      if (watch.exited) return watch.exited;
      if (cgroup) cgroup.thaw();
      else signalTree(inner(), 'SIGCONT');
      // bwrap's pid 1 forwards nothing: the command (its child) gets SIGTERM; when it exits, the
      // namespace ends and the kernel kills everything left in it (setsid, double forks included).
      signalTree(inner(), 'SIGTERM', { childrenOnly: true });
      const timer = setTimeout(() => kill(), graceMs);
      const e = await watch.waitExit();
      clearTimeout(timer);
      return e;
    },
    kill,
    memory: cgroup ? cgroupGauge(cgroup) : sampledGauge(() => nsInit ?? child.pid ?? null),
    setupError: () => watch.setupError(),
  };

  function kill() {
    if (watch.exited) return;
    if (cgroup) cgroup.thaw();
    // The outer bwrap dies; --die-with-parent takes the namespace's pid 1, and with it every process inside.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    if (nsInit !== null) signalTree([nsInit], 'SIGKILL');
  }
}
export type { ExitInfo };
