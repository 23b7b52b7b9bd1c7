import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { reapLeftovers } from '../leftovers.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchInBwrap, type BwrapContext } from './bwrap.ts';
import { findCgroupRoot } from './cgroup.ts';
import { createLauncherPool } from './launchers.ts';
import { compatLinks, CONTAINER_HOSTNAME, IN_SANDBOX, nodeInSandbox, SANDBOX_PATH, systemMounts } from './layout.ts';
import { launchUnsandboxed } from './unsandboxed.ts';
import { probeOverlay } from './root-mount.ts';
import type { InstanceView, Sandbox, SandboxStatus } from './types.ts';

export type { Sandbox, SandboxStatus, SandboxedProcess, LaunchSpec, RootSpec, InstanceLimits, ExitInfo, CaAddress, MemoryGauge, InstanceView, InstanceDirs } from './types.ts';
export { IN_SANDBOX } from './layout.ts';
export { SPARE_LAUNCHERS } from './launchers.ts';
export { startHostPortForwarders, type HostPortForwarders } from './host-ports.ts';

export type SandboxMode = 'auto' | 'on' | 'off';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUNTIMES_DIR = join(HERE, '..', '..', 'runtimes');
const NODE_MODULES_DIR = join(HERE, '..', '..', '..', '..', 'node_modules');
const INIT_SCRIPT = join(HERE, 'instance-init.sh');

export class SandboxUnavailable extends Error {}

