import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { HOST_PORTS_IN_SANDBOX } from './host-ports.ts';
import type { LaunchSpec, RootSpec } from './types.ts';

// The file system an instance sees, as FC lays it out (SPEC §2a): /code read-only, a private
// 512 MB /tmp, /opt for layers, the host's system directories read-only so its toolchains serve as
// FC's built-in ones, and nothing else of the host.

/** Every instance's host name (uts namespace). */
export const CONTAINER_HOSTNAME = 'fc-instance';

/** Where things are inside every sandbox. */
export const IN_SANDBOX = {
  code: '/code',
  tmp: '/tmp',
  /** The per-instance directory shared with the service: only the CA socket lives there. */
  run: '/run/fnplay',
  socket: '/run/fnplay/ca.sock',
  /** fnplay's own helpers (the TCP relay) and the runtimes' files. */
  fnplay: '/var/fc/fnplay',
  /** Commands FC's images have that the host may lack under that name (`python`, `node`). */
  compatBin: '/var/fc/bin',
} as const;

/** A PATH like FC's custom runtime's, plus the compat dir last so the host's own names win. */
export const SANDBOX_PATH = `/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:${IN_SANDBOX.compatBin}`;

// Files of /etc that hold host secrets; the rest of /etc (alternatives, certificates, ld.so.cache,
// the toolchains' own config) is what the host's toolchains need to run.
const ETC_SECRETS_FILES = ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/sudoers', '/etc/security/opasswd', '/etc/machine-id'];
const ETC_SECRETS_DIRS = ['/etc/ssh', '/etc/ssl/private', '/etc/sudoers.d', '/etc/credstore', '/etc/credstore.encrypted', '/etc/NetworkManager/system-connections', '/etc/wireguard'];

/** The host's system directories, computed once per service: binds for real dirs, symlinks for merged-/usr links. */
export function systemMounts(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc'];
  for (const d of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (!existsSync(d)) continue;
    const st = lstatSync(d);
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(d), d);
    else if (st.isDirectory()) args.push('--ro-bind', d, d);
  }
  for (const f of ETC_SECRETS_FILES) if (existsSync(f)) args.push('--ro-bind', '/dev/null', f);
  for (const d of ETC_SECRETS_DIRS) if (isDir(d)) args.push('--tmpfs', d);
  return args;
}

