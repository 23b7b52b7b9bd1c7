import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bwrapArgs, INIT_IN_SANDBOX, systemMounts, type BwrapPlan } from './layout.ts';

const plan = (patch: Partial<BwrapPlan['spec']> = {}, extra: Partial<BwrapPlan> = {}): BwrapPlan => ({
  spec: { command: '/usr/bin/node', args: ['/var/fc/fnplay/runtimes/nodejs/bootstrap.cjs'], env: { FC_FUNC_CODE_PATH: '/code', A: 'b c' }, codeDir: '/data/code/123', listen: { kind: 'socket' }, networkBeforeStart: false, ...patch },
  runDir: '/data/run/abc', resolvConf: null, system: ['--ro-bind', '/usr', '/usr'], infoFd: 3, blockFd: null, initScript: '/repo/instance-init.sh', hostPorts: null, ...extra,
});

/** The value that follows `flag … first` in the argument list (for flags with two operands, the pair). */
const pairsOf = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [[args[i + 1], args[i + 2]]] : []));

describe('bwrapArgs', () => {
  it('shows the code read-only at /code and the run dir read-write at /run/fnplay, and nothing else of the data dir', () => {
    const a = bwrapArgs(plan());
    expect(pairsOf(a, '--ro-bind')).toContainEqual(['/data/code/123', '/code']);
    expect(pairsOf(a, '--bind')).toEqual([['/data/run/abc', '/run/fnplay']]);
    expect(a.filter((x) => x.startsWith('/data/'))).toEqual(['/data/code/123', '/data/run/abc']);
  });

  it('unshares every namespace, dies with the service and gives a 512 MB /tmp', () => {
    const a = bwrapArgs(plan());
    for (const f of ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--die-with-parent']) expect(a).toContain(f);
    const tmp = a.indexOf('/tmp');
    expect(a.slice(tmp - 5, tmp + 1)).toEqual(['--size', String(512 * 1024 * 1024), '--perms', '1777', '--tmpfs', '/tmp']);
  });

  it('starts from an empty environment and sets exactly the spec\'s, values with spaces intact', () => {
    const a = bwrapArgs(plan());
    expect(a).toContain('--clearenv');
    expect(pairsOf(a, '--setenv')).toEqual([['FC_FUNC_CODE_PATH', '/code'], ['A', 'b c']]);
  });

  it('puts the TCP relay in front of a server that listens on a port', () => {
    const a = bwrapArgs(plan({ command: '/code/bootstrap', args: ['--flag'], listen: { kind: 'tcp', port: 9000 } }));
    expect(a.slice(a.indexOf('--') + 1)).toEqual(['/bin/bash', INIT_IN_SANDBOX, '--relay', '9000', '--', '/code/bootstrap', '--flag']);
    expect(pairsOf(a, '--ro-bind')).toContainEqual(['/repo/instance-init.sh', INIT_IN_SANDBOX]);
  });

  it('forwards the host ports the user named, and only those', () => {
    const a = bwrapArgs(plan({}, { hostPorts: { dir: '/data/host-ports', ports: [5432, 6379] } }));
    expect(pairsOf(a, '--ro-bind')).toContainEqual(['/data/host-ports', '/run/fnplay-host']);
    expect(a.slice(a.indexOf('--') + 1)).toEqual(['/bin/bash', INIT_IN_SANDBOX, '--forward', '5432:/run/fnplay-host/5432.sock', '--forward', '6379:/run/fnplay-host/6379.sock', '--', '/usr/bin/node', '/var/fc/fnplay/runtimes/nodejs/bootstrap.cjs']);
  });

  it('holds the sandbox for the network only when asked, with the DNS of the user-mode stack', () => {
    expect(bwrapArgs(plan())).not.toContain('--block-fd');
    const a = bwrapArgs(plan({}, { blockFd: 4, resolvConf: '/data/resolv.conf' }));
    expect(a.slice(a.indexOf('--block-fd'), a.indexOf('--block-fd') + 2)).toEqual(['--block-fd', '4']);
    expect(pairsOf(a, '--ro-bind')).toContainEqual(['/data/resolv.conf', '/etc/resolv.conf']);
  });

  it('makes the links a runtime asks for inside the sandbox only', () => {
    const a = bwrapArgs(plan({ links: [{ target: '/var/fc/fnplay/node_modules/co', at: '/var/fc/runtime/nodejs/node_modules/co' }] }));
    expect(pairsOf(a, '--symlink')).toContainEqual(['/var/fc/fnplay/node_modules/co', '/var/fc/runtime/nodejs/node_modules/co']);
  });

  it('shows the host directories a runtime asks for read-only (an interpreter outside /usr)', () => {
    const a = bwrapArgs(plan({ binds: [{ host: '/root/.pyenv/versions/3.11.7', at: '/var/fc/lang/python' }] }));
    expect(pairsOf(a, '--ro-bind')).toContainEqual(['/root/.pyenv/versions/3.11.7', '/var/fc/lang/python']);
  });
});

describe('systemMounts', () => {
  it('shows /usr and /etc read-only with the host\'s secrets covered', () => {
    const a = systemMounts();
    expect(pairsOf(a, '--ro-bind')).toEqual(expect.arrayContaining([['/usr', '/usr'], ['/etc', '/etc']]));
    if (existsSync('/etc/shadow')) expect(pairsOf(a, '--ro-bind')).toContainEqual(['/dev/null', '/etc/shadow']);
    if (existsSync('/etc/ssh')) expect(pairsOf(a, '--tmpfs').map(([d]) => d)).toContain('/etc/ssh');
  });

  it("runs a container's root as the whole file system: no host dirs, no /code, the image's user and dir, the command itself", () => {
    const root = { dir: '/data/images/rootfs/abc', shared: true, uid: 1000, gid: 1000, workingDir: '/app' };
    const a = bwrapArgs(plan({ command: '/app/server', args: ['--x'], env: { IMAGE_VAR: 'x' }, listen: { kind: 'tcp', port: 9000 }, root }, { rootMount: '/data/run/abc/root', containerEtc: '/data/container-etc' }));
    expect(pairsOf(a, '--bind')).toEqual([['/data/run/abc/root', '/']]);
    expect(pairsOf(a, '--ro-bind')).toEqual([['/data/container-etc/hosts', '/etc/hosts'], ['/data/container-etc/hostname', '/etc/hostname']]);
    expect(a).not.toContain('/usr');
    expect(a).not.toContain('/code');
    expect(a).not.toContain(INIT_IN_SANDBOX);
    expect(pairsOf(a, '--uid')[0][0]).toBe('1000');
    expect(pairsOf(a, '--chdir')[0][0]).toBe('/app');
    expect(a.slice(a.indexOf('--') + 1)).toEqual(['/app/server', '--x']);
  });
});