function tunUsable(): boolean {
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** Runs a trivial sandbox with the namespaces instances get; returns bwrap's complaint when it fails. */
function probeBwrap(): string | null {
  const r = spawnSync('bwrap', ['--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent', ...systemMounts(), '--proc', '/proc', '--dev', '/dev', '--', '/bin/true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return r.error.message;
  if (r.status !== 0) return (r.stderr || `exit ${r.status}`).trim();
  return null;
}

/**
 * The sandbox every instance runs in (SPEC §2a): bubblewrap where it works, cgroups where one is
 * writable, slirp4netns for outbound network where installed; else the host's environment, said
 * plainly. `on` refuses to start without a working sandbox; `off` never isolates.
 */
export function createSandbox(opts: { mode: SandboxMode; dataDir: string; hostPorts?: { dir: string; ports: number[] } }): Sandbox {
  const notices: string[] = [];
  const instancesDir = join(opts.dataDir, 'instances');
  const runRoot = join(opts.dataDir, 'run');
  mkdirSync(instancesDir, { recursive: true });
  mkdirSync(runRoot, { recursive: true });
  let problem: string | null = null;
  if (opts.mode === 'off') problem = 'the sandbox is off (--sandbox off)';
  else if (!which('bwrap')) problem = 'bubblewrap (bwrap) is not installed';
  else if (!which('socat')) problem = 'socat (the relay to custom runtimes inside the sandbox) is not installed';
  else {
    const err = probeBwrap();
    if (err) problem = `bubblewrap cannot create namespaces here (${err}); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, or an AppArmor restriction)`;
  }
  if (problem && opts.mode === 'on') throw new SandboxUnavailable(`--sandbox on, but ${problem}. Install the Debian packages bubblewrap and socat, or start with --sandbox auto.`);

  const cgroups = problem ? null : findCgroupRoot(opts.dataDir);
  // slirp4netns needs the TUN device; without it every attach would fail, so say so once instead.
  const slirp = problem || !tunUsable() ? null : which('slirp4netns');
  const status: SandboxStatus = { kind: problem ? 'none' : 'bwrap', cgroup: cgroups?.version ?? 'none', network: slirp ? 'slirp4netns' : 'none', notices };
  if (problem) {
    notices.push(`Instances are not isolated: ${problem}. They run as your user in your environment: a function can read your files and the service's. Install bubblewrap and socat (Debian: apt install bubblewrap socat) for one sandbox per instance.`);
  } else {
    if (!cgroups) notices.push('No writable cgroup: memory is sampled from /proc (a fast allocation can pass the limit briefly), freezing uses SIGSTOP, and the per-instance process limit is not enforced. On cgroup v2, start fnplay in a delegated scope (systemd-run --user --scope -p Delegate=yes npm start) to get them.');
    if (!slirp) notices.push(which('slirp4netns') ? 'The TUN device (/dev/net/tun) is not usable here: instances have loopback only, whatever internetAccess says.' : 'slirp4netns is not installed: instances have loopback only, whatever internetAccess says (Debian: apt install slirp4netns).');
  }

  // Container instances: a private writable layer over the shared image tree needs overlayfs in a
  // user namespace; without it each instance unpacks its image for itself (root-mount.ts).
  const unshare = which('unshare') ?? '/usr/bin/unshare';
  const overlayProblem = problem ? 'no sandbox' : probeOverlay(unshare, runRoot);
  if (!problem && overlayProblem) notices.push(`Overlayfs cannot be mounted in a user namespace here (${overlayProblem}; Linux 5.11 or later allows it): each custom-container instance unpacks its image for itself, so image acceleration does not shorten cold starts.`);

  const launchers = cgroups ? createLauncherPool(cgroups) : null;
  const node = nodeInSandbox();
  const resolvConf = join(opts.dataDir, 'resolv.conf');
  if (!problem) writeFileSync(resolvConf, '# slirp4netns built-in DNS\nnameserver 10.0.2.3\n');
  // What Docker writes into every container: images rarely carry these, and `localhost` must resolve.
  const containerEtc = join(opts.dataDir, 'container-etc');
  if (!problem) {
    mkdirSync(containerEtc, { recursive: true });
    writeFileSync(join(containerEtc, 'hosts'), `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${CONTAINER_HOSTNAME}\n`);
    writeFileSync(join(containerEtc, 'hostname'), `${CONTAINER_HOSTNAME}\n`);
  }
  const ctx: BwrapContext = {
    bwrap: which('bwrap') ?? 'bwrap',
    system: [
      ...systemMounts(), ...node.mounts, ...compatLinks(),
      '--ro-bind', RUNTIMES_DIR, `${IN_SANDBOX.fnplay}/runtimes`,
      '--ro-bind', NODE_MODULES_DIR, `${IN_SANDBOX.fnplay}/node_modules`,
    ],
    initScript: INIT_SCRIPT,
    hostPorts: opts.hostPorts && opts.hostPorts.ports.length ? opts.hostPorts : null,
    launchers,
    slirp,
    resolvConf,
    containerEtc,
    unshare,
    nsenter: which('nsenter') ?? '/usr/bin/nsenter',
    overlay: !overlayProblem,
  };

  return {
    status,
    writableLayers: !overlayProblem,
    dirsFor: (instanceId) => ({ dir: join(instancesDir, instanceId), runDir: join(runRoot, instanceId.replace(/-/g, '').slice(-16)) }),
    view(dirs, codeDir): InstanceView {
      if (problem) {
        return {
          sandboxed: false, codeDir, tmpDir: join(dirs.dir, 'tmp'), socketPath: join(dirs.runDir, 'ca.sock'),
          nodeBinary: process.execPath, runtimesDir: RUNTIMES_DIR, nodeModulesDir: NODE_MODULES_DIR,
          path: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        };
      }
      return {
        sandboxed: true, codeDir: IN_SANDBOX.code, tmpDir: IN_SANDBOX.tmp, socketPath: IN_SANDBOX.socket,
        nodeBinary: node.binary, runtimesDir: `${IN_SANDBOX.fnplay}/runtimes`, nodeModulesDir: `${IN_SANDBOX.fnplay}/node_modules`,
        path: SANDBOX_PATH,
      };
    },
    launch(spec, limits, dirs, onOutput) {
      mkdirSync(dirs.runDir, { recursive: true });
      if (problem) {
        mkdirSync(join(dirs.dir, 'tmp'), { recursive: true });
        return launchUnsandboxed(spec, dirs, onOutput);
      }
      return launchInBwrap(ctx, spec, limits, dirs.runDir, onOutput);
    },
    reapLeftovers() {
      // Sandboxed instances die with the service (--die-with-parent); their cgroups and dirs stay,
      // and unsandboxed ones keep running: leftovers.ts finds those by their recorded process group.
      const n = (cgroups?.reap() ?? 0) + reapLeftovers(instancesDir);
      rmSync(runRoot, { recursive: true, force: true });
      mkdirSync(runRoot, { recursive: true });
      // Spares only after the reap: it would take them for leftovers.
      launchers?.warm();
      return n;
    },
    close: () => launchers?.close(),
  };
}