function isDir(p: string) {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The Node.js that runs fnplay, as instances see it. Under /usr it is already there; elsewhere
 * (nvm, a tarball in $HOME) its install prefix is shown read-only at /var/fc/lang/nodejs, so
 * that no host path of the user's shows inside.
 */
export function nodeInSandbox(): { binary: string; mounts: string[] } {
  const exec = realpathSync(process.execPath);
  if (exec.startsWith('/usr/') || exec.startsWith('/bin/')) return { binary: exec, mounts: [] };
  const prefix = dirname(dirname(exec));
  const binary = `/var/fc/lang/nodejs/${exec.slice(prefix.length + 1)}`;
  return { binary, mounts: ['--ro-bind', prefix, '/var/fc/lang/nodejs', '--symlink', binary, `${IN_SANDBOX.compatBin}/node`] };
}

/** `python` for hosts that only have `python3` (FC's images have both). */
export function compatLinks(): string[] {
  const args: string[] = [];
  if (!existsSync('/usr/bin/python') && !existsSync('/usr/local/bin/python') && existsSync('/usr/bin/python3')) args.push('--symlink', '/usr/bin/python3', `${IN_SANDBOX.compatBin}/python`);
  return args;
}

export interface BwrapPlan {
  spec: LaunchSpec;
  /** Host directory shown at /run/fnplay (read-write: the CA socket is made there). */
  runDir: string;
  /** Host file shown as /etc/resolv.conf when the instance has its own outbound network. */
  resolvConf: string | null;
  system: string[];
  infoFd: number;
  blockFd: number | null;
  /** Host path of instance-init.sh (the TCP relay and host-port forwards). */
  initScript: string;
  /** Host loopback ports the user named, served as sockets in `dir` (host-ports.ts). */
  hostPorts: { dir: string; ports: number[] } | null;
  /** Where root-mount.ts mounts a container's root before bwrap starts (`spec.root` only). */
  rootMount?: string;
  /** Host directory with the `hosts` and `hostname` files a container gets (`spec.root` only). */
  containerEtc?: string;
}

/** instance-init.sh's place inside: it fronts servers on a TCP port and forwards host ports. */
export const INIT_IN_SANDBOX = `${IN_SANDBOX.fnplay}/instance-init.sh`;

/** bwrap's arguments for one instance (pure: the plan decides everything). */
export function bwrapArgs(plan: BwrapPlan): string[] {
  const { spec } = plan;
  if (spec.root) return rootBwrapArgs(plan, spec.root);
  const a: string[] = [
    // Own user namespace even as root: capabilities inside reach only the sandbox's own namespaces;
    // uid 0 inside, as FC's instances run. (--disable-userns would nest a second user namespace
    // that slirp4netns then cannot attach the network from.)
    '--unshare-user', '--uid', '0', '--gid', '0',
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--die-with-parent', '--hostname', 'fc-instance',
    '--info-fd', String(plan.infoFd),
    ...(plan.blockFd !== null ? ['--block-fd', String(plan.blockFd)] : []),
    ...plan.system,
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(512 * 1024 * 1024), '--perms', '1777', '--tmpfs', IN_SANDBOX.tmp,
    '--dir', '/opt',
    '--ro-bind', spec.codeDir, IN_SANDBOX.code,
    '--bind', plan.runDir, IN_SANDBOX.run,
    '--ro-bind', plan.initScript, INIT_IN_SANDBOX,
  ];
  const hostPorts = plan.hostPorts?.ports ?? [];
  if (hostPorts.length) a.push('--ro-bind', plan.hostPorts!.dir, HOST_PORTS_IN_SANDBOX);
  const forwards = [...hostPorts.map((p) => `${p}:${HOST_PORTS_IN_SANDBOX}/${p}.sock`), ...(spec.forwards ?? []).map((f) => `${f.port}:${f.socket}`)];
  if (plan.resolvConf) a.push('--ro-bind', plan.resolvConf, '/etc/resolv.conf');
  for (const b of spec.binds ?? []) a.push('--ro-bind', b.host, b.at);
  for (const l of spec.links ?? []) a.push('--symlink', l.target, l.at);
  a.push('--chdir', IN_SANDBOX.code, '--clearenv');
  for (const [k, v] of Object.entries(spec.env)) a.push('--setenv', k, v);
  a.push('--');
  if (spec.listen.kind === 'tcp' || forwards.length) {
    a.push('/bin/bash', INIT_IN_SANDBOX, ...forwards.flatMap((f) => ['--forward', f]));
    if (spec.listen.kind === 'tcp') a.push('--relay', String(spec.listen.port));
    a.push('--');
  }
  a.push(spec.command, ...spec.args);
  return a;
}

/**
 * A container instance: the image's tree (as root-mount.ts mounted it at `plan.rootMount`) is the
 * whole file system, run as the image's user, with private /tmp, /proc and /dev; the command runs
 * directly (the image has no bash or socat of ours: the relay works from outside, outside-relay.ts).
 */
function rootBwrapArgs(plan: BwrapPlan, root: RootSpec): string[] {
  const { spec } = plan;
  const a: string[] = [
    '--unshare-user', '--uid', String(root.uid), '--gid', String(root.gid),
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--die-with-parent', '--hostname', CONTAINER_HOSTNAME,
    '--info-fd', String(plan.infoFd),
    ...(plan.blockFd !== null ? ['--block-fd', String(plan.blockFd)] : []),
    '--bind', plan.rootMount!, '/',
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(512 * 1024 * 1024), '--perms', '1777', '--tmpfs', IN_SANDBOX.tmp,
  ];
  if (plan.resolvConf) a.push('--ro-bind', plan.resolvConf, '/etc/resolv.conf');
  if (plan.containerEtc) a.push('--ro-bind', `${plan.containerEtc}/hosts`, '/etc/hosts', '--ro-bind', `${plan.containerEtc}/hostname`, '/etc/hostname');
  a.push('--chdir', root.workingDir || '/', '--clearenv');
  for (const [k, v] of Object.entries(spec.env)) a.push('--setenv', k, v);
  a.push('--', spec.command, ...spec.args);
  return a;
}
